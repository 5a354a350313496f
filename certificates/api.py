"""API views for certificates. Thin: selectors read, services write."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from certificates import excel, selectors, services
from certificates.filters import IssuanceFilter, RefusalFilter
from certificates.models import (
    CertificateIssuance,
    CertificateRefusal,
    CertificateTypeProposal,
)
from certificates.permissions import CATALOGUE_EXPORT, CATALOGUE_MANAGE, ISSUE, REGISTER
from certificates.serializers import (
    CatalogueImportResultSerializer,
    CertificateTypeQuerySerializer,
    CertificateTypeSerializer,
    DemandSerializer,
    IssuanceSerializer,
    IssuanceVerificationSerializer,
    IssuanceWriteSerializer,
    ProposalSerializer,
    ProposalUpdateSerializer,
    ProposalWriteSerializer,
    RefusalSerializer,
)
from registry import imports
from registry.api.base import excel_import_action, import_request, portal_action
from registry.api.jobs import export_action, job_started
from registry.api.throttling import AnonRateThrottle
from registry.excel import xlsx_response
from registry.models import Application

XLSX = excel.XLSX_CONTENT_TYPE


class PublicActionsMixin:
    """Public actions take no credentials: a stale token must not turn them into a 401."""

    public_actions: frozenset[str] = frozenset()

    def _action_name(self) -> str | None:
        action_map = getattr(self, "action_map", None) or {}
        request = getattr(self, "request", None)
        return action_map.get(request.method.lower()) if request is not None else None

    def get_authenticators(self):
        if self._action_name() in self.public_actions:
            return []
        return super().get_authenticators()

    def get_throttles(self):
        if getattr(self, "action", None) in self.public_actions:
            return [AnonRateThrottle()]
        return super().get_throttles()


class CertificateTypeViewSet(
    PublicActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The catalogue: public lookup and list; reviewers import; any role exports."""

    serializer_class = CertificateTypeSerializer
    public_actions = frozenset({"list", "retrieve"})
    permission_actions = {
        "list": None,
        "retrieve": None,
        "import_": CATALOGUE_MANAGE,
        "export": CATALOGUE_EXPORT,
    }

    def get_queryset(self):
        return selectors.certificate_types_public()

    def get_object(self):
        return selectors.certificate_type_get_public(pk=self.kwargs["pk"])

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Words, other names or pinyin initials"),
            OpenApiParameter("status", str, enum=["retained", "prohibited"]),
            OpenApiParameter("area", str, description="Only types that apply in this area"),
        ],
        auth=[],
    )
    def list(self, request):
        """Public: find a certificate by part of its name, another name or pinyin initials
        ("wfzjl"), and see whether a community may issue it, or where to go instead."""
        query = CertificateTypeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        types, _exact = selectors.certificate_type_search(
            q=data["q"], status=data["status"] or None, area=data.get("area")
        )
        page = self.paginate_queryset(types)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(auth=[])
    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    @excel_import_action(responses={201: CatalogueImportResultSerializer})
    def import_(self, request):
        """Import an area's catalogue from .xlsx: every row or none (400 lists row errors)."""
        jurisdiction, upload = import_request(request)
        job = imports.start_or_none(
            "certificate-catalogue", actor=request.user, jurisdiction=jurisdiction, upload=upload
        )
        if job is not None:
            return job_started(request, job)
        summary = services.certificate_types_import(
            actor=request.user, jurisdiction=jurisdiction, upload=upload
        )
        types = [*summary.created, *summary.updated]
        return Response(
            {
                "created": len(summary.created),
                "updated": len(summary.updated),
                "unchanged": summary.unchanged,
                "types": CertificateTypeSerializer(
                    types, many=True, context={"request": request}
                ).data,
            },
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        parameters=[OpenApiParameter("area", str), OpenApiParameter("status", str)],
        responses={(200, XLSX): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"])
    def export(self, request):
        """The catalogue in effect as an Excel workbook (of one area with ?area=)."""
        query = CertificateTypeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        area = data.get("area")
        types = selectors.certificate_types_public(status=data["status"] or None, area=area)
        title = _("Certificates catalogue")
        if area is not None:
            title = f"{area.name}{title}"
        return xlsx_response(
            excel.catalogue_workbook(types, title=title),
            f"{title}.xlsx",
            fallback="certificates.xlsx",
        )


class CertificateIssuanceViewSet(
    PublicActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The issuance register: a cadre registers what their community issues; anyone checks
    a printed certificate's verification code."""

    serializer_class = IssuanceSerializer
    filterset_class = IssuanceFilter
    public_actions = frozenset({"verify"})
    permission_actions = {
        "list": REGISTER,
        "retrieve": REGISTER,
        "create": ISSUE,
        "export": REGISTER,
        "verify": None,
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CertificateIssuance.objects.none()
        return selectors.issuance_list(
            user=self.request.user, filters=self.request.query_params
        ).order_by("community__path", "-year", "-serial")

    def get_object(self):
        return selectors.issuance_get(
            user=self.request.user, pk=self.kwargs["pk"], action=portal_action(self)
        )

    @extend_schema(
        request=IssuanceWriteSerializer,
        responses={
            201: IssuanceSerializer,
            422: OpenApiResponse(
                description="certificate_prohibited: with redirect and notice_url; the "
                "refusal is recorded and counted against requested_by"
            ),
        },
    )
    def create(self, request):
        serializer = IssuanceWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            issuance = services.certificate_issue(actor=request.user, **serializer.validated_data)
        except services.CertificateProhibited as refused:
            refused.extra["notice_url"] = request.build_absolute_uri(refused.extra["notice_url"])
            raise
        fresh = selectors.issuance_get(user=request.user, pk=issuance.pk)
        return Response(
            IssuanceSerializer(fresh, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "code", str, description="The verification code printed on the certificate"
            )
        ],
        responses=IssuanceVerificationSerializer,
        auth=[],
        filters=False,
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def verify(self, request):
        """Public: is a printed certificate genuine and still valid? Type, community, date
        and serial only, no personal data; an unknown code is ``valid: false``."""
        result = selectors.issuance_verify(code=request.query_params.get("code", ""))
        if result is None:
            result = {
                "valid": False,
                "certificate_type": None,
                "community": None,
                "issued_on": None,
                "serial_number": None,
            }
        return Response(IssuanceVerificationSerializer(result).data)

    # The register, filtered like the list, as .xlsx, or a background job (202) above
    # EXPORT_INLINE_MAX_ROWS rows (certificates/exports.py).
    export = export_action(
        "certificate-register", description="The register, filtered like the list, as .xlsx."
    )


class CertificateRefusalViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Refused requests for prohibited certificates, each with its printable notice."""

    serializer_class = RefusalSerializer
    filterset_class = RefusalFilter
    permission_actions = {"list": REGISTER, "retrieve": REGISTER, "demand": REGISTER}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CertificateRefusal.objects.none()
        return selectors.refusal_list(
            user=self.request.user, filters=self.request.query_params
        ).order_by("-refused_on", "-id")

    def get_object(self):
        return selectors.refusal_get(
            user=self.request.user, pk=self.kwargs["pk"], action=portal_action(self)
        )

    @extend_schema(
        parameters=[OpenApiParameter("since", OpenApiTypes.DATE)],
        responses=DemandSerializer(many=True),
    )
    @action(detail=False, methods=["get"])
    def demand(self, request):
        """Institutions by number of refused requests since ?since= (default: a year ago)."""
        since_field = serializers.DateField(required=False)
        raw = request.query_params.get("since")
        since = (
            since_field.run_validation(raw)
            if raw
            else timezone.localdate() - datetime.timedelta(days=365)
        )
        rows = selectors.prohibited_demand_for_user(user=request.user, since=since)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(DemandSerializer(page, many=True).data)


class CertificateTypeProposalViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Proposals to retain a certificate type, by their application's id. They are
    admission applications (subject ``certificate_type``): submit and decide on them
    through /api/v1/applications/<id>/<action>/."""

    serializer_class = ProposalSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    permission_actions = {
        "list": "application.view",
        "retrieve": "application.view",
        "create": "application.edit",
        "partial_update": "application.edit",
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CertificateTypeProposal.objects.none()
        return selectors.proposal_list(user=self.request.user)

    def get_object(self):
        return selectors.proposal_get(
            user=self.request.user,
            application_id=self.kwargs["pk"],
            action=portal_action(self),
        )

    def _respond(self, application: Application, code: int = status.HTTP_200_OK) -> Response:
        proposal = selectors.proposal_get(user=self.request.user, application_id=application.pk)
        return Response(
            ProposalSerializer(proposal, context={"request": self.request}).data, status=code
        )

    @extend_schema(request=ProposalWriteSerializer, responses={201: ProposalSerializer})
    def create(self, request):
        serializer = ProposalWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        application = services.certificate_type_propose(actor=request.user, **data)
        return self._respond(application, status.HTTP_201_CREATED)

    @extend_schema(request=ProposalUpdateSerializer, responses=ProposalSerializer)
    def partial_update(self, request, pk=None):
        proposal = self.get_object()
        serializer = ProposalUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        application = services.certificate_type_proposal_update(
            actor=request.user, application=proposal.application, **serializer.validated_data
        )
        return self._respond(application)
