"""The checks run on an admission application at submission (and live, while drafting).

Reads only. They tell the department and the reviewer: similar active items of other
departments (duplicate burden: a title or description alike, or a real overlap of the
specific data fields collected; fields every form asks, PORTAL["COMMON_DATA_FIELDS"], never
count), each with the reasons it was found, likeness to the negative list (which blocks submission),
missing funding above the yearly-burden threshold (费随事转), and whether a hearing is
required. Thresholds live in settings.PORTAL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.conf import settings
from django.db.models import Q

from registry.models import (
    OCCURRENCES_PER_YEAR,
    Frequency,
    ListKind,
    Organisation,
    WorkItem,
    path_prefixes,
)
from registry.selectors import communities_in_scope

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
MAX_SIMILAR = 10


def _normalise(text: str) -> str:
    return _NOT_WORD.sub("", text or "").lower()


def _bigrams(text: str) -> set[str]:
    text = _normalise(text)
    if len(text) < 2:
        return {text} if text else set()
    return {text[i : i + 2] for i in range(len(text) - 1)}


def text_likeness(a: str, b: str) -> float:
    """Character-bigram Dice coefficient (0..1); 1.0 when one title contains the other.

    Bigrams suit Chinese titles, which have no spaces between words.
    """
    na, nb = _normalise(a), _normalise(b)
    if not na or not nb:
        return 0.0
    if len(min(na, nb, key=len)) >= 4 and (na in nb or nb in na):
        return 1.0
    ga, gb = _bigrams(na), _bigrams(nb)
    return round(2 * len(ga & gb) / (len(ga) + len(gb)), 3)


def communities_reached(scope: Iterable[Organisation]) -> int:
    """How many active communities lie in (or are) the scope organisations: one query."""
    return communities_in_scope(scope).count()


def yearly_hours(frequency: str, hours_per_occurrence: Decimal | float | int) -> Decimal:
    if not frequency:
        return Decimal("0.00")
    hours = OCCURRENCES_PER_YEAR[Frequency(frequency)] * Decimal(str(hours_per_occurrence or 0))
    return hours.quantize(Decimal("0.01"))


def common_data_fields() -> set[str]:
    return {_normalise(f) for f in settings.PORTAL["COMMON_DATA_FIELDS"] if _normalise(f)}


def _specific_fields(fields: Iterable[str], common: set[str]) -> dict[str, str]:
    """normalised -> as written, for the fields not on the common list."""
    result: dict[str, str] = {}
    for name in fields or []:
        key = _normalise(name)
        if key and key not in common:
            result.setdefault(key, name)
    return result


def similarity(
    *,
    title: str,
    description: str,
    specific_fields: dict[str, str],
    item: WorkItem,
    common: set[str],
) -> dict | None:
    """Why ``item`` is similar to the application (its likenesses and the specific fields
    both collect, with ``reasons``), or None when it is not."""
    rules = settings.PORTAL
    likeness = text_likeness(title, item.title)
    description_likeness = text_likeness(description, item.description)
    theirs = _specific_fields(item.data_fields, common)
    shared = [name for key, name in specific_fields.items() if key in theirs]
    needed = max(1, min(rules["SIMILAR_SHARED_FIELDS_MIN"], len(specific_fields), len(theirs)))
    reasons = []
    if likeness >= rules["SIMILAR_TITLE_THRESHOLD"]:
        reasons.append("title")
    if description_likeness >= rules["SIMILAR_DESCRIPTION_THRESHOLD"]:
        reasons.append("description")
    if shared and len(shared) >= needed:
        reasons.append("data_fields")
    if not reasons:
        return None
    return {
        "admission_number": item.admission_number,
        "title": item.title,
        "department": item.department.code if item.department else None,
        "department_name": item.department.name if item.department else "",
        "title_likeness": likeness,
        "description_likeness": description_likeness,
        "shared_data_fields": shared,
        "reasons": reasons,
    }


def submission_checks(
    *,
    department: Organisation,
    jurisdiction: Organisation,
    title: str,
    data_fields: Sequence[str],
    frequency: str,
    hours_per_occurrence: Decimal | float | int,
    funding_per_community: Decimal | float | int,
    scope: Sequence[Organisation],
    description: str = "",
    renewal_of: WorkItem | None = None,
) -> dict:
    rules = settings.PORTAL
    related_jurisdictions = Q(jurisdiction__path__in=path_prefixes(jurisdiction.path)) | Q(
        jurisdiction__path__startswith=jurisdiction.path
    )

    # Similar active items of other departments: a title or description alike, or specific
    # data fields in common (the common ones, 姓名 and the like, never count).
    common = common_data_fields()
    specific = _specific_fields(data_fields, common)
    candidates = (
        WorkItem.objects.filter(
            related_jurisdictions,
            status=WorkItem.Status.ACTIVE,
            list_kind__in=[ListKind.DUTY, ListKind.ASSIST],
        )
        .exclude(department=department)
        .select_related("department")
        .only(
            "admission_number",
            "title",
            "description",
            "data_fields",
            "department__code",
            "department__name",
        )
    )
    if renewal_of is not None:
        candidates = candidates.exclude(pk=renewal_of.pk)
    similar = [
        found
        for item in candidates
        if (
            found := similarity(
                title=title,
                description=description,
                specific_fields=specific,
                item=item,
                common=common,
            )
        )
    ]
    similar.sort(
        key=lambda s: (
            -max(s["title_likeness"], s["description_likeness"]),
            -len(s["shared_data_fields"]),
        )
    )
    ignored = sorted({f for f in data_fields or [] if _normalise(f) in common})

    # The negative list of this jurisdiction and every one above it.
    negative = WorkItem.objects.filter(
        jurisdiction__path__in=path_prefixes(jurisdiction.path),
        list_kind=ListKind.NEGATIVE,
        status=WorkItem.Status.ACTIVE,
    ).only("id", "title")
    negative_matches = [
        {"id": item.id, "title": item.title, "likeness": likeness}
        for item in negative
        if (likeness := text_likeness(title, item.title)) >= rules["NEGATIVE_MATCH_THRESHOLD"]
    ]
    negative_matches.sort(key=lambda m: -m["likeness"])

    hours = yearly_hours(frequency, hours_per_occurrence)
    funding = Decimal(str(funding_per_community or 0)).quantize(Decimal("0.01"))
    funding_threshold = rules["FUNDING_REQUIRED_YEARLY_HOURS_ABOVE"]
    reached = communities_reached(scope)
    hearing_reasons = []
    if reached > rules["HEARING_COMMUNITIES_ABOVE"]:
        hearing_reasons.append("communities")
    if hours > rules["HEARING_YEARLY_HOURS_ABOVE"]:
        hearing_reasons.append("burden")

    return {
        "similar_items": similar[:MAX_SIMILAR],
        "similar_total": len(similar),
        # The application's fields that are on the common list, so the panel can say they
        # were not counted.
        "common_data_fields": ignored,
        "negative_matches": negative_matches,
        "funding": {
            "yearly_hours_per_community": str(hours),
            "threshold_hours": funding_threshold,
            "funding_per_community": str(funding),
            "missing": hours > funding_threshold and funding <= 0,
        },
        "hearing": {
            "required": bool(hearing_reasons),
            "reasons": hearing_reasons,
            "communities_reached": reached,
            "communities_threshold": rules["HEARING_COMMUNITIES_ABOVE"],
            "yearly_hours_per_community": str(hours),
            "hours_threshold": rules["HEARING_YEARLY_HOURS_ABOVE"],
        },
        "blocking": bool(negative_matches),
    }
