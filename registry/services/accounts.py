"""Accounts in bulk, and the account's life: first sign-in, leaving (离任).

An import creates the people of a sheet (``姓名,手机号码,组织机构代码,角色``) with generated
usernames and one-time passwords, handed back once to be printed and given out: they are
never stored in clear. A person is recognised by the mobile number, so importing the same
sheet again changes nothing, and a later sheet only adds what is new.
"""

from __future__ import annotations

import datetime
import re
import secrets
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from registry import audit_actions, excel, permissions
from registry.audit import audit_record
from registry.errors import IllegalTransition, InvalidInput, PermissionDenied
from registry.models import ROLE_ORGANISATION_KIND, Membership, Organisation, Role, User
from registry.services.common import require

_HEADERS = {
    "姓名": "name",
    "name": "name",
    "手机号码": "mobile",
    "手机号": "mobile",
    "手机": "mobile",
    "mobile": "mobile",
    "组织机构代码": "organisation",
    "组织代码": "organisation",
    "organisation": "organisation",
    "organisation code": "organisation",
    "角色": "roles",
    "role": "roles",
    "roles": "roles",
}
_MOBILE = re.compile(r"^1\d{10}$")
_SPLIT_ROLES = re.compile(r"[、,，;；/ ]+")
# No 0/O, 1/l/I: the passwords are read off paper and typed on a phone.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
_INITIAL_HASHER = "pbkdf2_initial"


def role_names() -> dict[str, Role]:
    """Every way a sheet may name a role: its code, its English and Chinese labels, and
    the names bureaus use (部门经办人, 审核人, 联络员 ...)."""
    names: dict[str, Role] = {}
    for role in Role:
        names[role.value] = role
        names[str(role.label).lower()] = role
        with translation.override("zh-hans"):
            names[str(role.label)] = role
    names.update(
        {
            "部门经办人": Role.DEPARTMENT_STAFF,
            "部门工作人员": Role.DEPARTMENT_STAFF,
            "准入审核人": Role.REVIEWER,
            "审核人": Role.REVIEWER,
            "审核人员": Role.REVIEWER,
            "社区干部": Role.COMMUNITY_CADRE,
            "村干部": Role.COMMUNITY_CADRE,
            "监测点联络员": Role.LIAISON,
            "联络员": Role.LIAISON,
            "督查人员": Role.SUPERVISOR,
            "督查员": Role.SUPERVISOR,
            "账号管理员": Role.AREA_ADMINISTRATOR,
        }
    )
    return names


