"""Serializers for organisations and users: shape and input checks only; services write."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.utils import html

from registry.models import Membership, Organisation, Role, User


class OrganisationCodeField(serializers.SlugRelatedField):
    """An organisation referred to by its ``code`` (the API never exposes ids for them)."""

    default_error_messages = {
        "does_not_exist": _("No organisation has the code {value}."),
        "invalid": _("An organisation code is a string."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Organisation.objects.all())
        super().__init__(slug_field="code", **kwargs)

    def to_internal_value(self, data):
        # Without this a JSON number (990102) would be looked up as the code "990102".
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field(serializers.ListField(child=serializers.CharField()))
class OrganisationCodesField(serializers.Field):
    """A list of organisation codes, resolved in ONE query (``code__in``) whatever its
    length, to the organisations in the order given (repeats dropped).

    ``OrganisationCodeField(many=True)`` looked every code up on its own: a dispatch to
    1,000 communities cost 1,000 queries before the gate ran, and it stopped at the first
    unknown code. This names every unknown code in the one 400.
    """

    default_error_messages = {
        "not_a_list": _("Expected a list of organisation codes."),
        "invalid": _("An organisation code is a string."),
        "empty": _("Name at least one organisation."),
    }

    def __init__(
        self, *, queryset: QuerySet[Organisation] | None = None, allow_empty: bool = True, **kwargs
    ):
        self.queryset = queryset if queryset is not None else Organisation.objects.all()
        self.allow_empty = allow_empty
        super().__init__(**kwargs)

    def get_value(self, dictionary):
        # Form and multipart input repeat the key (scope=a&scope=b), as for a ListField.
        if html.is_html_input(dictionary):
            if self.field_name not in dictionary:
                return empty
            return dictionary.getlist(self.field_name)
        return dictionary.get(self.field_name, empty)

    def to_internal_value(self, data) -> list[Organisation]:
        if isinstance(data, str | bytes | dict) or not hasattr(data, "__iter__"):
            self.fail("not_a_list")
        codes = list(data)
        if any(not isinstance(code, str) for code in codes):
            # Without this a JSON number (990102) would be looked up as the code "990102".
            self.fail("invalid")
        if not codes and not self.allow_empty:
            self.fail("empty")
        unique = list(dict.fromkeys(codes))
        found = {org.code: org for org in self.queryset.filter(code__in=unique)}
        unknown = [code for code in unique if code not in found]
        if unknown:
            raise serializers.ValidationError(
                ngettext(
                    "No organisation has the code %(codes)s.",
                    "No organisation has these codes: %(codes)s.",
                    len(unknown),
                )
                % {"codes": ", ".join(unknown)},
                code="does_not_exist",
            )
        return [found[code] for code in unique]

    def to_representation(self, value) -> list[str]:
        organisations = value.all() if hasattr(value, "all") else value
        return [org.code for org in organisations]


# The levels each kind may have (the model's org_level_matches_kind constraint), checked
# here so a mismatch is reported on ``level`` instead of as an anonymous constraint name.
LEVELS_OF_KIND = {
    Organisation.Kind.AREA: set(Organisation.AREA_LEVELS),
    Organisation.Kind.DEPARTMENT: {Organisation.Level.DEPARTMENT},
    Organisation.Kind.COMMUNITY: {Organisation.Level.COMMUNITY, Organisation.Level.VILLAGE},
}


class OrganisationSerializer(serializers.ModelSerializer):
    parent = OrganisationCodeField(allow_null=True, required=False)
    level = serializers.ChoiceField(choices=Organisation.Level.choices, required=False)

    class Meta:
        model = Organisation
        fields = [
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
        read_only_fields = ["is_active"]
        # Uniqueness is the service's to report (409), not a 400 here.
        extra_kwargs = {"code": {"validators": []}}

    def validate(self, attrs):
        kind = attrs.get("kind", getattr(self.instance, "kind", None))
        level = attrs.get("level")
        if kind and level and level not in LEVELS_OF_KIND.get(kind, ()):
            raise serializers.ValidationError(
                {
                    "level": _("A %(kind)s cannot have the level %(level)s.")
                    % {
                        "kind": Organisation.Kind(kind).label,
                        "level": Organisation.Level(level).label,
                    }
                }
            )
        return attrs


class OrganisationUpdateSerializer(OrganisationSerializer):
    class Meta(OrganisationSerializer.Meta):
        read_only_fields = ["code", "kind"]


class MembershipSerializer(serializers.ModelSerializer):
    organisation = OrganisationCodeField()
    role = serializers.ChoiceField(choices=Role.choices)

    class Meta:
        model = Membership
        fields = ["organisation", "role"]


class UserSerializer(serializers.ModelSerializer):
    memberships = MembershipSerializer(many=True, required=False)
    password = serializers.CharField(write_only=True, style={"input_type": "password"})

    class Meta:
        model = User
        fields = ["id", "username", "password", "display_name", "email", "is_active", "memberships"]
        read_only_fields = ["id", "is_active"]
        extra_kwargs = {"username": {"validators": []}}


class MeSerializer(serializers.ModelSerializer):
    memberships = MembershipSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "email", "is_superuser", "memberships"]
        read_only_fields = fields


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
