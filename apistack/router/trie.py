"""The segment trie: built from compiled templates, then frozen and walked per request.

Each node has literal children (a dict keyed by segment text), variable edges (a check per
edge, shared by routes whose steps have equal keys) and tails (one regex over the rest of
the path); a leaf maps each method to its route. Edges and tails are tuples and the
shortcuts ``walk`` takes are kept current while routes are added, so no pass over the trie is
needed at the end and after the build nothing is mutated.

Precedence, one rule with and without a project id: segments are compared left to right and
at each segment a literal beats anything with a variable. Where several variable shapes
match the same segment (``{id}`` and ``{id}.{format}``, or a route whose rest is one
multi-segment regex), the best route under each shape is found and the one declared first
wins. A route whose method does not match is skipped and the walk goes on.
"""

from __future__ import annotations

from typing import Any

from apistack.router.compiled import CompiledRoute
from apistack.router.mapper import ANY_METHOD, HTTP_METHODS
from apistack.router.template import CompiledTemplate

__all__ = ["Leaf", "Node", "TrieBuilder", "collect", "complete_methods", "walk"]

Leaf = dict[str, CompiledRoute]


class Node:
    """One trie node; see the module docstring."""

    __slots__ = ("alone", "edges", "leaf", "literal", "single", "tails")

    def __init__(self) -> None:
        self.literal: dict[str, Node] = _NO_CHILDREN
        self.edges: tuple[tuple[Any, Node], ...] = ()
        self.tails: tuple[tuple[Any, Leaf], ...] = ()
        self.leaf: Leaf | None = None
        self.alone = True  # no variable edges and no tails: the literal child is the only way
        self.single: Any = None  # the one variable edge, when it is the only alternative


# Shared by every node without literal children (most leaves): a small table stays cached.
_NO_CHILDREN: dict[str, Node] = {}


class TrieBuilder:
    """Insert compiled templates into a new trie; ``leaves`` lists every method table.

    The indexes that find an existing variable edge or tail by its key are needed only while
    building, so they live here rather than in every node.
    """

    def __init__(self) -> None:
        self.root = Node()
        self.leaves: list[Leaf] = []
        self._edges: dict[tuple[int, object], Node] = {}
        self._tails: dict[tuple[int, str], Leaf] = {}

    def leaf_for(self, compiled: CompiledTemplate) -> Leaf:
        """:returns: the (new or existing) method table for ``compiled``'s path shape."""
        node = self.root
        for step in compiled.steps:
            if step.check is None and step.capture is None:  # a literal
                key = str(step.key)
                child = node.literal.get(key)
                if child is None:
                    if node.literal is _NO_CHILDREN:
                        node.literal = {}
                    child = node.literal[key] = Node()
            else:
                child = self._edges.get((id(node), step.key))
                if child is None:
                    child = self._edges[id(node), step.key] = Node()
                    node.edges = (*node.edges, (step.check, child))
                    _shortcuts(node)
            node = child
        if compiled.tail_key is None or compiled.tail is None:
            if node.leaf is None:
                node.leaf = {}
                self.leaves.append(node.leaf)
            return node.leaf
        leaf = self._tails.get((id(node), compiled.tail_key))
        if leaf is None:
            leaf = self._tails[id(node), compiled.tail_key] = {}
            self.leaves.append(leaf)
            node.tails = (*node.tails, (compiled.tail.fullmatch, leaf))
            _shortcuts(node)
        return leaf


def _shortcuts(node: Node) -> None:
    """Keep ``walk``'s shortcuts current as edges and tails are added (no pass at the end)."""
    node.alone = not node.edges and not node.tails
    node.single = node.edges[0] if len(node.edges) == 1 and not node.tails else None


def complete_methods(leaf: Leaf) -> None:
    """Resolve every method once: its own route, HEAD falling back to GET, then any-method."""
    if "HEAD" not in leaf and "GET" in leaf:
        leaf["HEAD"] = leaf["GET"]
    anything = leaf.get(ANY_METHOD)
    if anything is not None:
        for method in HTTP_METHODS:
            leaf.setdefault(method, anything)


def walk(node: Node, segments: list[str], i: int, n: int, method: str) -> Any:
    """:returns: the best route for ``segments[i:n]`` below ``node``, or None."""
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
            found = walk(child, segments, i + 1, n, method)
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


def _branches(node: Node, segment: str, segments: list[str], i: int, n: int, method: str) -> Any:
    """Several variable shapes (or tails) here: the best of each, declared first, wins."""
    best = None
    if segment:
        for check, child in node.edges:
            if check is None or check(segment):
                found = walk(child, segments, i + 1, n, method)
                if found is not None and (best is None or found.order < best.order):
                    best = found
    if node.tails:
        rest = "/".join(segments[i:])
        for fullmatch, leaf in node.tails:
            found = leaf.get(method) if fullmatch(rest) else None
            if found is not None and (best is None or found.order < best.order):
                best = found
    return best


def collect(node: Node, segments: list[str], i: int, n: int, found: set[str]) -> None:
    """Add to ``found`` every method declared for ``segments[i:n]`` below ``node``."""
    if i == n:
        if node.leaf:
            found.update(node.leaf)
        return
    segment = segments[i]
    child = node.literal.get(segment)
    if child is not None:
        collect(child, segments, i + 1, n, found)
    for check, child in node.edges:
        if segment and (check is None or check(segment)):
            collect(child, segments, i + 1, n, found)
    if node.tails:
        rest = "/".join(segments[i:])
        found.update(m for fullmatch, leaf in node.tails if fullmatch(rest) for m in leaf)
