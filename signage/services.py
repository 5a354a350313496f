"""Writes: adding a sign, removing it (摘牌), setting the standard, the census import, and
keeping every sign's assessment against the standard current."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry import figure_cache, images
from registry.audit import audit_record
from registry.errors import InvalidInput, RuleRefused
from registry.models import Organisation, User, WorkItem
from registry.services.common import full_clean, require
from registry.services.notifications import notify_organisations
from registry.transitions import Machine, Transition
from signage import audit_actions, selectors
from signage.models import Kind, Placement, Plaque, PlaqueStandard, Why
from signage.permissions import CENSUS, EDIT, STANDARD_MANAGE

PLAQUE = Machine(
    "plaque",
    [
        Transition(
            "remove",
            {Plaque.Status.UP},
            Plaque.Status.REMOVED,
            EDIT,
            gettext_lazy("Record the removal"),
            reason_required=True,
            confirm=gettext_lazy(
                "Record that this sign has been taken down? It stays in the registry as "
                "history and cannot be put back up."
            ),
            tone="danger",
        )
    ],
    organisation=lambda plaque: plaque.community,
    state_field="status",
)


# --- The assessment against the standard ---------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    within: bool
    why: str = ""


def assess(
    signs: Iterable[Plaque], standard: PlaqueStandard | None, day: datetime.date
) -> dict[int, Verdict]:
    """Each sign's verdict (signs up in one community on ``day``; ``work_item`` loaded).

    Within the standard: a named sign, or one an active item backs, and (unless named)
    within the count for its placement; named signs take the first places, then the
    backed ones in the order they went up. Without a standard, only backing counts."""
    signs = list(signs)
    verdicts: dict[int, Verdict] = {}
    candidates: dict[str, list[tuple[bool, Plaque]]] = defaultdict(list)
    for sign in signs:
        named = standard is not None and standard.names(sign.text)
        if named:
            candidates[sign.placement].append((True, sign))
        elif standard is not None and sign.kind in standard.kinds_not_allowed:
            verdicts[sign.pk] = Verdict(False, Why.KIND_NOT_ALLOWED)
        elif sign.work_item_id and sign.work_item.is_active_on(day):
            candidates[sign.placement].append((False, sign))
        else:
            verdicts[sign.pk] = Verdict(False, Why.NOT_BACKED)
    for placement, ranked in candidates.items():
        ranked.sort(key=lambda pair: (not pair[0], pair[1].installed_on, pair[1].pk))
        limit = None
        if standard is not None:
            exterior = placement == Placement.EXTERIOR
            limit = standard.max_exterior if exterior else standard.max_interior
        for place, (named, sign) in enumerate(ranked):
            over = limit is not None and place >= limit and not named
            verdicts[sign.pk] = Verdict(False, Why.OVER_COUNT) if over else Verdict(True)
    return verdicts


def plaques_assess(
    *, community_ids: Iterable[int], today: datetime.date | None = None
) -> list[Plaque]:
    """Bring the stored verdict of every sign up in these communities up to date; return
    the signs that went from within the standard to beyond it. Three queries and one
    bulk update, whatever the number of communities."""
    today = today or timezone.localdate()
    ids = set(community_ids)
    if not ids:
        return []
    communities = list(Organisation.objects.filter(pk__in=ids).only("pk", "path"))
    standards = selectors.standards_applying(communities, today)
    by_community: dict[int, list[Plaque]] = defaultdict(list)
    for sign in (
        Plaque.objects.filter(community_id__in=ids, status=Plaque.Status.UP)
        .select_related("work_item")
        .only(
            "pk",
            "community_id",
            "text",
            "kind",
            "placement",
            "installed_on",
            "within_standard",
            "why",
            "work_item__status",
            "work_item__valid_from",
            "work_item__valid_until",
        )
    ):
        by_community[sign.community_id].append(sign)
    changed, turned_excess = [], []
    for community_id, signs in by_community.items():
        verdicts = assess(signs, standards.get(community_id), today)
        for sign in signs:
            verdict = verdicts[sign.pk]
            if (sign.within_standard, sign.why) != (verdict.within, verdict.why):
                if sign.within_standard and not verdict.within:
                    turned_excess.append(sign)
                sign.within_standard, sign.why = verdict.within, verdict.why
                changed.append(sign)
    Plaque.objects.bulk_update(changed, ["within_standard", "why"], batch_size=1000)
    # Only where a verdict moved: the daily job over a province changes none most days.
    figures_changed(community_ids={sign.community_id for sign in changed})
    return turned_excess


def figures_changed(*, community_ids: Iterable[int]) -> None:
    """The summary's cached totals and trend of these communities' areas are stale: new
    versions, in the caller's transaction (selectors.plaque_figures_keys reads them)."""
    figure_cache.bump_areas(selectors.PLAQUE_FIGURES, community_ids)


