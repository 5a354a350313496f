"""The OpenAPI schema documents every error an operation can answer, and the header of
every paginated list.

drf-spectacular documents the success response of each operation; the errors come from
the one exception handler (registry.api.base.exception_handler), so they are added here,
once, in the contract's shape ``{"detail", "code", "errors"?}``. schemathesis
(tests/test_schemathesis.py) holds every response to this schema.

The lists' ``X-Count-Capped`` header (registry.api.base.Pagination) cannot be declared by
the paginator (``get_paginated_response_schema`` describes the body only), so it is added
here too, to the 200 response of every operation whose body is the paginated shape.
"""

from __future__ import annotations

from registry.paginators import COUNT_CAP

ERROR_SCHEMA = {
    "type": "object",
    "description": "The contract's error: a human-readable detail and a stable code.",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "object",
            "description": "Per-field messages, for validation errors (400).",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["detail", "code"],
    # Refusals carry more (a 422's "reasons", a prohibited certificate's "redirect").
    "additionalProperties": True,
}

ANY_OPERATION = {
    "400": "Malformed input, a bad filter or a failed validation.",
    "401": "No credentials, or a token that is invalid or expired.",
    "403": "The user may not do this.",
    "404": "Not found, or not visible to this user.",
    "405": "The method is not allowed here.",
    "406": "The requested content type cannot be produced.",
    "429": "Too many requests (a throttle) or a locked-out sign-in.",
}
WRITES = {
    "409": "An illegal state transition or a conflict (a duplicate code).",
    "413": "The request body is too large.",
    "415": "The request's content type is not accepted.",
    "422": "Refused by a business rule.",
}


def _blank_emails(schema: dict) -> None:
    """An optional email is stored as "" when absent (Django's blank=True): the schema's
    ``format: email`` alone refused it in every user response."""
    for prop in schema.get("properties", {}).values():
        if prop.get("type") == "string" and prop.get("format") == "email":
            del prop["format"]
            prop["anyOf"] = [{"format": "email"}, {"maxLength": 0}]


def document_errors(result, generator, request, public):
    """POSTPROCESSING_HOOKS entry: add the error responses to every operation."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    for component in components.values():
        _blank_emails(component)
    components.setdefault("Error", ERROR_SCHEMA)
    reference = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete", "head", "options"}:
                continue
            codes = dict(ANY_OPERATION)
            if method in {"post", "put", "patch", "delete"}:
                codes.update(WRITES)
            responses = operation.setdefault("responses", {})
            for code, description in codes.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result


# The paginator's body: any component with these properties is a page of a list.
PAGE_PROPERTIES = {"count", "next", "previous", "results"}
COUNT_CAPPED_HEADER = {
    "description": (
        "Sent when the list holds more rows than it counts: `count` is then this number "
        "(10,000) and `next` is there while pages are full. Absent when `count` is exact."
    ),
    "required": False,
    "schema": {"type": "integer", "example": COUNT_CAP},
}


def _component(result: dict, schema: dict) -> dict:
    reference = schema.get("$ref", "")
    if not reference.startswith("#/components/schemas/"):
        return schema
    return result["components"]["schemas"].get(reference.rsplit("/", 1)[-1], {})


def document_count_cap(result, generator, request, public):
    """POSTPROCESSING_HOOKS entry: ``X-Count-Capped`` on every paginated list's 200."""
    headers = result.setdefault("components", {}).setdefault("headers", {})
    headers.setdefault("X-Count-Capped", COUNT_CAPPED_HEADER)
    reference = {"$ref": "#/components/headers/X-Count-Capped"}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue
            ok = operation.get("responses", {}).get("200")
            if not ok:
                continue
            for content in ok.get("content", {}).values():
                body = _component(result, content.get("schema", {}))
                if set(body.get("properties", {})) >= PAGE_PROPERTIES:
                    ok.setdefault("headers", {})["X-Count-Capped"] = reference
                    break
    return result
