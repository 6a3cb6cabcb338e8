"""The one place that builds an error response: nova's JSON fault.

It sits beside the rooms: filters (413, 401, rewritten errors), the router (404, 405) and
``Resource`` all answer through it. Which status an exception gets is ``apistack.errors``'s
decision; this module only turns a status and a message into a response.

A fault body is ``{"<name>": {"code": N, "message": "..."}}`` with the name from
``FAULT_NAMES`` (``computeFault`` for any status not listed) and
``Content-Type: application/json; charset=UTF-8``. Route misses, 405s, 413s and 401s from
filters use the same builder, so a client sees one error format everywhere.

When a microversion was negotiated for the request (see ``apistack.resource.negotiation``),
every fault built for that environ carries the version headers too.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import webob
import webob.exc

from apistack.environ import VERSION_HEADERS_KEY, VERSION_KEY, status_line

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

__all__ = [
    "BODY_HEADERS",
    "FAULT_CONTENT_TYPE",
    "FAULT_NAMES",
    "VERSION_HEADERS_KEY",
    "Fault",
    "OverLimitFault",
    "declared_status",
    "default_message",
    "fault_for_exception",
    "fault_response",
]

FAULT_NAMES: Mapping[int, str] = {
    400: "badRequest",
    401: "unauthorized",
    403: "forbidden",
    404: "itemNotFound",
    405: "badMethod",
    409: "conflictingRequest",
    413: "overLimit",
    415: "badMediaType",
    429: "overLimit",
    501: "notImplemented",
    503: "serviceUnavailable",
}
DEFAULT_FAULT_NAME = "computeFault"
FAULT_CONTENT_TYPE = "application/json; charset=UTF-8"

_RETRY_AFTER_STATUSES = frozenset({413, 429})
#: headers that describe a body: a fault's own replace any given with it.
BODY_HEADERS = frozenset({"content-type", "content-length", "content-encoding"})


def default_message(code: int) -> str:
    """:returns: WebOb's generic explanation for ``code`` (a 500's for unknown codes)."""
    cls = webob.exc.status_map.get(code)
    if cls is None or not issubclass(cls, webob.exc.HTTPError):
        cls = webob.exc.HTTPInternalServerError
    return str(cls.explanation)


def fault_response(
    code: int,
    message: str | None = None,
    headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
    environ: WSGIEnvironment | None = None,
) -> webob.Response:
    """Build the JSON fault response for ``code``.

    :param code: the HTTP status.
    :param message: the client-facing text; WebOb's generic text for the status when None.
    :param headers: extra headers (values are coerced to str); a ``Retry-After`` on a 413 or
        429 is also reported as ``retryAfter`` in the body.
    :param environ: the request's environ, whose negotiated version headers are added.
    :returns: a ``webob.Response`` ready to be called as a WSGI app.
    """
    pairs = list(headers.items() if isinstance(headers, Mapping) else headers)
    detail: dict[str, Any] = {
        "code": code,
        "message": default_message(code) if message is None else message,
    }
    if code in _RETRY_AFTER_STATUSES:
        for name, value in pairs:
            if name.lower() == "retry-after":
                detail["retryAfter"] = str(value)
    body = json.dumps({FAULT_NAMES.get(code, DEFAULT_FAULT_NAME): detail}).encode()
    headerlist = [("Content-Type", FAULT_CONTENT_TYPE), ("Content-Length", str(len(body)))]
    headerlist.extend(
        (name, str(value)) for name, value in pairs if name.lower() not in BODY_HEADERS
    )
    if environ is not None:
        headerlist.extend(environ.get(VERSION_HEADERS_KEY, ()))
    return webob.Response(body=body, status=status_line(code), headerlist=headerlist)


class Fault(webob.exc.HTTPException):
    """An HTTP error that renders as a JSON fault: raise it, or call it as a WSGI app.

    ``Fault(404)``, ``Fault(404, "Instance x could not be found.")`` and nova's
    ``Fault(webob.exc.HTTPNotFound(explanation=...))`` all work.
    """

    #: when set, a fault rendered for a request whose version was set but not negotiated
    #: (called as a WSGI app outside a ``Resource``, as the lineage's tests do) announces that
    #: version for this service type.
    service_type: ClassVar[str | None] = None

    def __init__(
        self,
        error: int | webob.exc.HTTPException,
        message: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        extra: dict[str, str] = {}
        if isinstance(error, webob.exc.HTTPException):
            code = int(getattr(error, "code", 500) or 500)
            detail = getattr(error, "detail", None)
            if message is None and detail:
                message = str(detail)
            elif message is None and isinstance(error, webob.exc.WSGIHTTPException):
                message = str(error.explanation)
            extra.update(_exception_headers(error))
        else:
            code = error
        extra.update(headers or {})
        self.code = code
        self.message = default_message(code) if message is None else message
        self.headers = extra
        Exception.__init__(self, f"{code}: {self.message}")

    @property
    def wsgi_response(self) -> webob.Response:  # type: ignore[override]
        """The fault as a response, without version headers (they need the environ)."""
        return fault_response(self.code, self.message, self.headers)

    @property
    def status_int(self) -> int:
        """The status, as WebOb and the nova lineage's ``Fault`` name it."""
        return self.code

    def response_for(self, environ: WSGIEnvironment) -> webob.Response:
        """:returns: the fault response for this request, version headers included."""
        response = fault_response(self.code, self.message, self.headers, environ)
        if self.service_type and VERSION_HEADERS_KEY not in environ:
            response.headerlist.extend(_announced_version(environ, self.service_type))
        return response

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        return self.response_for(environ)(environ, start_response)


