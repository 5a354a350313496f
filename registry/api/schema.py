"""The OpenAPI schema documents every error an operation can answer.

drf-spectacular documents the success response of each operation; the errors come from
the one exception handler (registry.api.base.exception_handler), so they are added here,
once, in the contract's shape ``{"detail", "code", "errors"?}``. schemathesis
(tests/test_schemathesis.py) holds every response to this schema.
"""

from __future__ import annotations

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
