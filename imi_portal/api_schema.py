"""The published API schema says which errors each operation can answer.

drf-spectacular documents the success responses and what a view declares; the refusals DRF and
Django give everywhere (bad input, no or a wrong token, not allowed, no such object or page)
are added here, once, so a client (and schemathesis, tests/test_api_schemathesis.py) can rely on
the schema for every status code it will see.
"""

from typing import Any

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}


def _json(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorDetail"}}},
    }


def _needs_credentials(operation: dict[str, Any]) -> bool:
    security = operation.get("security")
    return bool(security) and {} not in security


def _takes_input(operation: dict[str, Any]) -> bool:
    query = any(p.get("in") == "query" for p in operation.get("parameters", []))
    return query or "requestBody" in operation


def _may_find_nothing(path: str, operation: dict[str, Any]) -> bool:
    # An object that doesn't exist or isn't the caller's, an id that isn't one, or a page past
    # the end of a list ("Invalid page.").
    paged = any(p.get("name") == "page" for p in operation.get("parameters", []))
    return "{" in path or paged


def _empty_means_absent(operation: dict[str, Any]) -> None:
    """`?cycle=` filters nothing (django-filter) and `?page=` is the first page (DRF): an empty
    optional query parameter is the same as none, so the schema admits the empty string."""
    for parameter in operation.get("parameters", []):
        if parameter.get("in") != "query" or parameter.get("required"):
            continue
        schema = parameter.get("schema", {})
        if schema.get("type") == "string" and not schema.get("format") and "enum" not in schema:
            continue  # "" is already one of its values
        parameter["allowEmptyValue"] = True
        parameter["schema"] = {"anyOf": [schema, {"type": "string", "maxLength": 0}]}


def add_error_responses(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """POSTPROCESSING_HOOKS entry: 400, 401, 403 and 404 where they can happen; empty optional
    query parameters documented as accepted."""
    result.setdefault("components", {}).setdefault("schemas", {})["ErrorDetail"] = DETAIL
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            _empty_means_absent(operation)
            responses = operation.setdefault("responses", {})
            if _takes_input(operation):
                responses.setdefault(
                    "400",
                    {
                        "description": "Refused input: `{field: [messages]}`, or `non_field_errors`"
                        " for what concerns no single field. Nothing is saved."
                    },
                )
            if _needs_credentials(operation):
                responses.setdefault(
                    "401", _json("No credentials, or a token that isn't valid (any more).")
                )
                responses.setdefault(
                    "403",
                    _json(
                        "Signed in, but not allowed: an operation for other roles, or a "
                        "session request without its CSRF token."
                    ),
                )
            if _may_find_nothing(path, operation):
                # No body schema: a path that matches no route gets Django's HTML 404 page.
                responses.setdefault("404", {"description": "Not found, or not yours."})
    return result
