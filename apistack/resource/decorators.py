"""The decorators a controller method wears, and what each records on the function.

- ``@action(key)``: the method handles ``POST .../action`` bodies ``{key: {...}}``
  (``wsgi_action``);
- ``@extends`` / ``@extends(action=key)``: the method extends another controller's method or
  action when registered with ``Resource.register_extensions`` (``wsgi_extends``);
- ``@response(code, ...)``: the default success status (``wsgi_codes``);
- ``@expected_errors(...)``: the HTTP errors the method may raise; anything else is a 500;
- ``@removed(version)``: the method answers 410;
- ``@api_version(min, max)`` (from :mod:`apistack.resource.versioned`): the method serves a
  version range; the ``Controller`` class turns same-named implementations into one set.

Every decorator that needs the request's version reads it with
:func:`apistack.resource.versions.request_version`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar, cast, overload

import webob.exc

from apistack.resource.exceptions import (
    APIError,
    Forbidden,
    NotSupported,
    Unauthorized,
    ValidationError,
)
from apistack.resource.faults import Fault
from apistack.resource.versioned import (
    VERSIONED_ATTR,
    ControllerDefinitionError,
    VersionedMethod,
    api_version,
    range_text,
    take_pending,
)
from apistack.resource.versions import (
    APIVersionRequest,
    VersionBound,
    in_range,
    request_version,
    version_bound,
)

__all__ = [
    "BODY_SCHEMAS",
    "EXPECTED_ERRORS_ATTR",
    "QUERY_SCHEMAS",
    "RESPONSE_SCHEMAS",
    "VERSIONED_ATTR",
    "ControllerDefinitionError",
    "ExpectedErrors",
    "ResponseCode",
    "UnexpectedAPIError",
    "VersionedMethod",
    "action",
    "api_version",
    "expected_errors",
    "extends",
    "range_text",
    "removed",
    "response",
    "select_response_code",
    "take_pending",
]


F = TypeVar("F", bound=Callable[..., Any])


class UnexpectedAPIError(APIError):
    """An error a method did not declare in ``@expected_errors``: a 500 that names nothing."""

    code = 500
    safe = False


def action(name: str) -> Callable[[F], F]:
    """Mark a method as the handler of ``POST .../action`` bodies ``{name: {...}}``."""

    def decorator(func: F) -> F:
        func.wsgi_action = name  # type: ignore[attr-defined]
        return func

    return decorator


@overload
def extends(func: F, /) -> F: ...
@overload
def extends(*, action: str | None = None) -> Callable[[F], F]: ...
def extends(func: Any = None, /, *, action: str | None = None) -> Any:
    """Mark a method as an extension of the same-named method, or of the action ``action``.

    Used bare (``@extends``) or with the action key (``@extends(action="os-reset")``). A
    generator extension runs its code before ``yield`` ahead of the method (it may return a
    response there, which ends the request) and receives the ``ResponseObject`` at the
    ``yield``; a plain one is called after the method as ``f(req=, resp_obj=, **args)``.
    See ``Resource.register_extensions``.
    """

    def decorator(target: F) -> F:
        target.wsgi_extends = (target.__name__, action)  # type: ignore[attr-defined]
        return target

    return decorator(func) if func is not None else decorator


@dataclass(frozen=True)
class ResponseCode:
    """One ``@response`` declaration: the default status for a version range."""

    code: int
    min_version: APIVersionRequest | None
    max_version: APIVersionRequest | None


def response(
    code: int, min_version: VersionBound = None, max_version: VersionBound = None
) -> Callable[[F], F]:
    """Set the method's default success status, optionally for a version range only.

    Stack several for different ranges; the first whose range holds the request wins.
    """
    entry = ResponseCode(int(code), version_bound(min_version), version_bound(max_version))

    def decorator(func: F) -> F:
        codes: list[ResponseCode] = list(getattr(func, "wsgi_codes", ()))
        codes.append(entry)
        func.wsgi_codes = codes  # type: ignore[attr-defined]
        return func

    return decorator


def select_response_code(func: Callable[..., Any], version: APIVersionRequest) -> int | None:
    """:returns: the ``@response`` status for ``version``; 200 when undecorated; None when
    the method has ``@response`` entries but none covers ``version`` (a server bug)."""
    # Read from the function under a bound method: a miss on the method itself formats an
    # AttributeError message before getattr's default applies (0.3 us on every request).
    codes: list[ResponseCode] | None = getattr(getattr(func, "__func__", func), "wsgi_codes", None)
    if not codes:
        return 200
    for entry in codes:
        if in_range(version, entry.min_version, entry.max_version):
            return entry.code
    return None


_PASS_THROUGH = (Forbidden, Unauthorized, ValidationError)
#: attribute names holding a method's ``VersionedSchema`` tuples (nova's names), set by the
#: schema decorators of ``apistack.resource.validation`` and read by ``apistack.introspect``.
BODY_SCHEMAS = "request_body_schemas"
QUERY_SCHEMAS = "request_query_schemas"
RESPONSE_SCHEMAS = "response_body_schemas"
#: the attribute ``@expected_errors`` records its declarations in (outermost last).
EXPECTED_ERRORS_ATTR = "wsgi_expected_errors"


@dataclass(frozen=True)
class ExpectedErrors:
    """One ``@expected_errors`` declaration: the HTTP errors listed for a version range."""

    codes: frozenset[int]
    min_version: APIVersionRequest | None
    max_version: APIVersionRequest | None


def expected_errors(
    errors: int | Iterable[int], min_version: VersionBound = None, max_version: VersionBound = None
) -> Callable[[F], F]:
    """Declare the HTTP errors a method may raise (nova's semantics).

    Listed webob HTTP errors (and ``Fault``\\ s) pass; ``Forbidden``, ``Unauthorized`` and
    ``ValidationError`` pass; ``NotSupported`` becomes a 400; anything else is logged with its
    traceback and becomes a 500 "Unexpected API Error." that names nothing internal. With a
    version range, the decorator only applies to requests in that range, so several can be
    stacked.
    """
    listed = frozenset([errors] if isinstance(errors, int) else errors)
    low, high = version_bound(min_version), version_bound(max_version)

    def decorator(func: F) -> F:
        @functools.wraps(func)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except Exception as exc:
                if not in_range(request_version(args, kwargs), low, high):
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

        declared = ExpectedErrors(listed, low, high)
        setattr(
            wrapped, EXPECTED_ERRORS_ATTR, (*getattr(func, EXPECTED_ERRORS_ATTR, ()), declared)
        )
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
