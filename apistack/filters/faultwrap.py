"""``faultwrap``: the outer catch-all that makes every error a JSON fault.

Escaped exceptions, as nova's ``FaultWrapper``: the status is the exception's ``code`` (500 when
it has none), the message is WebOb's generic text for that status unless the exception is marked
``safe`` (then ``"<Class>: <message>"``), and the exception's ``headers`` are copied. A WebOb HTTP
error (such as a 413 raised while an inner app reads a too-large body) keeps its own status and
text. An unexpected error is logged once, with its traceback and the request id.

Two additions over nova, both documented options:

* ``exception_statuses``, an explicit table from exception classes to statuses for exceptions
  that declare no ``code`` (the most specific class in the exception's MRO wins). The default
  maps keystoneauth1's connection errors to 503: keystonemiddleware lets ``ConnectTimeout``
  escape when Keystone hangs, and that is an outage, not a bug. Mapped exceptions are logged
  as warnings without a traceback and answered with the status's generic text.
* ``rewrite_errors``: an error response (4xx/5xx) from an inner middleware whose body is not
  already a fault (keystonemiddleware's ``{"error": {...}}`` 401, WebOb's text 503) is rewritten
  into one, keeping its status and headers (``WWW-Authenticate`` included). Its message is kept
  when it is a 4xx whose JSON body carries a ``message``; otherwise it is WebOb's generic text,
  so no inner 5xx detail leaks. Faults and successful responses pass through untouched, and
  only error bodies are buffered. An app that calls ``start_response`` only once its body is
  iterated is passed through as it is.

Every fault carries the microversion headers when a version was negotiated. In front of a
service's own ``Resource`` (nova's, cinder's), faultwrap's own faults carry the headers that
service's ``Fault`` adds: ``OpenStack-API-Version: <service_type> X.Y``, the
``legacy_version_header`` and a ``Vary`` naming each, plus the request id in each of
``request_id_headers`` (cinder's ``x-compute-request-id``). A rewritten WebOb error keeps WebOb's
message without its HTML line breaks (``<br />``).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import webob.exc

from apistack.environ import (
    DEFAULT_SERVICE_TYPE,
    ERROR_TABLE_KEY,
    REQUEST_ID_KEY,
    VERSION_HEADERS_KEY,
    drain_and_close,
)
from apistack.errors import (
    DEFAULT_EXCEPTION_STATUSES,
    ErrorTable,
    ExceptionStatuses,
    exception_status_table,
    mapped_status,
)
from apistack.faults import BODY_HEADERS, DEFAULT_FAULT_NAME, FAULT_NAMES, Fault, fault_response
from apistack.filters.base import Filter, Option
from apistack.filters.legacy_v2 import DEFAULT_LEGACY_HEADER as DEFAULT_LEGACY_VERSION_HEADER
from apistack.filters.service_version import foreign_version_headers

if TYPE_CHECKING:
    from _typeshed import OptExcInfo
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = [
    "DEFAULT_EXCEPTION_STATUSES",
    "FaultWrap",
    "exception_status_table",
    "fault_for_escaped_exception",
    "is_fault_body",
    "mapped_status",
]

LOG = logging.getLogger(__name__)

#: WebOb's JSON error body joins explanation, detail and comment with HTML line breaks.
_HTML_BREAK = re.compile(r"\s*<br\s*/?>\s*", re.IGNORECASE)


def fault_for_escaped_exception(
    exc: Exception, statuses: Mapping[type[BaseException], int] | ErrorTable | None = None
) -> Fault:
    """:returns: the fault for ``exc``: the generic fault for the status ``statuses`` maps it
    to (see :func:`mapped_status`), else nova's ``FaultWrapper`` answer (the message of an
    exception marked ``safe`` is prefixed with its class name)."""
    table = statuses if isinstance(statuses, ErrorTable) else ErrorTable(statuses or {})
    fault = table.fault(exc)
    if isinstance(exc, (Fault, webob.exc.HTTPException)) or table.mapped(exc) is not None:
        return fault
    if not getattr(exc, "safe", False):
        return fault
    return Fault(fault.code, f"{type(exc).__name__}: {fault.message}", fault.headers)


def is_fault_body(body: bytes, code: int) -> bool:
    """:returns: whether ``body`` is the JSON fault ``fault_response`` builds for ``code``."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return False
    name = FAULT_NAMES.get(code, DEFAULT_FAULT_NAME)
    if not isinstance(document, dict) or list(document) != [name]:
        return False
    detail = document[name]
    return isinstance(detail, dict) and detail.get("code") == code


def _client_message(body: bytes, code: int) -> str | None:
    """The message of a 4xx JSON body (``{"message"}`` or ``{"<name>": {"message"}}``)."""
    if code >= 500:
        return None
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if isinstance(document, dict) and len(document) == 1:
        [inner] = document.values()
        document = inner if isinstance(inner, dict) else document
    message = document.get("message") if isinstance(document, dict) else None
    if not isinstance(message, str):
        return None
    message = " ".join(part for part in _HTML_BREAK.split(message.strip()) if part)
    return message or None


