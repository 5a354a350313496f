"""The plaque registry downloads with exactly the registry's filtered rows."""

from __future__ import annotations

from tests.exports_helpers import body_of, workbook_rows
from tests.factories import MembershipFactory, UserFactory
from tests.signage.helpers import sign


def test_the_registry_export_holds_the_filtered_rows(world, api_as):
    from signage import services

    gone = sign(world, "旧牌子", kind="publicity")
    sign(world, "A一社区居民委员会")
    cadre2 = UserFactory(username="a_cadre2")
    MembershipFactory(user=cadre2, organisation=world.a.community2, role="community_cadre")
    sign(world, "A二社区居民委员会", community=world.a.community2, actor=cadre2)
    services.plaque_remove(
        actor=world.a.cadre, plaque=gone, removed_on=gone.installed_on, reason="整合"
    )
    client = api_as(world.a.supervisor)
    for query in ("", "?status=up", "?status=removed", f"?community={world.a.community.code}"):
        texts = sorted(r["text"] for r in client.get(f"/api/v1/plaques/{query}").json()["results"])
        _header, rows = workbook_rows(body_of(client.get(f"/api/v1/plaques/export/{query}")))
        assert sorted(row[2] for row in rows) == texts
