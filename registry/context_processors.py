from registry import plugins
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
