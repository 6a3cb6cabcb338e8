"""Routes and operations: what one router serves, read from its route table and resources."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from apistack.resource.decorators import (
    BODY_SCHEMAS,
    EXPECTED_ERRORS_ATTR,
    QUERY_SCHEMAS,
    RESPONSE_SCHEMAS,
    ExpectedErrors,
    ResponseCode,
)
from apistack.resource.resource import Resource, ResourceOperation
from apistack.resource.versions import NULL_VERSION, APIVersionRequest, in_range
from apistack.router.mapper import RouteEntry
from apistack.router.syntax import Var, parse_template, to_openapi_path

if TYPE_CHECKING:
    from apistack.resource.validation.schemas import VersionedSchema

__all__ = ["Operation", "Route", "RouteSource", "SchemaRange", "describe_router"]


class _Entry(Protocol):
    @property
    def method(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def app(self) -> Any: ...
    @property
    def redirect_to(self) -> str | None: ...


class RouteSource(Protocol):
    """What ``describe_router`` reads: a built router's ``route_table``."""

    @property
    def route_table(self) -> Sequence[_Entry]: ...


@dataclass(frozen=True)
class SchemaRange:
    """One schema and the request versions it applies to (None: unbounded on that side)."""

    schema: Mapping[str, Any]
    min_version: APIVersionRequest | None
    max_version: APIVersionRequest | None

    def serves(self, version: APIVersionRequest) -> bool:
        """:returns: whether requests at ``version`` use this schema."""
        return in_range(version, self.min_version, self.max_version)


@dataclass(frozen=True)
class Operation:
    """One implementation of a controller method, reached by a route.

    :ivar name: the controller method's name.
    :ivar action_key: for ``POST .../action``, the body key (``reboot``); else None.
    :ivar handler: ``module.Class.method`` of the implementation.
    :ivar min_version: its ``@api_version`` lower bound, if any.
    :ivar max_version: its ``@api_version`` upper bound, if any.
    :ivar removed: True for a ``@removed`` method (it answers 410).
    :ivar response_codes: the ``@response`` declarations (none: 200).
    :ivar expected_errors: the ``@expected_errors`` declarations.
    :ivar body: the ``@schema`` entries, ordered by version.
    :ivar query: the ``@query_schema`` entries.
    :ivar response: the ``@response_body_schema`` entries.
    """

    name: str
    action_key: str | None
    handler: str
    min_version: APIVersionRequest | None
    max_version: APIVersionRequest | None
    removed: bool
    response_codes: tuple[ResponseCode, ...]
    expected_errors: tuple[ExpectedErrors, ...]
    body: tuple[SchemaRange, ...]
    query: tuple[SchemaRange, ...]
    response: tuple[SchemaRange, ...]

    def serves(self, version: APIVersionRequest) -> bool:
        """:returns: whether this implementation serves requests at ``version``."""
        return in_range(version, self.min_version, self.max_version)

    def success_code(self, version: APIVersionRequest | None = None) -> int | None:
        """:returns: the success status at ``version`` (any version when None); 200 when
        undeclared; None when no ``@response`` covers ``version``."""
        if not self.response_codes:
            return 200
        for entry in self.response_codes:
            if version is None or in_range(version, entry.min_version, entry.max_version):
                return entry.code
        return None

    def error_codes(self, version: APIVersionRequest | None = None) -> frozenset[int]:
        """:returns: the statuses ``@expected_errors`` lists at ``version`` (any when None)."""
        return frozenset(
            code
            for entry in self.expected_errors
            if version is None or in_range(version, entry.min_version, entry.max_version)
            for code in entry.codes
        )


@dataclass(frozen=True)
class Route:
    """One declared path x method of a router, with what it runs.

    :ivar method: ``GET``, ``POST``... (``*`` for a route without a method condition).
    :ivar path: the template in Routes syntax, mount prefix included, without the
        ``/{project_id}`` twin's prefix.
    :ivar openapi_path: the same path with every variable as ``{name}``.
    :ivar variables: the path's variable names, in order.
    :ivar action: the routed action (``index``, ``show``, ``action``...).
    :ivar controller: the class name of the route's main controller; None for a redirect or
        an app that is not a ``Resource``.
    :ivar redirect_to: a redirect's target, else None.
    :ivar operations: what the route can run, one per implementation and action key.
    """

    method: str
    path: str
    openapi_path: str
    variables: tuple[str, ...]
    action: str
    controller: str | None
    redirect_to: str | None
    operations: tuple[Operation, ...]


def _ranges(func: Any, attr: str) -> tuple[SchemaRange, ...]:
    entries: tuple[VersionedSchema, ...] = getattr(func, attr, ())
    return tuple(SchemaRange(e.schema, e.min_version, e.max_version) for e in entries)


def _operation(found: ResourceOperation) -> Operation:
    func, cls = found.func, type(found.controller)
    return Operation(
        name=found.name,
        action_key=found.action_key,
        handler=f"{cls.__module__}.{cls.__qualname__}.{found.name}",
        min_version=found.min_version,
        max_version=found.max_version,
        removed=bool(getattr(func, "removed", False)),
        response_codes=tuple(getattr(func, "wsgi_codes", ())),
        expected_errors=tuple(getattr(func, EXPECTED_ERRORS_ATTR, ())),
        body=_ranges(func, BODY_SCHEMAS),
        query=_ranges(func, QUERY_SCHEMAS),
        response=_ranges(func, RESPONSE_SCHEMAS),
    )


def _operations(resource: Resource, action: str) -> tuple[Operation, ...]:
    found = sorted(
        resource.operations(action),
        key=lambda op: (op.action_key or "", op.min_version or NULL_VERSION),
    )
    return tuple(_operation(op) for op in found)


def _variables(entry: _Entry) -> tuple[str, ...]:
    if isinstance(entry, RouteEntry) and entry.variables:
        return entry.variables
    return tuple(part.name for part in parse_template(entry.path, {}) if isinstance(part, Var))


def _route(entry: _Entry, mount: str) -> Route:
    app = entry.app
    resource = app if isinstance(app, Resource) and not entry.redirect_to else None
    controller = resource.controller if resource is not None else None
    path = mount + entry.path
    return Route(
        method=entry.method,
        path=path,
        openapi_path=to_openapi_path(path) or "/",
        variables=_variables(entry),
        action=entry.action,
        controller=type(controller).__name__ if controller is not None else None,
        redirect_to=entry.redirect_to,
        operations=_operations(resource, entry.action) if resource is not None else (),
    )


def describe_router(router: RouteSource, mount: str = "") -> tuple[Route, ...]:
    """Describe every route of a built router, in table order.

    :param router: a built ``apistack.router.Router`` (or anything with its ``route_table``).
    :param mount: the prefix the router is mounted under (``/v2.1``), prepended to paths.
    :returns: one ``Route`` per table entry.
    """
    return tuple(_route(entry, mount) for entry in router.route_table)
