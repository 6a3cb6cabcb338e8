"""The typed description of a built API: its routes, and what each can run.

A router knows, once built, every path, method and controller; each ``Resource`` knows which
functions serve an action and for which versions (``Resource.operations``); each function
carries what its decorators declared (``@response`` codes, ``@expected_errors``, schemas).
``describe_router`` puts that together as ``Route`` and ``Operation`` values, read by
``apistack routes``, ``list_route_schemas`` and the OpenAPI generator, so none of them reads
controller internals.

A router here is anything with a ``route_table`` of entries that have ``method``, ``path``,
``action``, ``app`` and ``redirect_to`` (``apistack.router.Router``'s are ``RouteEntry``).
"""

from apistack.introspect.apps import API, describe_apis, describe_app, find_routers
from apistack.introspect.routes import (
    Operation,
    Route,
    RouteSource,
    SchemaRange,
    describe_router,
)

__all__ = [
    "API",
    "Operation",
    "Route",
    "RouteSource",
    "SchemaRange",
    "describe_apis",
    "describe_app",
    "describe_router",
    "find_routers",
]
