"""``CompiledRoute``: one declared route, ready to turn a matched path into Routes' match dict.

A match dict is what Routes returns: the route's defaults (``controller``, ``action``) plus
every path variable; a variable that matched empty takes a true default instead. Routes whose
variables are all plain segments (nearly all of them) get a builder specialised to their
number of captures when the router is built, so a match runs no loop and no regex.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from apistack.router.mapper import Declaration, RouteEntry
from apistack.router.template import CompiledTemplate

__all__ = ["CompiledRoute"]


class CompiledRoute:
    """One declared route, ready to build its match dict from the split path.

    ``build(route, segments)`` returns the match dict. It is a plain function shared by all
    routes of one shape (not a per-route closure), so the table stays small enough to stay in
    the CPU's caches; ``flat`` holds the ``index, name`` pairs it reads, flattened.
    """

    __slots__ = (
        "build",
        "declaration",
        "defaults",
        "entry",
        "flat",
        "order",
        "patterns",
        "simple",
        "tail",
    )

    def __init__(self, declaration: Declaration, compiled: CompiledTemplate, order: int) -> None:
        self.declaration = declaration
        self.order = order
        self.entry: RouteEntry = declaration.entry
        self.defaults: Mapping[str, Any] = declaration.defaults
        self.simple = compiled.simple
        self.flat = compiled.flat
        self.patterns = compiled.patterns
        self.tail = None if compiled.tail is None else (compiled.tail_at, compiled.tail)
        self.build: Callable[[CompiledRoute, list[str]], dict[str, Any]] = CompiledRoute.values
        if not self.patterns and self.tail is None:
            self.build = _BUILDERS.get(len(self.simple), CompiledRoute.values)

    def values(self, segments: list[str]) -> dict[str, Any]:
        """:returns: the match dict for a path whose segments matched this route."""
        result = dict(self.defaults)
        for index, name in self.simple:
            result[name] = segments[index]
        for index, pattern in self.patterns:
            self._merge(result, pattern.fullmatch(segments[index]))
        if self.tail is not None:
            start, tail = self.tail
            self._merge(result, tail.fullmatch("/".join(segments[start:])))
        return result

    def _merge(self, result: dict[str, Any], match: re.Match[str] | None) -> None:
        if match is None:  # pragma: no cover - the trie only reaches a route that matched
            raise AssertionError("route reached without a match")
        for key, value in match.groupdict().items():
            default = self.defaults.get(key)
            result[key] = default if not value and default else value


# Builders specialised to the number of plain captures: no loop, no regex.
def _build0(route: CompiledRoute, s: list[str]) -> dict[str, Any]:
    return dict(route.defaults)


def _build1(route: CompiledRoute, s: list[str]) -> dict[str, Any]:
    i, a = route.flat
    return {**route.defaults, a: s[i]}


def _build2(route: CompiledRoute, s: list[str]) -> dict[str, Any]:
    i, a, j, b = route.flat
    return {**route.defaults, a: s[i], b: s[j]}


def _build3(route: CompiledRoute, s: list[str]) -> dict[str, Any]:
    i, a, j, b, k, c = route.flat
    return {**route.defaults, a: s[i], b: s[j], c: s[k]}


_BUILDERS = {0: _build0, 1: _build1, 2: _build2, 3: _build3}
