"""The public front page at / and GET /api/v1/public/figures/: no login, no personal data,
figures that equal counts made from the rows."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from certificates.models import CertificateType
from public import selectors
from registry import workdays
from registry.models import Application, Assignment, Dispatch
from registry.selectors import dashboard as board
from registry.services import dashboard_baseline_save
from signage.models import Plaque

TODAY = datetime.date(2026, 9, 14)
ZONE = timezone.get_fixed_timezone(480)


def at(year: int, month: int, day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=ZONE)


@pytest.fixture(autouse=True)
def _fresh_figures():
    # A new baselines' version: no figures an earlier test cached (Redis outlives the test
    # database) can answer.
    board.baseline_changed()
    yield


def save_baseline(actor, area, name: str, start: str, end: str, capture) -> None:
    """Save as the dashboard's form does, committing (so its on_commit runs)."""
    with capture(execute=True):
        dashboard_baseline_save(
            actor=actor,
            area=area,
            name=name,
            start=datetime.date.fromisoformat(start),
            end=datetime.date.fromisoformat(end),
        )


def _application(world, state: str, decided_at, subject: str = "work_item") -> Application:
    return Application.objects.create(
        department=world.a.department,
        jurisdiction=world.a.district,
        created_by=world.a.department_staff,
        subject=subject,
        title=f"事项 {state} {decided_at}",
        list_kind="assist" if subject == "work_item" else "",
        legal_basis="《城市居民委员会组织法》",
        frequency="yearly",
        state=state,
        decided_at=decided_at,
    )


@pytest.fixture
def seeded(world):
    """A world with known numbers: what each figure must say for 2026 and 2025."""
    # Admission decisions (work items only; a certificate type's admission is not an item).
    for when in (at(2026, 1, 1, 0), at(2026, 3, 2), at(2026, 9, 14, 8)):
        _application(world, "approved", when)
    for when in (at(2025, 5, 5), at(2025, 12, 31, 23)):
        _application(world, "approved", when)
    _application(world, "approved", at(2024, 12, 31, 23))
    _application(world, "approved", at(2026, 4, 1), subject="certificate_type")
    _application(world, "rejected", at(2026, 6, 1))
    for when in (at(2025, 2, 2), at(2025, 3, 3)):
        _application(world, "rejected", when)
    _application(world, "submitted", None)
    # Tasks refused by communities.
    dispatch = Dispatch.objects.create(
        department=world.a.department,
        created_by=world.a.department_staff,
        title="入户调查",
        due_date=datetime.date(2026, 10, 30),
        hours_per_community=Decimal("2"),
        lead_working_days=20,
    )

    def assignment(state: str, responded_at, community) -> None:
        Assignment.objects.create(
            dispatch=dispatch,
            community=community,
            department=world.a.department,
            due_date=dispatch.due_date,
            hours=Decimal("2"),
            state=state,
            responded_at=responded_at,
        )

    assignment("refused", at(2026, 2, 1), world.a.community)
    assignment("refused", at(2026, 7, 1), world.a.community2)
    assignment("refused", at(2025, 7, 1), world.b.community)
    assignment("accepted", at(2026, 7, 1), world.b.community2)
    # Certificates cancelled: two this year, one last year; the national batch (2020,
    # loaded by a migration with no date) and a retained type do not count.
    for name, effective in (
        ("甲证明", "2026-02-01"),
        ("乙证明", "2026-09-01"),
        ("丙证明", "2025-04-01"),
    ):
        CertificateType.objects.create(
            name=name, status="prohibited", jurisdiction=world.city, effective_from=effective
        )
    CertificateType.objects.create(
        name="丁证明", status="retained", jurisdiction=world.city, effective_from="2026-03-01"
    )
    # Signs removed: one this year, two last year, one still up.
    for removed_on in (
        datetime.date(2026, 5, 5),
        datetime.date(2025, 5, 5),
        datetime.date(2025, 6, 6),
    ):
        Plaque.objects.create(
            community=world.a.community,
            text="某某工作站",
            kind="publicity",
            placement="exterior",
            installed_on=datetime.date(2020, 1, 1),
            status="removed",
            removed_on=removed_on,
            created_by=world.a.cadre,
        )
    Plaque.objects.create(
        community=world.a.community,
        text="居民委员会",
        kind="organisation",
        placement="exterior",
        installed_on=datetime.date(2020, 1, 1),
        created_by=world.a.cadre,
    )
    return world


