"""The pieces of an OpenAPI document that do not depend on a route: version ranges as
``x-openstack``, nova's fault shape, versioned schemas, query parameters, success responses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from apistack.faults import DEFAULT_FAULT_NAME, FAULT_NAMES
from apistack.introspect import Operation, SchemaRange
from apistack.resource.versions import APIVersionRequest

__all__ = [
    "fault_name",
    "fault_response",
    "one_schema",
    "query_parameter",
    "success_response",
    "version_range",
]


def version_range(low: APIVersionRequest | None, high: APIVersionRequest | None) -> dict[str, str]:
    """:returns: ``{"min-ver": ..., "max-ver": ...}`` for the bounds that are set, the
    ``x-openstack`` marks openstack-codegenerator uses."""
    out: dict[str, str] = {}
    if low is not None:
        out["min-ver"] = low.get_string()
    if high is not None:
        out["max-ver"] = high.get_string()
    return out


def _fault_schema(code: int) -> dict[str, Any]:
    name = FAULT_NAMES.get(code, DEFAULT_FAULT_NAME)
    detail = {
        "type": "object",
        "properties": {
            "code": {"type": "integer", "const": code},
            "message": {"type": "string"},
            "retryAfter": {"type": "string"},
        },
        "required": ["code", "message"],
    }
    return {"type": "object", "properties": {name: detail}, "required": [name]}


def fault_name(code: int) -> str:
    """:returns: the ``components.responses`` name of the fault for ``code``
    (``itemNotFound404``)."""
    return f"{FAULT_NAMES.get(code, DEFAULT_FAULT_NAME)}{code}"


def fault_response(code: int) -> dict[str, Any]:
    """:returns: the response object of nova's fault for ``code``
    (``{"itemNotFound": {"code": 404, "message": ...}}``)."""
    return {
        "description": f"{FAULT_NAMES.get(code, DEFAULT_FAULT_NAME)} fault",
        "content": {"application/json": {"schema": _fault_schema(code)}},
    }


def one_schema(ranges: Sequence[SchemaRange], version: APIVersionRequest | None) -> Any:
    """:param ranges: a method's versioned schemas.
    :param version: the microversion described; None for the whole range.
    :returns: the schema for ``version`` (None when none applies); for the whole range the
        only schema, or an ``anyOf`` of them each marked with its ``x-openstack`` range."""
    if version is not None:
        return next((r.schema for r in ranges if r.serves(version)), None)
    if len(ranges) == 1:
        return ranges[0].schema
    if not ranges:
        return None
    members = [
        {**r.schema, "x-openstack": version_range(r.min_version, r.max_version)} for r in ranges
    ]
    return {"anyOf": members}


def query_parameter(name: str, prop: Any) -> dict[str, Any]:
    """:returns: the query parameter ``name`` of a query schema's property ``prop``; an array
    is a repeated parameter (``?status=A&status=B``)."""
    param: dict[str, Any] = {"name": name, "in": "query", "required": False, "schema": prop}
    if isinstance(prop, dict) and prop.get("type") == "array":
        param.update(style="form", explode=True)
    return param


def success_response(code: int, operation: Operation, version: APIVersionRequest | None) -> Any:
    """:returns: the response object of ``operation``'s success ``code``: JSON with the
    ``@response_body_schema`` for ``version``; without one the body is not described (a
    method may return nothing, an empty body, or any JSON)."""
    schema = one_schema(operation.response, version) if code != 204 else None
    if schema is None:
        return {"description": "success (body not described)"}
    return {"description": "success", "content": {"application/json": {"schema": schema}}}