def registry_link(community: Organisation) -> str:
    return f"{reverse('plaque-registry')}?community={community.code}"


def plaques_on_work_items_ended(*, items: list[WorkItem]) -> int:
    """The hub's hook (registry.plugins.on_work_item_ended), inside the transaction that
    revokes or expires ``items``: their signs are reassessed (they are excess now, unless
    named), and each community with a sign turned excess is told. Returns how many."""
    item_ids = [item.pk for item in items]
    community_ids = set(
        Plaque.objects.filter(work_item_id__in=item_ids, status=Plaque.Status.UP).values_list(
            "community_id", flat=True
        )
    )
    if not community_ids:
        return 0
    turned = plaques_assess(community_ids=community_ids)
    by_community: dict[int, list[Plaque]] = defaultdict(list)
    for sign in turned:
        by_community[sign.community_id].append(sign)
    if not by_community:
        return 0
    communities = list(Organisation.objects.filter(pk__in=by_community))
    numbers = "、".join(sorted(item.admission_number or item.title for item in items))
    notify_organisations(
        organisations=communities,
        kind="plaque.excess",
        title=_("Signs beyond the standard: the work item %(numbers)s has ended")
        % {"numbers": numbers},
        body=_(
            "The work item that backed these signs is no longer active, so they are now beyond "
            "the standard. Take them down and record the removal with a photo of the bare wall."
        ),
        links={community.pk: registry_link(community) for community in communities},
    )
    for item in items:
        ended = [sign.pk for sign in turned if sign.work_item_id == item.pk]
        if ended:
            audit_record(
                actor=None,
                action=audit_actions.PLAQUE_EXCESS_AFTER_ITEM_ENDED,
                obj=item,
                after={"status": item.status, "plaques": ended},
            )
    return len(turned)


# --- A sign: add, remove -------------------------------------------------------------------


def _clean_text(value, field: str, *, required: bool, limit: int) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        message = _("Fill in this field.")
        raise InvalidInput(message, fields={field: [message]})
    if len(text) > limit:
        message = _("At most %(n)s characters.") % {"n": limit}
        raise InvalidInput(message, fields={field: [message]})
    return text


def _check_community(actor: User, community: Organisation) -> None:
    if community.kind != Organisation.Kind.COMMUNITY:
        message = _("%(name)s is not a community or village.") % {"name": community.name}
        raise InvalidInput(message, fields={"community": [message]})
    require(actor, EDIT, community)


def _check_date(day: datetime.date | None, field: str, today: datetime.date) -> datetime.date:
    if day is None:
        message = _("Enter a date.")
        raise InvalidInput(message, fields={field: [message]})
    if day > today:
        message = _("The date cannot be in the future.")
        raise InvalidInput(message, fields={field: [message]})
    return day


def _photo(upload) -> images.Photo:
    """A sign's photo: the hub's image kit with the signs' own caps."""
    return images.process(
        upload,
        field="photo",
        byte_cap=settings.PORTAL["PLAQUE_PHOTO_MAX_BYTES"],
        pixel_cap=settings.PORTAL["PLAQUE_PHOTO_MAX_PIXELS"],
    )


