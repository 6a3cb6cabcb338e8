"""``apistack routes``: the route table of every router inside a loaded paste app, one line
per route, read from ``apistack.introspect``'s description of the app."""

from __future__ import annotations

import argparse

from apistack.deploy import LoadError, load_app
from apistack.introspect import Operation, Route, describe_app, find_routers
from apistack.resource.versions import APIVersionRequest

__all__ = ["add_arguments", "find_routers", "route_rows", "run", "version_range"]

HELP = "print the route table: method, path, controller, action, versions"


def _range(low: APIVersionRequest | None, high: APIVersionRequest | None) -> str:
    if low is None and high is None:
        return "*"
    return f"{low or ''}-{high or ''}"


def version_range(operations: tuple[Operation, ...]) -> str:
    """:returns: the microversions the operations serve: ``*`` for all, ``2.9-``,
    ``2.1-2.18, 2.19-``."""
    if not operations:
        return "*"
    return ", ".join(_range(op.min_version, op.max_version) for op in operations)


def _row(route: Route) -> tuple[str, str, str, str, str]:
    if route.redirect_to:
        return route.method, route.path, f"-> {route.redirect_to}", "redirect", "*"
    name = route.controller or "?"
    keys = sorted({op.action_key for op in route.operations if op.action_key is not None})
    if keys:
        return route.method, route.path, name, f"action ({', '.join(keys)})", "*"
    return route.method, route.path, name, route.action, version_range(route.operations)


def route_rows(app: object) -> list[tuple[str, str, str, str, str]]:
    """:returns: ``(method, path, controller, action, versions)`` for every route of every
    router in ``app``, in table order."""
    return [_row(route) for route in describe_app(app)]


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
