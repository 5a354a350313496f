from registry.views import workbenches_for


def navigation(request) -> dict:
    """The workbench links of the signed-in user's roles, for the base layout."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_workbenches": []}
    return {"nav_workbenches": workbenches_for(user)}
