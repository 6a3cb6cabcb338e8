"""The ``Controller`` base and the decorators a controller method wears.

A controller is a plain class; ``Controller.__init_subclass__`` builds its registries when the
class is defined:

- ``wsgi_actions``: ``{action key: method name}`` from ``@action``, merged from base classes;
- ``versioned_methods``: ``{method name: (VersionedMethod, ...)}`` from ``@api_version``. One
  implementation is a gate (outside its range the method answers 404, as nova 32+ does);
  several implementations of one name for disjoint ranges are an overload set (as cinder,
  manila and nova up to 31 use), the right one chosen per request. Overlapping ranges are
  rejected here, when the class is defined.
"""

from __future__ import annotations

import functools
import itertools
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import webob.exc

from apistack.resource.exceptions import (
    APIError,
    Forbidden,
    NotSupported,
    Unauthorized,
    ValidationError,
    VersionNotFoundForAPIMethod,
)
from apistack.resource.faults import Fault
from apistack.resource.versions import APIVersionRequest

__all__ = [
    "Controller",
    "ControllerDefinitionError",
    "UnexpectedAPIError",
    "VersionedMethod",
    "action",
    "api_version",
    "expected_errors",
    "removed",
    "response",
    "select_response_code",
]

F = TypeVar("F", bound=Callable[..., Any])


class ControllerDefinitionError(TypeError):
    """A controller class or decorator is declared wrongly (raised at import time)."""


class UnexpectedAPIError(APIError):
    """An error a method did not declare in ``@expected_errors``: a 500 that names nothing."""

    code = 500
    safe = False


def _bound(value: str | APIVersionRequest | None) -> APIVersionRequest | None:
    if value is None or isinstance(value, APIVersionRequest):
        return value
    return APIVersionRequest(value)


def _range_text(low: APIVersionRequest | None, high: APIVersionRequest | None) -> str:
    return f"[{low or 'min'}, {high or 'max'}]"


def _request_version(args: tuple[Any, ...], kwargs: dict[str, Any]) -> APIVersionRequest:
    """The version of the request passed to a controller method (``req=`` or ``args[1]``)."""
    req = kwargs.get("req")
    if req is None and len(args) > 1:
        req = args[1]
    version = getattr(req, "api_version_request", None)
    return version if isinstance(version, APIVersionRequest) else APIVersionRequest()


def _in_range(
    version: APIVersionRequest, low: APIVersionRequest | None, high: APIVersionRequest | None
) -> bool:
    if low is None and high is None:
        return True
    if not version:
        return False
    return version.matches(low, high)


# --------------------------------------------------------------------------- decorators


def action(name: str) -> Callable[[F], F]:
    """Mark a method as the handler of ``POST .../action`` bodies ``{name: {...}}``."""

    def decorator(func: F) -> F:
        func.wsgi_action = name  # type: ignore[attr-defined]
        return func

    return decorator


@dataclass(frozen=True)
class ResponseCode:
    """One ``@response`` declaration: the default status for a version range."""

    code: int
    min_version: APIVersionRequest | None
    max_version: APIVersionRequest | None


def response(
    code: int, min_version: str | None = None, max_version: str | None = None
) -> Callable[[F], F]:
    """Set the method's default success status, optionally for a version range only.

    Stack several for different ranges; the first whose range holds the request wins.
    """
    entry = ResponseCode(code, _bound(min_version), _bound(max_version))

    def decorator(func: F) -> F:
        codes: list[ResponseCode] = list(getattr(func, "wsgi_codes", ()))
        codes.append(entry)
        func.wsgi_codes = codes  # type: ignore[attr-defined]
        return func

    return decorator


def select_response_code(func: Callable[..., Any], version: APIVersionRequest) -> int | None:
    """:returns: the ``@response`` status for ``version``; 200 when undecorated; None when
    the method has ``@response`` entries but none covers ``version`` (a server bug)."""
    codes: list[ResponseCode] | None = getattr(func, "wsgi_codes", None)
    if not codes:
        return 200
    for entry in codes:
        if _in_range(version, entry.min_version, entry.max_version):
            return entry.code
    return None


