"""Writes for organisations, users and memberships. Each is atomic and audited."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from registry import audit_actions, figure_cache, inbox_cache
from registry.audit import audit_record, snapshot
from registry.errors import Conflict, InvalidInput, PermissionDenied
from registry.models import Membership, Organisation, User
from registry.services.common import full_clean, invalid_input, require

ORGANISATION_AUDIT_FIELDS = [
    "code",
    "name",
    "kind",
    "level",
    "parent",
    "staff_count",
    "households",
    "population",
    "is_monitoring_point",
    "is_active",
]
EDITABLE_ORGANISATION_FIELDS = {
    "name",
    "parent",
    "level",
    "staff_count",
    "households",
    "population",
    "is_monitoring_point",
    "is_active",
}


def _default_level(kind: str, parent: Organisation | None) -> str:
    if kind == Organisation.Kind.DEPARTMENT:
        return Organisation.Level.DEPARTMENT
    if kind == Organisation.Kind.COMMUNITY:
        return Organisation.Level.COMMUNITY
    if parent is None:
        return Organisation.Level.PROVINCE
    levels = Organisation.AREA_LEVELS
    index = levels.index(parent.level) if parent.level in levels else len(levels) - 1
    return levels[min(index + 1, len(levels) - 1)]


def _duplicate_code(code: str) -> Conflict:
    return Conflict(
        _("An organisation with code %(code)s already exists.") % {"code": code},
        code="duplicate_code",
    )


def _duplicate_username(username: str) -> Conflict:
    return Conflict(
        _("The username %(username)s is taken.") % {"username": username},
        code="duplicate_username",
    )


@transaction.atomic
def organisation_create(
    *,
    actor: User,
    code: str,
    name: str,
    kind: str,
    parent: Organisation | None = None,
    level: str | None = None,
    staff_count: int = 0,
    households: int = 0,
    population: int = 0,
    is_monitoring_point: bool = False,
) -> Organisation:
    require(actor, "organisation.manage")
    if Organisation.objects.filter(code=code).exists():
        raise _duplicate_code(code)
    organisation = Organisation(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        level=level or _default_level(kind, parent),
        staff_count=staff_count,
        households=households,
        population=population,
        is_monitoring_point=is_monitoring_point,
    )
    # Uniqueness is left to the index (below): a check here would only narrow the race.
    _full_clean_without_unique(organisation, exclude=["path", "depth"])
    organisation.path = organisation.compute_path()
    organisation.depth = (parent.depth + 1) if parent else 0
    try:
        # Two administrators creating the same code at once both pass the check above; the
        # unique index decides, and the loser gets the same 409 as a sequential duplicate.
        # The savepoint keeps the outer transaction usable for the caller.
        with transaction.atomic():
            organisation.save()
    except IntegrityError:
        if Organisation.objects.filter(code=code).exists():
            raise _duplicate_code(code) from None
        raise
    audit_record(
        actor=actor,
        action=audit_actions.ORGANISATION_CREATE,
        obj=organisation,
        after=snapshot(organisation, ORGANISATION_AUDIT_FIELDS),
    )
    return organisation


@transaction.atomic
def organisation_update(*, actor: User, organisation: Organisation, **changes: Any) -> Organisation:
    """Change an organisation's editable fields; a new parent moves its whole subtree."""
    require(actor, "organisation.manage")
    unknown = set(changes) - EDITABLE_ORGANISATION_FIELDS
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = snapshot(organisation, ORGANISATION_AUDIT_FIELDS)
    for name, value in changes.items():
        setattr(organisation, name, value)
    new_parent = changes.get("parent", organisation.parent)
    if new_parent is not None and new_parent.path.startswith(organisation.path):
        raise InvalidInput(
            _("An organisation cannot be moved under itself."),
            fields={"parent": [_("An organisation cannot be moved under itself.")]},
        )
    full_clean(organisation, exclude=["path", "depth"])
    old_path, old_depth = organisation.path, organisation.depth
    organisation.path = organisation.compute_path()
    organisation.depth = (new_parent.depth + 1) if new_parent else 0
    organisation.save()
    # Its code and name are on the rows of inboxes and departments' lists.
    inbox_cache.bump_organisation(organisation)
    if organisation.path != old_path:
        # Every scope and area filter reads the paths: the cached figures are stale.
        figure_cache.bump([figure_cache.TREE])
        # Rewrite every descendant's path prefix in one statement.
        Organisation.objects.filter(path__startswith=old_path).exclude(pk=organisation.pk).update(
            path=Concat(Value(organisation.path), Substr("path", len(old_path) + 1)),
            depth=F("depth") + (organisation.depth - old_depth),
        )
    audit_record(
        actor=actor,
        action=audit_actions.ORGANISATION_UPDATE,
        obj=organisation,
        before=before,
        after=snapshot(organisation, ORGANISATION_AUDIT_FIELDS),
    )
    return organisation


def _full_clean_without_unique(obj, *, exclude: list[str]) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as exc:
        raise invalid_input(exc) from exc