@transaction.atomic
def plaque_create(
    *,
    actor: User,
    community: Organisation,
    text: str,
    kind: str,
    placement: str,
    installed_on: datetime.date | None,
    issuer: Organisation | None = None,
    location: str = "",
    work_item: WorkItem | None = None,
    photo=None,
    today: datetime.date | None = None,
) -> Plaque:
    """Record a sign on the community's building (its cadres), assessed at once."""
    today = today or timezone.localdate()
    _check_community(actor, community)
    if issuer is not None and issuer.kind != Organisation.Kind.DEPARTMENT:
        message = _("%(name)s is not a department.") % {"name": issuer.name}
        raise InvalidInput(message, fields={"issuer": [message]})
    if work_item is not None and not work_item.admission_number:
        message = _("Only an admitted work item (with an admission number) can back a sign.")
        raise InvalidInput(message, fields={"work_item": [message]})
    sign = Plaque(
        community=community,
        text=_clean_text(text, "text", required=True, limit=200),
        kind=kind,
        placement=placement,
        issuer=issuer,
        location=_clean_text(location, "location", required=False, limit=200),
        installed_on=_check_date(installed_on, "installed_on", today),
        work_item=work_item,
        created_by=actor,
    )
    full_clean(sign, exclude=["photo", "thumbnail", "removal_photo", "removal_thumbnail"])
    if photo is not None:
        # Checked and re-encoded before anything is written: a refused photo leaves no file.
        processed = _photo(photo)
        sign.photo = processed.image
        sign.thumbnail = processed.thumbnail
    sign.save()
    figures_changed(community_ids=[community.pk])
    plaques_assess(community_ids=[community.pk], today=today)
    sign.refresh_from_db(fields=["within_standard", "why"])
    audit_record(
        actor=actor,
        action=audit_actions.PLAQUE_CREATE,
        obj=sign,
        after={
            "community": community.code,
            "text": sign.text,
            "kind": sign.kind,
            "placement": sign.placement,
            "issuer": issuer.code if issuer else None,
            "location": sign.location,
            "installed_on": sign.installed_on,
            "work_item": work_item.admission_number if work_item else None,
            "photo": bool(sign.photo),
            "within_standard": sign.within_standard,
            "why": sign.why,
        },
    )
    return sign


@transaction.atomic
def plaque_remove(
    *,
    actor: User,
    plaque: Plaque,
    removed_on: datetime.date | None,
    reason: str,
    photo=None,
    today: datetime.date | None = None,
) -> Plaque:
    """Record that a sign was taken down (摘牌): date, reason, a photo of the bare wall.
    A second removal is refused (409): the row lock makes two at once impossible."""
    today = today or timezone.localdate()
    sign = (
        Plaque.objects.select_for_update(of=("self",))
        .select_related("community", "work_item")
        .get(pk=plaque.pk)
    )
    transition = PLAQUE.begin(actor=actor, obj=sign, action="remove", reason=reason)
    removed_on = _check_date(removed_on, "removed_on", today)
    if removed_on < sign.installed_on:
        message = _("A sign cannot come down before it went up (%(date)s).") % {
            "date": sign.installed_on.isoformat()
        }
        raise InvalidInput(message, fields={"removed_on": [message]})
    before = {"status": sign.status}
    PLAQUE.apply(sign, transition)
    sign.removed_on = removed_on
    sign.removal_reason = " ".join(reason.split())[:2000]
    sign.removed_by = actor
    if photo is not None:
        processed = _photo(photo)
        sign.removal_photo = processed.image
        sign.removal_thumbnail = processed.thumbnail
    sign.save()
    figures_changed(community_ids=[sign.community_id])
    # The signs left up may now fit the count: their verdicts move with it.
    plaques_assess(community_ids=[sign.community_id], today=today)
    audit_record(
        actor=actor,
        action=audit_actions.PLAQUE_REMOVE,
        obj=sign,
        before=before,
        after={
            "status": sign.status,
            "removed_on": sign.removed_on,
            "reason": sign.removal_reason,
            "photo": bool(sign.removal_photo),
        },
    )
    return sign


# --- The standard --------------------------------------------------------------------------


def _clean_names(names) -> list[str]:
    cleaned: list[str] = []
    for name in names or []:
        text = " ".join(str(name).split())
        if text and text not in cleaned:
            if len(text) > 100:
                message = _("A named sign has at most 100 characters.")
                raise InvalidInput(message, fields={"named_signs": [message]})
            cleaned.append(text)
    return cleaned


def _looser_than(
    above: PlaqueStandard, *, names: list[str], exterior: int, interior: int, kinds: list[str]
) -> list[str]:
    """What a new standard would loosen compared with the one above it."""
    loosened = []
    if exterior > above.max_exterior:
        loosened.append(
            _("at most %(n)s exterior signs are allowed above (%(area)s)")
            % {"n": above.max_exterior, "area": above.area.name}
        )
    if interior > above.max_interior:
        loosened.append(
            _("at most %(n)s interior signs are allowed above (%(area)s)")
            % {"n": above.max_interior, "area": above.area.name}
        )
    extra = [name for name in names if name not in above.named_signs]
    if extra:
        loosened.append(_("named signs not named above: %(names)s") % {"names": "、".join(extra)})
    allowed_again = [kind for kind in above.kinds_not_allowed if kind not in kinds]
    if allowed_again:
        loosened.append(
            _("kinds not allowed above: %(kinds)s")
            % {"kinds": "、".join(str(Kind(kind).label) for kind in allowed_again)}
        )
    return loosened


