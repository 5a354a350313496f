"""API views for authentication, organisations and users. Thin: selectors read, services write."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import authenticate
from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from registry import selectors, services
from registry.api.throttling import AnonRateThrottle
from registry.auth import demo_refused_message, lockout_message, token_for
from registry.errors import DomainError, NotFound, PermissionDenied
from registry.filters.organisations import OrganisationFilter
from registry.models import Membership, User
from registry.serializers.organisations import (
    MeSerializer,
    OrganisationSerializer,
    OrganisationUpdateSerializer,
    TokenRequestSerializer,
    TokenResponseSerializer,
    UserSerializer,
)


class AuthenticationFailed(DomainError):
    code = "authentication_failed"
    status = 400


class LockedOut(DomainError):
    code = "locked_out"
    status = 429


class TokenView(APIView):
    """Exchange a username and password for an API token."""

    permission_action = None
    authentication_classes: list = []
    throttle_classes = [AnonRateThrottle]

    @extend_schema(request=TokenRequestSerializer, responses=TokenResponseSerializer)
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Django's request, so the lockout (django-axes) sees and records this attempt.
        django_request = request._request
        user = authenticate(request=django_request, **serializer.validated_data)
        if user is None:
            if getattr(django_request, "demo_login_refused", False):
                raise AuthenticationFailed(demo_refused_message())
            if AxesProxyHandler.is_locked(django_request, serializer.validated_data):
                raise LockedOut(lockout_message())
            raise AuthenticationFailed(_("The username or password is wrong."))
        if user.must_change_password:
            # A one-time initial password (bulk accounts) opens nothing but the password
            # page; a token issued now would outlive it and skip that step for good.
            raise PermissionDenied(
                _(
                    "This account still has its initial password: sign in on the portal's "
                    "pages and choose a new password before asking for an API token."
                ),
                code="password_change_required",
            )
        return Response({"token": token_for(user).key})


class OrganisationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The tree of areas, departments and communities, referred to by code."""

    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9_-]+"
    filterset_class = OrganisationFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    permission_actions = {
        "list": "organisation.view",
        "retrieve": "organisation.view",
        "create": "organisation.manage",
        "partial_update": "organisation.manage",
    }

    def get_queryset(self):
        return selectors.organisation_list(
            user=self.request.user, filters=self.request.query_params
        )

    def get_object(self):
        return selectors.organisation_get(user=self.request.user, code=self.kwargs["code"])

    def get_serializer_class(self):
        if self.action == "partial_update":
            return OrganisationUpdateSerializer
        return OrganisationSerializer

    def perform_create(self, serializer):
        serializer.instance = services.organisation_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.organisation_update(
            actor=self.request.user, organisation=serializer.instance, **serializer.validated_data
        )


class UserViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Users and their memberships (administrator), and ``me`` for anyone signed in."""

    serializer_class = UserSerializer
    permission_actions = {
        "list": "user.manage",
        "retrieve": "user.manage",
        "create": "user.manage",
        "me": "authenticated",
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return User.objects.none()
        return selectors.user_list(user=self.request.user)

    def get_object(self):
        pk = self.kwargs["pk"]
        if not pk.isdigit():  # /users/abc/ is "not found", not a crash in the int lookup
            raise NotFound()
        return selectors.user_get(user=self.request.user, pk=int(pk))

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = services.user_create(
            actor=request.user,
            username=data["username"],
            password=data["password"],
            display_name=data.get("display_name", ""),
            email=data.get("email", ""),
            memberships=[(m["organisation"], m["role"]) for m in data.get("memberships", [])],
        )
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=MeSerializer)
    @action(detail=False, methods=["get"])
    def me(self, request):
        """Who is signed in, with their memberships."""
        # One query for the memberships and their organisations, however many there are.
        prefetch_related_objects(
            [request.user],
            Prefetch("memberships", queryset=Membership.objects.select_related("organisation")),
        )
        return Response(MeSerializer(request.user).data)
