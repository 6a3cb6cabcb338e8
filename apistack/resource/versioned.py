"""``@api_version``: a method serves a version range; same-named ones form an overload set.

The decorator returns a gate (outside its range the method raises the version error) that
carries its ``VersionedMethod`` as ``VERSIONED_ATTR``. Implementations wait in a registry
until their class statement ends, because a class body keeps only the last function of a
name; ``Controller.__init_subclass__`` takes them (``take_pending``) and builds the set.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from apistack.resource.exceptions import VersionNotFoundForAPIMethod
from apistack.resource.versions import (
    APIVersionRequest,
    VersionBound,
    in_range,
    request_version,
    version_bound,
)

__all__ = [
    "VERSIONED_ATTR",
    "ControllerDefinitionError",
    "VersionedMethod",
    "api_version",
    "range_text",
    "take_pending",
]

F = TypeVar("F", bound=Callable[..., Any])

#: the attribute ``@api_version`` sets on the function it returns: its ``VersionedMethod``.
VERSIONED_ATTR = "__apistack_versioned__"


class ControllerDefinitionError(TypeError):
    """A controller class or decorator is declared wrongly (raised at import time)."""


def range_text(low: APIVersionRequest | None, high: APIVersionRequest | None) -> str:
    """:returns: ``[low, high]`` for messages, ``min``/``max`` for an open side."""
    return f"[{low or 'min'}, {high or 'max'}]"


@dataclass(frozen=True)
class VersionedMethod:
    """One implementation of a method for the range ``[min_version, max_version]``."""

    name: str
    min_version: APIVersionRequest | None
    max_version: APIVersionRequest | None
    func: Callable[..., Any]

    def serves(self, version: APIVersionRequest) -> bool:
        """:returns: whether this implementation serves requests at ``version``."""
        return in_range(version, self.min_version, self.max_version)


# Implementations declared with @api_version, waiting for their class to be defined:
# "module:Class.method" -> implementations in definition order. A class body keeps only the
# last function of a name, so the earlier overloads of a set survive only here until the class
# statement ends and its __init_subclass__ takes them (take_pending). An entry of a class that
# never reaches a Controller (a mixin nobody uses) stays: one small object per decorated
# function, fixed at import time.
_pending: dict[str, list[VersionedMethod]] = {}
_pending_lock = threading.Lock()


def take_pending(cls: type, name: str) -> list[VersionedMethod]:
    """Remove and return the ``@api_version`` implementations declared as ``cls.name``."""
    with _pending_lock:
        return _pending.pop(f"{cls.__module__}:{cls.__qualname__}.{name}", [])


def api_version(
    min_version: VersionBound = None, max_version: VersionBound = None
) -> Callable[[F], F]:
    """Serve the method only for requests in ``[min_version, max_version]``.

    Alone, it is a gate: other versions get 404. Repeated on methods of the same name in one
    ``Controller`` class with disjoint ranges, it is an overload set: each request runs the
    implementation whose range holds its version. The function it returns carries its
    ``VersionedMethod`` as ``VERSIONED_ATTR`` (and ``min_version``/``max_version``).
    """
    low, high = version_bound(min_version), version_bound(max_version)
    if low is not None and high is not None and high < low:
        raise ControllerDefinitionError(f"api_version range {range_text(low, high)} is empty")

    def decorator(func: F) -> F:
        @functools.wraps(func)
        def gated(*args: Any, **kwargs: Any) -> Any:
            if not in_range(request_version(args, kwargs), low, high):
                raise VersionNotFoundForAPIMethod()
            return func(*args, **kwargs)

        # The gate itself is registered, so attribute decorators applied above it
        # (@response, @action) land on the object the Resource calls.
        entry = VersionedMethod(func.__name__, low, high, gated)
        setattr(gated, VERSIONED_ATTR, entry)
        gated.min_version = low  # type: ignore[attr-defined]
        gated.max_version = high  # type: ignore[attr-defined]
        # the lineage's spelling of the next overload: ``@index.api_version("3.1")``
        gated.api_version = api_version  # type: ignore[attr-defined]
        with _pending_lock:
            _pending.setdefault(f"{func.__module__}:{func.__qualname__}", []).append(entry)
        return cast(F, gated)

    return decorator
