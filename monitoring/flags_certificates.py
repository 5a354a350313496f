"""The flag rule over the certificates app: who keeps asking for prohibited certificates."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings

from certificates.models import CertificateRefusal
from certificates.selectors import prohibited_demand_by_institution
from monitoring.flags import Finding, _severity, rule
from monitoring.models import Flag
from registry.models import Organisation


@rule(Flag.Kind.PROHIBITED_CERTIFICATE_DEMAND)
def prohibited_certificate_demand(today: datetime.date) -> Iterable[Finding]:
    """An institution named on N+ refused requests for prohibited certificates (90 days).

    The flag belongs to the smallest area holding every community that refused it, so the
    supervisors of that area (and above) see it.
    """
    minimum = settings.PORTAL["FLAG_PROHIBITED_DEMAND_MIN"]
    days = settings.PORTAL["FLAG_PROHIBITED_WINDOW_DAYS"]
    since = today - datetime.timedelta(days=days)
    rows = [
        row for row in prohibited_demand_by_institution(since=since) if row["refusals"] >= minimum
    ]
    if not rows:
        return
    paths: dict[str, list[str]] = {}
    for name, path in (
        CertificateRefusal.objects.filter(
            refused_on__gte=since, requested_by__in=[row["requested_by"] for row in rows]
        )
        .values_list("requested_by", "community__path")
        .distinct()
    ):
        paths.setdefault(name, []).append(path)
    common = {name: _common_area_path(found) for name, found in paths.items()}
    areas = dict(
        Organisation.objects.filter(path__in=set(common.values())).values_list("path", "pk")
    )
    for row in rows:
        name = row["requested_by"]
        organisation_id = areas.get(common.get(name, ""))
        if organisation_id is None:
            continue
        yield Finding(
            subject_key=f"institution:{name}",
            subject=name,
            organisation_id=organisation_id,
            severity=_severity(row["refusals"], 2 * minimum, 4 * minimum),
            figures={
                "refusals": row["refusals"],
                "communities": row["communities"],
                "last_on": row["last_on"].isoformat() if row["last_on"] else None,
                "window_days": days,
            },
        )


def _common_area_path(paths: list[str]) -> str:
    """The deepest node every community lies under; never a community itself."""
    split = [[part for part in path.split("/") if part] for path in paths]
    common: list[str] = []
    for parts in zip(*split, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    if len(common) == min(len(parts) for parts in split):
        common = common[:-1]  # all one community: the flag goes to its parent area
    return "/" + "".join(f"{part}/" for part in common)
