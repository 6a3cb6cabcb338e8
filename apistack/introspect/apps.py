"""Routers inside a loaded app: where each is mounted, behind what, with which settings."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from apistack.apps.urlmap import Mount, URLMap
from apistack.filters.legacy_v2 import LegacyV2
from apistack.introspect.routes import Route, RouteSource, describe_router
from apistack.resource.resource import Resource
from apistack.resource.versions import APISettings
from apistack.router.wsgi import Router

__all__ = ["API", "describe_apis", "describe_app", "find_routers"]

_WRAPPED_ATTRIBUTES = ("application", "app", "_app", "wrapped", "next_app")


def find_routers(app: object, prefix: str = "") -> Iterator[tuple[str, RouteSource]]:
    """Find the routers inside a loaded paste app: URL-map mounts (their prefix is prepended)
    and the wrapped app of each filter (``.application``, ``.app``...).

    :returns: ``(mount prefix, router)`` for each router reachable from ``app``.
    """
    for found in _walk(app, prefix):
        yield found.mount, found.router


@dataclass(frozen=True)
class _Found:
    mount: str
    router: RouteSource
    legacy: bool
    via: tuple[URLMap, Mount] | None  # the URL map (and its entry) the router was reached by


def _walk(app: object, prefix: str) -> Iterator[_Found]:
    seen: set[int] = set()
    pending: list[tuple[str, Any, bool, tuple[URLMap, Mount] | None]] = [
        (prefix, app, False, None)
    ]
    while pending:
        mount, current, legacy, via = pending.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        legacy = legacy or isinstance(current, LegacyV2)
        if hasattr(current, "route_table"):
            yield _Found(mount, current, legacy, via)
        elif isinstance(current, URLMap):
            pending.extend((mount + m.prefix, m.app, legacy, (current, m)) for m in current.mounts)
        else:
            pending.extend(
                (mount, getattr(current, name), legacy, via)
                for name in _WRAPPED_ATTRIBUTES
                if callable(getattr(current, name, None))
            )


def _shadowed(found: _Found, routes: tuple[Route, ...]) -> frozenset[tuple[str, str]]:
    """The routes the URL map sends elsewhere (``GET /v2.1/`` to a versions app, say)."""
    if found.via is None:
        return frozenset()
    urlmap, mount = found.via
    outer = found.mount[: len(found.mount) - len(mount.prefix)]
    shadowed = set()
    for route in routes:
        sample = re.sub(r"\{[^}]*\}", "x", route.openapi_path)[len(outer) :]
        if urlmap.match(sample) is not mount:
            shadowed.add((route.method, route.path))
    return frozenset(shadowed)


@dataclass(frozen=True)
class API:
    """One router inside a loaded app: where it is mounted and what it serves.

    :ivar mount: the URL-map prefix (``/v2.1``); paths in ``routes`` include it.
    :ivar settings: the API's settings (from its resources); the default when it has none.
    :ivar routes: its routes.
    :ivar project_prefix: whether every route is also served under ``/{project_id}``.
    :ivar legacy_v2: whether the router sits behind ``legacy_v2`` (nova's ``/v2``).
    :ivar shadowed: ``(method, path)`` of the routes the URL map sends to another app.
    """

    mount: str
    settings: APISettings
    routes: tuple[Route, ...]
    project_prefix: bool
    legacy_v2: bool
    shadowed: frozenset[tuple[str, str]] = frozenset()


def _settings(router: RouteSource) -> APISettings:
    for entry in router.route_table:
        if isinstance(entry.app, Resource):
            return entry.app.settings
    return APISettings()


def describe_apis(app: object) -> tuple[API, ...]:
    """:returns: every router inside ``app`` (see :func:`find_routers`) as an ``API``."""
    return tuple(_api(found) for found in _walk(app, ""))


def _api(found: _Found) -> API:
    router = found.router
    routes = describe_router(router, found.mount)
    return API(
        mount=found.mount,
        settings=_settings(router),
        routes=routes,
        project_prefix=isinstance(router, Router) and router.project_prefix,
        legacy_v2=found.legacy,
        shadowed=_shadowed(found, routes),
    )


def describe_app(app: object) -> tuple[Route, ...]:
    """:returns: the routes of every router inside ``app`` (see :func:`find_routers`), with
    their mount prefixes."""
    return tuple(
        route for mount, router in find_routers(app) for route in describe_router(router, mount)
    )
