"""Logging for a deployed service: one stderr handler, the request id in every line.

``track_requests(app)`` wraps the outermost app so that, while a request runs, its environ is
the current one of the thread (a ``contextvars`` variable, so threads never see each other's).
``RequestIdLogFilter`` reads ``openstack.request_id`` from that environ when a line is
written, so every line logged during a request, by any module, carries the id that the
``request_id`` filter gave it (and the client got in ``x-openstack-request-id``); lines
written outside a request show ``-``.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, TextIO

from apistack.environ import REQUEST_ID_KEY

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = [
    "LOG_FORMAT",
    "RequestIdLogFilter",
    "configure_logging",
    "logging_request_id",
    "track_requests",
]

LOG_FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s [%(request_id)s] %(message)s"

_ENVIRON: contextvars.ContextVar[WSGIEnvironment | None] = contextvars.ContextVar(
    "apistack_environ", default=None
)


class RequestIdLogFilter(logging.Filter):
    """Sets ``record.request_id`` to the current request's id, or ``-``."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Add the attribute; never drops a record."""
        environ = _ENVIRON.get()
        request_id = environ.get(REQUEST_ID_KEY) if environ is not None else None
        record.request_id = request_id or "-"
        return True


def track_requests(app: WSGIApplication) -> WSGIApplication:
    """:returns: ``app``, with each request's environ made current while it is called."""

    def tracked(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        token = _ENVIRON.set(environ)
        try:
            return app(environ, start_response)
        finally:
            _ENVIRON.reset(token)

    return tracked


@contextlib.contextmanager
def logging_request_id(request_id: str) -> Iterator[None]:
    """Lines logged inside the block carry ``request_id`` (for answers made outside the app,
    such as the server's own error faults)."""
    token = _ENVIRON.set({REQUEST_ID_KEY: request_id})
    try:
        yield
    finally:
        _ENVIRON.reset(token)


def configure_logging(level: str | int = "INFO", stream: TextIO | None = None) -> None:
    """Send every logger's records to ``stream`` (stderr) with the request id, at ``level``.

    Replaces the handlers a previous call installed, so calling it twice does not double lines.

    :param level: a logging level name or number.
    :raises ValueError: for an unknown level name.
    """
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(RequestIdLogFilter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "apistack", False)]:
        root.removeHandler(old)
    handler.apistack = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
