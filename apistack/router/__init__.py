"""The router: Routes-compatible declarations, compiled when built, matched per segment.

Declare routes on a ``ProjectMapper`` (nova's ``create_route``/``resource``/``redirect``) or
in nova's ``ROUTE_LIST`` shape, then build a ``Router`` (any WSGI apps) or an ``APIRouter``
(controller factories, route plugins, nova Ocata's extensions, one ``APISettings``;
``egg:apistack#router``).
"""

from apistack.router.api import APIRouter, app_factory
from apistack.router.errors import (
    ExtensionLoadError,
    RoutePluginError,
    RouterConfigError,
    RouteTableError,
)
from apistack.router.extensions import declare_extensions
from apistack.router.mapper import ProjectMapper, RouteEntry
from apistack.router.matcher import RouteMatcher
from apistack.router.routelist import (
    ControllerFactory,
    ResourceRegistry,
    controller_factory,
    declare_route_list,
    load_extension_routes,
    load_route_plugins,
)
from apistack.router.wsgi import Router

__all__ = [
    "APIRouter",
    "ControllerFactory",
    "ExtensionLoadError",
    "ProjectMapper",
    "ResourceRegistry",
    "RouteEntry",
    "RouteMatcher",
    "RoutePluginError",
    "RouteTableError",
    "Router",
    "RouterConfigError",
    "app_factory",
    "controller_factory",
    "declare_extensions",
    "declare_route_list",
    "load_extension_routes",
    "load_route_plugins",
]
