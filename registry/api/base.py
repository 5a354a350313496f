"""What every API view shares: pagination, the one permission class, the error format."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse, HttpResponseBase
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, parsers, permissions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from registry import permissions as portal_permissions
from registry.errors import DomainError
from registry.paginators import CappedPaginator


class Pagination(PageNumberPagination):
    """The contract's ``{"count", "next", "previous", "results"}``. ``count`` is exact up
    to 10,000 rows; a list with more says 10,000 and the header ``X-Count-Capped: 10000``
    (no ``COUNT(*)`` over millions: registry/paginators.py), and its ``next`` link is
    there as long as the page is full."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        if self.page.paginator.capped:
            response["X-Count-Capped"] = str(self.page.paginator.cap)
        return response

    def first_page_response(
        self, request, *, count: int, more: bool, capped: bool, results: bytes
    ) -> HttpResponseBase:
        """``get_paginated_response`` for a first page whose rows are JSON already (the
        inbox's cache, registry/inbox_cache.py): the same envelope, written around the
        bytes instead of encoding the rows again. DRF renders it when the client asked
        for another renderer (the browsable API, with DEBUG on)."""
        next_link = None
        if more:
            next_link = replace_query_param(request.build_absolute_uri(), self.page_query_param, 2)
        renderer = getattr(request, "accepted_renderer", None)
        if isinstance(renderer, JSONRenderer):
            # (The renderer writes None as b"", not null.)
            link = renderer.render(next_link) if next_link else b"null"
            body = b'{"count":%d,"next":%s,"previous":null,"results":%s}' % (count, link, results)
            response: HttpResponseBase = HttpResponse(body, content_type=renderer.media_type)
        else:
            data = {"count": count, "next": next_link, "previous": None}
            response = Response({**data, "results": json.loads(results)})
        if capped:
            response["X-Count-Capped"] = str(self.django_paginator_class.cap)
        return response


def paginated_rows(view, queryset, build) -> Response:
    """The paginated response of ``queryset`` whose rows ``build(sliced_queryset)`` makes
    (dicts from ``values()``, no model instances), counted on ``queryset`` itself: a count
    over ``values()`` of joined columns would keep their joins."""
    from django.core.paginator import InvalidPage

    request = view.request
    paginator = view.paginator
    page_size = paginator.get_page_size(request)
    django_paginator = paginator.django_paginator_class(queryset, page_size)
    number = paginator.get_page_number(request, django_paginator)
    try:
        page = django_paginator.page(number)
    except InvalidPage as exc:
        raise exceptions.NotFound(str(exc)) from None
    page.object_list = build(page.object_list)
    paginator.page, paginator.request = page, request
    return paginator.get_paginated_response(page.object_list)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser; JSON nested deeper than Python's parser goes is malformed, not a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(_("The JSON is nested too deeply.")) from None


class RolePermission(permissions.BasePermission):
    """Enforces the action a view declares, via the one permission model.

    A view sets ``permission_action`` (one action for every method) or
    ``permission_actions`` (viewset action -> portal action). ``None`` means public.
    Object-level scoping is the selectors' job: a view loads objects through them.
    """

    def has_permission(self, request, view) -> bool:
        action = self.action_for(view)
        if action is None:
            return True
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        return portal_permissions.may(request.user, action)

    @staticmethod
    def action_for(view) -> str | None:
        actions = getattr(view, "permission_actions", None)
        if actions is not None:
            name = getattr(view, "action", None) or request_method_name(view)
            if name not in actions:
                raise exceptions.MethodNotAllowed(view.request.method)
            return actions[name]
        if not hasattr(view, "permission_action"):
            raise AssertionError(f"{view.__class__.__name__} declares no permission_action")
        return view.permission_action


def portal_action(view) -> str | None:
    """The portal action this request declares: what ``get_object`` asks a loader to check
    on the object (``selectors.<thing>_get(..., action=portal_action(self))``)."""
    return RolePermission.action_for(view)


