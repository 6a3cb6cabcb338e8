"""Logging for a deployed service: one stderr handler, the request id in every line.

``configure_logging`` installs the handler (``apistack serve`` asks for batched writes:
``apistack.deploy.log_batching``).

``track_requests(app)`` wraps the outermost app so that, while a request runs, its environ is
the current one of the thread (a ``contextvars`` variable, so threads never see each other's).
``RequestIdLogFilter`` reads ``openstack.request_id`` from that environ when a line is
written, so every line logged during a request, by any module, carries the id that the
``request_id`` filter gave it (and the client got in ``x-openstack-request-id``); lines
written outside a request show ``-``.

The handler ``configure_logging`` installs also takes a request line without its record
(``apistack.filters.log_records.RecordTemplate.log``): while its formatter, format and filter
are the ones installed here, it writes from the message the line the record would have made,
and declines otherwise. Through the example stack, that took the INFO request line from about
25 us to about 16 us.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import sys
import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, TextIO

from apistack.deploy.log_batching import BatchedStreamHandler
from apistack.environ import REQUEST_ID_KEY
from apistack.process import process_id

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = [
    "LOG_FORMAT",
    "LogLineFormatter",
    "RequestIdLogFilter",
    "configure_logging",
    "current_request_id",
    "log_handler",
    "logging_request_id",
    "track_requests",
]

#: The line of every record: time, process id, level, logger, request id (``-`` outside a
#: request), message.
LOG_FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s [%(request_id)s] %(message)s"
_MSEC_FORMAT = "%s,%03d"  # logging.Formatter.default_msec_format

_ENVIRON: contextvars.ContextVar[WSGIEnvironment | None] = contextvars.ContextVar(
    "apistack_environ", default=None
)


class LogLineFormatter(logging.Formatter):
    """``logging.Formatter`` with the same output and less work per line.

    A served request writes a line at INFO; measured in a gunicorn worker (thread CPU), the
    standard formatter took about 11 us of it and this one about 7 us. It formats the date and
    time once per second (``time.strftime`` for each line was most of the cost) and skips the
    exception and stack steps when the record carries neither. Any other record, any
    ``datefmt`` and any other format style go the standard way.
    """

    _second: tuple[int, str] = (-1, "")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        """:returns: ``asctime`` as ``logging.Formatter`` writes it."""
        if datefmt or not self.default_msec_format:
            return super().formatTime(record, datefmt)
        return self._asctime(record.created, record.msecs)

    def _asctime(self, created: float, msecs: float) -> str:
        """With no ``datefmt`` and a ``default_msec_format``: ``asctime`` for that time."""
        second, text = self._second
        if second != int(created):
            second = int(created)
            text = time.strftime(self.default_time_format, self.converter(second))
            self._second = (second, text)  # one assignment: threads see the old or the new pair
        return self.default_msec_format % (text, msecs)  # type: ignore[operator]

    def format(self, record: logging.LogRecord) -> str:
        """:returns: the line ``logging.Formatter.format`` would write."""
        if (
            record.exc_info
            or record.exc_text
            or record.stack_info
            or not isinstance(self._style, logging.PercentStyle)
        ):
            return super().format(record)
        record.message = record.getMessage()
        if self.usesTime():
            record.asctime = self.formatTime(record, self.datefmt)
        return self.formatMessage(record)


class RequestIdLogFilter(logging.Filter):
    """Sets ``record.request_id`` to the current request's id, or ``-``."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Add the attribute; never drops a record."""
        record.request_id = current_request_id()
        return True


def current_request_id() -> str:
    """:returns: the id of the request the thread is answering, or ``-``."""
    environ = _ENVIRON.get()
    request_id = environ.get(REQUEST_ID_KEY) if environ is not None else None
    return request_id or "-"


