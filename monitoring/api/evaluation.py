"""API of the reverse evaluation (反向评价). Thin: reads through the selectors, writes
through one service each. Nobody gets a single response here: the form returns the
asking community's own answer, the results are aggregates."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from monitoring import services
from monitoring.filters import EvaluationRoundFilter
from monitoring.models import DIMENSION_SCALE, Dimension, EvaluationRound
from monitoring.permissions import EVALUATION_MANAGE, EVALUATION_RESPOND
from monitoring.selectors import evaluation as reads
from monitoring.serializers_evaluation import (
    EvaluationFormSerializer,
    EvaluationResponseSerializer,
    EvaluationResponseWriteSerializer,
    EvaluationResultsSerializer,
    EvaluationRoundSerializer,
    EvaluationRoundWriteSerializer,
)
from registry import permissions
from registry.api.base import portal_action
from registry.errors import InvalidInput, PermissionDenied
from registry.models import Organisation


def dimensions() -> list[dict]:
    return [
        {
            "code": code,
            "label": str(label),
            "score_1": str(DIMENSION_SCALE[code][0]),
            "score_5": str(DIMENSION_SCALE[code][1]),
        }
        for code, label in Dimension.choices
    ]


def answering_community(user, evaluation_round, code: str) -> Organisation:
    """The community named by ``code`` (or the user's only one in the area), once the user
    may answer for it."""
    if code:
        community = Organisation.objects.communities().filter(code=code).first()
        if community is None:
            message = _("No community has the code %(code)s.") % {"code": code}
            raise InvalidInput(message, fields={"community": [message]})
    else:
        mine = list(reads.responding_communities(user=user, round=evaluation_round)[:2])
        if len(mine) != 1:
            message = _("Name the community that answers (?community=<code>).")
            raise InvalidInput(message, fields={"community": [message]})
        community = mine[0]
    if not community.path.startswith(evaluation_round.area.path):
        message = _("This community is not in the round's area.")
        raise InvalidInput(message, fields={"community": [message]})
    if not permissions.may(user, EVALUATION_RESPOND, community):
        raise PermissionDenied()
    return community


def form_data(evaluation_round, community, *, added=()) -> dict:
    from django.utils import timezone

    rows = reads.form_departments(evaluation_round, community, added=list(added))
    listed = {row["department"].pk for row in rows}
    return {
        "round": evaluation_round.pk,
        "community": community.code,
        "accepting": evaluation_round.accepts_on(timezone.localdate()),
        "closes_on": evaluation_round.closes_on,
        "answered": any(row["scores"] for row in rows),
        "dimensions": dimensions(),
        "departments": [
            {
                "department": row["department"].code,
                "department_name": row["department"].name,
                "dispatched": row["dispatched"],
                "scores": row["scores"],
                "comment": row["comment"],
            }
            for row in rows
        ],
        "addable": [
            code
            for pk, code in reads.addable_departments(evaluation_round).values_list("pk", "code")
            if pk not in listed
        ],
    }


class EvaluationRoundViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Rounds of the reverse evaluation: opened by a supervisor for an area and period,
    answered by its communities, results per department beside the measured facts."""

    serializer_class = EvaluationRoundSerializer
    filterset_class = EvaluationRoundFilter
    permission_actions = {
        "list": "authenticated",
        "retrieve": "authenticated",
        "create": EVALUATION_MANAGE,
        "close": EVALUATION_MANAGE,
        "form": EVALUATION_RESPOND,
        "responses": EVALUATION_RESPOND,
        "results": "authenticated",
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return EvaluationRound.objects.none()
        return reads.round_list(user=self.request.user, filters=self.request.query_params)

    def get_object(self):
        action_name = portal_action(self)
        if action_name in (EVALUATION_RESPOND,):
            action_name = None  # judged on the community, below
        return reads.round_get(user=self.request.user, pk=self.kwargs["pk"], action=action_name)

    @extend_schema(
        request=EvaluationRoundWriteSerializer, responses={201: EvaluationRoundSerializer}
    )
    def create(self, request):
        serializer = EvaluationRoundWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        evaluation_round = services.evaluation_round_open(
            actor=request.user, **serializer.validated_data
        )
        evaluation_round = reads.round_get(user=request.user, pk=evaluation_round.pk)
        return Response(
            EvaluationRoundSerializer(evaluation_round).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=None, responses=EvaluationRoundSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        evaluation_round = services.evaluation_round_close(
            actor=request.user, round=self.get_object()
        )
        return Response(EvaluationRoundSerializer(evaluation_round).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("community", OpenApiTypes.STR, description="The community's code.")
        ],
        responses=EvaluationFormSerializer,
    )
    @action(detail=True, methods=["get"])
    def form(self, request, pk=None):
        evaluation_round = self.get_object()
        community = answering_community(
            request.user, evaluation_round, request.query_params.get("community", "")
        )
        return Response(EvaluationFormSerializer(form_data(evaluation_round, community)).data)

    @extend_schema(
        request=EvaluationResponseWriteSerializer,
        responses={200: EvaluationResponseSerializer, 201: EvaluationResponseSerializer},
    )
    @action(detail=True, methods=["post"])
    def responses(self, request, pk=None):
        evaluation_round = self.get_object()
        serializer = EvaluationResponseWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        codes = {r["department"] for r in data["ratings"]}
        departments = {o.code: o for o in Organisation.objects.departments().filter(code__in=codes)}
        unknown = sorted(codes - set(departments))
        if unknown:
            message = _("No department has the code %(codes)s.") % {"codes": ", ".join(unknown)}
            raise InvalidInput(message, fields={"ratings": [message]})
        community = answering_community(request.user, evaluation_round, data["community"].code)
        ratings = [{**r, "department": departments[r["department"]]} for r in data["ratings"]]
        response, created = services.evaluation_response_submit(
            actor=request.user, round=evaluation_round, community=community, ratings=ratings
        )
        body = {
            "round": evaluation_round.pk,
            "community": community.code,
            "version": response.version,
            "submitted_at": response.submitted_at,
            "ratings": [
                {
                    "department": rating.department.code,
                    "dimension": rating.dimension,
                    "score": rating.score,
                    "comment": rating.comment,
                }
                for rating in response.ratings.select_related("department").order_by(
                    "department__path", "dimension"
                )
            ],
        }
        return Response(
            EvaluationResponseSerializer(body).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("department", OpenApiTypes.STR, description="One department's code."),
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter("page_size", OpenApiTypes.INT),
        ],
        responses=EvaluationResultsSerializer,
    )
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        evaluation_round = self.get_object()
        rows = reads.results_for(
            user=request.user,
            round=evaluation_round,
            department_code=request.query_params.get("department", ""),
        )
        page = self.paginate_queryset([row.as_dict() for row in rows])
        response = self.get_paginated_response(page)
        response.data["minimum_responses"] = reads.minimum_responses()
        return response
