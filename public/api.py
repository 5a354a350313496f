"""The public portal's API: the front page's headline figures, for anyone."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from public import selectors
from public.serializers import PublicFiguresSerializer
from registry.api.throttling import AnonRateThrottle


class PublicFiguresView(APIView):
    """Public: items admitted and refused, tasks refused by communities, certificates
    cancelled and signs removed, this year so far against the baseline (the bureau's saved
    baseline, else the same period last year). Counts only, cached for a few minutes."""

    permission_action = None
    authentication_classes: list = []
    throttle_classes = [AnonRateThrottle]

    @extend_schema(responses=PublicFiguresSerializer, auth=[])
    def get(self, request):
        return Response(PublicFiguresSerializer(selectors.public_figures()).data)