class _HeldStart:
    """The ``start_response`` the wrapped app sees: error responses are held back to check."""

    __slots__ = ("held", "hold_errors", "start_response", "started", "written")

    def __init__(self, start_response: StartResponse, hold_errors: bool) -> None:
        self.start_response = start_response
        self.hold_errors = hold_errors
        self.started = False
        self.held: tuple[str, list[tuple[str, str]]] | None = None
        self.written: list[bytes] = []

    def __call__(
        self, status: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None
    ) -> Callable[[bytes], object]:
        if self.hold_errors and not self.started and status[:1] in ("4", "5"):
            self.held = (status, headers)
            return self.written.append
        self.held = None
        self.started = True
        return self.start_response(status, headers, exc_info)


class FaultWrap(Filter):
    """Answers a JSON fault for every exception and every non-fault error response.

    :param application: the wrapped WSGI application.
    :param exception_statuses: exception classes (or import paths) to the status answered when
        one escapes without a ``code``; :data:`DEFAULT_EXCEPTION_STATUSES` by default.
    :param rewrite_errors: rewrite error responses that are not faults into faults.
    :param service_type: the service named in ``OpenStack-API-Version`` on faultwrap's own
        faults in front of a service's own ``Resource`` (``volume`` for cinder).
    :param legacy_version_header: the service's legacy version header sent with it (empty for
        none, as cinder).
    :param request_id_headers: headers carrying the request id on faultwrap's own faults
        (cinder's faults send ``x-compute-request-id``; nova's send none).
    :raises ValueError: for an ``exception_statuses`` entry that cannot be resolved.
    """

    name = "faultwrap"
    options = (
        Option(
            "exception_statuses",
            "list",
            list(DEFAULT_EXCEPTION_STATUSES),
            "module:Class=status entries: the status answered when such an exception (or a "
            "subclass) escapes without a code. Setting it replaces the default.",
        ),
        Option(
            "rewrite_errors",
            "bool",
            True,
            "Rewrite error responses of inner middleware that are not JSON faults into faults "
            "(keeping status and headers).",
        ),
        Option(
            "service_type",
            "str",
            DEFAULT_SERVICE_TYPE,
            "Service type in OpenStack-API-Version on faults answered in front of a service's "
            "own Resource (volume for cinder).",
        ),
        Option(
            "legacy_version_header",
            "str",
            DEFAULT_LEGACY_VERSION_HEADER,
            "Legacy microversion header sent with it (empty for none, as cinder).",
        ),
        Option(
            "request_id_headers",
            "list",
            [],
            "Headers carrying the request id on faultwrap's own faults (cinder: "
            "x-compute-request-id).",
        ),
    )

    def __init__(
        self,
        application: WSGIApplication,
        *,
        exception_statuses: ExceptionStatuses = DEFAULT_EXCEPTION_STATUSES,
        rewrite_errors: bool = True,
        service_type: str = DEFAULT_SERVICE_TYPE,
        legacy_version_header: str = DEFAULT_LEGACY_VERSION_HEADER,
        request_id_headers: Sequence[str] = (),
    ) -> None:
        super().__init__(application)
        self.error_table = ErrorTable(exception_statuses)
        self.rewrite_errors = rewrite_errors
        self.service_type = service_type
        self.legacy_version_header = legacy_version_header or None
        self.request_id_headers = tuple(request_id_headers)

    @property
    def exception_statuses(self) -> dict[type[BaseException], int]:
        """The table's entries resolved so far, by class."""
        return self.error_table.classes

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        environ[ERROR_TABLE_KEY] = self.error_table
        start = _HeldStart(start_response, self.rewrite_errors)
        try:
            result = self.application(environ, start)
            if start.held is None:
                start.hold_errors = False  # a lazy app starts while its body is iterated
                return result
            status, headers = start.held
            body = b"".join([*start.written, *drain_and_close(result)])
        except Exception as exc:
            return self._answer_exception(environ, start_response, exc, start.started)
        code = int(status.split(None, 1)[0])
        if is_fault_body(body, code):
            start_response(status, headers)
            return [body]
        return self._rewritten(environ, code, headers, body)(environ, start_response)

    def _answer_exception(
        self,
        environ: WSGIEnvironment,
        start_response: StartResponse,
        exc: Exception,
        started: bool,
    ) -> Iterable[bytes]:
        fault = fault_for_escaped_exception(exc, self.error_table)
        self.error_table.log(LOG, environ, exc)
        extra = foreign_version_headers(environ, self.service_type, self.legacy_version_header)
        request_id = environ.get(REQUEST_ID_KEY)
        if request_id:
            extra.extend((name, request_id) for name in self.request_id_headers)
        answer = fault_response(
            fault.code, fault.message, [*fault.headers.items(), *extra], environ
        )
        if started:
            # PEP 3333: replacing headers already given needs the exc_info.
            error = sys.exc_info()
            return answer(environ, lambda s, h, e=None: start_response(s, h, error))
        return answer(environ, start_response)

    @staticmethod
    def _rewritten(
        environ: WSGIEnvironment, code: int, headers: list[tuple[str, str]], body: bytes
    ) -> webob.Response:
        versioned = {name.lower() for name, _ in environ.get(VERSION_HEADERS_KEY, ())}
        skip = BODY_HEADERS | versioned
        kept = [(name, value) for name, value in headers if name.lower() not in skip]
        return fault_response(code, _client_message(body, code), kept, environ)
