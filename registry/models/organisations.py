"""Organisations, users and their memberships: who is who, and where in the tree."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

PATH_SEPARATOR = "/"


def path_prefixes(path: str) -> list[str]:
    """'/a/b/c/' -> ['/a/', '/a/b/', '/a/b/c/']: the paths of a node and its ancestors."""
    parts = [p for p in path.split(PATH_SEPARATOR) if p]
    return [
        PATH_SEPARATOR + "".join(f"{part}{PATH_SEPARATOR}" for part in parts[: i + 1])
        for i in range(len(parts))
    ]


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    # The mobile number identifies a person across imports of accounts (the username is
    # generated, so no personal data ends up in the audit log's actor names).
    mobile = models.CharField(_("mobile number"), max_length=20, blank=True, db_index=True)
    # Set on accounts created with a generated one-time password: the first sign-in must
    # choose a new one before anything else.
    must_change_password = models.BooleanField(_("must change password"), default=False)
    # 离任: when the person left; the account is inactive but kept, with its history.
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username


class OrganisationQuerySet(models.QuerySet):
    def under(self, organisation: Organisation, *, include_self: bool = False):
        """Every descendant of ``organisation``: one prefix query on the indexed path."""
        qs = self.filter(path__startswith=organisation.path)
        return qs if include_self else qs.exclude(pk=organisation.pk)

    def communities(self):
        return self.filter(kind=Organisation.Kind.COMMUNITY)

    def areas(self):
        return self.filter(kind=Organisation.Kind.AREA)

    def departments(self):
        return self.filter(kind=Organisation.Kind.DEPARTMENT)


class Organisation(models.Model):
    """One node of the tree: an area, a department hanging off an area, or a community.

    ``path`` is the materialised path of codes from the root (``/99/9901/990102/``), so
    "everything under X" is ``path LIKE 'X.path%'``, served by a pattern-ops index.
    """

    class Kind(models.TextChoices):
        AREA = "area", _("Area")
        DEPARTMENT = "department", _("Department")
        COMMUNITY = "community", _("Community or village")

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        DISTRICT = "district", _("District or county")
        STREET = "street", _("Street or township")
        COMMUNITY = "community", _("Community")
        VILLAGE = "village", _("Village")
        DEPARTMENT = "department", _("Department")

    # The level an area gets when none is given: one below its parent's.
    AREA_LEVELS = [Level.PROVINCE, Level.CITY, Level.DISTRICT, Level.STREET]

    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9_-]+$",
                _("A code may contain only letters, digits, '-' and '_'."),
            )
        ],
        help_text=_("Administrative division code for areas and communities."),
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("path"), max_length=400, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), editable=False, default=0)
    staff_count = models.PositiveIntegerField(_("staff count"), default=0)
    households = models.PositiveIntegerField(_("households"), default=0)
    population = models.PositiveIntegerField(_("population"), default=0)
    is_monitoring_point = models.BooleanField(_("monitoring point"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["path"]
        indexes = [
            # LIKE 'prefix%' needs pattern ops unless the database collation is C.
            models.Index(fields=["path"], opclasses=["varchar_pattern_ops"], name="org_path_like"),
            models.Index(
                fields=["kind", "path"],
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
                name="org_kind_path_like",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    kind="area", level__in=["province", "city", "district", "street"]
                )
                | models.Q(kind="community", level__in=["community", "village"])
                | models.Q(kind="department", level="department"),
                name="org_level_matches_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="area") | models.Q(parent__isnull=False),
                name="org_only_areas_are_roots",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent is not None and self.parent.kind != self.Kind.AREA:
            raise ValidationError({"parent": _("Only an area can contain other organisations.")})
        if self.kind != self.Kind.AREA and self.parent is None:
            raise ValidationError({"parent": _("A department or community needs a parent area.")})

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent else PATH_SEPARATOR
        return f"{prefix}{self.code}{PATH_SEPARATOR}"

    def covers(self, other: Organisation) -> bool:
        """True if ``other`` is this organisation or lies under it."""
        return other.path.startswith(self.path)

    @property
    def is_community(self) -> bool:
        return self.kind == self.Kind.COMMUNITY


class Role(models.TextChoices):
    DEPARTMENT_STAFF = "department_staff", _("Department staff")
    REVIEWER = "reviewer", _("Reviewer")
    COMMUNITY_CADRE = "community_cadre", _("Community cadre")
    LIAISON = "liaison", _("Monitoring-point liaison")
    SUPERVISOR = "supervisor", _("Supervisor")
    # A district's (or city's) own IT staff: accounts of the organisations in its area,
    # nothing else (no review, no dispatch, no supervision).
    AREA_ADMINISTRATOR = "area_administrator", _("Area administrator")


# Which kind of organisation each role is held in.
ROLE_ORGANISATION_KIND = {
    Role.DEPARTMENT_STAFF: Organisation.Kind.DEPARTMENT,
    Role.REVIEWER: Organisation.Kind.AREA,
    Role.COMMUNITY_CADRE: Organisation.Kind.COMMUNITY,
    Role.LIAISON: Organisation.Kind.COMMUNITY,
    Role.SUPERVISOR: Organisation.Kind.AREA,
    Role.AREA_ADMINISTRATOR: Organisation.Kind.AREA,
}


class Membership(models.Model):
    """A user holds a role in an organisation; everything they may see follows from these."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # A membership that ended (离任) is kept, with the date, so history still names who
    # held the role; it grants nothing any more.
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"

    def clean(self) -> None:
        expected = ROLE_ORGANISATION_KIND.get(Role(self.role)) if self.role else None
        if expected and self.organisation_id and self.organisation.kind != expected:
            raise ValidationError(
                {
                    "organisation": _("The role %(role)s is held in a %(kind)s.")
                    % {"role": Role(self.role).label, "kind": Organisation.Kind(expected).label}
                }
            )
