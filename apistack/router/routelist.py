"""Route lists: nova's ``ROUTE_LIST`` shape, controller factories and route plugins.

A route list is an ordered sequence of ``(path, {METHOD: [controller_factory, action]})``;
a string instead of the dict makes ``path`` redirect there. A controller factory is a
``Controller`` subclass, the result of ``controller_factory(Main, sub_controllers=...)``, or
any callable ``f(settings) -> WSGI app``; each is called once, however many routes name it,
so one ``Resource`` serves all of a controller's routes (nova built one per route).

Built resources are kept in a ``ResourceRegistry``: by factory (so a factory named by several
lists is still called once) and by collection name (the first literal segment of the first
path naming it), which is where a ``ControllerExtension`` finds the resource it extends.

A route plugin is a stevedore entry point naming extra route-list entries; these were called
"extensions" before apistack grew nova Ocata's extension model, and the old names remain as
deprecated aliases.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import stevedore

from apistack.resource import APISettings, Controller, Resource
from apistack.router.errors import RoutePluginError, RouteTableError
from apistack.router.mapper import ProjectMapper

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

__all__ = [
    "ControllerFactory",
    "ResourceRegistry",
    "RouteList",
    "build_app",
    "controller_factory",
    "declare_route_list",
    "load_extension_routes",
    "load_route_plugins",
]

LOG = logging.getLogger(__name__)

RouteList = Sequence[tuple[str, Any]]


class ControllerFactory:
    """Builds ``Resource(Main(), settings, sub_controllers=[Sub(), ...])`` for an API."""

    def __init__(self, main: type[Any], sub_controllers: Iterable[type[Any]] = ()) -> None:
        self.main = main
        self.sub_controllers = tuple(sub_controllers)

    def __call__(self, settings: APISettings) -> Resource:
        subs = [sub() for sub in self.sub_controllers]
        return Resource(self.main(), settings, sub_controllers=subs)

    def __repr__(self) -> str:
        subs = ", ".join(sub.__name__ for sub in self.sub_controllers)
        return f"controller_factory({self.main.__name__}, sub_controllers=({subs}))"


def controller_factory(
    main: type[Any], sub_controllers: Iterable[type[Any]] = ()
) -> ControllerFactory:
    """:returns: a factory for a resource serving ``main`` plus the sub-controllers' actions."""
    return ControllerFactory(main, sub_controllers)


def build_app(factory: Any, settings: APISettings) -> WSGIApplication:
    """Call one controller factory with the API's settings.

    :raises RouteTableError: when ``factory`` is not a controller factory.
    """
    if isinstance(factory, type) and issubclass(factory, Controller):
        return Resource(factory(), settings)
    if not callable(factory):
        raise RouteTableError(f"{factory!r} is not a controller factory")
    app: WSGIApplication = factory(settings)
    return app


class ResourceRegistry:
    """The WSGI apps an API router built: by controller factory, and by collection name."""

    def __init__(self) -> None:
        self._by_factory: dict[int, tuple[Any, WSGIApplication]] = {}
        self.by_collection: dict[str, WSGIApplication] = {}

    def app_for(self, factory: Any, settings: APISettings) -> WSGIApplication:
        """:returns: the app built from ``factory``, building it on first use."""
        known = self._by_factory.get(id(factory))
        if known is None:
            # the factory is kept beside its app so its id cannot be reused meanwhile
            known = self._by_factory[id(factory)] = (factory, build_app(factory, settings))
        return known[1]

    def add(self, collection: str, app: WSGIApplication) -> None:
        """Record ``app`` as the resource of ``collection`` (the first one stays)."""
        self.by_collection.setdefault(collection, app)

    def get(self, collection: str) -> WSGIApplication | None:
        """:returns: the resource of ``collection``, or None."""
        return self.by_collection.get(collection)

    def __contains__(self, collection: object) -> bool:
        return collection in self.by_collection


def collection_of(path: str) -> str:
    """:returns: the first literal segment of a route path (``/servers/{id}`` -> ``servers``)."""
    for segment in path.split("/"):
        if segment and not segment.startswith(("{", ":")):
            return segment.split(".", 1)[0]
    return ""


def declare_route_list(
    mapper: ProjectMapper,
    route_list: RouteList,
    settings: APISettings,
    registry: ResourceRegistry | None = None,
) -> ResourceRegistry:
    """Declare every entry of ``route_list`` on ``mapper``.

    :param registry: the resources already built, shared across route lists.
    :returns: ``registry``, updated.
    :raises RouteTableError: on an entry that is not ``(path, dict)`` or ``(path, str)``.
    """
    registry = ResourceRegistry() if registry is None else registry
    for entry in route_list:
        path, methods = _entry(entry)
        if isinstance(methods, str):
            mapper.redirect(path, methods)
            continue
        for method, target in methods.items():
            factory, action = _target(path, method, target)
            app = registry.app_for(factory, settings)
            registry.add(collection_of(path), app)
            mapper.create_route(path, method, app, action)
    return registry


def _entry(entry: Any) -> tuple[str, Any]:
    if not (isinstance(entry, (tuple, list)) and len(entry) == 2 and isinstance(entry[0], str)):
        raise RouteTableError(f"route list entry {entry!r}: expected (path, {{METHOD: ...}})")
    if not isinstance(entry[1], (dict, str)):
        raise RouteTableError(f"{entry[0]}: expected a dict of methods or a redirect target")
    return entry[0], entry[1]


def _target(path: str, method: str, target: Any) -> tuple[Any, str]:
    if not (isinstance(target, (tuple, list)) and len(target) == 2):
        raise RouteTableError(f"{method} {path}: expected [controller_factory, action]")
    return target[0], str(target[1])


def load_route_plugins(namespace: str, strict: bool = False) -> list[tuple[str, Any]]:
    """Collect the route-list entries every plugin in ``namespace`` contributes.

    A plugin's entry point names a route list, or a callable returning one. Plugins load in
    name order. A plugin that fails is logged with its name and error and skipped.

    :raises RoutePluginError: when ``strict`` and any plugin fails.
    """
    failures: list[str] = []

    def failed(_manager: Any, entry_point: Any, exc: BaseException) -> None:
        LOG.error("Route plugin %r in %s failed to load: %s", entry_point.name, namespace, exc)
        failures.append(f"{entry_point.name}: {exc}")

    manager = stevedore.ExtensionManager(
        namespace, invoke_on_load=False, on_load_failure_callback=failed
    )
    entries: list[tuple[str, Any]] = []
    for extension in sorted(manager.extensions, key=lambda ext: ext.name):
        try:
            entries.extend(_plugin_entries(extension.plugin))
        except Exception as exc:  # a broken plugin must not take the API down
            failed(manager, extension.entry_point, exc)
    if strict and failures:
        raise RoutePluginError(f"route plugins failed to load: {'; '.join(failures)}")
    return entries


def _plugin_entries(plugin: Any) -> list[tuple[str, Any]]:
    routes = plugin() if callable(plugin) else plugin
    entries = [_entry(entry) for entry in routes]
    for path, methods in entries:  # reject a malformed plugin here, where it can be skipped
        if isinstance(methods, dict):
            for method, target in methods.items():
                _target(path, method, target)
    return entries


#: the name ``load_route_plugins`` had before nova's extension model arrived (deprecated).
load_extension_routes = load_route_plugins
