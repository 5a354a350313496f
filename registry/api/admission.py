"""API views for admission applications and work items. Thin: selectors read, services write."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from registry import imports, selectors, services
from registry.api.base import excel_import_action, import_request, portal_action
from registry.api.jobs import export_action, job_started
from registry.api.throttling import AnonRateThrottle
from registry.filters.admission import ApplicationFilter, WorkItemFilter
from registry.models import Application, WorkItem
from registry.serializers.admission import (
    ApplicationListSerializer,
    ApplicationSerializer,
    ApplicationUpdateSerializer,
    ApplicationWriteSerializer,
    ApproveSerializer,
    PublishedItemSerializer,
    PublishedListQuerySerializer,
    ReasonSerializer,
    RecordHearingSerializer,
    RequireHearingSerializer,
    VerificationSerializer,
    WorkItemSerializer,
)

REVIEW = "application.review"
EDIT = "application.edit"


class ApplicationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Admission applications: departments draft and submit, reviewers decide."""

    filterset_class = ApplicationFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    permission_actions = {
        "list": "application.view",
        "export": "application.view",
        "retrieve": "application.view",
        "create": EDIT,
        "partial_update": EDIT,
        "submit": EDIT,
        "withdraw": EDIT,
        "start_review": REVIEW,
        "return_": REVIEW,
        "require_hearing": REVIEW,
        "record_hearing": REVIEW,
        "approve": REVIEW,
        "reject": REVIEW,
    }
    export = export_action("applications")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Application.objects.none()
        return selectors.application_list(
            user=self.request.user, filters=self.request.query_params
        ).order_by("-created_at", "-id")

    def get_object(self):
        return selectors.application_get(
            user=self.request.user, pk=self.kwargs["pk"], action=portal_action(self)
        )

    def get_serializer_class(self):
        return ApplicationListSerializer if self.action == "list" else ApplicationSerializer

    def _respond(self, application: Application, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.application_get(user=self.request.user, pk=application.pk)
        return Response(
            ApplicationSerializer(fresh, context={"request": self.request}).data, status=code
        )

    @extend_schema(request=ApplicationWriteSerializer, responses={201: ApplicationSerializer})
    def create(self, request):
        serializer = ApplicationWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if data.get("valid_months") is None:
            data.pop("valid_months", None)
        application = services.application_create(actor=request.user, **data)
        return self._respond(application, status.HTTP_201_CREATED)

    @extend_schema(request=ApplicationUpdateSerializer, responses=ApplicationSerializer)
    def partial_update(self, request, pk=None):
        application = self.get_object()
        serializer = ApplicationUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        application = services.application_update(
            actor=request.user, application=application, **serializer.validated_data
        )
        return self._respond(application)

    def _transition(self, request, service, serializer_class=ReasonSerializer):
        application = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = service(
            actor=request.user, application=application, **serializer.validated_data
        )
        return self._respond(application)

    @extend_schema(request=None, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit for review; refused (422 negative_list_match) when it resembles the
        negative list."""
        application = self.get_object()
        return self._respond(
            services.application_submit(actor=request.user, application=application)
        )

    @extend_schema(request=ReasonSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._transition(request, services.application_withdraw)

    @extend_schema(request=ReasonSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="start-review")
    def start_review(self, request, pk=None):
        return self._transition(request, services.application_start_review)

    @extend_schema(request=ReasonSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        """Return to the department for changes (reason required)."""
        return self._transition(request, services.application_return)

    @extend_schema(request=RequireHearingSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="require-hearing")
    def require_hearing(self, request, pk=None):
        return self._transition(
            request, services.application_require_hearing, RequireHearingSerializer
        )

    @extend_schema(request=RecordHearingSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="record-hearing")
    def record_hearing(self, request, pk=None):
        return self._transition(
            request, services.application_record_hearing, RecordHearingSerializer
        )

    @extend_schema(request=ApproveSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Admit (reason required); the response's work_item has the admission number."""
        return self._transition(request, services.application_approve, ApproveSerializer)

    @extend_schema(request=ReasonSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._transition(request, services.application_reject)


class WorkItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Work items on the lists, referred to by admission number."""

    serializer_class = WorkItemSerializer
    filterset_class = WorkItemFilter
    lookup_field = "admission_number"
    lookup_value_regex = "[A-Za-z0-9_-]+"
    permission_actions = {
        "list": "work_item.view",
        "export": "work_item.view",
        "retrieve": "work_item.view",
        "verify": None,
        "suspend": "work_item.manage",
        "reinstate": "work_item.manage",
        "revoke": "work_item.manage",
        "import_": "work_item.manage",
    }
    export = export_action("work-items")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WorkItem.objects.none()
        return selectors.work_item_list(
            user=self.request.user, filters=self.request.query_params
        ).order_by("jurisdiction__path", "list_kind", "admission_number", "id")

    def get_object(self):
        return selectors.work_item_get(
            user=self.request.user,
            admission_number=self.kwargs["admission_number"],
            action=portal_action(self),
        )

    def get_throttles(self):
        if getattr(self, "action", None) == "verify":
            return [AnonRateThrottle()]
        return super().get_throttles()

    def get_authenticators(self):
        # verify is public: a bad or expired token must not turn it into a 401.
        if getattr(self, "action", None) == "verify":
            return []
        return super().get_authenticators()

    @extend_schema(
        parameters=[OpenApiParameter("number", str, required=True)],
        responses=VerificationSerializer,
        auth=[],
    )
    @action(detail=False, methods=["get"])
    def verify(self, request):
        """Public: is this admission number valid today? Unknown numbers are not valid."""
        result = selectors.work_item_verify(number=request.query_params.get("number", ""))
        return Response(VerificationSerializer(result).data)

    def _change(self, request, action_name: str) -> Response:
        item = self.get_object()
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.work_item_change_status(
            actor=request.user,
            item=item,
            action=action_name,
            reason=serializer.validated_data["reason"],
        )
        fresh = selectors.work_item_get(user=request.user, admission_number=item.admission_number)
        return Response(WorkItemSerializer(fresh).data)

    @excel_import_action(responses={201: WorkItemSerializer(many=True)})
    def import_(self, request):
        """Import a list from an .xlsx workbook: all rows or none (400 lists row errors)."""
        jurisdiction, upload = import_request(request)
        job = imports.start_or_none(
            "work-items", actor=request.user, jurisdiction=jurisdiction, upload=upload
        )
        if job is not None:
            return job_started(request, job)
        items = services.work_items_import(
            actor=request.user, jurisdiction=jurisdiction, upload=upload
        )
        return Response(WorkItemSerializer(items, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReasonSerializer, responses=WorkItemSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request, admission_number=None):
        return self._change(request, "suspend")

    @extend_schema(request=ReasonSerializer, responses=WorkItemSerializer)
    @action(detail=True, methods=["post"])
    def reinstate(self, request, admission_number=None):
        return self._change(request, "reinstate")

    @extend_schema(request=ReasonSerializer, responses=WorkItemSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, admission_number=None):
        """Revoke with a reason (reviewers of the item's jurisdiction)."""
        return self._change(request, "revoke")


class PublishedListView(APIView):
    """Public: a jurisdiction's list of one kind, today or as of a past date."""

    permission_action = None
    authentication_classes: list = []
    throttle_classes = [AnonRateThrottle]

    @extend_schema(
        parameters=[OpenApiParameter("as_of", OpenApiTypes.DATE, required=False)],
        responses=PublishedItemSerializer(many=True),
        auth=[],
    )
    def get(self, request, code: str, list_kind: str):
        query = PublishedListQuerySerializer(
            data={**request.query_params.dict(), "list_kind": list_kind}
        )
        query.is_valid(raise_exception=True)
        jurisdiction = selectors.area_get(code=code)
        items = selectors.published_list(
            jurisdiction=jurisdiction,
            list_kind=query.validated_data["list_kind"],
            as_of=query.validated_data.get("as_of"),
        )
        return Response(PublishedItemSerializer(items, many=True).data)
