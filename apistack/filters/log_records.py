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
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from typing import Any

from apistack.process import process_id

__all__ = ["RecordTemplate"]

_new = object.__new__


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
