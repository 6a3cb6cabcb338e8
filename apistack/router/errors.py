"""The router's own exceptions: a bad route table is rejected when the router is built."""

from __future__ import annotations

__all__ = ["ExtensionLoadError", "RouteTableError", "RouterConfigError"]


class RouteTableError(ValueError):
    """A route table that cannot be compiled: the message names the offending route."""


class ExtensionLoadError(RuntimeError):
    """A route-list plugin failed to load and the router is strict."""


class RouterConfigError(ValueError):
    """A bad or unknown paste option for ``egg:apistack#router``; the message names the key."""
