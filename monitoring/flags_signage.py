"""The flag rule over the signage app: communities with signs beyond the standard."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Count
from django.urls import reverse

from monitoring.flags import Finding, _severity, rule
from monitoring.models import Flag
from registry.models import Organisation
from signage.models import Plaque


@rule(Flag.Kind.PLAQUE_EXCESS)
def plaque_excess(today: datetime.date) -> Iterable[Finding]:
    """A community with signs up that are beyond the standard (the verdict the signage
    services keep current). One aggregate query over every community's signs."""
    rows = (
        Organisation.objects.filter(
            plaques__status=Plaque.Status.UP, plaques__within_standard=False
        )
        .annotate(excess=Count("plaques"))
        .values("id", "code", "name", "excess")
        .order_by()
    )
    for row in rows:
        yield Finding(
            subject_key=f"community:{row['code']}",
            subject=row["name"],
            organisation_id=row["id"],
            severity=_severity(row["excess"], 5, 10),
            figures={
                "excess": row["excess"],
                "link": f"{reverse('plaque-registry')}?community={row['code']}",
            },
        )