def generate_password() -> str:
    """14 random characters in groups of 4-5 (about 81 bits): easy to read, hard to guess."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(14))
    return f"{raw[:5]}-{raw[5:10]}-{raw[10:]}"


def _generate_username(taken: set[str]) -> str:
    while True:
        name = "c" + "".join(secrets.choice("0123456789") for _ in range(7))
        if name not in taken:
            taken.add(name)
            return name


@dataclass
class Credential:
    street: str
    organisations: str
    display_name: str
    mobile: str
    username: str
    password: str


@dataclass
class AccountImportResult:
    credentials: list[Credential] = field(default_factory=list)
    memberships_added: int = 0
    unchanged: int = 0
    # People the sheet names who left (离任): not reactivated by an old sheet.
    skipped_left: list[str] = field(default_factory=list)

    def by_street(self) -> dict[str, list[Credential]]:
        groups: dict[str, list[Credential]] = defaultdict(list)
        for credential in self.credentials:
            groups[credential.street].append(credential)
        return dict(sorted(groups.items()))


def _parse(upload, actor: User) -> dict[str, dict]:
    rows = excel.load_rows(upload)
    columns = [_HEADERS.get(str(cell or "").strip().lower()) for cell in rows[0]]
    if not {"name", "mobile", "organisation", "roles"} <= set(columns):
        raise InvalidInput(
            _("The first row must name the columns 姓名, 手机号码, 组织机构代码 and 角色."),
            code="bad_header",
        )
    names = role_names()
    raw_rows = []
    for number, cells in enumerate(rows[1:], start=2):
        values = {
            key: excel.text(cells[i]) if i < len(cells) else ""
            for i, key in enumerate(columns)
            if key
        }
        if any(values.values()):
            raw_rows.append((number, values))
    codes = {values["organisation"] for _n, values in raw_rows}
    organisations = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
    people: dict[str, dict] = {}
    errors = []

    def error(row: int, column: str, message: str) -> None:
        errors.append({"row": row, "column": column, "message": message})

    for number, values in raw_rows:
        name, mobile = values["name"], values["mobile"].replace(" ", "").replace("-", "")
        if not name or len(name) > 100:
            error(number, "姓名", _("The name is missing or longer than 100 characters."))
            continue
        if not _MOBILE.match(mobile):
            error(number, "手机号码", _("A mobile number has 11 digits and starts with 1."))
            continue
        organisation = organisations.get(values["organisation"])
        if organisation is None or not organisation.is_active:
            error(number, "组织机构代码", _("No open organisation has this code."))
            continue
        if not permissions.may(actor, "account.manage", organisation):
            # An area administrator imports for the organisations under their area only.
            error(number, "组织机构代码", _("This organisation is outside your area."))
            continue
        roles = []
        for label in filter(None, _SPLIT_ROLES.split(values["roles"])):
            role = names.get(label) or names.get(label.lower())
            if role is None:
                error(number, "角色", _("Unknown role: %(role)s.") % {"role": label})
                break
            if role == Role.AREA_ADMINISTRATOR and not actor.is_superuser:
                # Nobody hands out the right to hand out accounts but the administrator.
                error(
                    number,
                    "角色",
                    _("Only the portal's administrator grants the area administrator role."),
                )
                break
            if ROLE_ORGANISATION_KIND[role] != organisation.kind:
                error(
                    number,
                    "角色",
                    _("The role %(role)s is held in a %(kind)s.")
                    % {
                        "role": role.label,
                        "kind": Organisation.Kind(ROLE_ORGANISATION_KIND[role]).label,
                    },
                )
                break
            roles.append(role)
        else:
            if not roles:
                error(number, "角色", _("Name at least one role."))
                continue
            person = people.setdefault(mobile, {"name": name, "row": number, "memberships": []})
            if person["name"] != name:
                error(
                    number,
                    "姓名",
                    _("Row %(row)s gives this mobile number to %(name)s.")
                    % {"row": person["row"], "name": person["name"]},
                )
                continue
            person["memberships"].extend((organisation, role) for role in roles)
    if errors:
        raise InvalidInput(
            _("%(n)s problems in the file; nothing was imported.") % {"n": len(errors)},
            code="import_rows_invalid",
            rows=errors,
        )
    if not people:
        raise InvalidInput(_("The sheet lists nobody."), code="empty_file")
    return people


def _street_names(organisations: list[Organisation]) -> dict[int, str]:
    """Each organisation's street (or the nearest area above street level): whom to hand
    its sheet to."""
    codes = {code for org in organisations for code in org.path.strip("/").split("/") if code}
    areas = {
        o.code: o for o in Organisation.objects.filter(code__in=codes, kind=Organisation.Kind.AREA)
    }
    result = {}
    for org in organisations:
        chain = [areas[c] for c in org.path.strip("/").split("/") if c in areas]
        streets = [a for a in chain if a.level == Organisation.Level.STREET]
        pick = streets[-1] if streets else (chain[-1] if chain else org)
        result[org.pk] = pick.name
    return result


@transaction.atomic
def accounts_import(*, actor: User, upload) -> AccountImportResult:
    """Create the sheet's people and memberships: every row, or nothing.

    Returns the new accounts' one-time credentials, to be shown once; only their hashes
    are stored. Existing people (same mobile number) only gain the memberships they lack.
    """
    require(actor, "account.manage")
    people = _parse(upload, actor)
    existing = {u.mobile: u for u in User.objects.filter(mobile__in=list(people))}
    held = set(
        Membership.objects.filter(user__in=list(existing.values())).values_list(
            "user_id", "organisation_id", "role"
        )
    )
    taken = set(User.objects.filter(username__regex=r"^c\d{7}$").values_list("username", flat=True))
    result = AccountImportResult()
    new_users: list[tuple[User, str, dict]] = []
    for mobile, person in people.items():
        user = existing.get(mobile)
        if user is not None and not user.is_active:
            result.skipped_left.append(person["name"])
            continue
        if user is None:
            password = generate_password()
            user = User(
                username=_generate_username(taken),
                display_name=person["name"],
                mobile=mobile,
                must_change_password=True,
                password=make_password(password, hasher=_INITIAL_HASHER),
            )
            new_users.append((user, password, person))
        else:
            wanted = {(o.pk, r) for o, r in person["memberships"]}
            if wanted <= {(o, r) for u, o, r in held if u == user.pk}:
                result.unchanged += 1
    User.objects.bulk_create([user for user, _p, _person in new_users], batch_size=1000)
    created = {user.mobile: user for user, _p, _person in new_users}
    memberships: list[Membership] = []
    for mobile, person in people.items():
        user = created.get(mobile) or existing[mobile]
        if not user.is_active:
            continue
        for organisation, role in dict.fromkeys(person["memberships"]):
            if (user.pk, organisation.pk, role) not in held:
                memberships.append(Membership(user=user, organisation=organisation, role=role))
    Membership.objects.bulk_create(memberships, batch_size=1000)
    result.memberships_added = len(memberships)
    firsts = [person["memberships"][0][0] for _u, _p, person in new_users]
    streets = _street_names(list({o.pk: o for o in firsts}.values()))
    for user, password, person in new_users:
        first = person["memberships"][0][0]
        result.credentials.append(
            Credential(
                street=streets.get(first.pk, first.name),
                organisations="、".join(dict.fromkeys(o.name for o, _r in person["memberships"])),
                display_name=user.display_name,
                mobile=user.mobile,
                username=user.username,
                password=password,
            )
        )
        # As user_create records it (never the password, nor the mobile number).
        audit_record(
            actor=actor,
            action=audit_actions.USER_CREATE,
            obj=user,
            after={
                "username": user.username,
                "display_name": user.display_name,
                "memberships": [[o.code, r] for o, r in dict.fromkeys(person["memberships"])],
                "imported": True,
            },
        )
    for membership in memberships:
        if membership.user.mobile in created:
            continue
        audit_record(
            actor=actor,
            action=audit_actions.MEMBERSHIP_GRANT,
            obj=membership,
            after={
                "user": membership.user.username,
                "organisation": membership.organisation.code,
                "role": membership.role,
            },
        )
    return result


def may_deactivate(actor: User, user: User) -> bool:
    """The administrator may switch off anyone; an area administrator a person whose every
    open membership lies in their area (never an administrator, nor someone with no role,
    whose area nobody can tell)."""
    if actor.is_superuser:
        return True
    if user.is_superuser or user.is_staff:
        return False
    held = list(
        user.memberships.filter(ended_on__isnull=True).values_list("organisation__path", flat=True)
    )
    areas = [grant.path for grant in permissions.grants_for(actor, "account.manage")]
    return bool(held) and all(any(path.startswith(area) for area in areas) for path in held)


@transaction.atomic
def user_deactivate(
    *, actor: User, user: User, left_on: datetime.date | None = None, reason: str = ""
) -> User:
    """离任: the account is switched off, its memberships end on ``left_on``, its API tokens
    are revoked; the person's name stays on everything they did (audit, history)."""
    require(actor, "account.manage")
    user = User.objects.select_for_update().get(pk=user.pk)
    if not may_deactivate(actor, user):
        raise PermissionDenied(_("This account is not one of your area's."))
    if not user.is_active:
        raise IllegalTransition(_("This account has already been deactivated."))
    if user.pk == actor.pk:
        raise InvalidInput(_("You cannot deactivate your own account."))
    left_on = left_on or timezone.localdate()
    ended = list(
        user.memberships.filter(ended_on__isnull=True).values_list("organisation__code", "role")
    )
    user.memberships.filter(ended_on__isnull=True).update(ended_on=left_on)
    user.is_active, user.left_on = False, left_on
    user.save(update_fields=["is_active", "left_on"])
    from rest_framework.authtoken.models import Token

    Token.objects.filter(user=user).delete()
    audit_record(
        actor=actor,
        action=audit_actions.USER_DEACTIVATE,
        obj=user,
        before={"is_active": True, "memberships": [list(m) for m in ended]},
        after={"is_active": False, "left_on": left_on.isoformat(), "reason": reason[:200]},
    )
    return user


