"""The demo city is lived in: populated lists, applications in every state, months of tasks,
refusals, emergencies, off-platform reports, and the flags they raise."""

from __future__ import annotations

from monitoring.models import Flag, OffPlatformReport
from registry import demo
from registry.models import Application, Assignment, Dispatch, ListKind, WorkItem


def test_the_demo_city_shows_every_part_of_the_portal_alive(db):
    demo.seed()

    lists = {kind: WorkItem.objects.filter(list_kind=kind).count() for kind in ListKind.values}
    assert lists["duty"] >= 8 and lists["assist"] >= 16 and lists["negative"] >= 10
    assert set(Application.objects.values_list("state", flat=True)) == set(Application.State.values)
    assert Application.objects.filter(state="approved", work_item__isnull=False).count() >= 2
    assert Assignment.objects.count() > 2000
    assert Assignment.objects.filter(state="refused").exclude(refusal_reason="").exists()
    assert Dispatch.objects.filter(emergency=True, ratified_at__isnull=True).exists()
    assert OffPlatformReport.objects.count() >= 5
    flagged = set(Flag.objects.filter(status="open").values_list("kind", flat=True))
    assert {
        "community_overload",
        "emergency_not_ratified",
        "expiring_admission",
        "unadmitted_demand",
    } <= flagged
    overloaded = Flag.objects.get(kind="community_overload")
    assert overloaded.subject == "朝阳社区"  # the demo cadre's own community


def test_seeding_twice_adds_nothing(db):
    demo.seed()
    counts = (
        WorkItem.objects.count(),
        Application.objects.count(),
        Dispatch.objects.count(),
        Assignment.objects.count(),
        OffPlatformReport.objects.count(),
        Flag.objects.count(),
    )
    demo.seed()
    assert counts == (
        WorkItem.objects.count(),
        Application.objects.count(),
        Dispatch.objects.count(),
        Assignment.objects.count(),
        OffPlatformReport.objects.count(),
        Flag.objects.count(),
    )
