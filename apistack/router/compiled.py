"""``CompiledRoute``: one declared route, ready to turn a matched path into Routes' match dict.

A match dict is what Routes returns: the route's defaults (``controller``, ``action``) plus
every path variable; a variable that matched empty takes a true default instead. Routes whose
variables are all plain segments (nearly all of them) build it from the flattened
``(index, name)`` pairs shared by every route of the template, with no loop and no regex.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from apistack.router.mapper import Declaration, RouteEntry
from apistack.router.template import CompiledTemplate

__all__ = ["CompiledRoute"]


class CompiledRoute:
    """One declared route, ready to build its match dict from the split path."""

    __slots__ = (
        "declaration",
        "defaults",
        "entry",
        "flat",
        "order",
        "patterns",
        "simple",
        "tail",
        "template",
    )

    def __init__(self, declaration: Declaration, compiled: CompiledTemplate, order: int) -> None:
        self.declaration = declaration
        self.template = compiled
        self.order = order
        self.entry: RouteEntry = declaration.entry
        self.defaults: Mapping[str, Any] = declaration.defaults
        self.simple = compiled.simple
        self.patterns = compiled.patterns
        self.tail = None if compiled.tail is None else (compiled.tail_at, compiled.tail)
        # (index, name, index, name...) when every capture is a plain segment, else None.
        self.flat = compiled.flat if not self.patterns and self.tail is None else None

    def values(self, segments: list[str]) -> dict[str, Any]:
        """:returns: the match dict for a path whose segments matched this route."""
        # Unrolled by number of captures rather than one builder function per shape: one
        # call site calling one function stays specialised in CPython's adaptive interpreter,
        # where a call site that sees several functions keeps falling back to the slow path.
        flat = self.flat
        if flat is None:
            return self._regex_values(segments)
        size = len(flat)
        if size == 2:
            i, a = flat
            return {**self.defaults, a: segments[i]}
        if size == 4:
            i, a, j, b = flat
            return {**self.defaults, a: segments[i], b: segments[j]}
        if size == 0:
            return dict(self.defaults)
        result = dict(self.defaults)
        for index, name in self.simple:
            result[name] = segments[index]
        return result

    def _regex_values(self, segments: list[str]) -> dict[str, Any]:
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
