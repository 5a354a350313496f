"""Reads of organisations and users, scoped to what the user may see."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from registry import permissions
from registry.errors import NotFound, PermissionDenied
from registry.filters.base import apply_filters
from registry.filters.organisations import OrganisationFilter
from registry.models import (
    Organisation,
    User,
)


def organisation_list(*, user: User, filters=None) -> QuerySet[Organisation]:
    """The organisation tree is reference data: every user with a role may read all of it
    (OrganisationFilter)."""
    if not permissions.may(user, "organisation.view"):
        return Organisation.objects.none()
    organisations = Organisation.objects.select_related("parent").order_by("path")
    return apply_filters(OrganisationFilter, filters, organisations, user=user)


def organisation_get(*, user: User, code: str) -> Organisation:
    try:
        return organisation_list(user=user).get(code=code)
    except Organisation.DoesNotExist:
        raise NotFound() from None


def area_get(*, code: str) -> Organisation:
    """An area by code, for public pages (areas are public reference data)."""
    try:
        return Organisation.objects.areas().get(code=code)
    except Organisation.DoesNotExist:
        raise NotFound() from None


def communities_under(organisation: Organisation) -> QuerySet[Organisation]:
    """Every active community or village under ``organisation``: one indexed prefix query."""
    return Organisation.objects.communities().filter(
        path__startswith=organisation.path, is_active=True
    )


def user_list(*, user: User) -> QuerySet[User]:
    if not permissions.may(user, "user.manage"):
        raise PermissionDenied()
    return User.objects.prefetch_related("memberships__organisation").order_by("username")


def user_get(*, user: User, pk: int) -> User:
    try:
        return user_list(user=user).get(pk=pk)
    except User.DoesNotExist:
        raise NotFound() from None


def communities_in_scope(scope: Iterable[Organisation]) -> QuerySet[Organisation]:
    """Active communities that are, or lie under, any of the scope organisations."""
    query = Q()
    for organisation in scope:
        query |= Q(path__startswith=organisation.path)
    if not query:
        return Organisation.objects.none()
    return Organisation.objects.communities().filter(query, is_active=True)


def areas_managed_by(*, user: User) -> QuerySet[Organisation]:
    """Areas whose lists the user manages (reviewers: their area and the areas under it)."""
    return (
        Organisation.objects.areas()
        .filter(permissions.scope_q(user, "work_item.manage", ""), is_active=True)
        .order_by("path")
    )


def organisation_names(codes: Iterable[str]) -> dict[str, str]:
    """code -> name for the given codes (one query)."""
    return dict(Organisation.objects.filter(code__in=set(codes)).values_list("code", "name"))