@transaction.atomic
def user_password_changed(*, user: User) -> None:
    """The first sign-in chose a new password: the account is fully usable now."""
    User.objects.filter(pk=user.pk).update(must_change_password=False)
    user.must_change_password = False
    audit_record(actor=user, action=audit_actions.USER_PASSWORD_CHANGE, obj=user)


# The credentials sheet's columns (the headers a street office prints and hands out).
CREDENTIAL_COLUMNS = [
    excel.Column("street", "街道", 16),
    excel.Column("organisations", "组织", 28),
    excel.Column("display_name", "姓名", 12),
    excel.Column("mobile", "手机号码", 14),
    excel.Column("username", "用户名", 12),
    excel.Column("password", "初始密码", 20),
]


def credentials_sheet(credentials: list[Credential], *, title: str) -> excel.Sheet:
    """One street's sheet of credentials (the Excel kit writes a name like ``=1+1`` as text)."""
    return excel.Sheet(
        title=title or "accounts",
        columns=CREDENTIAL_COLUMNS,
        rows=[
            [c.street, c.organisations, c.display_name, c.mobile, c.username, c.password]
            for c in credentials
        ],
    )


def credentials_workbook(credentials: list[Credential], *, title: str) -> bytes:
    """One street's credentials to print or hand out, as .xlsx (never stored)."""
    return excel.workbook_bytes(credentials_sheet(credentials, title=title))
