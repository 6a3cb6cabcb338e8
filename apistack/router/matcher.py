"""The compiled matcher: a segment trie built once, walked per request.

``RouteMatcher(declarations)`` compiles every template (``apistack.router.template``), builds
the trie and every per-leaf method table, and rejects a bad table; afterwards nothing is
mutated, so concurrent requests need no lock and the first request does no compiling.

Precedence, one rule with and without a project id: segments are compared left to right and
at each segment a literal beats anything with a variable. Where several variable shapes
match the same segment (``{id}`` and ``{id}.{format}``, or a route whose rest is one
multi-segment regex), the best route under each shape is found and the one declared first
wins. A route whose method does not match is skipped and the walk goes on.

A match dict is what Routes returns: the route's defaults (``controller``, ``action``) plus
every path variable; a variable that matched empty takes a true default instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from apistack.router.errors import RouteTableError
from apistack.router.mapper import ANY_METHOD, HTTP_METHODS, Declaration, RouteEntry
from apistack.router.template import Step, compile_template, parse_template

__all__ = ["CompiledRoute", "RouteMatcher"]


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

    def __init__(
        self,
        declaration: Declaration,
        steps: tuple[Step, ...],
        tail: re.Pattern[str] | None,
        order: int,
    ) -> None:
        self.declaration = declaration
        self.order = order
        self.entry: RouteEntry = declaration.entry
        self.defaults: Mapping[str, Any] = declaration.defaults
        captures = [(i, step.capture) for i, step in enumerate(steps) if step.capture]
        self.simple = tuple((i, c) for i, c in captures if isinstance(c, str))
        self.patterns = tuple((i, c) for i, c in captures if isinstance(c, re.Pattern))
        self.tail = None if tail is None else (len(steps), tail)
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


_Leaf = dict[str, CompiledRoute]


class _Node:
    __slots__ = ("alone", "edge_keys", "edges", "leaf", "literal", "single", "tail_keys", "tails")

    def __init__(self) -> None:
        self.literal: dict[str, _Node] = {}
        self.edge_keys: dict[object, _Node] = {}
        self.edges: Any = []
        self.tail_keys: dict[str, tuple[re.Pattern[str], _Leaf]] = {}
        self.tails: Any = ()
        self.leaf: _Leaf | None = None
        self.alone = True  # no variable edges and no tails: the literal child is the only way
        self.single: Any = None  # the one variable edge, when it is the only alternative


def _method_table(routes: _Leaf) -> _Leaf:
    """Resolve every method once: its own route, HEAD falling back to GET, then any-method."""
    table = dict(routes)
    anything = routes.get(ANY_METHOD)
    for method in HTTP_METHODS:
        fallback = routes.get("GET") if method == "HEAD" else None
        chosen = routes.get(method) or fallback or anything
        if chosen is not None:
            table[method] = chosen
    return table


def _is_literal(step: Step) -> bool:
    return step.check is None and step.capture is None


class RouteMatcher:
    """Match ``(path, method)`` against compiled declarations.

    :param declarations: the routes, in declaration order.
    :raises RouteTableError: naming the route, for a malformed template, a variable used
        twice, a bad requirement, or the same path and method declared twice.
    """

    def __init__(self, declarations: Iterable[Declaration]) -> None:
        self._root = _Node()
        self._static: dict[str, _Leaf] = {}
        self.routes: list[CompiledRoute] = []
        leaves: list[_Leaf] = []
        for declaration in declarations:
            self._add(declaration, leaves)
        for leaf in leaves:
            leaf.update(_method_table(leaf))
        _freeze(self._root)
        root = self._root
        # Every path starts with "/", so its first segment is "": start one level down.
        self._slash = None if root.edges or root.tails else root.literal.get("")

    def _add(self, declaration: Declaration, leaves: list[_Leaf]) -> None:
        method, template = declaration.entry.method, declaration.template
        try:
            requirements = dict(declaration.requirements)
            compiled = compile_template(parse_template(template, requirements), requirements)
        except RouteTableError as exc:
            raise RouteTableError(f"{declaration}: {exc}") from None
        node = self._root
        for step in compiled.steps:
            if _is_literal(step):
                node = node.literal.setdefault(str(step.key), _Node())
            elif step.key in node.edge_keys:
                node = node.edge_keys[step.key]
            else:
                node.edge_keys[step.key] = child = _Node()
                node.edges.append((step.check, child))
                node = child
        leaf = self._leaf(node, compiled.tail_key, compiled.tail, leaves)
        if method in leaf:
            raise RouteTableError(
                f"{declaration}: this path and method are already declared"
                f" (as {leaf[method].declaration})"
            )
        route = CompiledRoute(declaration, compiled.steps, compiled.tail, len(self.routes))
        leaf[method] = route
        self.routes.append(route)
        if compiled.tail is None and all(_is_literal(step) for step in compiled.steps):
            self._static["/".join(str(step.key) for step in compiled.steps)] = leaf

    @staticmethod
    def _leaf(
        node: _Node, key: str | None, tail: re.Pattern[str] | None, leaves: list[_Leaf]
    ) -> _Leaf:
        if key is None or tail is None:
            if node.leaf is None:
                node.leaf = {}
                leaves.append(node.leaf)
            return node.leaf
        if key not in node.tail_keys:
            node.tail_keys[key] = (tail, {})
            leaves.append(node.tail_keys[key][1])
        return node.tail_keys[key][1]

    def match(self, path: str, method: str) -> tuple[CompiledRoute, dict[str, Any]] | None:
        """:returns: the route and its match dict, or None when nothing matches."""
        static = self._static.get(path)
        if static is not None:
            route = static.get(method)
            if route is not None:
                return route, dict(route.defaults)
        segments = path.split("/")
        if self._slash is not None and not segments[0]:
            found = _walk(self._slash, segments, 1, len(segments), method)
        else:
            found = _walk(self._root, segments, 0, len(segments), method)
        if found is None:
            if method in HTTP_METHODS:
                return None
            # An unknown method can only reach an any-method route (checked on misses only).
            return self.match(path, ANY_METHOD) if method != ANY_METHOD else None
        return found, found.build(segments)

    def allowed_methods(self, path: str) -> list[str]:
        """:returns: the sorted methods declared for ``path`` (HEAD wherever GET is)."""
        segments = path.split("/")
        found: set[str] = set()
        _collect(self._root, segments, 0, len(segments), found)
        found.discard(ANY_METHOD)
        return sorted(found)


def _freeze(node: _Node) -> None:
    node.edges = tuple(node.edges)
    node.tails = tuple((pattern.fullmatch, leaf) for pattern, leaf in node.tail_keys.values())
    node.alone = not node.edges and not node.tails
    node.single = node.edges[0] if len(node.edges) == 1 and not node.tails else None
    for child in (*node.literal.values(), *node.edge_keys.values()):
        _freeze(child)


def _walk(node: _Node, segments: list[str], i: int, n: int, method: str) -> Any:
    # A loop while the path has no alternatives, recursion only where it branches: this is
    # measured faster on CPython than either a pure recursion or an explicit stack, and the
    # depth is bounded by the deepest template, not by the request.
    while i < n:
        segment = segments[i]
        child = node.literal.get(segment)
        single = node.single
        if child is not None:
            if node.alone:
                node, i = child, i + 1
                continue
            found = _walk(child, segments, i + 1, n, method)
            if found is not None:
                return found
        if single is not None:
            check, child = single
            if segment and (check is None or check(segment)):
                node, i = child, i + 1
                continue
            return None
        return _branches(node, segment, segments, i, n, method)
    leaf = node.leaf
    return None if leaf is None else leaf.get(method)


def _branches(node: _Node, segment: str, segments: list[str], i: int, n: int, method: str) -> Any:
    """Several variable shapes (or tails) here: the best of each, declared first, wins."""
    best = None
    if segment:
        for check, child in node.edges:
            if check is None or check(segment):
                found = _walk(child, segments, i + 1, n, method)
                if found is not None and (best is None or found.order < best.order):
                    best = found
    if node.tails:
        rest = "/".join(segments[i:])
        for fullmatch, leaf in node.tails:
            found = leaf.get(method) if fullmatch(rest) else None
            if found is not None and (best is None or found.order < best.order):
                best = found
    return best


def _collect(node: _Node, segments: list[str], i: int, n: int, found: set[str]) -> None:
    if i == n:
        if node.leaf:
            found.update(node.leaf)
        return
    segment = segments[i]
    child = node.literal.get(segment)
    if child is not None:
        _collect(child, segments, i + 1, n, found)
    for check, child in node.edges:
        if segment and (check is None or check(segment)):
            _collect(child, segments, i + 1, n, found)
    if node.tails:
        rest = "/".join(segments[i:])
        found.update(m for fullmatch, leaf in node.tails if fullmatch(rest) for m in leaf)
