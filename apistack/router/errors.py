"""The router's own exceptions: a bad route table is rejected when the router is built."""

from __future__ import annotations

__all__ = ["ExtensionLoadError", "RoutePluginError", "RouteTableError", "RouterConfigError"]


class RouteTableError(ValueError):
    """A route table that cannot be compiled: the message names the offending route."""


class RoutePluginError(RuntimeError):
    """A route plugin (a stevedore entry point of route-list entries) failed to load and the
    router is strict."""


#: the name ``RoutePluginError`` had before nova's extension model arrived (deprecated).
ExtensionLoadError = RoutePluginError


class RouterConfigError(ValueError):
    """A bad or unknown paste option for ``egg:apistack#router``; the message names the key."""
