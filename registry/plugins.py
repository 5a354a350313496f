"""Where the other apps plug into the hub, so that the hub never names them.

An app registers, from its ``AppConfig.ready()``:

- ``actions({...})``: its permission actions and the roles that may perform them (added to
  the one permission model, ``registry.permissions``, and to ``rules`` as ``portal.<action>``);
- ``nav_link(NavLink(...))``: a link in the header, shown to users who may do ``action``
  (or any of several); a link with no action is public and goes in the footer;
- ``workbench_section(WorkbenchSection(...))``: a section on a role's workbench, shown to
  users who may do ``action`` (a lazily loaded ``url_name``, or an ``include`` template);
- ``section_link(SectionLink(...))``: a link inside a section or page the hub draws (its
  ``place``: "community-links", "supervisor-links", "reviewer-dispatch",
  "department-dispatch", "inbox-tools"), shown to users who may do ``action``;
- ``subject_label(name, label)``: how an admission subject the app registers reads in pages;
- ``front_page(view)``: the page a visitor who is not signed in gets at ``/`` (the public
  portal's front page); signed-in users keep their workbench;
- ``on_work_item_ended(callback)``: called as ``callback(items=[...])`` inside the
  transaction that revokes or expires work items (signs they backed become excess).

The hub registers its own links and sections the same way (``registry.navigation``), reads
what is registered (``nav_links()``, ``workbench_sections(workbench)``,
``section_links(place)``, ``subject_labels()``, or ``visible_*`` for one user) and renders
it; it imports none of the apps, and names none of their URLs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

# An action, or several of which any one will do (a link on two roles' menus).
Action = str | tuple[str, ...]


@dataclass(frozen=True)
class NavLink:
    url_name: str
    label: str | Promise
    # The permission action a user needs to see the link ("" = public, shown to everyone).
    action: Action
    # Lower comes first; the hub's own links use 10, 20, 30 ...
    order: int = 100


@dataclass(frozen=True)
class WorkbenchSection:
    # Which workbench: "department", "reviewer", "community", "liaison", "supervisor".
    workbench: str
    # The permission action a user needs to see the section.
    action: Action
    heading: str | Promise
    # A section fetched by htmx after the page loads (a URL name), or a template included
    # in the page with the workbench's context.
    url_name: str = ""
    template: str = ""
    # Where the heading links to ("see everything"), as a URL name, and its text.
    link_name: str = ""
    link_text: str | Promise = ""
    order: int = 100
    # The place name of an included section whose links apps add (``SectionLink.place``).
    name: str = ""


@dataclass(frozen=True)
class SectionLink:
    # Where the hub draws it: a section's ``name`` or a page's tool row ("inbox-tools").
    place: str
    url_name: str
    label: str | Promise
    action: Action
    order: int = 100


_NAV_LINKS: dict[str, NavLink] = {}
_SECTIONS: dict[tuple[str, str, str], WorkbenchSection] = {}
_SECTION_LINKS: dict[tuple[str, str], SectionLink] = {}
_SUBJECT_LABELS: dict[str, str | Promise] = {}
_WORK_ITEM_ENDED: dict[str, Callable[..., None]] = {}
_FRONT_PAGE: dict[str, Callable[..., Any]] = {}


def actions(roles_by_action: dict, administrator: frozenset[str] = frozenset()) -> None:
    """Add actions to the permission model (idempotent: ready() may run more than once);
    ``administrator`` names those of them the superuser holds as well."""
    from registry import permissions

    permissions.actions_register(roles_by_action, administrator)


def front_page(view: Callable[..., Any]) -> None:
    """The page a visitor who is not signed in gets at ``/`` (the public portal); with
    none registered, ``/`` sends them to sign in."""
    _FRONT_PAGE["view"] = view


def front_page_view() -> Callable[..., Any] | None:
    return _FRONT_PAGE.get("view")


def nav_link(link: NavLink) -> None:
    _NAV_LINKS[link.url_name] = link


def workbench_section(section: WorkbenchSection) -> None:
    _SECTIONS[(section.workbench, section.url_name, section.template)] = section


def section_link(link: SectionLink) -> None:
    _SECTION_LINKS[(link.place, link.url_name)] = link


def subject_label(name: str, label: str | Promise) -> None:
    _SUBJECT_LABELS[name] = label


def on_work_item_ended(callback: Callable[..., None]) -> None:
    # Keyed by name: ready() may run more than once.
    _WORK_ITEM_ENDED[f"{callback.__module__}.{callback.__qualname__}"] = callback


def work_item_ended(items: list) -> None:
    """Tell the apps that these items stopped being active (revoked or expired)."""
    for callback in _WORK_ITEM_ENDED.values():
        callback(items=items)


def nav_links() -> list[NavLink]:
    return sorted(_NAV_LINKS.values(), key=lambda link: link.order)


def workbench_sections(workbench: str) -> list[WorkbenchSection]:
    return sorted(
        (s for s in _SECTIONS.values() if s.workbench == workbench), key=lambda s: s.order
    )


def section_links(place: str) -> list[SectionLink]:
    return sorted(
        (link for link in _SECTION_LINKS.values() if link.place == place),
        key=lambda link: link.order,
    )


def subject_labels() -> dict[str, str | Promise]:
    return dict(_SUBJECT_LABELS)


# --- For one user: what the hub renders -------------------------------------------------------


def allowed(user, action: Action) -> bool:
    """May ``user`` see something registered for ``action`` ("" = anyone)."""
    from registry import permissions

    if not action:
        return True
    actions = (action,) if isinstance(action, str) else action
    return permissions.may_any(user, *actions)


def url_or_none(url_name: str) -> str | None:
    """The URL of a name, or None where the app that owns it is not installed."""
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def visible_links(user, links) -> list[tuple[str, str | Promise]]:
    """(href, label) of the links ``user`` may see whose pages exist, in order."""
    shown = []
    for link in links:
        href = url_or_none(link.url_name) if allowed(user, link.action) else None
        if href is not None:
            shown.append((href, link.label))
    return shown


# --- The supervisors' dashboard: each app's sections ------------------------------------------


@dataclass(frozen=True)
class DashboardSection:
    """One section of the supervisors' dashboard (``/dashboard/``, ``/api/v1/dashboard/``).

    ``figures(query)`` gets a ``registry.selectors.dashboard.DashboardQuery`` (who asks,
    the area, one period, both days included) and answers with a dict the API returns as
    it is and the page draws (``section_result`` there says its shape): a few ``totals``, ``tables``
    whose rows link to the level below and to the list they count, ``charts`` drawn from
    those tables. A section whose data does not exist yet says so (``available: False``
    and a ``note``); it never fakes figures. The hub calls it once for the period and once
    for the baseline, and counts through the same list selectors the list pages use.
    """

    key: str
    heading: str | Promise
    figures: Callable[..., dict]
    # The permission action a user needs to see the section.
    action: Action = "dashboard.view"
    # A partial drawn in the section (given ``section``, ``result`` and ``baseline``);
    # empty: the hub's own (totals against the baseline, then each table and its chart).
    template: str = ""
    order: int = 100


_DASHBOARD_SECTIONS: dict[str, DashboardSection] = {}


def dashboard_section(section: DashboardSection) -> None:
    _DASHBOARD_SECTIONS[section.key] = section


def dashboard_sections() -> list[DashboardSection]:
    return sorted(_DASHBOARD_SECTIONS.values(), key=lambda s: s.order)