_PASS_THROUGH = (Forbidden, Unauthorized, ValidationError)


def expected_errors(
    errors: int | Iterable[int], min_version: str | None = None, max_version: str | None = None
) -> Callable[[F], F]:
    """Declare the HTTP errors a method may raise (nova's semantics).

    Listed webob HTTP errors (and ``Fault``\\ s) pass; ``Forbidden``, ``Unauthorized`` and
    ``ValidationError`` pass; ``NotSupported`` becomes a 400; anything else is logged with its
    traceback and becomes a 500 "Unexpected API Error." that names nothing internal. With a
    version range, the decorator only applies to requests in that range, so several can be
    stacked.
    """
    listed = frozenset([errors] if isinstance(errors, int) else errors)
    low, high = _bound(min_version), _bound(max_version)

    def decorator(func: F) -> F:
        @functools.wraps(func)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except Exception as exc:
                if not _in_range(_request_version(args, kwargs), low, high):
                    raise
                if isinstance(exc, webob.exc.HTTPException) and (
                    getattr(exc, "code", None) in listed
                ):
                    raise
                if isinstance(exc, (*_PASS_THROUGH, UnexpectedAPIError)):
                    raise
                if isinstance(exc, NotSupported):
                    raise Fault(400, exc.message) from exc
                # Logged once, by the Resource that answers it (with the request id).
                raise UnexpectedAPIError(
                    f"Unexpected exception in API method {func.__qualname__}"
                ) from exc

        return cast(F, wrapped)

    return decorator


def removed(version: str, reason: str | None = None) -> Callable[[F], F]:
    """Mark a method as removed at ``version``: it answers 410 Gone."""

    def decorator(func: F) -> F:
        @functools.wraps(func)
        def gone(*args: Any, **kwargs: Any) -> Any:
            raise Fault(410)

        gone.removed = True  # type: ignore[attr-defined]
        gone.removed_version = version  # type: ignore[attr-defined]
        gone.removed_reason = reason  # type: ignore[attr-defined]
        return cast(F, gone)

    return decorator


@dataclass(frozen=True)
class VersionedMethod:
    """One implementation of a method for the range ``[min_version, max_version]``."""

    name: str
    min_version: APIVersionRequest | None
    max_version: APIVersionRequest | None
    func: Callable[..., Any]

    def serves(self, version: APIVersionRequest) -> bool:
        """:returns: whether this implementation serves requests at ``version``."""
        return _in_range(version, self.min_version, self.max_version)


# Implementations declared with @api_version, waiting for their class to be defined:
# "module:Class.method" -> implementations in definition order.
_pending: dict[str, list[VersionedMethod]] = {}
_pending_lock = threading.Lock()


def api_version(
    min_version: str | None = None, max_version: str | None = None
) -> Callable[[F], F]:
    """Serve the method only for requests in ``[min_version, max_version]``.

    Alone, it is a gate: other versions get 404. Repeated on methods of the same name in one
    ``Controller`` class with disjoint ranges, it is an overload set: each request runs the
    implementation whose range holds its version.
    """
    low, high = _bound(min_version), _bound(max_version)
    if low is not None and high is not None and high < low:
        raise ControllerDefinitionError(f"api_version range {_range_text(low, high)} is empty")

    def decorator(func: F) -> F:
        @functools.wraps(func)
        def gated(*args: Any, **kwargs: Any) -> Any:
            if not _in_range(_request_version(args, kwargs), low, high):
                raise VersionNotFoundForAPIMethod()
            return func(*args, **kwargs)

        gated.min_version = low  # type: ignore[attr-defined]
        gated.max_version = high  # type: ignore[attr-defined]
        # The gate itself is registered, so attribute decorators applied above it
        # (@response, @action) land on the object the Resource calls.
        entry = VersionedMethod(func.__name__, low, high, gated)
        with _pending_lock:
            _pending.setdefault(f"{func.__module__}:{func.__qualname__}", []).append(entry)
        return cast(F, gated)

    return decorator


