from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from registry import permissions
from registry.models import Role
from registry.views.workbench import workbenches_for

# The features each role reaches from the header, in the order they are shown. URL names,
# not imports: the hub links to the other apps' pages without depending on their code.
FEATURE_LINKS = [
    ("applications", _("Applications"), {Role.DEPARTMENT_STAFF, Role.SUPERVISOR}),
    ("dispatch-index", _("Dispatches"), {Role.DEPARTMENT_STAFF, Role.REVIEWER, Role.SUPERVISOR}),
    ("review-queue", _("Review queue"), {Role.REVIEWER}),
    ("dispatch-ratification", _("Emergency ratification"), {Role.REVIEWER}),
    ("inbox", _("Inbox"), {Role.COMMUNITY_CADRE, Role.LIAISON}),
    ("certificate-register", _("Certificate register"), {Role.COMMUNITY_CADRE}),
    ("offplatform-new", _("Report an off-platform demand"), {Role.COMMUNITY_CADRE, Role.LIAISON}),
    ("flags", _("Flags"), {Role.REVIEWER, Role.SUPERVISOR}),
    ("work-items", _("Work items"), set(Role)),
    ("certificate-catalogue", _("Certificate catalogue"), {Role.REVIEWER}),
]
# What anyone may open without signing in.
PUBLIC_LINKS = [
    ("published-lists", _("Published lists")),
    ("verify", _("Verify an admission number")),
    ("certificate-lookup", _("Certificate lookup")),
]


def _links(pairs):
    links = []
    for name, label in pairs:
        try:
            links.append((reverse(name), label))
        except NoReverseMatch:  # a feature not installed in this deployment
            continue
    return links


def navigation(request) -> dict:
    """The header's links: the user's workbenches and features, and the public pages."""
    user = getattr(request, "user", None)
    public = _links(PUBLIC_LINKS)
    if user is None or not user.is_authenticated:
        return {"nav_workbenches": [], "nav_features": [], "nav_public": public}
    roles = permissions.roles_of(user)
    features = _links((name, label) for name, label, allowed in FEATURE_LINKS if roles & allowed)
    return {
        "nav_workbenches": workbenches_for(user),
        "nav_features": features,
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
    if not (user.is_superuser or Role.REVIEWER in permissions.roles_of(user)):
        return {}
    today = timezone.localdate()
    years = [today.year] + ([today.year + 1] if today.month == 12 else [])
    missing = [year for year in years if not workdays.is_covered(year)]
    return {"calendar_uncovered_years": missing, "calendar_admin": user.is_superuser}
