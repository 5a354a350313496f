"""The demo city that `make demo` seeds: big enough to look real, and safe to seed twice.

Seeding takes seconds, so the module seeds once (``seeded``) inside a transaction that is
rolled back when the module ends; each test runs in a savepoint inside it, as usual.
"""

from __future__ import annotations

import sys
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings

from registry import demo, permissions
from registry.audit import audit_chain_verify
from registry.models import AuditEntry, Membership, Organisation, Role, User

README = Path(__file__).resolve().parents[2] / "README.md"


# pytest-django runs tests with DEBUG off, which seed_demo takes for production; and the
# demo hashes several passwords per run, which the default hasher makes take seconds.
DEMO_SETTINGS = {
    "DEBUG": True,
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
}


@pytest.fixture(autouse=True)
def demo_settings(settings):
    for name, value in DEMO_SETTINGS.items():
        setattr(settings, name, value)


def seed_demo() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded_output(django_db_setup, django_db_blocker):
    """The output of seeding an empty database, once per module; undone afterwards."""
    with django_db_blocker.unblock(), override_settings(**DEMO_SETTINGS), transaction.atomic():
        yield seed_demo()
        transaction.set_rollback(True)


@pytest.fixture
def seeded(seeded_output, db) -> str:
    return seeded_output


def counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "audit entries": AuditEntry.objects.count(),
    }


def test_demo_city_is_big_enough_to_look_real(seeded):
    areas = Organisation.objects.areas()
    assert areas.filter(level="district").count() >= 3
    assert areas.filter(level="street").count() >= 10
    communities = Organisation.objects.communities()
    assert communities.count() >= 60
    assert communities.filter(level="village").count() >= 15
    assert communities.filter(is_monitoring_point=True).count() >= 3
    departments = Organisation.objects.departments()
    assert departments.count() >= 15
    assert {"市民政局", "市统计局", "市残联", "市卫生健康委", "市医保局"} <= set(
        departments.values_list("name", flat=True)
    )
    assert departments.filter(parent__level="district").count() >= 9


def test_communities_and_villages_have_plausible_figures(seeded):
    for community in Organisation.objects.communities():
        if community.level == Organisation.Level.VILLAGE:
            assert 3 <= community.staff_count <= 7, community
            assert 200 <= community.households <= 900, community
        else:
            assert 5 <= community.staff_count <= 15, community
            assert 800 <= community.households <= 5000, community
        assert 2.3 <= community.population / community.households <= 2.9, community


def test_every_community_sits_under_a_street_under_a_district(seeded):
    for community in Organisation.objects.communities().select_related("parent__parent__parent"):
        street = community.parent
        assert street.kind == "area" and street.level == "street", community
        assert street.parent.level == "district", community
        assert street.parent.parent.code == demo.CITY[0], community
        assert community.code.startswith(street.code) and len(community.code) == 12
        assert len(street.code) == 9
        assert (
            community.path == f"/990000/990100/{street.parent.code}/{street.code}/{community.code}/"
        )


def test_villages_sit_under_towns_and_communities_under_streets_in_the_city(seeded):
    for village in Organisation.objects.filter(level="village").select_related("parent"):
        assert village.parent.name.endswith(("镇", "乡")), village
    dongcheng = Organisation.objects.get(code="990102")
    assert not Organisation.objects.under(dongcheng).filter(level="village").exists()


def test_seeding_twice_changes_nothing(seeded):
    assert "Demo ready: 0 created" not in seeded
    before = counts()
    output = seed_demo()
    assert counts() == before
    assert "Demo ready: 0 created" in output
    assert audit_chain_verify().ok


def test_everything_seeded_is_audited(seeded):
    created = AuditEntry.objects.filter(action__in=["organisation.create", "user.create"])
    assert created.count() == Organisation.objects.count() + User.objects.count()
    # The administrator builds the city; the lists, applications and tasks are the demo
    # users' own actions, audited under their names.
    demo_usernames = {u.username for u in demo.DEMO_USERS} | {"dept_cl", "dept_wj"}
    # Issue 14 item 13: every department that sends tasks has its own staff to sign them,
    # and 东城区民政局 applies to the district reviewer.
    from registry.demo.activity import DEPARTMENT_STAFF, DISTRICT_STAFF

    demo_usernames |= {username for username, _name in DEPARTMENT_STAFF.values()}
    demo_usernames.add(DISTRICT_STAFF[0])
    # The cadres of the communities the plaque clean-up campaign cleared (signage/demo.py).
    from signage.demo import CAMPAIGN

    demo_usernames |= {username for _code, username, _name in CAMPAIGN}
    # The cadres who answer the reverse evaluation's rounds (monitoring/demo.py).
    from monitoring.demo import EVALUATION_CADRES

    demo_usernames |= {username for _code, username, _name in EVALUATION_CADRES}
    actors = set(AuditEntry.objects.values_list("actor_name", flat=True))
    assert actors <= {"admin", "system", *demo_usernames}
    assert AuditEntry.objects.filter(action="work_item.import", actor_name="reviewer").exists()


def test_each_demo_user_signs_in_with_the_printed_password(seeded):
    output = seeded
    for username in ["admin", *(user.username for user in demo.DEMO_USERS)]:
        row = next(line for line in output.splitlines() if line.startswith(f"{username} "))
        password = row.split()[1]
        user = authenticate(username=username, password=password)
        assert user is not None, username


def test_each_demo_user_holds_their_role_where_the_table_says(seeded):
    for demo_user in demo.DEMO_USERS:
        user = User.objects.get(username=demo_user.username)
        grants = permissions.grants_of(user)
        assert [(g.role, g.code) for g in grants] == [(demo_user.role, demo_user.organisation_code)]
    assert set(Role) <= {demo_user.role for demo_user in demo.DEMO_USERS}
    liaison = Organisation.objects.get(code=demo.CADRE_COMMUNITY)
    assert liaison.is_monitoring_point
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff


def test_demo_password_passes_the_password_validators(db):
    for username in ["admin", *(user.username for user in demo.DEMO_USERS)]:
        validate_password(demo.DEMO_PASSWORD, User(username=username))


def test_seeding_repairs_a_missing_membership_without_touching_the_rest(seeded):
    Membership.objects.filter(user__username="cadre").delete()
    seed_demo()
    cadre = User.objects.get(username="cadre")
    assert permissions.roles_of(cadre) == {Role.COMMUNITY_CADRE}
    assert AuditEntry.objects.filter(action="membership.grant").count() == 1


def test_seed_demo_refuses_to_run_in_production(db, settings):
    settings.DEBUG = False
    before = counts()
    with pytest.raises(CommandError, match="allow-production"):
        call_command("seed_demo", stdout=StringIO())
    assert counts() == before


def test_readme_shows_the_demo_logins_as_seed_demo_prints_them():
    readme = README.read_text(encoding="utf-8")
    password = demo.DEMO_PASSWORD
    assert f"| `admin` | `{password}` | 系统管理员 Administrator |" in readme
    for user in demo.DEMO_USERS:
        row = f"| `{user.username}` | `{password}` | {user.role_label} | {user.who} |"
        assert row in readme, row


def test_other_apps_add_demo_steps_without_registry_importing_them(monkeypatch):
    def seed_plaques(ctx: demo.DemoContext) -> None:
        ctx.created += 1

    plaques = demo.Step("plaques", seed_plaques)
    monkeypatch.setitem(sys.modules, "signage.demo", SimpleNamespace(DEMO_STEPS=[plaques]))
    assert plaques in demo.app_steps()
