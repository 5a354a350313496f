"""Serializers for plaques and standards: shapes and input types; services decide."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registry.models import Organisation
from registry.serializers.admission import WorkItemNumberField
from registry.serializers.organisations import OrganisationCodeField
from signage.models import Kind, Placement, Plaque, PlaqueStandard


class StrictCharField(serializers.CharField):
    """A string, not a number or a list quietly turned into one."""

    default_error_messages = {"invalid": _("Write text here, not a number or a list.")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class PlaqueWriteSerializer(serializers.Serializer):
    community = OrganisationCodeField(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.COMMUNITY)
    )
    text = StrictCharField(max_length=200)
    kind = serializers.ChoiceField(choices=Kind.choices)
    placement = serializers.ChoiceField(choices=Placement.choices)
    issuer = OrganisationCodeField(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.DEPARTMENT),
        allow_null=True,
        required=False,
        default=None,
    )
    location = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    installed_on = serializers.DateField()
    work_item = WorkItemNumberField(allow_null=True, required=False, default=None)
    photo = serializers.FileField(required=False, allow_null=True, default=None)

    def to_internal_value(self, data):
        # A multipart form has no null: an empty issuer or work item means none.
        if hasattr(data, "getlist"):
            # A plain dict, not QueryDict.copy(): that deep-copies the uploaded file.
            data = {key: data.get(key) for key in data}
            for key in ("issuer", "work_item", "photo"):
                if data.get(key) == "":
                    data[key] = None
        return super().to_internal_value(data)


class RemoveSerializer(serializers.Serializer):
    removed_on = serializers.DateField()
    reason = StrictCharField(max_length=2000)
    photo = serializers.FileField(required=False, allow_null=True, default=None)


class WhySerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


class PlaqueSerializer(serializers.ModelSerializer):
    community = serializers.CharField(source="community.code")
    community_name = serializers.CharField(source="community.name")
    issuer = serializers.CharField(source="issuer.code", allow_null=True, default=None)
    issuer_name = serializers.CharField(source="issuer.name", allow_null=True, default=None)
    work_item = serializers.CharField(
        source="work_item.admission_number", allow_null=True, default=None
    )
    why = serializers.SerializerMethodField()
    photo_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    removal_photo_url = serializers.SerializerMethodField()

    class Meta:
        model = Plaque
        fields = [
            "id",
            "community",
            "community_name",
            "text",
            "kind",
            "placement",
            "issuer",
            "issuer_name",
            "location",
            "installed_on",
            "work_item",
            "status",
            "within_standard",
            "why",
            "removed_on",
            "removal_reason",
            "photo_url",
            "thumbnail_url",
            "removal_photo_url",
        ]

    @extend_schema_field(WhySerializer(allow_null=True))
    def get_why(self, plaque: Plaque) -> dict | None:
        if plaque.within_standard:
            return None
        return {"code": plaque.why, "detail": str(plaque.why_label)}

    def _photo(self, plaque: Plaque, field: str, variant: str) -> str | None:
        if not getattr(plaque, field):
            return None
        path = reverse("plaque-photo", args=[plaque.pk, variant])
        return _absolute(self.context.get("request"), path)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_photo_url(self, plaque: Plaque) -> str | None:
        return self._photo(plaque, "photo", "photo")

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_thumbnail_url(self, plaque: Plaque) -> str | None:
        return self._photo(plaque, "thumbnail", "thumbnail")

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_removal_photo_url(self, plaque: Plaque) -> str | None:
        return self._photo(plaque, "removal_photo", "removal")


class StandardWriteSerializer(serializers.Serializer):
    area = OrganisationCodeField(queryset=Organisation.objects.filter(kind=Organisation.Kind.AREA))
    named_signs = serializers.ListField(
        child=StrictCharField(max_length=100), max_length=50, default=list
    )
    max_exterior = serializers.IntegerField(min_value=0, max_value=1000)
    max_interior = serializers.IntegerField(min_value=0, max_value=1000)
    kinds_not_allowed = serializers.ListField(
        child=serializers.ChoiceField(choices=Kind.choices), max_length=10, default=list
    )
    effective_from = serializers.DateField()


class StandardSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="area.code")
    area_name = serializers.CharField(source="area.name")

    class Meta:
        model = PlaqueStandard
        fields = [
            "id",
            "area",
            "area_name",
            "named_signs",
            "max_exterior",
            "max_interior",
            "kinds_not_allowed",
            "effective_from",
        ]


class SummaryQuerySerializer(serializers.Serializer):
    area = OrganisationCodeField(required=False)
    on = serializers.DateField(required=False)


class TrendQuerySerializer(serializers.Serializer):
    area = OrganisationCodeField(required=False)
    months = serializers.IntegerField(min_value=1, max_value=60, default=12)


class SummaryRowSerializer(serializers.Serializer):
    community = serializers.CharField(source="code")
    community_name = serializers.CharField(source="name")
    up = serializers.IntegerField()
    exterior = serializers.IntegerField()
    interior = serializers.IntegerField()
    excess = serializers.IntegerField()
    removed_this_year = serializers.IntegerField()


class TrendRowSerializer(serializers.Serializer):
    month = serializers.CharField()
    added = serializers.IntegerField()
    removed = serializers.IntegerField()
    up = serializers.IntegerField()


class CensusRequestSerializer(serializers.Serializer):
    area = OrganisationCodeField(queryset=Organisation.objects.filter(kind=Organisation.Kind.AREA))
    file = serializers.FileField()


class CensusResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    communities = serializers.IntegerField()
    excess = serializers.IntegerField()


class ExportQuerySerializer(serializers.Serializer):
    area = OrganisationCodeField(required=False)
    community = OrganisationCodeField(required=False)
