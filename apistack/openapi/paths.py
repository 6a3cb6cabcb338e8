"""The ``paths`` of an OpenAPI document: one operation per route and method, for one
microversion or for the API's whole range."""

from __future__ import annotations

import re
from typing import Any

from apistack.environ import STANDARD_VERSION_HEADER
from apistack.introspect import API, Operation, Route
from apistack.openapi.schemas import (
    fault_name,
    one_schema,
    query_parameter,
    success_response,
    version_range,
)
from apistack.resource.versions import APIVersionRequest

__all__ = ["SECURITY", "PathsBuilder"]

SECURITY: list[dict[str, list[str]]] = [{"token": []}]
# What the stack answers for any operation, whatever its method declares: a malformed
# request or version (400), no or a bad token (401), a policy refusal (403, which
# @expected_errors always lets through), a version out of range (406).
_STACK_ERRORS = frozenset({400, 401, 403})
_BODY_ERRORS = frozenset({413, 415})


class PathsBuilder:
    """Builds the ``paths`` of one API, for one microversion or for its whole range.

    :param api: the API (one router) to describe.
    :param version: the microversion described; None for the whole range.
    """

    def __init__(self, api: API, version: APIVersionRequest | None) -> None:
        self.api = api
        self.version = version
        self.versioned = api.settings.versioned
        #: the fault statuses referenced, described once under ``components.responses``.
        self.faults: set[int] = set()

    def serves(self, operation: Operation) -> bool:
        """:returns: whether ``operation`` belongs in this document (serves its version)."""
        return self.version is None or operation.serves(self.version)

    def paths(self) -> dict[str, dict[str, Any]]:
        """:returns: the ``paths`` object: every route's operation, paths relative to the
        API's mount; redirects and routes nothing serves at this version are left out."""
        paths: dict[str, dict[str, Any]] = {}
        for route in self.api.routes:
            operations = [op for op in route.operations if self.serves(op)]
            if route.method == "*" or not operations:
                continue  # a redirect, or nothing serves it at this version
            path = route.openapi_path[len(self.api.mount) :] or "/"
            operation = self._operation(route, operations)
            if (route.method, route.path) in self.api.shadowed:
                # The URL map sends this path to another app (a versions document, say),
                # which needs no token and no version header.
                operation["security"] = [{}, *SECURITY]
                operation["description"] = "Served by another app of the URL map."
                operation["parameters"] = [
                    p for p in operation["parameters"] if p["name"] != STANDARD_VERSION_HEADER
                ]
            operation["operationId"] = _operation_id(route.method, path)
            paths.setdefault(path, {})[route.method.lower()] = operation
        return paths

    def _operation(self, route: Route, operations: list[Operation]) -> dict[str, Any]:
        first = operations[0]
        out: dict[str, Any] = {
            "summary": f"{route.controller}.{route.action}",
            "parameters": [*self._path_parameters(route), *self._query(operations)],
            "responses": self._responses(route, operations),
            "security": SECURITY,
        }
        if self.versioned:
            out["parameters"].append(self._version_header())
            low = min((op.min_version for op in operations), default=None, key=_low_key)
            high = max((op.max_version for op in operations), default=None, key=_high_key)
            if self.version is None and (low or high):
                out["x-openstack"] = version_range(low, high)
        body = self._body(route, operations)
        if body is not None:
            out["requestBody"] = body
        if first.removed:
            out["deprecated"] = True
        return out

    def _path_parameters(self, route: Route) -> list[dict[str, Any]]:
        return [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in route.variables
        ]

    def _query(self, operations: list[Operation]) -> list[dict[str, Any]]:
        params: dict[str, dict[str, Any]] = {}
        for operation in operations:
            schema = one_schema(operation.query, self.version)
            if not isinstance(schema, dict):
                continue
            for member in schema.get("anyOf", [schema]):
                for name, prop in member.get("properties", {}).items():
                    params[name] = query_parameter(name, prop)
        return list(params.values())

    def _version_header(self) -> dict[str, Any]:
        # Any string is a valid header (entries for other services are ignored), so the
        # schema is a string; the version this document describes is its example.
        service = self.api.settings.service_type
        low, high = self.api.settings.min_version, self.api.settings.max_version
        text = f"'{service} X.Y' with X.Y from {low} to {high}, or '{service} latest'; "
        header: dict[str, Any] = {
            "name": STANDARD_VERSION_HEADER,
            "in": "header",
            "required": False,
            "description": text + "the minimum when absent.",
            "schema": {"type": "string"},
        }
        if self.version is not None:
            value = f"{service} {self.version.get_string()}"
            header["description"] = text + f"this document describes '{value}'."
            header["example"] = value
        return header

    def _body(self, route: Route, operations: list[Operation]) -> dict[str, Any] | None:
        if route.method not in ("POST", "PUT", "PATCH"):
            return None
        if any(op.action_key for op in operations):
            schema: Any = {"oneOf": [self._action_body(op) for op in operations]}
        else:
            schema = one_schema(operations[0].body, self.version)
        if schema is None:
            return None
        return {"required": True, "content": {"application/json": {"schema": schema}}}

    def _action_body(self, operation: Operation) -> dict[str, Any]:
        key = str(operation.action_key)
        schema = one_schema(operation.body, self.version)
        if not isinstance(schema, dict):
            schema = {"type": "object", "properties": {key: {}}, "required": [key],
                      "additionalProperties": False}  # fmt: skip
        marks = {"action-name": key, **version_range(operation.min_version, operation.max_version)}
        return {**schema, "x-openstack": marks}

    def _responses(self, route: Route, operations: list[Operation]) -> dict[str, Any]:
        responses: dict[str, Any] = {}
        for operation in operations:
            code = operation.success_code(self.version)
            if code is not None:
                responses[str(code)] = success_response(code, operation, self.version)
        errors = set(_STACK_ERRORS)
        for operation in operations:
            errors |= operation.error_codes(self.version)
        if route.method in ("POST", "PUT", "PATCH"):
            errors |= _BODY_ERRORS
        if self.versioned:
            errors.add(406)
        if route.variables or self.version is None or route.action == "action":
            errors.add(404)
        for code in sorted(errors):
            responses[str(code)] = {"$ref": f"#/components/responses/{fault_name(code)}"}
            self.faults.add(code)
        return responses


def _low_key(value: APIVersionRequest | None) -> tuple[int, int]:
    return (0, 0) if value is None else (value.major, value.minor)


def _high_key(value: APIVersionRequest | None) -> tuple[int, int]:
    return (1 << 30, 0) if value is None else (value.major, value.minor)


def _operation_id(method: str, path: str) -> str:
    words = re.sub(r"[^A-Za-z0-9]+", "_", path).strip("_") or "root"
    return f"{method.lower()}_{words}"