def _membership_objects(
    user: User, memberships: Iterable[tuple[Organisation, str]]
) -> list[Membership]:
    objects = []
    errors: dict[str, list[str]] = {}
    for index, (organisation, role) in enumerate(memberships):
        membership = Membership(user=user, organisation=organisation, role=role)
        try:
            membership.full_clean(exclude=["user"], validate_unique=False)
        except ValidationError as exc:
            errors[f"memberships[{index}]"] = [m for ms in exc.message_dict.values() for m in ms]
        objects.append(membership)
    if errors:
        first = next(iter(errors.values()))[0]
        raise InvalidInput(first, fields=errors)
    return objects


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    password: str,
    display_name: str = "",
    email: str = "",
    memberships: Iterable[tuple[Organisation, str]] = (),
) -> User:
    require(actor, "user.manage")
    if User.objects.filter(username=username).exists():
        raise _duplicate_username(username)
    user = User(username=username, display_name=display_name, email=email)
    try:
        user.full_clean(exclude=["password"], validate_unique=False)
        validate_password(password, user)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise invalid_input(exc) from exc
        raise InvalidInput(exc.messages[0], fields={"password": exc.messages}) from exc
    user.set_password(password)
    membership_objects = _membership_objects(user, memberships)
    try:
        # The same race as organisation_create: the unique index on username decides.
        with transaction.atomic():
            user.save()
    except IntegrityError:
        if User.objects.filter(username=username).exists():
            raise _duplicate_username(username) from None
        raise
    Membership.objects.bulk_create(
        list({(m.organisation_id, m.role): m for m in membership_objects}.values())
    )
    audit_record(
        actor=actor,
        action=audit_actions.USER_CREATE,
        obj=user,
        after={
            "username": username,
            "display_name": display_name,
            "memberships": [[m.organisation.code, m.role] for m in membership_objects],
        },
    )
    return user


@transaction.atomic
def membership_grant(
    *, actor: User, user: User, organisation: Organisation, role: str
) -> Membership:
    require(actor, "user.manage")
    existing = Membership.objects.filter(user=user, organisation=organisation, role=role).first()
    if existing:
        return existing
    (membership,) = _membership_objects(user, [(organisation, role)])
    membership.save()
    audit_record(
        actor=actor,
        action=audit_actions.MEMBERSHIP_GRANT,
        obj=membership,
        after={"user": user.username, "organisation": organisation.code, "role": role},
    )
    return membership


@transaction.atomic
def membership_revoke(*, actor: User, membership: Membership) -> None:
    require(actor, "user.manage")
    audit_record(
        actor=actor,
        action=audit_actions.MEMBERSHIP_REVOKE,
        obj=membership,
        before={
            "user": membership.user.username,
            "organisation": membership.organisation.code,
            "role": membership.role,
        },
    )
    membership.delete()


# Fields an administrator may change on a user; the staff flags also need a superuser, so
# that managing users never lets someone hand out the admin's keys.
EDITABLE_USER_FIELDS = {"display_name", "email", "first_name", "last_name", "is_active"}
SUPERUSER_ONLY_USER_FIELDS = {"is_staff", "is_superuser"}
USER_AUDIT_FIELDS = ["username", "display_name", "email", "first_name", "last_name"]


@transaction.atomic
def user_update(*, actor: User, user: User, **changes: Any) -> User:
    """Change a user's names, e-mail or active flag (``is_active=False`` deactivates: users
    are never deleted, history points at them)."""
    require(actor, "user.manage")
    unknown = set(changes) - EDITABLE_USER_FIELDS - SUPERUSER_ONLY_USER_FIELDS
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    user = User.objects.select_for_update().get(pk=user.pk)
    fields = [*USER_AUDIT_FIELDS, "is_active", "is_staff", "is_superuser"]
    before = snapshot(user, fields)
    changed = {name for name, value in changes.items() if getattr(user, name) != value}
    if changed & SUPERUSER_ONLY_USER_FIELDS and not actor.is_superuser:
        raise PermissionDenied(_("Only a superuser can change who has access to the admin."))
    if user.pk == actor.pk and changes.get("is_active") is False:
        message = _("You cannot deactivate yourself.")
        raise InvalidInput(message, fields={"is_active": [message]})
    if not changed:
        return user
    for name in changed:
        setattr(user, name, changes[name])
    full_clean(user, exclude=["password"])
    user.save(update_fields=sorted(changed))
    audit_record(
        actor=actor,
        action=audit_actions.USER_UPDATE,
        obj=user,
        before=before,
        after=snapshot(user, fields),
    )
    return user


@transaction.atomic
def user_set_password(*, actor: User, user: User, password: str | None) -> User:
    """Set a user's password (``None``: password login disabled). The entry never holds it."""
    require(actor, "user.manage")
    user = User.objects.select_for_update().get(pk=user.pk)
    if password is None:
        user.set_unusable_password()
    else:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise InvalidInput(exc.messages[0], fields={"password1": exc.messages}) from exc
        user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        actor=actor,
        action=audit_actions.USER_PASSWORD_SET,
        obj=user,
        after={"username": user.username, "usable": password is not None},
    )
    return user
