"""API views for dispatch and the community inbox. Thin: selectors read, services write."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from registry import inbox_cache, selectors, services
from registry.api.base import paginated_rows, portal_action
from registry.api.jobs import export_action
from registry.errors import InvalidInput
from registry.filters.dispatch import AssignmentFilter, DispatchFilter
from registry.models import Assignment, Dispatch, WorkItem
from registry.serializers.dispatch import (
    AmendDueDateSerializer,
    AssignmentSerializer,
    DispatchCreateSerializer,
    DispatchSerializer,
    RatifySerializer,
    RecallSerializer,
    RefuseSerializer,
    RespondSerializer,
)


class DispatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Tasks departments send to communities through the gate."""

    serializer_class = DispatchSerializer
    filterset_class = DispatchFilter
    permission_actions = {
        "list": "dispatch.view",
        "export": "dispatch.view",
        "retrieve": "dispatch.view",
        "create": "dispatch.create",
        "ratify": "dispatch.ratify",
        "refuse_ratification": "dispatch.ratify",
        "recall": "dispatch.create",
        "amend_due_date": "dispatch.create",
    }
    export = export_action("dispatches")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Dispatch.objects.none()
        return selectors.dispatch_list(
            user=self.request.user, filters=self.request.query_params
        ).order_by("-created_at", "-id")

    def get_object(self):
        return selectors.dispatch_get(
            user=self.request.user, pk=self.kwargs["pk"], action=portal_action(self)
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        page = getattr(self, "_page_ids", None)
        if page is not None:
            context["state_counts"] = selectors.dispatch_refusal_counts(page)
        return context

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            self._page_ids = [d.pk for d in page]
        return page

    def retrieve(self, request, *args, **kwargs):
        dispatch = self.get_object()
        self._page_ids = [dispatch.pk]
        return Response(self.get_serializer(dispatch).data)

    @extend_schema(request=DispatchCreateSerializer, responses={201: DispatchSerializer})
    def create(self, request):
        """Dispatch under an admitted item, or refuse all of it (422 ``dispatch_refused``
        with every reason and the communities each applies to)."""
        serializer = DispatchCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        number = data.pop("work_item")
        work_item = (
            WorkItem.objects.filter(admission_number=number.strip()).first() if number else None
        )
        if number and work_item is None and data["emergency"]:
            raise InvalidInput(fields={"work_item": [f"{number}?"]})
        dispatch = services.dispatch_create(actor=request.user, work_item=work_item, **data)
        fresh = selectors.dispatch_get(user=request.user, pk=dispatch.pk)
        # Every assignment of a dispatch just made is pending: no count to read.
        context = {**self.get_serializer_context(), "state_counts": {
            dispatch.pk: {Assignment.State.PENDING.value: dispatch.community_count}}}  # fmt: skip
        return Response(
            DispatchSerializer(fresh, context=context).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=RatifySerializer, responses=DispatchSerializer)
    @action(detail=True, methods=["post"])
    def ratify(self, request, pk=None):
        """A reviewer ratifies an emergency task (once: a second decision is 409)."""
        serializer = RatifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dispatch = services.dispatch_ratify(
            actor=request.user, dispatch=self.get_object(), note=serializer.opinion()
        )
        return self._decided(request, dispatch)

    @extend_schema(request=RatifySerializer, responses=DispatchSerializer)
    @action(detail=True, methods=["post"], url_path="refuse-ratification")
    def refuse_ratification(self, request, pk=None):
        """不予追认: a reviewer refuses to ratify an emergency task, with the required
        ``reason``; the task stays marked as not ratified and the department is told.
        A second decision is 409."""
        serializer = RatifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dispatch = services.dispatch_refuse_ratification(
            actor=request.user, dispatch=self.get_object(), reason=serializer.opinion()
        )
        return self._decided(request, dispatch)

    def _decided(self, request, dispatch):
        self._page_ids = [dispatch.pk]
        return Response(
            self.get_serializer(selectors.dispatch_get(user=request.user, pk=dispatch.pk)).data
        )

    def _fresh(self, request, dispatch):
        self._page_ids = [dispatch.pk]
        return Response(
            self.get_serializer(selectors.dispatch_get(user=request.user, pk=dispatch.pk)).data
        )

    @extend_schema(request=RecallSerializer, responses=DispatchSerializer)
    @action(detail=True, methods=["post"])
    def recall(self, request, pk=None):
        """The department recalls a task no community has accepted or completed (409
        otherwise): every assignment becomes ``withdrawn`` and the communities are told."""
        serializer = RecallSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dispatch = services.dispatch_recall(
            actor=request.user, dispatch=self.get_object(), **serializer.validated_data
        )
        return self._fresh(request, dispatch)

    @extend_schema(request=AmendDueDateSerializer, responses=DispatchSerializer)
    @action(detail=True, methods=["post"], url_path="amend-due-date")
    def amend_due_date(self, request, pk=None):
        """A later due date for the open assignments: never earlier, within the horizon,
        and (under an admitted item) within its validity and the gate's lead time (422
        ``dispatch_refused``)."""
        serializer = AmendDueDateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dispatch = services.dispatch_amend_due_date(
            actor=request.user, dispatch=self.get_object(), **serializer.validated_data
        )
        return self._fresh(request, dispatch)


class AssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The inbox: a cadre sees their community's tasks, department staff their department's."""

    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter
    permission_actions = {
        "list": "authenticated",
        "export": "authenticated",
        "retrieve": "authenticated",
        "accept": "assignment.respond",
        "complete": "assignment.respond",
        "refuse": "assignment.respond",
    }
    export = export_action("assignments")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        return selectors.inbox_order(
            selectors.assignment_list(user=self.request.user, filters=self.request.query_params)
        )

    def list(self, request, *args, **kwargs):
        """The inbox's page, rows built without model instances; the first page of a
        community's or department's list comes from the versioned cache
        (registry/inbox_cache.py), already written as JSON."""
        params = request.query_params
        key = None
        first_page = not (set(params) - {"page"}) and params.get("page", "1") == "1"
        if first_page and inbox_cache.enabled():
            # One query: the grants (which decide whether the page is cached) and the
            # versions that key it.
            versions = inbox_cache.grants_and_versions(request.user)
            organisations = selectors.inbox_cache_organisations(request.user)
            if organisations is not None:
                key = inbox_cache.page_key(organisations, self.paginator.page_size, versions)
        if key is not None and (cached := inbox_cache.get(key)) is not None:
            return self._first_page_response(cached)
        response = paginated_rows(
            self,
            self.get_queryset(),
            lambda page: selectors.inbox_rows(selectors.inbox_values(page)),
        )
        if key is None:
            return response
        page = self.paginator.page
        built = inbox_cache.Page(
            count=response.data["count"],
            more=page.has_next(),
            capped=page.paginator.capped,
            results=JSONRenderer().render(response.data["results"]),
        )
        inbox_cache.put(key, built)
        # The very bytes the next reads will be served.
        return self._first_page_response(built)

    def _first_page_response(self, page: inbox_cache.Page):
        return self.paginator.first_page_response(
            self.request,
            count=page.count,
            more=page.more,
            capped=page.capped,
            results=page.results,
        )

    def get_object(self):
        return selectors.assignment_get(
            user=self.request.user, pk=self.kwargs["pk"], action=portal_action(self)
        )

    def _respond(self, request, action_name: str, serializer_class=RespondSerializer):
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        assignment = services.assignment_respond(
            actor=request.user,
            assignment=self.get_object(),
            action=action_name,
            **serializer.validated_data,
        )
        fresh = selectors.assignment_get(user=request.user, pk=assignment.pk)
        return Response(AssignmentSerializer(fresh).data)

    @extend_schema(request=RespondSerializer, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._respond(request, "accept")

    @extend_schema(request=RespondSerializer, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Complete, optionally with a note on the materials returned."""
        return self._respond(request, "complete")

    @extend_schema(request=RefuseSerializer, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        """Refuse with a reason code; the department and the reviewers are told."""
        return self._respond(request, "refuse", RefuseSerializer)
