"""Route lists: nova's ``ROUTE_LIST`` shape, controller factories and stevedore plugins.

A route list is an ordered sequence of ``(path, {METHOD: [controller_factory, action]})``;
a string instead of the dict makes ``path`` redirect there. A controller factory is a
``Controller`` subclass, the result of ``controller_factory(Main, sub_controllers=...)``, or
any callable ``f(settings) -> WSGI app``; each is called once, however many routes name it,
so one ``Resource`` serves all of a controller's routes (nova built one per route).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import stevedore

from apistack.resource import APISettings, Controller, Resource
from apistack.router.errors import ExtensionLoadError, RouteTableError
from apistack.router.mapper import ProjectMapper

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

__all__ = [
    "ControllerFactory",
    "RouteList",
    "build_app",
    "controller_factory",
    "declare_route_list",
    "load_extension_routes",
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


def declare_route_list(
    mapper: ProjectMapper,
    route_list: RouteList,
    settings: APISettings,
    apps: dict[int, tuple[Any, WSGIApplication]] | None = None,
) -> dict[int, tuple[Any, WSGIApplication]]:
    """Declare every entry of ``route_list`` on ``mapper``.

    :param apps: the factories already built (by ``id``), shared across route lists so a
        factory named by several lists is still called once.
    :returns: ``apps``, updated.
    :raises RouteTableError: on an entry that is not ``(path, dict)`` or ``(path, str)``.
    """
    apps = {} if apps is None else apps
    for entry in route_list:
        path, methods = _entry(entry)
        if isinstance(methods, str):
            mapper.redirect(path, methods)
            continue
        for method, target in methods.items():
            factory, action = _target(path, method, target)
            if id(factory) not in apps:
                apps[id(factory)] = (factory, build_app(factory, settings))
            mapper.create_route(path, method, apps[id(factory)][1], action)
    return apps


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


def load_extension_routes(namespace: str, strict: bool = False) -> list[tuple[str, Any]]:
    """Collect the route-list entries every plugin in ``namespace`` contributes.

    A plugin's entry point names a route list, or a callable returning one. Plugins load in
    name order. A plugin that fails is logged with its name and error and skipped.

    :raises ExtensionLoadError: when ``strict`` and any plugin fails.
    """
    failures: list[str] = []

    def failed(_manager: Any, entry_point: Any, exc: BaseException) -> None:
        LOG.error("API extension %r in %s failed to load: %s", entry_point.name, namespace, exc)
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
        raise ExtensionLoadError(f"API extensions failed to load: {'; '.join(failures)}")
    return entries


def _plugin_entries(plugin: Any) -> list[tuple[str, Any]]:
    routes = plugin() if callable(plugin) else plugin
    entries = [_entry(entry) for entry in routes]
    for path, methods in entries:  # reject a malformed plugin here, where it can be skipped
        if isinstance(methods, dict):
            for method, target in methods.items():
                _target(path, method, target)
    return entries
