"""Monitoring's reads, one module per domain; ``from monitoring import selectors``."""

from monitoring.selectors.clues import (
    board_order,
    clue_get,
    clue_list,
    clue_visibility,
    may_see_reporter,
    notice_get,
    notice_list,
    notice_verify,
)
from monitoring.selectors.evaluation import (
    evaluation_results,
    minimum_responses,
    round_get,
    round_list,
    round_results,
)
from monitoring.selectors.flags import (
    community_load_ranking,
    flag_areas,
    flag_counts_by_kind,
    flag_get,
    flag_list,
)
from monitoring.selectors.offplatform import (
    evidence_visible,
    offplatform_departments,
    offplatform_get,
    offplatform_list,
    reporting_communities,
    reporting_departments,
)
from monitoring.selectors.points import (
    is_point_during,
    liaison_points,
    point_communities,
    point_list,
)
from monitoring.selectors.reports import (
    entry_get,
    export_entries,
    report_get,
    report_list,
    totals_by_department,
)

__all__ = [
    "board_order",
    "clue_get",
    "clue_list",
    "clue_visibility",
    "community_load_ranking",
    "entry_get",
    "evaluation_results",
    "evidence_visible",
    "export_entries",
    "flag_areas",
    "flag_counts_by_kind",
    "flag_get",
    "flag_list",
    "is_point_during",
    "liaison_points",
    "may_see_reporter",
    "minimum_responses",
    "notice_get",
    "notice_list",
    "notice_verify",
    "offplatform_departments",
    "offplatform_get",
    "offplatform_list",
    "point_communities",
    "point_list",
    "report_get",
    "report_list",
    "reporting_communities",
    "reporting_departments",
    "round_get",
    "round_list",
    "round_results",
    "totals_by_department",
]
