"""Certificates' section of the supervisors' dashboard: certificates issued, and the
prohibited demand (refusals of prohibited certificates) by the institution that asked.
Counted through ``issuance_list`` and ``refusal_list`` (the register's selectors)."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext as _

from certificates import selectors
from registry.selectors.dashboard import DashboardQuery, column, section_result, table


def certificates_figures(query: DashboardQuery) -> dict:
    """Two grouped queries: issuances by the level below, refusals by institution."""
    area = query.area.code
    issued = selectors.issuance_list(
        user=query.user,
        filters={
            "area": area,
            "issued_from": query.start.isoformat(),
            "issued_until": query.end.isoformat(),
        },
    )
    children: dict[str | None, dict] = {}
    for community_id, n in (
        issued.order_by().values("community_id").annotate(n=Count("id"))
    ).values_list("community_id", "n"):
        code = query.child_code(query.named(community_id)[2])
        if code not in query.children:
            code = None
        name, url = query.drill(code)
        row = children.setdefault(code, {"name": name, "n": 0, "links": {"name": url}})
        row["n"] += n
    area_rows = [children[k] for k in sorted(children, key=lambda k: k or "")]
    refusals = selectors.refusal_list(
        user=query.user,
        filters={
            "area": area,
            "refused_from": query.start.isoformat(),
            "refused_until": query.end.isoformat(),
        },
    )
    demand = [
        {"name": r["requested_by"], "n": r["n"], "communities": r["communities"]}
        for r in refusals.order_by()
        .values("requested_by")
        .annotate(n=Count("id"), communities=Count("community", distinct=True))
        .order_by("-n", "requested_by")
    ]
    return section_result(
        totals={
            "issued": sum(r["n"] for r in area_rows),
            "prohibited_demand": sum(r["n"] for r in demand),
        },
        labels={
            "issued": _("Certificates issued"),
            "prohibited_demand": _("Prohibited certificates asked for (refused)"),
        },
        links={"issued": query.list_url("certificate-register", year=query.end.year)},
        tables=[
            table(
                "issued_by_area",
                _("Certificates issued by the level below"),
                [column("name", _("Area or community"), "text"), column("n", _("Issued"))],
                area_rows,
                empty=_("No certificate was issued here in this period."),
            ),
            table(
                "prohibited_by_institution",
                _("Prohibited certificates asked for, by institution"),
                [
                    column("name", _("Institution that asked"), "text"),
                    column("n", _("Refusals")),
                    column("communities", _("Communities asked")),
                ],
                demand,
                chart={"type": "hbar", "x": "name", "y": ["n"]},
                empty=_("No prohibited certificate was asked for here in this period."),
            ),
        ],
    )
