"""List the schemas of every route and action of a built router.

For schema-coverage tests ("every POST has a body schema") and for generating API documents.
``list_route_schemas`` reads the router's ``route_table``: entries with ``method``, ``path``
(the template without the project prefix), ``action`` and ``app`` (a ``Resource``, or None for
a redirect). A ``POST .../action`` route is expanded into one row per ``@action`` key its
resource serves (sub-controllers included), and a method with versioned implementations into
one row per implementation.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from apistack.resource.decorators import VersionedMethod
from apistack.resource.validation.decorators import BODY_SCHEMAS, QUERY_SCHEMAS, RESPONSE_SCHEMAS
from apistack.resource.validation.schemas import VersionedSchema
from apistack.resource.versions import NULL_VERSION, APIVersionRequest

__all__ = ["MethodSchemas", "SchemaRange", "list_route_schemas"]


@dataclass(frozen=True)
class SchemaRange:
    """One schema and the request versions it applies to (None: unbounded on that side)."""

    schema: Mapping[str, Any]
    min_version: APIVersionRequest | None
    max_version: APIVersionRequest | None


@dataclass(frozen=True)
class MethodSchemas:
    """The schemas of one controller-method implementation reached by one route.

    :ivar http_method: ``GET``, ``POST``, ...
    :ivar path: the route's path template (without the project prefix).
    :ivar action: the routed action (``index``, ``create``, ``action``, ...).
    :ivar action_key: for ``POST .../action``, the body key (``reboot``); else None.
    :ivar handler: ``module.Class.method`` of the implementation.
    :ivar min_version: the implementation's ``@api_version`` lower bound, if any.
    :ivar max_version: the implementation's ``@api_version`` upper bound, if any.
    :ivar removed: True for a ``@removed`` method (it answers 410 and needs no schema).
    :ivar body: the ``@schema`` entries, ordered by version.
    :ivar query: the ``@query_schema`` entries.
    :ivar response: the ``@response_body_schema`` entries.
    """

    http_method: str
    path: str
    action: str
    action_key: str | None
    handler: str
    min_version: APIVersionRequest | None
    max_version: APIVersionRequest | None
    removed: bool
    body: tuple[SchemaRange, ...]
    query: tuple[SchemaRange, ...]
    response: tuple[SchemaRange, ...]


def _ranges(func: Any, attr: str) -> tuple[SchemaRange, ...]:
    entries: tuple[VersionedSchema, ...] = getattr(func, attr, ())
    return tuple(SchemaRange(e.schema, e.min_version, e.max_version) for e in entries)


def _implementations(
    controller: Any, name: str
) -> Iterator[tuple[Any, APIVersionRequest | None, APIVersionRequest | None]]:
    """The functions behind ``controller.<name>``, each with its ``@api_version`` range."""
    impls: tuple[VersionedMethod, ...] = getattr(controller, "versioned_methods", {}).get(name, ())
    if impls:
        ordered = sorted(impls, key=lambda impl: impl.min_version or NULL_VERSION)
        for impl in ordered:
            yield impl.func, impl.min_version, impl.max_version
        return
    func = getattr(type(controller), name, None)
    if callable(func):
        yield func, None, None


def _rows(
    entry: Any, controller: Any, name: str, action_key: str | None
) -> Iterator[MethodSchemas]:
    cls = type(controller)
    for func, low, high in _implementations(controller, name):
        yield MethodSchemas(
            http_method=str(entry.method),
            path=str(entry.path),
            action=str(entry.action),
            action_key=action_key,
            handler=f"{cls.__module__}.{cls.__qualname__}.{name}",
            min_version=low,
            max_version=high,
            removed=bool(getattr(func, "removed", False)),
            body=_ranges(func, BODY_SCHEMAS),
            query=_ranges(func, QUERY_SCHEMAS),
            response=_ranges(func, RESPONSE_SCHEMAS),
        )


def _entry_rows(entry: Any) -> Iterator[MethodSchemas]:
    resource = getattr(entry, "app", None)
    if resource is None or not hasattr(resource, "wsgi_actions"):
        return  # a redirect, or an app that is not a Resource
    actions: Mapping[str, Any] = resource.wsgi_actions
    if entry.action == "action" and actions:
        for key in sorted(actions):
            method = actions[key]
            owner = getattr(method.plain, "__self__", None)
            if owner is None and method.overloads:
                owner = method.overloads[0][1].__self__
            yield from _rows(entry, owner, method.name, key)
    elif resource.controller is not None:
        yield from _rows(entry, resource.controller, str(entry.action), None)


def list_route_schemas(router: Any) -> list[MethodSchemas]:
    """List the schemas of every route of ``router`` (anything with a ``route_table``).

    Redirect entries are skipped; a route whose action names no controller method gives no
    row. Rows keep the route table's order.

    :param router: a built ``apistack.router.Router`` (or an object with its ``route_table``).
    :returns: one ``MethodSchemas`` per route, action key and implementation.
    """
    table: Iterable[Any] = router.route_table
    seen: set[tuple[str, str, str, str | None, str, Any]] = set()
    rows: list[MethodSchemas] = []
    for entry in table:
        for row in _entry_rows(entry):
            key = (row.http_method, row.path, row.action, row.action_key, row.handler,
                   row.min_version)  # fmt: skip
            if key not in seen:
                seen.add(key)
                rows.append(row)
    return rows
