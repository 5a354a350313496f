"""Signage's section of the supervisors' dashboard: plaques up at the period's end, those
beyond the standard, and those removed in the period, by the level below. Counted through
``plaque_list`` (the registry's selector) in one grouped query."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from registry.models import Organisation
from registry.selectors.dashboard import DashboardQuery, column, section_result, table
from signage import selectors


def plaques_figures(query: DashboardQuery) -> dict:
    end = query.end
    up = Q(installed_on__lte=end) & (Q(removed_on__isnull=True) | Q(removed_on__gt=end))
    signs = selectors.plaque_list(user=query.user, filters={"area": query.area.code})

    def grouped() -> list[dict]:
        return list(
            signs.order_by()
            .values("community_id")
            .annotate(
                up=Count("id", filter=up),
                excess=Count("id", filter=up & Q(within_standard=False)),
                removed=Count("id", filter=Q(removed_on__gte=query.start, removed_on__lte=end)),
            )
        )

    # Kept until a sign under the area changes (the summary's totals' way): a province's
    # 200,000 signs grouped per community are the same for every reader of that scope.
    per_community = selectors.kept(
        "dashboard_plaques", query.user, query.area, (query.start, end), grouped, local=False
    )
    children: dict[str | None, dict] = {}
    for g in per_community:
        code = query.child_code(query.named(g["community_id"])[2])
        if code not in query.children:
            code = None
        name, url = query.drill(code)
        child = query.children.get(code or "")
        if child is not None and child.kind == Organisation.Kind.COMMUNITY:
            url = query.list_url("plaque-registry", community=child.code)
        row = children.setdefault(
            code, {"name": name, "up": 0, "excess": 0, "removed": 0, "links": {"name": url}}
        )
        for key in ("up", "excess", "removed"):
            row[key] += g[key]
    rows = [children[k] for k in sorted(children, key=lambda k: k or "")]
    return section_result(
        totals={key: sum(r[key] for r in rows) for key in ("up", "excess", "removed")},
        labels={
            "up": _("Plaques up"),
            "excess": _("Beyond the standard"),
            "removed": _("Removed (摘牌)"),
        },
        links={"up": query.list_url("plaque-registry", area=query.area.code)},
        tables=[
            table(
                "by_area",
                _("Plaques by the level below"),
                [
                    column("name", _("Area or community"), "text"),
                    column("up", _("Up at the period's end")),
                    column("excess", _("Beyond the standard")),
                    column("removed", _("Removed in the period")),
                ],
                rows,
                chart={"type": "bar", "x": "name", "y": ["up", "excess", "removed"]},
                note=_("Beyond the standard: the sign's verdict against today's standard."),
                empty=_("No plaque is recorded here yet."),
            )
        ],
    )
