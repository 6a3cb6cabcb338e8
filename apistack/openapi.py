"""An OpenAPI 3.1 document of a built API, from ``apistack.introspect``'s description of it.

Every route becomes a path operation: its path parameters, its query parameters (from
``@query_schema``), its request body (``@schema``; for ``POST .../action`` the ``oneOf`` of the
actions' bodies, each marked with its action name), its success codes (``@response``) and its
faults (``@expected_errors`` plus what the stack itself answers) in nova's fault shape, and
the ``OpenStack-API-Version`` header. Token authentication is the ``X-Auth-Token`` security
scheme; version discovery (``GET /`` and ``/versions/{id}``) needs none in nova, but behind an
auth filter it does, so it is documented as the stack serves it.

Two kinds of document:

* for one microversion (``microversion="2.19"``): only what that version serves, with that
  version's schemas, and the version header required with that value;
* for the whole range (the default): every operation, its range in ``x-openstack``
  (``min-ver``/``max-ver``, in the spirit of openstack-codegenerator), versioned bodies as an
  ``anyOf`` whose members carry their own ``x-openstack`` range.

The ``/{project_id}`` twins are documented once, as a second server URL with a variable.
A router found both as itself and behind ``legacy_v2`` (nova's ``/v2``) with the same routes
is documented once, its legacy mount listed as one more server.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from apistack.environ import STANDARD_VERSION_HEADER
from apistack.faults import DEFAULT_FAULT_NAME, FAULT_NAMES
from apistack.introspect import API, Operation, Route, SchemaRange, describe_apis
from apistack.resource.versions import APIVersionRequest

__all__ = ["OpenAPIError", "openapi_document"]

OPENAPI_VERSION = "3.1.0"
_SECURITY: list[dict[str, list[str]]] = [{"token": []}]
# What the stack answers for any operation, whatever its method declares: a malformed
# request or version (400), no or a bad token (401), a policy refusal (403, which
# @expected_errors always lets through), a version out of range (406).
_STACK_ERRORS = frozenset({400, 401, 403})
_BODY_ERRORS = frozenset({413, 415})


class OpenAPIError(ValueError):
    """The app cannot be described (no router in it, or a microversion it does not serve)."""


def _range(low: APIVersionRequest | None, high: APIVersionRequest | None) -> dict[str, str]:
    out = {}
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


def _fault_name(code: int) -> str:
    return f"{FAULT_NAMES.get(code, DEFAULT_FAULT_NAME)}{code}"


def _fault(code: int) -> dict[str, Any]:
    return {
        "description": f"{FAULT_NAMES.get(code, DEFAULT_FAULT_NAME)} fault",
        "content": {"application/json": {"schema": _fault_schema(code)}},
    }


def _one_schema(ranges: Sequence[SchemaRange], version: APIVersionRequest | None) -> Any:
    """The schema for ``version``; for the whole range an ``anyOf`` of the versioned ones."""
    if version is not None:
        return next((r.schema for r in ranges if r.serves(version)), None)
    if len(ranges) == 1:
        return ranges[0].schema
    if not ranges:
        return None
    members = [{**r.schema, "x-openstack": _range(r.min_version, r.max_version)} for r in ranges]
    return {"anyOf": members}


class _Builder:
    """Builds the document of one API, for one microversion or for its whole range."""

    def __init__(self, api: API, version: APIVersionRequest | None) -> None:
        self.api = api
        self.version = version
        self.versioned = api.settings.versioned
        #: the fault statuses referenced, described once under ``components.responses``.
        self.faults: set[int] = set()

    def serves(self, operation: Operation) -> bool:
        return self.version is None or operation.serves(self.version)

    def paths(self) -> dict[str, dict[str, Any]]:
        paths: dict[str, dict[str, Any]] = {}
        for route in self.api.routes:
            operations = [op for op in route.operations if self.serves(op)]
            if route.method == "*" or not operations:
                continue  # a redirect, or nothing serves it at this version
            path = route.openapi_path[len(self.api.mount) :] or "/"
            operation = self.operation(route, operations)
            if (route.method, route.path) in self.api.shadowed:
                # The URL map sends this path to another app (a versions document, say),
                # which needs no token and no version header.
                operation["security"] = [{}, *_SECURITY]
                operation["description"] = "Served by another app of the URL map."
                operation["parameters"] = [
                    p for p in operation["parameters"] if p["name"] != STANDARD_VERSION_HEADER
                ]
            operation["operationId"] = _operation_id(route.method, path)
            paths.setdefault(path, {})[route.method.lower()] = operation
        return paths

    def operation(self, route: Route, operations: list[Operation]) -> dict[str, Any]:
        first = operations[0]
        out: dict[str, Any] = {
            "summary": f"{route.controller}.{route.action}",
            "parameters": [*self.path_parameters(route), *self.query(operations)],
            "responses": self.responses(route, operations),
            "security": _SECURITY,
        }
        if self.versioned:
            out["parameters"].append(self.version_header())
            low = min((op.min_version for op in operations), default=None, key=_low_key)
            high = max((op.max_version for op in operations), default=None, key=_high_key)
            if self.version is None and (low or high):
                out["x-openstack"] = _range(low, high)
        body = self.body(route, operations)
        if body is not None:
            out["requestBody"] = body
        if first.removed:
            out["deprecated"] = True
        return out

    def path_parameters(self, route: Route) -> list[dict[str, Any]]:
        return [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in route.variables
        ]

    def query(self, operations: list[Operation]) -> list[dict[str, Any]]:
        params: dict[str, dict[str, Any]] = {}
        for operation in operations:
            schema = _one_schema(operation.query, self.version)
            if not isinstance(schema, dict):
                continue
            for member in schema.get("anyOf", [schema]):
                for name, prop in member.get("properties", {}).items():
                    params[name] = _query_parameter(name, prop)
        return list(params.values())

    def version_header(self) -> dict[str, Any]:
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

    def body(self, route: Route, operations: list[Operation]) -> dict[str, Any] | None:
        if route.method not in ("POST", "PUT", "PATCH"):
            return None
        if any(op.action_key for op in operations):
            schema: Any = {"oneOf": [self.action_body(op) for op in operations]}
        else:
            schema = _one_schema(operations[0].body, self.version)
        if schema is None:
            return None
        return {"required": True, "content": {"application/json": {"schema": schema}}}

    def action_body(self, operation: Operation) -> dict[str, Any]:
        key = str(operation.action_key)
        schema = _one_schema(operation.body, self.version)
        if not isinstance(schema, dict):
            schema = {"type": "object", "properties": {key: {}}, "required": [key],
                      "additionalProperties": False}  # fmt: skip
        marks = {"action-name": key, **_range(operation.min_version, operation.max_version)}
        return {**schema, "x-openstack": marks}

    def responses(self, route: Route, operations: list[Operation]) -> dict[str, Any]:
        responses: dict[str, Any] = {}
        for operation in operations:
            code = operation.success_code(self.version)
            if code is not None:
                responses[str(code)] = _success(code, operation, self.version)
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
            responses[str(code)] = {"$ref": f"#/components/responses/{_fault_name(code)}"}
            self.faults.add(code)
        return responses


def _low_key(value: APIVersionRequest | None) -> tuple[int, int]:
    return (0, 0) if value is None else (value.major, value.minor)


def _high_key(value: APIVersionRequest | None) -> tuple[int, int]:
    return (1 << 30, 0) if value is None else (value.major, value.minor)


def _operation_id(method: str, path: str) -> str:
    words = re.sub(r"[^A-Za-z0-9]+", "_", path).strip("_") or "root"
    return f"{method.lower()}_{words}"


def _query_parameter(name: str, prop: Any) -> dict[str, Any]:
    param: dict[str, Any] = {"name": name, "in": "query", "required": False, "schema": prop}
    if isinstance(prop, dict) and prop.get("type") == "array":
        param.update(style="form", explode=True)
    return param


def _success(code: int, operation: Operation, version: APIVersionRequest | None) -> Any:
    out: dict[str, Any] = {"description": "success"}
    if code == 204:
        return out
    schema = _one_schema(operation.response, version)
    out["content"] = {"application/json": {"schema": schema if schema is not None else {}}}
    return out


def _servers(apis: Iterable[API]) -> list[dict[str, Any]]:
    servers: list[dict[str, Any]] = []
    for api in apis:
        note = "legacy v2: the minimum microversion, no version headers" if api.legacy_v2 else ""
        servers.append({"url": api.mount or "/", "description": note or "the API"})
        if api.project_prefix:
            servers.append(
                {
                    "url": f"{api.mount}/{{project_id}}",
                    "description": "the same API under the caller's project id",
                    "variables": {"project_id": {"default": "project"}},
                }
            )
    return servers


def _pick(apis: Sequence[API]) -> tuple[API, list[API]]:
    """The API to describe, and the mounts serving the very same routes."""
    main = next((a for a in apis if not a.legacy_v2 and a.settings.versioned), apis[0])

    def shape(api: API) -> set[tuple[str, str]]:
        return {(r.method, r.path[len(api.mount) :]) for r in api.routes}

    same = [a for a in apis if shape(a) == shape(main)]
    return main, same


def openapi_document(app: object, microversion: str | None = None) -> dict[str, Any]:
    """Describe the API inside a loaded paste app (or a built router) as OpenAPI 3.1.

    :param app: a WSGI app containing a router (a URL map, a filter pipeline or the router).
    :param microversion: describe only what this microversion serves (``"2.19"``); the
        whole range when None.
    :returns: the document, as JSON-ready data.
    :raises OpenAPIError: when ``app`` has no router, or ``microversion`` is malformed or
        outside the API's range.
    """
    apis = describe_apis(app)
    if not apis:
        raise OpenAPIError("no router found in the app")
    main, mounts = _pick(apis)
    settings = main.settings
    version = _requested(microversion, main)
    builder = _Builder(main, version)
    title = f"{settings.service_type} API"
    info: dict[str, Any] = {"title": title, "version": _version_text(main, version)}
    paths = builder.paths()
    document: dict[str, Any] = {
        "openapi": OPENAPI_VERSION,
        "info": info,
        "servers": _servers(mounts),
        "paths": paths,
        "components": {
            "responses": {_fault_name(code): _fault(code) for code in sorted(builder.faults)},
            "securitySchemes": {
                "token": {"type": "apiKey", "in": "header", "name": "X-Auth-Token",
                          "description": "A Keystone token (noauth: 'user:project')."}
            }
        },
    }  # fmt: skip
    if settings.versioned:
        info["x-openstack"] = _range(settings.min_version, settings.max_version)
    return document


def _requested(microversion: str | None, api: API) -> APIVersionRequest | None:
    if microversion is None:
        return None
    settings = api.settings
    try:
        version = APIVersionRequest(microversion)
    except ValueError as exc:
        raise OpenAPIError(str(exc)) from None
    if not settings.versioned or not version.matches(settings.min_version, settings.max_version):
        raise OpenAPIError(
            f"microversion {microversion} is outside the API's range "
            f"{settings.min_version or '-'} to {settings.max_version or '-'}"
        )
    return version


def _version_text(api: API, version: APIVersionRequest | None) -> str:
    if version is not None:
        return version.get_string()
    low, high = api.settings.min_version, api.settings.max_version
    return f"{low}-{high}" if low is not None else "unversioned"