def _independent_counts(start: datetime.date, end: datetime.date) -> dict[str, int]:
    """The same figures for [start, end] counted row by row in Python, not by the
    selector's aggregates."""

    def within(day: datetime.date | None) -> bool:
        return day is not None and start <= day <= end

    def local_in(moment) -> bool:
        return moment is not None and within(timezone.localtime(moment).date())

    applications = list(Application.objects.all())
    cancelled = [
        t
        for t in CertificateType.objects.filter(status="prohibited")
        if within(t.effective_from)
        or (t.effective_from is None and t.national_seq is None and local_in(t.created_at))
    ]
    return {
        "items_admitted": sum(
            a.subject == "work_item" and a.state == "approved" and local_in(a.decided_at)
            for a in applications
        ),
        "items_refused": sum(
            a.subject == "work_item" and a.state == "rejected" and local_in(a.decided_at)
            for a in applications
        ),
        "tasks_refused": sum(
            a.state == "refused" and local_in(a.responded_at) for a in Assignment.objects.all()
        ),
        "certificates_cancelled": len(cancelled),
        "signs_removed": sum(
            p.status == "removed" and within(p.removed_on) for p in Plaque.objects.all()
        ),
    }


def test_without_a_saved_baseline_the_figures_compare_the_same_period_last_year(seeded):
    figures = selectors.public_figures(TODAY)

    by_key = {f["key"]: f for f in figures["figures"]}
    assert {k: f["value"] for k, f in by_key.items()} == _independent_counts(
        datetime.date(2026, 1, 1), TODAY
    )
    assert {k: f["baseline"] for k, f in by_key.items()} == _independent_counts(
        datetime.date(2025, 1, 1), datetime.date(2025, 9, 14)
    )
    # And the numbers the seeded world was built with: the approval of 31 December 2025
    # lies after the same day last year.
    assert {k: (f["value"], f["baseline"]) for k, f in by_key.items()} == {
        "items_admitted": (3, 1),
        "items_refused": (1, 2),
        "tasks_refused": (2, 1),
        "certificates_cancelled": (2, 1),
        "signs_removed": (1, 2),
    }
    assert by_key["items_admitted"]["change_percent"] == 200.0
    assert by_key["items_refused"]["change_percent"] == -50.0
    assert figures["baseline"] == {
        "from": datetime.date(2025, 1, 1),
        "until": datetime.date(2025, 9, 14),
        "label": "",
    }
    assert figures["baseline_kind"] == "last_year"


def test_the_bureaus_saved_baseline_is_what_the_figures_compare_with(
    seeded, city_supervisor, django_capture_on_commit_callbacks
):
    # The bureau is the city (the top of this deployment's tree); its supervisors saved the
    # whole of 2025, the year before the rules, on the dashboard.
    assert selectors.complaint_bureau() == seeded.city
    save_baseline(
        city_supervisor,
        seeded.city,
        "准入制度实施前",
        "2025-01-01",
        "2025-12-31",
        django_capture_on_commit_callbacks,
    )

    figures = selectors.public_figures(TODAY)

    assert figures["baseline_kind"] == "saved"
    assert figures["baseline"] == {
        "from": datetime.date(2025, 1, 1),
        "until": datetime.date(2025, 12, 31),
        "label": "准入制度实施前",
    }
    by_key = {f["key"]: f for f in figures["figures"]}
    assert {k: f["baseline"] for k, f in by_key.items()} == _independent_counts(
        datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
    )
    assert {k: (f["value"], f["baseline"]) for k, f in by_key.items()} == {
        "items_admitted": (3, 2),
        "items_refused": (1, 2),
        "tasks_refused": (2, 1),
        "certificates_cancelled": (2, 1),
        "signs_removed": (1, 2),
    }
    assert by_key["items_admitted"]["change_percent"] == 50.0


