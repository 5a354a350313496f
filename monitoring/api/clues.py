"""API of clues and their rectification notices. Thin: every action is one service."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from monitoring import selectors, services
from monitoring.filters import ClueFilter
from monitoring.models import Clue, Flag, ReportEntry
from monitoring.permissions import CLUE_RAISE
from monitoring.serializers import (
    ClueActionSerializer,
    ClueDetailSerializer,
    ClueSerializer,
    ClueWriteSerializer,
)
from registry.api.base import portal_action
from registry.api.jobs import export_action
from registry.errors import InvalidInput


def _flag_for(user, pk):
    if pk is None:
        return None
    return selectors.flag_get(user=user, pk=pk)


def _entry_for(user, pk) -> ReportEntry | None:
    if pk is None:
        return None
    entry = ReportEntry.objects.select_related("report", "report__community").filter(pk=pk).first()
    if entry is None:
        message = _("No report entry has this id.")
        raise InvalidInput(message, fields={"report_entry": [message]})
    # Visible only through a report the user may read.
    report = selectors.report_get(user=user, pk=entry.report_id)
    entry.report = report
    return entry


def _transition(name: str):
    def act(self, request, pk=None):
        clue = self.get_object()
        serializer = ClueActionSerializer(data=request.data, context={"action": name})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.clue_act(actor=request.user, clue=clue, action=name, data=data)
        return self._answer(clue)

    # The router maps the HTTP method to the attribute name: name it before decorating.
    act.__name__ = name.replace("-", "_")
    act = action(detail=True, methods=["post"], url_path=name, url_name=name)(act)
    return extend_schema(request=ClueActionSerializer, responses=ClueDetailSerializer)(act)


class ClueViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Clues: raised, analysed, verified on site, rectified by notice, closed after a check."""

    serializer_class = ClueSerializer
    filterset_class = ClueFilter
    # Each transition's permission is the machine's (checked on the clue's organisation).
    permission_actions = {
        "list": "authenticated",
        "export": "authenticated",
        "retrieve": "authenticated",
        "create": CLUE_RAISE,
        **{t.action.replace("-", "_"): "authenticated" for t in services.CLUE},
    }
    export = export_action("clues")

    def get_serializer_class(self):
        return ClueDetailSerializer if self.action != "list" else ClueSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Clue.objects.none()
        # The API shows each notice's extensions (the board does not): one query more here.
        return selectors.board_order(
            selectors.clue_list(user=self.request.user, filters=self.request.query_params)
        ).prefetch_related("live_notices__extensions")

    def get_object(self):
        return selectors.clue_get(
            user=self.request.user, pk=self.kwargs["pk"], action=portal_action(self)
        )

    def _answer(self, clue, code=status.HTTP_200_OK):
        clue = selectors.clue_get(user=self.request.user, pk=clue.pk)
        return Response(
            ClueDetailSerializer(clue, context={"request": self.request}).data, status=code
        )

    @extend_schema(request=ClueWriteSerializer, responses={201: ClueDetailSerializer})
    def create(self, request):
        serializer = ClueWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        clue = services.clue_raise(
            actor=request.user,
            department=data["department"],
            community=data.get("community"),
            summary=data["summary"],
            details=data.get("details", ""),
            flag=_flag_for(request.user, data.get("flag")),
            report_entry=_entry_for(request.user, data.get("report_entry")),
        )
        return self._answer(clue, status.HTTP_201_CREATED)

    analyse = _transition("analyse")
    dismiss = _transition("dismiss")
    verify = _transition("verify")
    send_notice = _transition("send-notice")
    respond = _transition("respond")
    request_extension = _transition("request-extension")
    grant_extension = _transition("grant-extension")
    refuse_extension = _transition("refuse-extension")
    close = _transition("close")
    reopen = _transition("reopen")


__all__ = ["ClueViewSet", "Flag"]