def _announced_version(environ: WSGIEnvironment, service_type: str) -> list[tuple[str, str]]:
    version = environ.get(VERSION_KEY)
    if not version:
        return []
    header = "OpenStack-API-Version"
    return [(header, f"{service_type} {version.get_string()}"), ("Vary", header)]


class OverLimitFault(Fault):
    """A rate limit was hit: 413 with ``Retry-After`` and the lineage's ``overLimitFault``
    body, ``{"overLimitFault": {"code", "message", "details"}}``.

    :param message: what happened.
    :param details: which limit, for the client.
    :param retry_time: when to retry (seconds since the epoch); ``Retry-After`` is the wait
        from now, rounded up, never negative.
    """

    fault_name = "overLimitFault"

    def __init__(self, message: str, details: str, retry_time: float, code: int = 413) -> None:
        delay = max(0, math.ceil(retry_time - time.time()))
        super().__init__(code, str(message), {"Retry-After": str(delay)})
        self.details = str(details)

    def response_for(self, environ: WSGIEnvironment) -> webob.Response:
        """:returns: the 413 with the ``overLimitFault`` body and the version headers."""
        response = super().response_for(environ)
        detail = {"code": self.code, "message": self.message, "details": self.details}
        response.body = json.dumps({self.fault_name: detail}).encode()
        return response


def _exception_headers(exc: BaseException) -> dict[str, str]:
    """The headers an exception asks to be sent: webob's ``headers`` or a mapping attribute."""
    raw = getattr(exc, "headers", None)
    if not raw:
        return {}
    items = raw.items() if hasattr(raw, "items") else raw
    out: dict[str, str] = {}
    for name, value in items:
        # A webob HTTPException's own Content-Type/Length describe its text body, not ours.
        if isinstance(exc, webob.exc.HTTPException) and name.lower() in BODY_HEADERS:
            continue
        out[str(name)] = str(value)
    return out


def declared_status(exc: BaseException) -> int | None:
    """:returns: the HTTP status ``exc`` declares as an integer ``code`` from 400 to 599
    (apistack's exceptions and a service's own, nova's ``NovaException`` style), else None.
    A ``code`` of another type (SQLAlchemy's ``"e3q8"``) or range declares nothing."""
    code = getattr(exc, "code", None)
    if isinstance(code, int) and not isinstance(code, bool) and 400 <= code <= 599:
        return code
    return None


def fault_for_exception(exc: BaseException, mapped: int | None = None) -> Fault:
    """Turn any exception into a ``Fault`` that leaks nothing the exception does not allow.

    - a ``Fault`` is returned as is; a webob HTTP error keeps its status and text;
    - an exception declaring ``code`` gets that status; its message is shown only when it
      declares ``safe = True``, otherwise WebOb's generic text for the status is used;
    - an exception an ``ErrorTable`` maps (``mapped``) gets that status and its generic text;
    - anything else is a 500 with the generic text (or its message when ``safe``).

    :param exc: the exception.
    :param mapped: the status an ``ErrorTable`` maps ``exc`` to, if any.
    :returns: the fault to answer.
    """
    if isinstance(exc, Fault):
        return exc
    if isinstance(exc, webob.exc.HTTPException):
        return Fault(exc)
    code = declared_status(exc)
    if code is None and mapped is not None:
        return Fault(mapped)
    message = None
    if getattr(exc, "safe", False):
        # str() first: the lineage's exceptions keep the unformatted template in ``message``
        message = str(exc) or str(getattr(exc, "message", None) or "")
    return Fault(code or 500, message, _exception_headers(exc))
