"""API views of flags. Thin."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from monitoring import selectors, services
from monitoring.filters import FlagFilter
from monitoring.models import Flag
from monitoring.serializers import FlagResolveSerializer, FlagSerializer
from registry.api.base import portal_action
from registry.api.jobs import export_action


class FlagViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Flags computed by the jobs, for supervisors and reviewers of the area."""

    serializer_class = FlagSerializer
    filterset_class = FlagFilter
    permission_actions = {
        "list": "flag.view",
        "export": "flag.view",
        "retrieve": "flag.view",
        "acknowledge": "flag.manage",
        "resolve": "flag.manage",
    }
    export = export_action("flags")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Flag.objects.none()
        return selectors.flag_list(
            user=self.request.user, filters=self.request.query_params
        ).order_by("-last_seen_at", "-id")

    def get_object(self):
        return selectors.flag_get(
            user=self.request.user, pk=self.kwargs["pk"], action=portal_action(self)
        )

    @extend_schema(request=None, responses=FlagSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        flag = services.flag_acknowledge(actor=request.user, flag=self.get_object())
        return Response(FlagSerializer(selectors.flag_get(user=request.user, pk=flag.pk)).data)

    @extend_schema(request=FlagResolveSerializer, responses=FlagSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """Resolve with a note (the job raises it again if the situation persists)."""
        serializer = FlagResolveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        flag = services.flag_resolve(
            actor=request.user, flag=self.get_object(), note=serializer.validated_data["note"]
        )
        return Response(FlagSerializer(selectors.flag_get(user=request.user, pk=flag.pk)).data)