def _check_disjoint(cls: type, name: str, impls: list[VersionedMethod]) -> None:
    ordered = sorted(impls, key=lambda m: m.min_version or APIVersionRequest("0.0"))
    for before, after in itertools.pairwise(ordered):
        before_high = before.max_version
        after_low = after.min_version or APIVersionRequest("0.0")
        if before_high is None or before_high >= after_low:
            raise ControllerDefinitionError(
                f"{cls.__qualname__}.{name}: versioned implementations overlap: "
                f"{_range_text(before.min_version, before.max_version)} and "
                f"{_range_text(after.min_version, after.max_version)}"
            )


def _versioned_dispatcher(name: str, impls: tuple[VersionedMethod, ...]) -> Callable[..., Any]:
    def dispatch(self: Any, *args: Any, **kwargs: Any) -> Any:
        version = _request_version((self, *args), kwargs)
        for impl in impls:
            if impl.serves(version):
                return impl.func(self, *args, **kwargs)
        raise VersionNotFoundForAPIMethod()

    dispatch.__name__ = name
    dispatch.__qualname__ = f"versioned {name}"
    dispatch.versioned_methods = impls  # type: ignore[attr-defined]
    return dispatch


class Controller:
    """Base of API controllers.

    Subclass it and write methods ``index``, ``show``, ``create``, ``update``, ``delete`` (or
    any name a route names), each taking ``req`` and the path variables (and ``body`` for POST
    and PUT). Registries are built when the subclass is defined; see the module docstring.
    """

    wsgi_actions: dict[str, str] = {}
    versioned_methods: dict[str, tuple[VersionedMethod, ...]] = {}
    _view_builder_class: type | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.versioned_methods = cls._collect_versioned_methods()
        cls.wsgi_actions = cls._collect_actions()

    @classmethod
    def _collect_versioned_methods(cls) -> dict[str, tuple[VersionedMethod, ...]]:
        inherited: dict[str, tuple[VersionedMethod, ...]] = {}
        for base in reversed(cls.__mro__[1:]):
            inherited.update(getattr(base, "versioned_methods", {}))
        prefix = f"{cls.__module__}:{cls.__qualname__}."
        for name in list(vars(cls)):
            with _pending_lock:
                declared = _pending.pop(prefix + name, None)
            if not declared:
                inherited.pop(name, None)  # a plain override replaces the versioned set
                continue
            if vars(cls)[name] is not declared[-1].func:
                raise ControllerDefinitionError(
                    f"{cls.__qualname__}.{name}: a decorator that wraps the function is applied "
                    "above @api_version and would be lost; put @api_version outermost"
                )
            impls = [*inherited.get(name, ()), *declared]
            _check_disjoint(cls, name, impls)
            # Newest range first: most requests ask for recent versions.
            ordered = tuple(
                sorted(impls, key=lambda m: m.min_version or APIVersionRequest(), reverse=True)
            )
            inherited[name] = ordered
            setattr(cls, name, _versioned_dispatcher(name, ordered))
        return inherited

    @classmethod
    def _collect_actions(cls) -> dict[str, str]:
        actions: dict[str, str] = {}
        for base in reversed(cls.__mro__[1:]):
            actions.update(getattr(base, "wsgi_actions", {}))
        for name, value in vars(cls).items():
            impls = cls.versioned_methods.get(name)
            funcs = [m.func for m in impls] if impls and value is not None else [value]
            for func in funcs:
                key = getattr(func, "wsgi_action", None)
                if isinstance(key, str):
                    actions[key] = name
        return actions

    def __init__(self, view_builder: Any = None) -> None:
        if view_builder is not None:
            self._view_builder = view_builder
        elif self._view_builder_class is not None:
            self._view_builder = self._view_builder_class()

    @staticmethod
    def is_valid_body(body: Any, entity_name: str) -> bool:
        """:returns: True if ``body`` is a dict holding a dict-like ``entity_name``."""
        if not body or entity_name not in body:
            return False
        return hasattr(body[entity_name], "get")
