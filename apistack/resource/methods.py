"""The method table of a ``Resource``: each dispatchable name of a controller, plain or
an overload set of ``@api_version`` implementations, bound once when the resource is built."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from apistack.resource.controller import Controller
from apistack.resource.decorators import VersionedMethod
from apistack.resource.versions import APIVersionRequest

__all__ = ["MethodEntry", "ResourceOperation", "method_table"]

_BASE_NAMES = frozenset(dir(Controller))


@dataclass(frozen=True)
class ResourceOperation:
    """One function a routed action can run, as ``Resource.operations`` reports it.

    :ivar action_key: the body key of a ``POST .../action`` (``reboot``), else None.
    :ivar name: the controller method's name.
    :ivar controller: the controller instance that serves it.
    :ivar func: the function called (unbound, with its decorators' attributes).
    :ivar min_version: its ``@api_version`` lower bound, if any.
    :ivar max_version: its ``@api_version`` upper bound, if any.
    """

    action_key: str | None
    name: str
    controller: Any
    func: Callable[..., Any]
    min_version: APIVersionRequest | None
    max_version: APIVersionRequest | None


class MethodEntry:
    """A dispatchable controller method: a plain callable or a set of versioned overloads.

    The implementations are bound once; ``select`` still looks the name up on the controller,
    so a method replaced after the resource was built (as the lineage's tests patch them) is
    the one called.
    """

    __slots__ = ("controller", "dispatcher", "name", "overloads", "plain")

    def __init__(self, controller: Any, name: str) -> None:
        self.controller = controller
        self.name = name
        impls: tuple[VersionedMethod, ...] = getattr(controller, "versioned_methods", {}).get(
            name, ()
        )
        self.overloads: tuple[tuple[VersionedMethod, Callable[..., Any]], ...] = tuple(
            (impl, impl.func.__get__(controller)) for impl in impls
        )
        self.plain: Callable[..., Any] | None = None if impls else getattr(controller, name)
        self.dispatcher = getattr(type(controller), name, None) if impls else None

    def operations(self, action_key: str | None) -> tuple[ResourceOperation, ...]:
        """:returns: the functions behind this method, each with its version range."""
        if self.plain is not None:
            func = getattr(self.plain, "__func__", self.plain)
            return (ResourceOperation(action_key, self.name, self.controller, func, None, None),)
        return tuple(
            ResourceOperation(
                action_key, self.name, self.controller, i.func, i.min_version, i.max_version
            )
            for i, _ in self.overloads
        )

    def select(self, version: APIVersionRequest) -> Callable[..., Any] | None:
        """:returns: the bound implementation serving ``version``, or None."""
        current = getattr(self.controller, self.name, None)
        if self.plain is not None:
            return current if current is not None else self.plain
        if getattr(current, "__func__", None) is not self.dispatcher:
            return current  # replaced since the resource was built
        for impl, bound in self.overloads:
            if impl.serves(version):
                return bound
        return None


def method_table(controller: Any) -> dict[str, MethodEntry]:
    """:returns: an entry for every public callable of ``controller`` that is not
    ``Controller``'s own."""
    names = (name for name in dir(type(controller)) if not name.startswith("_"))
    return {
        name: MethodEntry(controller, name)
        for name in names
        if name not in _BASE_NAMES and callable(getattr(controller, name, None))
    }
