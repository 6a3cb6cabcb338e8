"""List the schemas of every route and action of a built router.

For schema-coverage tests ("every POST has a body schema"). The rows are read from
``apistack.introspect``'s description of the router: a ``POST .../action`` route gives one
row per ``@action`` key its resource serves (sub-controllers included), and a method with
versioned implementations one row per implementation.
"""

from __future__ import annotations

from dataclasses import dataclass

from apistack.introspect import Operation, Route, RouteSource, SchemaRange, describe_router
from apistack.resource.versions import APIVersionRequest

__all__ = ["MethodSchemas", "SchemaRange", "list_route_schemas"]


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


def _row(route: Route, operation: Operation) -> MethodSchemas:
    return MethodSchemas(
        http_method=route.method,
        path=route.path,
        action=route.action,
        action_key=operation.action_key,
        handler=operation.handler,
        min_version=operation.min_version,
        max_version=operation.max_version,
        removed=operation.removed,
        body=operation.body,
        query=operation.query,
        response=operation.response,
    )


def list_route_schemas(router: RouteSource) -> list[MethodSchemas]:
    """List the schemas of every route of ``router``.

    Redirect entries are skipped; a route whose action names no controller method gives no
    row. Rows keep the route table's order; a route listed twice gives its rows once.

    :param router: a built ``apistack.router.Router`` (or an object with its ``route_table``).
    :returns: one ``MethodSchemas`` per route, action key and implementation.
    """
    rows: list[MethodSchemas] = []
    seen: set[tuple[object, ...]] = set()
    for route in describe_router(router):
        for operation in route.operations:
            row = _row(route, operation)
            key = (row.http_method, row.path, row.action, row.action_key, row.handler,
                   row.min_version)  # fmt: skip
            if key not in seen:
                seen.add(key)
                rows.append(row)
    return rows
