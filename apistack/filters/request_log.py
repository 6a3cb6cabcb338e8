"""``request_log``: one INFO line per request, in nova's ``requestlog`` format.

``<addr> "<METHOD> <URI>" status: <code> len: <bytes> microversion: <X.Y or -> time: <s>``,
for successes, faults and exceptions (which are logged, then re-raised). Two deliberate changes
from nova: the URI is captured before the app runs, so query parameters that validation strips
from ``req.GET`` still show as sent, and it is re-quoted, so a decoded ``%0A`` cannot forge a
log line. An exception is logged with the status the fault wrapper will answer (both ask the
``apistack.errors`` table faultwrap put on the environ), not always 500.

The microversion is the one apistack's ``Resource`` negotiated, or, in front of nova's own
``Resource``, the one nova stored on its WebOb request (see ``apistack.filters.service_version``).
A response without ``Content-Length`` is logged ``len: -``, except a 204 or 304, which has no
body: ``len: 0`` as nova logs it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from apistack.environ import drain_and_close, request_uri
from apistack.errors import error_table
from apistack.filters.base import Filter, Option
from apistack.filters.log_records import RecordTemplate
from apistack.filters.service_version import negotiated_version

if TYPE_CHECKING:
    from _typeshed import OptExcInfo
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["DEFAULT_LOGGER_NAME", "RequestLog"]

DEFAULT_LOGGER_NAME = "apistack.request_log"
LOG_FORMAT = '%s "%s %s" status: %s len: %s microversion: %s time: %.6f'  # addr, method, uri, ...


class RequestLog(Filter):
    """Logs each request once it has an answer.

    :param application: the wrapped WSGI application.
    :param logger_name: the logger written to (nova's is ``nova.api.openstack.requestlog``).
    """

    name = "request_log"
    options = (
        Option("logger_name", "str", DEFAULT_LOGGER_NAME, "The logger that request lines go to."),
    )

    def __init__(
        self, application: WSGIApplication, *, logger_name: str = DEFAULT_LOGGER_NAME
    ) -> None:
        super().__init__(application)
        self.logger_name = logger_name
        self.logger = logging.getLogger(logger_name)
        self._records = RecordTemplate(
            self.logger, logging.INFO, LOG_FORMAT, "RequestLog", __file__
        )

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if not self.logger.isEnabledFor(logging.INFO):
            # No line would be written: pass the request through untouched (logging caches
            # the answer per logger; a level changed at run time clears that cache).
            return self.application(environ, start_response)
        uri = request_uri(environ)
        answer: list[str] = []

        def record_status(
            status: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None
        ) -> Callable[[bytes], object]:
            answer[:] = [status[:3], _content_length(status, headers)]
            return start_response(status, headers, exc_info)

        start = time.monotonic()
        try:
            body = self.application(environ, record_status)
            if not answer:
                # The app answers lazily; as WebOb's get_response does, run it to the status.
                body = drain_and_close(body)
        except Exception as exc:
            self._log(environ, uri, str(error_table(environ).status(exc)), "0", start)
            raise
        status, length = answer or ("500", "0")
        self._log(environ, uri, status, length, start)
        return body

    def _log(
        self, environ: WSGIEnvironment, uri: str, status: str, length: str, start: float
    ) -> None:
        microversion = negotiated_version(environ) or "-"
        args = (
            environ.get("REMOTE_ADDR") or "-",
            environ.get("REQUEST_METHOD", "-"),
            uri,
            status,
            length,
            microversion,
            time.monotonic() - start,
        )
        # What logger.info does, minus the stack walk that finds the calling line (always this
        # one) and the record fields that are the same for every line; apistack serve's own
        # handler takes the message without a record (RecordTemplate.log).
        self._records.log(args)


def _content_length(status: str, headers: list[tuple[str, str]]) -> str:
    for name, value in headers:
        # Lower only the names as long as "content-length" (14): a response has several.
        if len(name) == 14 and name.lower() == "content-length":
            return value
    return "0" if status[:3] in ("204", "304") else "-"
