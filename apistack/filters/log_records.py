"""Log records for a line logged on every request, built without the per-call work that is
the same each time.

``logging.LogRecord.__init__`` recomputes, for every record, what a fixed call site never
changes: the file name and module from the path, the level name, the check for a mapping
argument. ``RecordTemplate`` computes those once and, per record, sets only what differs (the
arguments, the time, the thread, the process), exactly as ``LogRecord`` does; the record then
goes through the logger's filters and handlers as any other. The process id is read once per
process (again in a forked child), not with one system call per record. A deployment that
installs its own record factory (``logging.setLogRecordFactory``) gets records from that
factory instead.

``RecordTemplate.log`` goes one step further when the logger's records would reach a single
handler that writes lines of a fixed shape (``configure_logging``'s: see ``MessageLines``): it
hands that handler the message and skips the record, the logger's dispatch and the formatter.
The handler writes the line the record would have made, and declines (``False``, and the
record goes the standard way) once anything that could change the line is not what it
expects: another handler anywhere up the logger's chain, a filter on the logger or the
handler, another formatter or format, a level that drops the record, a record factory.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from typing import Any, Protocol

from apistack.process import process_id

__all__ = ["MessageLines", "RecordTemplate"]

_new = object.__new__


class MessageLines(Protocol):
    """A handler that can write a record's line from its message alone."""

    def write_message(self, name: str, levelno: int, levelname: str, message: str) -> bool:
        """Write, now, the line that a record of logger ``name`` at ``levelno`` with
        ``message`` would make.

        :returns: False, having written nothing, when the handler cannot say that line is
            the one its filters and formatter would write; the caller then hands it the
            record.
        """
        ...


class RecordTemplate:
    """Makes the records of one call site: one logger, level, format string and function.

    :param logger: the logger the records go to.
    :param level: their level.
    :param msg: their format string (``%``-style, with positional arguments).
    :param func: the function name records carry (``%(funcName)s``).
    :param pathname: the source file records name (``%(pathname)s``).
    """

    def __init__(
        self, logger: logging.Logger, level: int, msg: str, func: str, pathname: str
    ) -> None:
        self.logger, self.level, self.msg, self.func = logger, level, msg, func
        self.pathname = pathname
        fixed = logging.LogRecord(logger.name, level, pathname, 0, msg, (), None, func)
        self._fixed = dict(vars(fixed))
        self.levelname = fixed.levelname

    def log(self, args: tuple[Any, ...]) -> None:
        """Log the record for ``args``, as ``logger.handle(self.record(args))`` would (the
        logger's level is the caller's to check, as for ``Logger.handle``)."""
        handler = self._only_handler()
        if handler is not None:
            try:  # LogRecord.getMessage's steps; a failure is the handler's to report
                message = str(self.msg) % args if args else str(self.msg)
            except Exception:
                handler = None
        if handler is None or not handler.write_message(
            self.logger.name, self.level, self.levelname, message
        ):
            self.logger.handle(self.record(args))

    def _only_handler(self) -> MessageLines | None:
        """:returns: the one handler the records would reach, when it takes messages and
        nothing on the way (the logger's filters, a record factory) could change or drop a
        record; otherwise None."""
        if (
            self.logger.disabled
            or self.logger.filters
            or logging.getLogRecordFactory() is not logging.LogRecord
        ):
            return None
        found: logging.Handler | None = None
        logger: logging.Logger | None = self.logger
        while logger is not None:  # as Logger.callHandlers walks the chain
            if logger.handlers:
                if found is not None or len(logger.handlers) != 1:
                    return None
                found = logger.handlers[0]
            if not logger.propagate:
                break
            logger = logger.parent
        if found is None or self.level < found.level:
            return None
        return found if hasattr(found, "write_message") else None

    def record(self, args: tuple[Any, ...]) -> logging.LogRecord:
        """:returns: the record ``logging.LogRecord`` would build for ``args`` now."""
        if logging.getLogRecordFactory() is not logging.LogRecord:
            return self.logger.makeRecord(
                self.logger.name, self.level, self.pathname, 0, self.msg, args, None, self.func
            )
        record: logging.LogRecord = _new(logging.LogRecord)
        fields = record.__dict__
        fields.update(self._fixed)
        now = time.time()
        fields["args"] = args
        fields["created"] = now
        fields["msecs"] = int((now - int(now)) * 1000) + 0.0
        fields["relativeCreated"] = (now - logging._startTime) * 1000  # type: ignore[attr-defined]
        if logging.logThreads:
            fields["thread"] = threading.get_ident()
            fields["threadName"] = threading.current_thread().name
        if logging.logMultiprocessing:
            multiprocessing = sys.modules.get("multiprocessing")
            if multiprocessing is not None:
                try:
                    fields["processName"] = multiprocessing.current_process().name
                except Exception:  # as LogRecord: the name is only informative
                    fields["processName"] = "MainProcess"
        if logging.logProcesses:
            fields["process"] = process_id()
        return record
