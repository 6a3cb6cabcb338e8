"""``ResponseObject``, normalising a controller's result into one, and serialising it."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, ClassVar

import webob
import webob.exc

# One status-line builder for successes and faults alike, kept importable from here.
from apistack.environ import status_line
from apistack.resource.decorators import select_response_code
from apistack.resource.json_encoders import json_default, serialize_json
from apistack.resource.versions import APIVersionRequest

__all__ = [
    "ResponseObject",
    "is_response",
    "json_default",
    "normalise_result",
    "serialize_json",
    "status_line",
]


class ResponseObject:
    """A controller result with an explicit status and headers.

    :param obj: the JSON-serialisable body (a dict or list), or None for an empty body.
    :param code: the status; when None, the method's ``@response`` code (or 200) is used.
    :param headers: extra response headers. Header names are case-insensitive.
    :param serializers: accepted and kept (``serializers``) for the lineage's callers; JSON is
        the only format.

    ``Resource`` sets ``default_code`` (the method's ``@response`` code) before extensions
    see the object, so ``code`` is then always the status that will be sent.
    """

    __slots__ = ("_code", "_headers", "default_code", "obj", "serializers")

    #: ``code`` while neither an explicit nor a default code is known (a service may set 200).
    FALLBACK_CODE: ClassVar[int | None] = None

    def __init__(
        self,
        obj: Any = None,
        code: int | None = None,
        headers: Mapping[str, Any] | None = None,
        **serializers: Any,
    ) -> None:
        self.obj = obj
        self._code = code
        self.default_code: int | None = None
        self.serializers = serializers
        self._headers: dict[str, str] = {}
        for name, value in (headers or {}).items():
            self[name] = value

    def __getitem__(self, name: str) -> str:
        return self._headers[name.lower()]

    def __setitem__(self, name: str, value: Any) -> None:
        self._headers[name.lower()] = str(value)

    def __delitem__(self, name: str) -> None:
        del self._headers[name.lower()]

    @property
    def code(self) -> int | None:
        """The explicit status, else ``default_code``, else ``FALLBACK_CODE``."""
        if self._code is not None:
            return self._code
        return self.default_code if self.default_code is not None else self.FALLBACK_CODE

    @property
    def explicit_code(self) -> int | None:
        """The status the controller gave, or None."""
        return self._code

    @property
    def _default_code(self) -> int | None:
        # the lineage's name for ``default_code``
        return self.default_code

    @_default_code.setter
    def _default_code(self, code: int | None) -> None:
        self.default_code = code

    @property
    def headers(self) -> dict[str, str]:
        """A copy of the headers, keyed by lower-case name."""
        return dict(self._headers)

    def iter_headers(self) -> Iterator[tuple[str, str]]:
        """:returns: the headers as ``(name, value)`` pairs, without copying."""
        return iter(self._headers.items())


def is_response(result: Any) -> bool:
    """:returns: whether a method's result is already a response (not a body to render)."""
    return isinstance(result, (webob.Response, webob.exc.HTTPException))


def _name(method: Callable[..., Any]) -> str:
    return getattr(method, "__qualname__", repr(method))


def normalise_result(method: Callable[..., Any], version: APIVersionRequest, result: Any) -> Any:
    """Normalise what a controller method returned, before extensions see it and it is sent.

    A body (dict, list or None) or a ``ResponseObject`` becomes a ``ResponseObject`` whose
    ``code`` is known (its own, else the method's ``@response`` code for ``version``); a
    response or fault is kept as it is; a string is a ``text/plain`` response (the lineage's
    ``wsgify`` sent a bare string as the body: cinder's encryption key id).

    :raises TypeError: for any other result, or a method with no code for ``version``.
    """
    if type(result) is dict:  # the usual body, tested first
        resp_obj = ResponseObject(result)
    elif is_response(result):
        return result
    elif isinstance(result, (str, bytes)):
        code = select_response_code(method, version) or 200
        body = result.encode() if isinstance(result, str) else result
        return webob.Response(body=body, status=status_line(code), content_type="text/plain")
    elif isinstance(result, ResponseObject):
        resp_obj = result
    elif result is None or isinstance(result, (dict, list)):
        resp_obj = ResponseObject(result)
    else:
        raise TypeError(f"{_name(method)} returned a {type(result).__name__}")
    if resp_obj.explicit_code is None:
        resp_obj.default_code = select_response_code(method, version)
        if resp_obj.default_code is None:
            raise TypeError(f"{_name(method)} has no response code for {version}")
    return resp_obj