def test_a_districts_saved_baseline_is_not_the_bureaus(seeded, django_capture_on_commit_callbacks):
    # District A's supervisors compare their district with 2024; the front page speaks for
    # the bureau (the city), which saved none.
    save_baseline(
        seeded.a.supervisor,
        seeded.a.district,
        "区里的基准",
        "2024-01-01",
        "2024-12-31",
        django_capture_on_commit_callbacks,
    )

    figures = selectors.public_figures(TODAY)

    assert figures["baseline_kind"] == "last_year"
    assert figures["baseline"]["from"] == datetime.date(2025, 1, 1)


def test_a_new_saved_baseline_shows_at_once_not_after_the_cache_expires(
    seeded, city_supervisor, django_capture_on_commit_callbacks, django_assert_num_queries
):
    workdays.is_covered(2026)
    before = selectors.public_figures(TODAY)
    assert before["baseline_kind"] == "last_year"
    with django_assert_num_queries(0):  # cached
        selectors.public_figures(TODAY)

    save_baseline(
        city_supervisor,
        seeded.city,
        "2024年",
        "2024-01-01",
        "2024-12-31",
        django_capture_on_commit_callbacks,
    )
    after = selectors.public_figures(TODAY)
    assert after["baseline_kind"] == "saved"
    assert after["baseline"]["label"] == "2024年"
    # Only the approval of 31 December 2024 lies in 2024.
    assert {f["key"]: f["baseline"] for f in after["figures"]}["items_admitted"] == 1

    # A second save replaces the first, and the page follows again.
    save_baseline(
        city_supervisor,
        seeded.city,
        "2025年",
        "2025-01-01",
        "2025-12-31",
        django_capture_on_commit_callbacks,
    )
    again = selectors.public_figures(TODAY)
    assert again["baseline"]["label"] == "2025年"
    assert {f["key"]: f["baseline"] for f in again["figures"]}["items_admitted"] == 2


def test_a_baseline_of_zero_gives_no_percentage():
    assert selectors.change_percent(4, 0) is None
    assert selectors.change_percent(0, 4) == -100.0


@pytest.mark.parametrize(
    ("today", "start", "end"),
    [
        ("2026-01-01", "2025-01-01", "2025-01-01"),
        ("2026-09-14", "2025-01-01", "2025-09-14"),
        # 29 February: the same period a year before ends on the 28th.
        ("2028-02-29", "2027-01-01", "2027-02-28"),
    ],
)
def test_without_a_saved_baseline_the_baseline_is_the_same_period_last_year(
    world, today, start, end
):
    base = selectors.baseline_period(datetime.date.fromisoformat(today))
    assert base.kind == "last_year"
    assert (base.start.isoformat(), base.end.isoformat()) == (start, end)


