"""Certificates' section of the supervisors' dashboard: certificates issued, and the
prohibited demand (refusals of prohibited certificates) by the institution that asked.
Counted through ``issuance_list`` and ``refusal_list`` (the register's selectors)."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext as _

from certificates import selectors
from certificates.services.register import CERTIFICATE_FIGURES
from registry import figure_cache, permissions
from registry.selectors.dashboard import DashboardQuery, column, section_result, table


def _kept(query: DashboardQuery, name: str, build, *, local: bool = True):
    """``build()`` kept until an issuance, withdrawal or refusal under the area (its
    version, taken in that change's transaction) or the reader's grants change: a
    province's register is 500,000 rows, the same for every reader of a scope."""
    grants = tuple(permissions.grants_of(query.user))  # the scope the lists filter by
    parts = (grants, query.area.pk, query.start, query.end)
    keys = [f"{CERTIFICATE_FIGURES}:{query.area.pk}"]
    return figure_cache.remember(name, parts, keys, build, local=local)


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
    for community_id, n in _kept(
        query,
        "dashboard_issued",
        lambda: list(issued.order_by().values_list("community_id").annotate(n=Count("id"))),
        local=False,  # a province's 20,000 communities: the shared cache only
    ):
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
        for r in _kept(
            query,
            "dashboard_demand",
            lambda: list(
                refusals.order_by()
                .values("requested_by")
                .annotate(n=Count("id"), communities=Count("community", distinct=True))
                .order_by("-n", "requested_by")
            ),
        )
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
