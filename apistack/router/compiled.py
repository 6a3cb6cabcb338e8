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
    """One declared route, ready to build its match dict from the split path."""

    __slots__ = (
        "build",
        "declaration",
        "defaults",
        "entry",
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
        self.patterns = compiled.patterns
        self.tail = None if compiled.tail is None else (compiled.tail_at, compiled.tail)
        self.build: Callable[[list[str]], dict[str, Any]] = self.values
        if not self.patterns and self.tail is None:
            self.build = _simple_builder(self.defaults, self.simple)

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


def _simple_builder(
    defaults: Mapping[str, Any], simple: tuple[tuple[int, str], ...]
) -> Callable[[list[str]], dict[str, Any]]:
    """A match-dict builder specialised to the route's number of captures (no loop)."""
    d = dict(defaults)
    if not simple:
        return lambda s: d.copy()
    if len(simple) == 1:
        ((i, a),) = simple
        return lambda s: {**d, a: s[i]}
    if len(simple) == 2:
        (i, a), (j, b) = simple
        return lambda s: {**d, a: s[i], b: s[j]}
    if len(simple) == 3:
        (i, a), (j, b), (k, c) = simple
        return lambda s: {**d, a: s[i], b: s[j], c: s[k]}
    return lambda s: {**d, **{name: s[index] for index, name in simple}}
