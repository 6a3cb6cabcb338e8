"""``apistack pipeline``: the assembled pipeline of a paste app, outermost first.

Read from PasteDeploy's loader contexts (nothing is built). A URL-map composite lists each
mount; an auth-strategy composite (``egg:apistack#pipeline``, nova's ``pipeline_factory``)
shows the pipeline chosen by the ``auth_strategy`` global (default ``keystone``).
"""

from __future__ import annotations

import argparse
from typing import Any

from paste.deploy.loadwsgi import APP, FILTER

from apistack.deploy import load_context, resolve

__all__ = ["add_arguments", "describe", "pipeline_lines", "run"]

HELP = "print the assembled pipeline, outermost first"

_INDENT = "  "


def describe(context: Any) -> str:
    """:returns: what a context builds: ``egg:dist#entry`` or ``module:callable``."""
    entry = getattr(context, "entry_point_name", None)
    dist = getattr(context, "distribution", None)
    dist_name = getattr(dist, "name", None) or getattr(dist, "project_name", None)
    if entry and dist_name:
        return f"egg:{dist_name}#{entry}"
    obj = context.object
    return f"{getattr(obj, '__module__', '?')}:{getattr(obj, '__qualname__', repr(obj))}"


def _kind(context: Any) -> str:
    name = str(context.object_type.name)
    if name == "application" and "composit" in str(context.protocol or ""):
        return "composite"
    return {"application": "app", "filtered_with": "app"}.get(name, name)


def _walk(context: Any, label: str | None, depth: int, lines: list[str]) -> None:
    kind = _kind(context)
    pad = _INDENT * depth
    what = "pipeline" if kind == "pipeline" else f"{kind} {describe(context)}"
    # Pipeline members have no section name left in their context: show what they are.
    lines.append(f"{pad}{label} ({what})" if label else f"{pad}{what}")
    if kind == "pipeline":
        for sub in [*context.filter_contexts, context.app_context]:
            _walk(sub, None, depth + 1, lines)
    if kind == "composite":
        _composite(context, depth + 1, lines)


def _composite(context: Any, depth: int, lines: list[str]) -> None:
    local = dict(context.local_conf)
    mounts = {key: value for key, value in local.items() if key.startswith("/")}
    if mounts:
        for path, name in sorted(mounts.items(), key=lambda item: (-len(item[0]), item[0])):
            _walk(resolve(context, name), f"{path} -> {name}", depth, lines)
        return
    strategy = context.global_conf.get("auth_strategy", "keystone")
    if strategy in local:
        names = local[strategy].split()
        lines.append(f"{_INDENT * depth}[auth_strategy = {strategy}]")
        for name in names[:-1]:
            _walk(resolve(context, name, FILTER), name, depth, lines)
        if names:
            _walk(resolve(context, names[-1], APP), names[-1], depth, lines)
        return
    for key, value in local.items():
        lines.append(f"{_INDENT * depth}{key} = {value}")


def pipeline_lines(ini: str, name: str, global_conf: dict[str, str] | None = None) -> list[str]:
    """:returns: the pipeline of app ``name`` in ``ini``, one line per stage, outermost first.

    :raises LoadError: for a bad ini, a missing section or a missing entry point.
    """
    lines: list[str] = []
    _walk(load_context(ini, name, global_conf), name, 0, lines)
    return lines


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``pipeline`` has no options of its own."""


def run(args: argparse.Namespace, global_conf: dict[str, str]) -> None:
    """The command: print the pipeline of ``args.name``."""
    print("\n".join(pipeline_lines(args.ini, args.name, global_conf)))
