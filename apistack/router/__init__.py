"""The router: Routes-compatible declarations, compiled when built, matched per segment.

Declare routes on a ``ProjectMapper`` (nova's ``create_route``/``resource``/``redirect``) or
in nova's ``ROUTE_LIST`` shape, then build a ``Router`` (any WSGI apps) or an ``APIRouter``
(controller factories, stevedore plugins, one ``APISettings``; ``egg:apistack#router``).
"""

from apistack.router.api import APIRouter, app_factory
from apistack.router.errors import ExtensionLoadError, RouterConfigError, RouteTableError
from apistack.router.mapper import ProjectMapper, RouteEntry
from apistack.router.matcher import RouteMatcher
from apistack.router.routelist import (
    ControllerFactory,
    controller_factory,
    declare_route_list,
    load_extension_routes,
)
from apistack.router.wsgi import Router

__all__ = [
    "APIRouter",
    "ControllerFactory",
    "ExtensionLoadError",
    "ProjectMapper",
    "RouteEntry",
    "RouteMatcher",
    "RouteTableError",
    "Router",
    "RouterConfigError",
    "app_factory",
    "controller_factory",
    "declare_route_list",
    "load_extension_routes",
]
