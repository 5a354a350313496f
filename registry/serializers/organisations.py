"""Serializers for organisations and users: shape and input checks only; services write."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registry import limits
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


@extend_schema_field(
    {"type": "array", "items": {"type": "string", "maxLength": 40}, "maxItems": limits.MAX_CODES}
)
class OrganisationCodeListField(serializers.ListField):
    """A list of organisation codes, at most ``limits.MAX_CODES``, resolved in one query.

    ``OrganisationCodeField(many=True)`` looked each code up on its own (20,000 codes were
    20,000 queries) and had no maximum; this refuses a list over the limit before any query.
    """

    default_error_messages = {
        "not_a_code": _("An organisation code is a string."),
        "does_not_exist": _("No organisation has the code {value}."),
    }

    def __init__(self, *, queryset=None, max_length: int = limits.MAX_CODES, **kwargs):
        self.queryset = queryset if queryset is not None else Organisation.objects.all()
        super().__init__(
            child=serializers.CharField(max_length=40), max_length=max_length, **kwargs
        )

    def to_internal_value(self, data):
        if isinstance(data, list) and any(not isinstance(code, str) for code in data):
            self.fail("not_a_code")
        codes = super().to_internal_value(data)
        found = {o.code: o for o in self.queryset.filter(code__in=set(codes))}
        missing = [code for code in dict.fromkeys(codes) if code not in found]
        if missing:
            self.fail("does_not_exist", value=", ".join(missing[:20]))
        return [found[code] for code in codes]

    def to_representation(self, data):
        items = data.all() if hasattr(data, "all") else data
        return [item.code for item in items]


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
    memberships = MembershipSerializer(many=True, required=False, max_length=limits.MAX_MEMBERSHIPS)
    password = serializers.CharField(
        write_only=True, style={"input_type": "password"}, max_length=128
    )

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
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(
        style={"input_type": "password"}, trim_whitespace=False, max_length=128
    )


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
