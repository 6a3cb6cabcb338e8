"""``apistack routes``: the route table of every router inside a loaded paste app.

Routers are found by walking the app: URL-map mounts (their prefix is prepended), and the
wrapped app of each filter (``.application``, ``.app``, ...). A router is anything with a
``route_table`` whose entries have ``method``, ``path``, ``action``, ``app`` (a ``Resource``
with ``.controller``) and ``redirect_to``.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any

from apistack.apps.urlmap import URLMap
from apistack.deploy import LoadError, load_app

__all__ = ["add_arguments", "find_routers", "route_rows", "run", "version_range"]

HELP = "print the route table: method, path, controller, action, versions"

_WRAPPED_ATTRIBUTES = ("application", "app", "_app", "wrapped", "next_app")


def find_routers(app: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """:returns: ``(mount prefix, router)`` for each router reachable from ``app``."""
    seen: set[int] = set()
    pending: list[tuple[str, Any]] = [(prefix, app)]
    while pending:
        mount, current = pending.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if hasattr(current, "route_table"):
            yield mount, current
        elif isinstance(current, URLMap):
            pending.extend((mount + m.prefix, m.app) for m in current.mounts)
        else:
            pending.extend(
                (mount, getattr(current, name))
                for name in _WRAPPED_ATTRIBUTES
                if callable(getattr(current, name, None))
            )


def _range(low: Any, high: Any) -> str:
    if low is None and high is None:
        return "*"
    return f"{low or ''}-{high or ''}"


def version_range(controller: Any, action: str) -> str:
    """:returns: the microversions serving ``action``: ``*`` for all, ``2.9-``, ``2.1-2.18``."""
    impls = getattr(controller, "versioned_methods", {}).get(action)
    if impls:
        return ", ".join(_range(m.min_version, m.max_version) for m in reversed(impls))
    method = getattr(controller, action, None)
    return _range(getattr(method, "min_version", None), getattr(method, "max_version", None))


def _row(mount: str, entry: Any) -> tuple[str, str, str, str, str]:
    path = mount + str(entry.path)
    redirect = getattr(entry, "redirect_to", None)
    if redirect:
        return str(entry.method), path, f"-> {redirect}", "redirect", "*"
    controller = getattr(getattr(entry, "app", None), "controller", None)
    action = str(entry.action)
    name = type(controller).__name__ if controller is not None else "?"
    actions = getattr(controller, "wsgi_actions", None)
    if action == "action" and actions:
        keys = ", ".join(sorted(actions))
        return str(entry.method), path, name, f"action ({keys})", "*"
    return str(entry.method), path, name, action, version_range(controller, action)


def route_rows(app: Any) -> list[tuple[str, str, str, str, str]]:
    """:returns: ``(method, path, controller, action, versions)`` for every route of every
    router in ``app``, in table order."""
    return [
        _row(mount, entry) for mount, router in find_routers(app) for entry in router.route_table
    ]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``routes`` has no options of its own."""


def run(args: argparse.Namespace, global_conf: dict[str, str]) -> None:
    """The command: print the route table, one aligned row per route.

    :raises LoadError: when the app does not load or holds no router.
    """
    rows = route_rows(load_app(args.ini, args.name, global_conf))
    if not rows:
        raise LoadError(f"no router found in app {args.name!r} of {args.ini}")
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        cells = [*(cell.ljust(w) for cell, w in zip(row[:4], widths, strict=True)), row[4]]
        print("  ".join(cells).rstrip())