@pytest.mark.usefixtures("on_a_known_monday")
@pytest.mark.parametrize("saved", [False, True])
def test_the_figures_api_is_public_and_cached(
    seeded,
    client,
    city_supervisor,
    saved,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
):
    workdays.is_covered(2026)
    if saved:
        save_baseline(
            city_supervisor,
            seeded.city,
            "准入制度实施前",
            "2025-01-01",
            "2025-12-31",
            django_capture_on_commit_callbacks,
        )
    # 2 find the bureau (the top areas, then the bureau), 1 its saved baseline (or none),
    # 4 aggregates: applications, assignments, certificate types, plaques.
    with django_assert_num_queries(7):
        first = client.get("/api/v1/public/figures/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert first.status_code == 200
    body = first.json()
    assert body["year"] == 2026
    assert body["period"] == {"from": "2026-01-01", "until": "2026-09-14"}
    if saved:
        assert body["baseline_kind"] == "saved"
        assert body["baseline"] == {
            "from": "2025-01-01",
            "until": "2025-12-31",
            "label": "准入制度实施前",
        }
    else:
        assert body["baseline_kind"] == "last_year"
        assert body["baseline"] == {"from": "2025-01-01", "until": "2025-09-14", "label": ""}
    labels = {f["key"]: f["label"] for f in body["figures"]}
    assert labels["tasks_refused"] == "社区拒收的任务"
    # Cached: the second visitor costs no query.
    with django_assert_num_queries(0):
        again = client.get("/api/v1/public/figures/")
    assert [f["value"] for f in again.json()["figures"]] == [f["value"] for f in body["figures"]]


@pytest.mark.usefixtures("on_a_known_monday")
def test_a_visitor_gets_the_front_page_without_signing_in(seeded, client):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "社区减负" in html
    # The main actions and a way to sign in.
    for href in ('action="/certificates/lookup/"', 'action="/verify/"', 'href="/lists/"'):
        assert href in html
    assert 'href="/complaints/new/"' in html
    assert 'href="/accounts/login/"' in html
    # The figures, and what they are compared with.
    assert 'data-figure="tasks_refused"' in html
    assert "对比基准：去年同期（2025-01-01 至 2025-09-14）" in html
    # No personal data: no user's name, username or a cadre anywhere.
    for user in (seeded.a.cadre, seeded.a.department_staff, seeded.a.supervisor):
        assert user.username not in html
        assert user.display_name not in html


@pytest.mark.usefixtures("on_a_known_monday")
def test_the_front_page_names_the_bureaus_saved_baseline(
    seeded, client, city_supervisor, django_capture_on_commit_callbacks
):
    save_baseline(
        city_supervisor,
        seeded.city,
        "准入制度实施前",
        "2025-01-01",
        "2025-12-31",
        django_capture_on_commit_callbacks,
    )

    html = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "对比基准：准入制度实施前（2025-01-01 至 2025-12-31）" in html
    assert 'data-baseline="saved"' in html


def test_the_front_page_queries_do_not_grow_with_rows(seeded, client, django_assert_num_queries):
    workdays.is_covered(2026)
    client.get("/")  # warms the figures' cache
    # Cached figures: the page itself reads nothing from the database.
    with django_assert_num_queries(0):
        assert client.get("/").status_code == 200


def test_signed_in_users_keep_their_workbench(world, client):
    client.force_login(world.a.cadre)

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/workbench/community/"


def test_without_a_registered_front_page_a_visitor_is_sent_to_sign_in(db, client, monkeypatch):
    from registry import plugins

    monkeypatch.setattr(plugins, "_FRONT_PAGE", {})

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_the_figures_are_documented_in_the_schema(db, client):
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)
    operation = schema["paths"]["/api/v1/public/figures/"]["get"]
    # Public: no credentials; the throttle's 429 is documented like every operation's.
    assert operation.get("security", [{}]) == [{}]
    assert {"200", "429"} <= set(operation["responses"])
    figures = schema["components"]["schemas"]["PublicFigures"]
    assert {"year", "period", "baseline", "computed_at", "figures"} <= set(figures["properties"])
    period = schema["components"]["schemas"]["FiguresPeriod"]
    assert set(period["properties"]) == {"from", "until"}
    # The baseline in the dashboard's own shape, named, and which kind it is.
    assert figures["properties"]["baseline"] == {"$ref": "#/components/schemas/Period"}
    baseline = schema["components"]["schemas"]["Period"]
    assert set(baseline["properties"]) == {"from", "until", "label"}
    kind = figures["properties"]["baseline_kind"]["allOf"][0]["$ref"].rsplit("/", 1)[-1]
    assert schema["components"]["schemas"][kind]["enum"] == ["saved", "last_year"]
