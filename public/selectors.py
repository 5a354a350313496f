"""Reads of the public portal: the front page's headline figures and the complaints.

The figures count rows of the hub and of the certificates and signage apps, each table in
one aggregate query (this year and the baseline side by side, ``Count(filter=...)``), and
are cached briefly: the front page is the most visited page and the numbers move slowly.
The baseline is the bureau's saved one (the dashboard's), else the same period last year;
the cache key carries the saved baselines' version, so a new save shows at once.
They name no person: counts only.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Case, Count, DateField, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certificates.models import CertificateType
from public.models import Complaint
from public.permissions import COMPLAINT_HANDLE
from registry import permissions
from registry.models import Application, Assignment, Organisation, User
from registry.selectors import dashboard as board
from registry.selectors.access import load
from signage.models import Plaque

# How long the figures are kept (seconds): a visitor sees a number at most this old.
FIGURES_CACHE_SECONDS = 300
# By day and by the saved baselines' version (registry.selectors.dashboard.baseline_version).
FIGURES_CACHE_KEY = "public:figures:v2:{today}:{baseline}"


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive
    # The baseline's: "saved" (the bureau's, ``label`` its name) or "last_year".
    kind: str = ""
    label: str = ""

    def datetime_range(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[start, day after end) as aware datetimes in the portal's time zone."""
        zone = timezone.get_current_timezone()
        return (
            datetime.datetime.combine(self.start, datetime.time.min, tzinfo=zone),
            datetime.datetime.combine(
                self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
            ),
        )


def this_year(today: datetime.date) -> Period:
    return Period(today.replace(month=1, day=1), today)


def baseline_period(today: datetime.date) -> Period:
    """The period the front page compares this year with: the baseline the bureau's
    supervisors saved on the dashboard (for the bureau's area or the nearest above it),
    else the same period last year, as the dashboard does. Two or three queries."""
    bureau = complaint_bureau()
    saved = board.saved_baseline(bureau) if bureau is not None else None
    if saved is not None:
        return Period(saved.start, saved.end, kind="saved", label=saved.name)
    now = this_year(today)
    last = board.same_period_last_year(board.Period(now.start, now.end))
    return Period(last.start, last.end, kind="last_year")


# The figures, in the order the page shows them: key -> label.
FIGURE_LABELS = {
    "items_admitted": _("Work items admitted"),
    "items_refused": _("Applications refused admission"),
    "tasks_refused": _("Tasks refused by communities"),
    "certificates_cancelled": _("Certificates cancelled"),
    "signs_removed": _("Signs removed"),
}


def _in(field: str, period: Period, *, dates: bool = False) -> Q:
    if dates:
        return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})
    start, end = period.datetime_range()
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _counts(today: datetime.date, base: Period) -> dict[str, dict[str, int]]:
    """Each figure for this year and the baseline: four aggregate queries in all."""
    now = this_year(today)
    work_items = Q(subject="work_item")
    decisions = Application.objects.filter(work_items).aggregate(
        admitted_now=Count("pk", filter=Q(state="approved") & _in("decided_at", now)),
        admitted_base=Count("pk", filter=Q(state="approved") & _in("decided_at", base)),
        refused_now=Count("pk", filter=Q(state="rejected") & _in("decided_at", now)),
        refused_base=Count("pk", filter=Q(state="rejected") & _in("decided_at", base)),
    )
    refused = Assignment.objects.filter(state=Assignment.State.REFUSED).aggregate(
        now=Count("pk", filter=_in("responded_at", now)),
        base=Count("pk", filter=_in("responded_at", base)),
    )
    # A certificate type is cancelled (取消) on the day it takes effect as prohibited; a
    # local one entered without a date on the day it was entered. The national first batch
    # (民发〔2020〕20号, loaded by a migration, no date) was cancelled in 2020, not the day
    # this portal was installed.
    cancelled_on = Case(
        When(effective_from__isnull=False, then=F("effective_from")),
        When(national_seq__isnull=True, then=TruncDate("created_at")),
        default=None,
        output_field=DateField(),
    )
    cancelled = (
        CertificateType.objects.filter(status=CertificateType.Status.PROHIBITED)
        .annotate(cancelled_on=cancelled_on)
        .aggregate(
            now=Count("pk", filter=_in("cancelled_on", now, dates=True)),
            base=Count("pk", filter=_in("cancelled_on", base, dates=True)),
        )
    )
    removed = Plaque.objects.filter(status=Plaque.Status.REMOVED).aggregate(
        now=Count("pk", filter=_in("removed_on", now, dates=True)),
        base=Count("pk", filter=_in("removed_on", base, dates=True)),
    )
    return {
        "items_admitted": {
            "value": decisions["admitted_now"],
            "baseline": decisions["admitted_base"],
        },
        "items_refused": {"value": decisions["refused_now"], "baseline": decisions["refused_base"]},
        "tasks_refused": {"value": refused["now"], "baseline": refused["base"]},
        "certificates_cancelled": {"value": cancelled["now"], "baseline": cancelled["base"]},
        "signs_removed": {"value": removed["now"], "baseline": removed["base"]},
    }


