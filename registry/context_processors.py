from registry import permissions, plugins
from registry.views.workbench import workbenches_for


def navigation(request) -> dict:
    """The header's links: the user's workbenches and the features registered with an
    action they may do (registry.plugins.nav_link, by the hub and the apps alike); the
    footer's: the public ones (no action)."""
    user = getattr(request, "user", None)
    links = plugins.nav_links()
    public = plugins.visible_links(user, [link for link in links if not link.action])
    if user is None or not user.is_authenticated:
        return {"nav_workbenches": [], "nav_features": [], "nav_public": public}
    return {
        "nav_workbenches": workbenches_for(user),
        "nav_features": plugins.visible_links(user, [link for link in links if link.action]),
        "nav_public": public,
    }


def calendar_notice(request) -> dict:
    """Years whose holiday schedule neither the table nor the package knows, for the people
    who can act on it (administrators enter it; reviewers see deadlines computed from it).
    The current year always; the next one from December, once the State Council has
    published it in November."""
    from django.utils import timezone

    from registry import workdays

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if not (user.is_superuser or permissions.may(user, "workbench.reviewer")):
        return {}
    today = timezone.localdate()
    years = [today.year] + ([today.year + 1] if today.month == 12 else [])
    missing = [year for year in years if not workdays.is_covered(year)]
    return {"calendar_uncovered_years": missing, "calendar_admin": user.is_superuser}
