"""The decorators ``schema``, ``query_schema`` and ``response_body_schema``.

Each wraps a controller method, like nova's: the request is ``req=`` or the second positional
argument, its version decides which of the method's schemas apply, and a violation raises
``ValidationError`` (400 ``badRequest``). Stack several of one kind for different version
ranges. The checks of ``apistack.resource.validation.schemas`` run when a decorator is applied,
and the validators are built then, once.

Put ``@api_version`` above these decorators (as nova does): the controller rebuilds an
``@api_version`` method from the function ``@api_version`` received, so a decorator above it
would be dropped; applying one there is rejected with ``SchemaDefinitionError``.
``@expected_errors``, ``@response`` and ``@action`` may sit above or below them.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

import jsonschema.exceptions
import webob

from apistack.resource.decorators import (
    BODY_SCHEMAS,
    QUERY_SCHEMAS,
    RESPONSE_SCHEMAS,
    VERSIONED_ATTR,
    UnexpectedAPIError,
)
from apistack.resource.exceptions import ValidationError
from apistack.resource.results import ResponseObject, serialize_json
from apistack.resource.validation.schemas import (
    SchemaDefinitionError,
    VersionedSchema,
    add_schema,
    check_open_objects,
    describe,
)
from apistack.resource.versions import as_version, request_argument, version_bound

__all__ = [
    "BODY_SCHEMAS",
    "QUERY_SCHEMAS",
    "RESPONSE_SCHEMAS",
    "ResponseValidationError",
    "query_schema",
    "response_body_schema",
    "schema",
]

LOG = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])


class ResponseValidationError(UnexpectedAPIError):
    """A response broke its schema in ``error`` mode: a server bug, so a generic 500."""


def _select(entry: VersionedSchema, req: Any) -> Any:
    version = as_version(getattr(req, "api_version_request", None))
    is_legacy = getattr(req, "is_legacy_v2", None)
    return entry.select(version, bool(is_legacy()) if callable(is_legacy) else False)


def _register(
    func: Callable[..., Any],
    attr: str,
    kind: str,
    body: Mapping[str, Any],
    bounds: tuple[str | None, str | None],
    *,
    is_body: bool = True,
    relax_legacy: bool = True,
) -> tuple[VersionedSchema, tuple[VersionedSchema, ...]]:
    owner = getattr(func, "__qualname__", repr(func))
    if hasattr(func, VERSIONED_ATTR):
        raise SchemaDefinitionError(
            f"{owner}: @{kind} is applied above @api_version, which would drop it; "
            "put @api_version above the schema decorators"
        )
    low, high = version_bound(bounds[0]), version_bound(bounds[1])
    try:
        entry = VersionedSchema.build(body, low, high, is_body=is_body, relax_legacy=relax_legacy)
    except (re.error, jsonschema.exceptions.SchemaError) as exc:
        text = describe(owner, kind, body, low, high)
        raise SchemaDefinitionError(f"{text} cannot be compiled: {exc}") from None
    check_open_objects(owner, kind, entry)
    return entry, add_schema(getattr(func, attr, ()), entry, owner, kind)


def schema(
    request_body_schema: Mapping[str, Any],
    min_version: str | None = None,
    max_version: str | None = None,
) -> Callable[[F], F]:
    """Validate the method's ``body`` argument for requests in ``[min_version, max_version]``.

    :param request_body_schema: a Draft 2020-12 schema; do not change it afterwards.
    :raises SchemaDefinitionError: when applied, for a bad schema or overlapping ranges.
    """

    def decorator(func: F) -> F:
        entry, schemas = _register(
            func, BODY_SCHEMAS, "schema", request_body_schema, (min_version, max_version)
        )

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            validator = _select(entry, request_argument(args, kwargs))
            if validator is not None:
                validator.validate(kwargs.get("body"))
            return func(*args, **kwargs)

        setattr(wrapper, BODY_SCHEMAS, schemas)
        return cast(F, wrapper)

    return decorator


class _QueryStripper:
    """Removes from ``req.GET`` the parameters a query schema does not describe."""

    def __init__(self, query: Mapping[str, Any]) -> None:
        self.known = frozenset(query.get("properties", {}))
        self.patterns = [re.compile(p) for p in query.get("patternProperties", {})]
        self.open = bool(query.get("additionalProperties", True))

    def strip(self, req: Any, legacy_v2: bool) -> None:
        if not (self.open or legacy_v2):
            return  # unknown parameters were rejected by validation
        unknown = {
            key
            for key in req.GET
            if key not in self.known and not any(p.search(key) for p in self.patterns)
        }
        for key in unknown:
            del req.GET[key]


def query_schema(
    query_params_schema: Mapping[str, Any],
    min_version: str | None = None,
    max_version: str | None = None,
) -> Callable[[F], F]:
    """Validate ``req.GET.dict_of_lists()`` (every value a list of strings).

    Unknown parameters are removed from ``req.GET`` before the method runs when the schema's
    ``additionalProperties`` is true or missing (and always on legacy ``/v2``); with false,
    they are a 400. A query string that is not UTF-8 is a 400.
    """

    def decorator(func: F) -> F:
        entry, schemas = _register(
            func,
            QUERY_SCHEMAS,
            "query_schema",
            query_params_schema,
            (min_version, max_version),
            is_body=False,
        )
        stripper = _QueryStripper(query_params_schema)

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            req = request_argument(args, kwargs)
            try:
                query = req.GET.dict_of_lists()
            except UnicodeDecodeError:
                raise ValidationError("Query string is not UTF-8 encoded") from None
            validator = _select(entry, req)
            if validator is not None:
                validator.validate(query)
                stripper.strip(req, validator.relaxed)
            return func(*args, **kwargs)

        setattr(wrapper, QUERY_SCHEMAS, schemas)
        return cast(F, wrapper)

    return decorator


def _response_body(result: Any) -> Any:
    """The result as the client will see it (datetimes as strings and so on)."""
    if isinstance(result, webob.Response):
        raw = result.body
    else:
        raw = serialize_json(result.obj if isinstance(result, ResponseObject) else result)
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise ValidationError("The response body is not JSON") from None


def _response_mode(req: Any) -> str:
    settings = getattr(req, "api_settings", None)
    return str(getattr(settings, "response_validation", "warn"))


def response_body_schema(
    response_schema: Mapping[str, Any],
    min_version: str | None = None,
    max_version: str | None = None,
) -> Callable[[F], F]:
    """Check the method's result (a dict or list, ``ResponseObject.obj``, or a
    ``webob.Response``'s JSON body) against ``response_schema``.

    The API's ``response_validation`` setting decides what a mismatch does: ``warn`` logs it,
    ``error`` logs it and answers a generic 500 (``ResponseValidationError``: the server is
    wrong, not the client), ``ignore`` skips validation.
    """

    def decorator(func: F) -> F:
        entry, schemas = _register(
            func,
            RESPONSE_SCHEMAS,
            "response_body_schema",
            response_schema,
            (min_version, max_version),
            relax_legacy=False,
        )
        owner = getattr(func, "__qualname__", repr(func))

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            result = func(*args, **kwargs)
            req = request_argument(args, kwargs)
            mode = _response_mode(req)
            validator = None if mode == "ignore" else _select(entry, req)
            if validator is None:
                return result
            try:
                validator.validate(_response_body(result))
            except ValidationError as exc:
                if mode != "error":
                    LOG.warning("Response of %s breaks its schema: %s", owner, exc.message)
                    return result
                # Logged once, by the Resource that answers the 500.
                reason = f"Response of {owner} breaks its schema: {exc.message}"
                raise ResponseValidationError(reason) from exc
            return result

        setattr(wrapper, RESPONSE_SCHEMAS, schemas)
        return cast(F, wrapper)

    return decorator