def change_percent(value: int, baseline: int) -> float | None:
    """This year against the baseline in per cent (one decimal); None when the baseline is
    0 (no honest percentage exists)."""
    if not baseline:
        return None
    return round((value - baseline) * 100 / baseline, 1)


def figures_cache_key(today: datetime.date) -> str:
    """Where today's figures are cached, for the baselines as they are now."""
    return FIGURES_CACHE_KEY.format(today=today.isoformat(), baseline=board.baseline_version())


def public_figures(today: datetime.date | None = None) -> dict:
    """The front page's headline figures (also ``GET /api/v1/public/figures/``)."""
    today = today or timezone.localdate()
    key = figures_cache_key(today)
    cached = cache.get(key)
    if cached is None:
        base = baseline_period(today)
        cached = {
            "counts": _counts(today, base),
            # Plain values, not the dataclass: an entry outlives a deployment's code.
            "baseline": {
                "from": base.start,
                "until": base.end,
                "kind": base.kind,
                "label": base.label,
            },
            "computed_at": timezone.now(),
        }
        cache.set(key, cached, FIGURES_CACHE_SECONDS)
    now, base = this_year(today), cached["baseline"]
    return {
        "year": today.year,
        "period": {"from": now.start, "until": now.end},
        # The dashboard API's shape: the label is the saved baseline's name ("" for last year).
        "baseline": {"from": base["from"], "until": base["until"], "label": base["label"]},
        "baseline_kind": base["kind"],
        "computed_at": cached["computed_at"],
        "figures": [
            {
                "key": key_,
                "label": str(label),
                "value": cached["counts"][key_]["value"],
                "baseline": cached["counts"][key_]["baseline"],
                "change_percent": change_percent(
                    cached["counts"][key_]["value"], cached["counts"][key_]["baseline"]
                ),
            }
            for key_, label in FIGURE_LABELS.items()
        ],
    }


# --- Complaints and suggestions ------------------------------------------------------------

# judged_on for complaint_get: answering is judged on the area it is addressed to.
COMPLAINT_ACTIONS = {COMPLAINT_HANDLE: "area"}

# How deep the bureau may sit (province 0, city 1, district 2): a deployment for a district.
BUREAU_SEARCH_DEPTH = 3

_NOT_REFERENCE = re.compile(r"[^0-9A-Z]")


def normalise_reference(text: str) -> str:
    """What a person types (spaces, lower case, full-width dashes) in the stored form
    ``JY2026-ABCD-EFGH``."""
    bare = _NOT_REFERENCE.sub("", (text or "").upper()[:64])
    if not bare.startswith("JY") or len(bare) != 14:
        return ""
    return f"{bare[:6]}-{bare[6:10]}-{bare[10:]}"


def complaint_lookup(*, reference: str) -> Complaint | None:
    """The sender's view of their message by its reference number, or None. The caller
    shows only the public fields (never the contact)."""
    normalised = normalise_reference(reference)
    if not normalised:
        return None
    return (
        Complaint.objects.only(
            "reference", "kind", "subject", "state", "answer", "answered_at", "created_at"
        )
        .filter(reference=normalised)
        .first()
    )


def complaint_bureau() -> Organisation | None:
    """The area the bureau answers for: the deployment's own jurisdiction. From the top of
    the tree, down while an area has exactly one area under it (a province above a
    one-city deployment is not the bureau: the city is). One query over the top levels."""
    rows = list(
        Organisation.objects.filter(
            kind=Organisation.Kind.AREA, is_active=True, depth__lte=BUREAU_SEARCH_DEPTH
        ).values_list("pk", "parent_id")
    )
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in rows:
        children.setdefault(parent_id, []).append(pk)
    roots = children.get(None, [])
    if len(roots) != 1:
        return (
            None
            if not roots
            else Organisation.objects.filter(pk__in=roots).order_by("path").first()
        )
    bureau = roots[0]
    while len(children.get(bureau, [])) == 1:
        bureau = children[bureau][0]
    return Organisation.objects.get(pk=bureau)


def complaint_areas() -> QuerySet[Organisation]:
    """Where a message may be addressed: the bureau and the areas right under it (its
    districts)."""
    bureau = complaint_bureau()
    if bureau is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        Q(pk=bureau.pk) | Q(parent=bureau, kind=Organisation.Kind.AREA, is_active=True)
    ).order_by("path")


def complaint_list(*, user: User) -> QuerySet[Complaint]:
    """The queue of the areas the user answers for: unanswered first, newest first."""
    return (
        Complaint.objects.filter(permissions.scope_q(user, COMPLAINT_HANDLE, "area"))
        .select_related("area", "answered_by")
        .annotate(
            waiting=Case(
                When(state=Complaint.State.RECEIVED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("waiting", "-created_at", "-id")
    )


def complaint_counts(*, user: User) -> dict[str, int]:
    """How many wait for an answer and how many there are, in one query (the workbench)."""
    return (
        complaint_list(user=user)
        .order_by()
        .aggregate(waiting=Count("pk", filter=Q(state=Complaint.State.RECEIVED)), total=Count("pk"))
    )


def complaint_get(*, user: User, pk, action: str | None = None) -> Complaint:
    return load(
        complaint_list(user=user), user=user, action=action, judged_on=COMPLAINT_ACTIONS, pk=pk
    )