def request_method_name(view) -> str:
    return view.request.method.lower()


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field" or "field.sub": [messages]}."""
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            if isinstance(key, int):
                # A list's errors come keyed by item index: "memberships[0].role", the same
                # name the services give (registry.services: "memberships[0]").
                name = f"{prefix}[{key}]"
            elif key == "non_field_errors" and prefix and not prefix.endswith("]"):
                # A nested list's own error (too many items) is named after the list; an
                # item's stays "memberships[0].non_field_errors" as before.
                name = prefix
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            out.update(_flatten(value, name))
        return out
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {prefix or "non_field_errors": [str(item) for item in detail]}
        out = {}
        for index, item in enumerate(detail):
            out.update(_flatten(item, f"{prefix}[{index}]"))
        return out
    return {prefix or "non_field_errors": [str(detail)]}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """Every error as ``{"detail", "code"}``; validation errors also carry ``errors``."""
    if isinstance(exc, DomainError):
        body = {"detail": str(exc.message), "code": exc.code}
        extra = dict(exc.extra)
        if "fields" in extra:
            body["errors"] = {k: [str(m) for m in v] for k, v in extra.pop("fields").items()}
        body.update(extra)
        return Response(body, status=exc.status)
    if isinstance(exc, RequestDataTooBig):
        # Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE before anything parses it.
        return Response(
            {"detail": _("The request body is too large."), "code": "too_large"},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, SuspiciousOperation):
        # Django's own refusals of a request (more than DATA_UPLOAD_MAX_NUMBER_FIELDS form
        # fields, a malformed multipart body): the contract's 400, not Django's HTML page.
        return Response(
            {"detail": _("The request is malformed."), "code": "malformed"},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    # Imported here: rest_framework.views reads the settings that name this module.
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        first = next(iter(errors.values()), [_("The input is not valid.")])[0]
        response.data = {"detail": first, "code": "invalid", "errors": errors}
        response.status_code = status.HTTP_400_BAD_REQUEST
        return response
    detail = getattr(exc, "detail", None)
    code = "error"
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
        if isinstance(exc, exceptions.ParseError):
            code = "malformed"
    response.data = {"detail": str(detail) if detail is not None else "", "code": code}
    return response


@csrf_exempt  # it changes nothing; a CSRF refusal would be Django's HTML page instead
def api_not_found(request, *args, **kwargs):
    """An /api/ address that matches no route (a bad id, a typo): JSON, like every error."""
    from django.http import JsonResponse

    return JsonResponse(
        {"detail": str(exceptions.NotFound.default_detail), "code": "not_found"}, status=404
    )


def excel_import_action(*, responses, summary: str = ""):
    """``POST <list>/import/``: the one shape of every Excel import endpoint (a multipart
    form with the area's code and the .xlsx), so the lists and the certificate catalogue
    document and parse their imports alike. The view reads the form with
    ``import_request(request)``; a workbook of more than IMPORT_INLINE_MAX_ROWS rows becomes
    a background job (``registry.imports.start_or_none``, answered 202)."""
    from drf_spectacular.utils import OpenApiResponse, extend_schema
    from rest_framework.decorators import action

    from registry.api.jobs import JobStartedSerializer
    from registry.serializers.admission import ImportRequestSerializer

    responses = {
        **responses,
        202: OpenApiResponse(
            JobStartedSerializer,
            description="More rows than IMPORT_INLINE_MAX_ROWS: the import runs as a "
            "background job; follow status_url (row errors are the job's result.rows).",
        ),
    }

    def wrap(view_method):
        documented = extend_schema(
            request={"multipart/form-data": ImportRequestSerializer},
            responses=responses,
            summary=summary or None,
        )(view_method)
        return action(
            detail=False,
            methods=["post"],
            url_path="import",
            url_name="import",
            parser_classes=[parsers.MultiPartParser],
        )(documented)

    return wrap


def import_request(request):
    """The import form's area (an organisation of kind area) and uploaded file, or a 400."""
    from registry.serializers.admission import ImportRequestSerializer

    serializer = ImportRequestSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data["jurisdiction"], serializer.validated_data["file"]