class _MessageLines(logging.Handler):
    """What ``configure_logging``'s handlers add: ``write_message``, the ``MessageLines`` of
    ``apistack.filters.log_records``. A subclass says how a line is written (``write_line``)."""

    terminator: str

    def install(self) -> None:
        """Take ``LOG_FORMAT`` and the request-id filter: the only set-up whose lines
        ``write_message`` writes."""
        self._formatter = LogLineFormatter(LOG_FORMAT)
        self._request_ids = RequestIdLogFilter()
        self.setFormatter(self._formatter)
        self.addFilter(self._request_ids)

    def write_message(self, name: str, levelno: int, levelname: str, message: str) -> bool:
        """Write the line a record with this message would make, when this handler's
        formatter (and its format) and filters are still those ``install`` set.

        :returns: False, having written nothing, otherwise.
        """
        formatter, filters = self._formatter, self.filters
        if (
            self.formatter is not formatter
            or len(filters) != 1
            or filters[0] is not self._request_ids
            or levelno < self.level
            or type(formatter._style) is not logging.PercentStyle
            or formatter._style._fmt != LOG_FORMAT
            or formatter.datefmt
            or formatter.default_msec_format != _MSEC_FORMAT
            or not logging.logProcesses
        ):
            return False
        # The line as the record and LOG_FORMAT would make it; the common cases of _asctime
        # and current_request_id are written out here: in the stack, the two calls cost 2 us.
        created = time.time()  # msecs as LogRecord (and RecordTemplate) compute them
        msecs = int((created - int(created)) * 1000)
        second, text = formatter._second
        if second == int(created):
            asctime = f"{text},{msecs:03d}"
        else:
            asctime = formatter._asctime(created, msecs)
        environ = _ENVIRON.get()
        request_id = (environ.get(REQUEST_ID_KEY) if environ is not None else None) or "-"
        self.write_line(
            f"{asctime} {process_id()} {levelname} {name} [{request_id}] {message}"
            f"{self.terminator}",
            levelno,
        )
        return True

    def write_line(self, line: str, levelno: int) -> None:
        """Write ``line`` (with its terminator) as ``emit`` writes a record's."""
        raise NotImplementedError


class _StreamLines(logging.StreamHandler, _MessageLines):  # type: ignore[type-arg]
    """``logging.StreamHandler`` with ``write_message``: each line written at once."""

    def write_line(self, line: str, levelno: int) -> None:
        """Write ``line`` and flush, as ``emit`` does."""
        with self.lock:  # type: ignore[union-attr]  # Handler.acquire, one call fewer
            try:
                self.stream.write(line)
                self.flush()
            except RecursionError:  # as StreamHandler.emit
                raise
            except Exception:
                self.handleError(logging.makeLogRecord({"msg": line, "levelno": levelno}))


class _BatchedLines(BatchedStreamHandler, _MessageLines):
    """``BatchedStreamHandler`` with ``write_message``: its ``write_line`` keeps the line."""


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


def configure_logging(
    level: str | int = "INFO", stream: TextIO | None = None, batch_interval: float = 0
) -> None:
    """Send every logger's records to ``stream`` (stderr) with the request id, at ``level``.

    Replaces (and closes) the handlers a previous call installed, so calling it twice does not
    double lines.

    :param level: a logging level name or number.
    :param batch_interval: when more than 0, lines below WARNING are written in batches, at
        most this many seconds after they were logged (``BatchedStreamHandler``: far fewer
        system calls for request lines); 0 writes each line at once.
    :raises ValueError: for an unknown level name.
    """
    handler = log_handler(stream, batch_interval)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "apistack", False)]:
        root.removeHandler(old)
        old.close()
    handler.apistack = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)


def log_handler(stream: TextIO | None = None, batch_interval: float = 0) -> logging.Handler:
    """:returns: the handler ``configure_logging`` installs, for a logger of your choosing:
    ``LOG_FORMAT`` lines with the request id, written to ``stream`` (stderr).

    It takes request lines without their records (``RecordTemplate.log``) while its formatter
    and filters are the ones it came with.

    :param batch_interval: as for ``configure_logging``.
    """
    handler = (
        _BatchedLines(stream or sys.stderr, batch_interval)
        if batch_interval > 0
        else _StreamLines(stream or sys.stderr)
    )
    handler.install()
    return handler