@transaction.atomic
def plaque_standard_create(
    *,
    actor: User,
    area: Organisation,
    named_signs: list[str],
    max_exterior: int,
    max_interior: int,
    kinds_not_allowed: list[str],
    effective_from: datetime.date,
    today: datetime.date | None = None,
) -> PlaqueStandard:
    """Set an area's standard from ``effective_from`` (its reviewers). A district may only
    tighten what applies above it (422 ``standard_looser`` naming what it would loosen)."""
    today = today or timezone.localdate()
    if area.kind != Organisation.Kind.AREA:
        message = _("A standard is set for an area, not for %(name)s.") % {"name": area.name}
        raise InvalidInput(message, fields={"area": [message]})
    require(actor, STANDARD_MANAGE, area)
    names = _clean_names(named_signs)
    kinds = sorted(set(kinds_not_allowed or []))
    unknown = [kind for kind in kinds if kind not in Kind.values]
    if unknown:
        message = _("Unknown kind: %(kinds)s") % {"kinds": "、".join(unknown)}
        raise InvalidInput(message, fields={"kinds_not_allowed": [message]})
    if effective_from is None:
        message = _("Enter a date.")
        raise InvalidInput(message, fields={"effective_from": [message]})
    standard = PlaqueStandard(
        area=area,
        named_signs=names,
        max_exterior=max_exterior,
        max_interior=max_interior,
        kinds_not_allowed=kinds,
        effective_from=effective_from,
        created_by=actor,
    )
    full_clean(standard)
    above = selectors.standard_above(area, effective_from)
    if above is not None:
        loosened = _looser_than(
            above, names=names, exterior=max_exterior, interior=max_interior, kinds=kinds
        )
        if loosened:
            raise RuleRefused(
                _("A standard may only tighten the one above it: %(what)s.")
                % {"what": "；".join(loosened)},
                code="standard_looser",
                reasons=loosened,
            )
    standard.save()
    audit_record(
        actor=actor,
        action=audit_actions.PLAQUE_STANDARD_CREATE,
        obj=standard,
        after={
            "area": area.code,
            "named_signs": names,
            "max_exterior": max_exterior,
            "max_interior": max_interior,
            "kinds_not_allowed": kinds,
            "effective_from": effective_from,
        },
    )
    if effective_from <= today:
        community_ids = Organisation.objects.communities().filter(path__startswith=area.path)
        plaques_assess(community_ids=community_ids.values_list("pk", flat=True), today=today)
    return standard


@transaction.atomic
def plaques_reassess_all(*, today: datetime.date | None = None) -> int:
    """The daily job: standards that came into effect today, items that ended. Idempotent."""
    community_ids = (
        Plaque.objects.filter(status=Plaque.Status.UP)
        .values_list("community_id", flat=True)
        .distinct()
    )
    return len(plaques_assess(community_ids=list(community_ids), today=today))


# --- The census ----------------------------------------------------------------------------


@transaction.atomic
def plaques_census_import(
    *, actor: User, area: Organisation, upload, today: datetime.date | None = None
) -> list[Plaque]:
    """Load every community's signs under ``area`` from one workbook (挂牌清理摸底): every
    row, or nothing. The refusal carries ``rows``: [{"row", "column", "message"}]."""
    from signage import excel

    today = today or timezone.localdate()
    if area.kind != Organisation.Kind.AREA:
        message = _("The census is loaded for a street or a district.")
        raise InvalidInput(message, fields={"area": [message]})
    require(actor, CENSUS, area)
    parsed = excel.read_census(upload, area=area, today=today)
    if parsed.errors:
        raise InvalidInput(
            _("%(n)s problems in the file; nothing was imported.") % {"n": len(parsed.errors)},
            code="import_rows_invalid",
            rows=parsed.errors,
        )
    signs = [Plaque(created_by=actor, status=Plaque.Status.UP, **row.values) for row in parsed.rows]
    for sign in signs:
        full_clean(sign, exclude=["photo", "thumbnail", "removal_photo", "removal_thumbnail"])
    created = Plaque.objects.bulk_create(signs, batch_size=1000)
    figures_changed(community_ids={sign.community_id for sign in created})
    plaques_assess(community_ids={sign.community_id for sign in created}, today=today)
    audit_record(
        actor=actor,
        action=audit_actions.PLAQUE_CENSUS_IMPORT,
        obj=area,
        after={"area": area.code, "plaques": len(created)},
    )
    return created


def excess_for_flag() -> Q:
    """The one definition of "excess" the flag and the lists share."""
    return Q(status=Plaque.Status.UP, within_standard=False)
