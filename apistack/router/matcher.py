"""``RouteMatcher``: every route compiled and indexed when it is built, then only walked.

``RouteMatcher(declarations)`` compiles every template (``apistack.router.template``),
builds the segment trie and every per-leaf method table (``apistack.router.trie``) and
rejects a bad table; afterwards nothing is mutated, so concurrent requests need no lock and
the first request does no compiling. The precedence rule is the trie's (see there).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from apistack.router.compiled import CompiledRoute
from apistack.router.errors import RouteTableError
from apistack.router.mapper import ANY_METHOD, HTTP_METHODS, Declaration
from apistack.router.template import CompiledTemplate, TemplateCompiler
from apistack.router.trie import Leaf, TrieBuilder, collect, complete_methods, walk

__all__ = ["CompiledRoute", "RouteMatcher"]


class RouteMatcher:
    """Match ``(path, method)`` against compiled declarations.

    :param declarations: the routes, in declaration order.
    :raises RouteTableError: naming the route, for a malformed template, a variable used
        twice, a bad requirement, or the same path and method declared twice.
    """

    def __init__(self, declarations: Iterable[Declaration]) -> None:
        trie = TrieBuilder()
        self._root = trie.root
        self._static: dict[str, Leaf] = {}
        self.routes: list[CompiledRoute] = []
        compiler = TemplateCompiler()
        # Every method of a path, and every template of the same shape, shares one leaf.
        by_template: dict[CompiledTemplate, Leaf] = {}
        for declaration in declarations:
            try:
                compiled = compiler.compile(declaration.template, declaration.requirements)
            except RouteTableError as exc:
                raise RouteTableError(f"{declaration}: {exc}") from None
            leaf = by_template.get(compiled)
            if leaf is None:
                leaf = by_template[compiled] = trie.leaf_for(compiled)
                if compiled.static is not None:
                    self._static[compiled.static] = leaf
            self._add(declaration, compiled, leaf)
        for leaf in trie.leaves:
            complete_methods(leaf)
        root = self._root
        # Every path starts with "/", so its first segment is "": start one level down.
        self._slash = None if root.edges or root.tails else root.literal.get("")

    def _add(self, declaration: Declaration, compiled: CompiledTemplate, leaf: Leaf) -> None:
        method = declaration.entry.method
        if method in leaf:
            raise RouteTableError(
                f"{declaration}: this path and method are already declared"
                f" (as {leaf[method].declaration})"
            )
        route = CompiledRoute(declaration, compiled, len(self.routes))
        leaf[method] = route
        self.routes.append(route)

    def match(self, path: str, method: str) -> tuple[CompiledRoute, dict[str, Any]] | None:
        """:returns: the route and its match dict, or None when nothing matches."""
        static = self._static.get(path)
        if static is not None:
            route = static.get(method)
            if route is not None:
                return route, dict(route.defaults)
        segments = path.split("/")
        if self._slash is not None and not segments[0]:
            found = walk(self._slash, segments, 1, len(segments), method)
        else:
            found = walk(self._root, segments, 0, len(segments), method)
        if found is None:
            if method in HTTP_METHODS:
                return None
            # An unknown method can only reach an any-method route (checked on misses only).
            return self.match(path, ANY_METHOD) if method != ANY_METHOD else None
        return found, found.values(segments)

    def allowed_methods(self, path: str) -> list[str]:
        """:returns: the sorted methods declared for ``path`` (HEAD wherever GET is)."""
        segments = path.split("/")
        found: set[str] = set()
        collect(self._root, segments, 0, len(segments), found)
        found.discard(ANY_METHOD)
        return sorted(found)
