"""Request-log records handed to logging in batches, from one thread, where that is safe.

A served request pays for its log line about three times what the same line costs in a loop:
measured under gunicorn (2 gthread workers x 4 threads, wrk, 32 connections), the example's
request line took about 30 us of worker CPU per request, 14% of its throughput, against about
11 us in process. Most of it is logging's own path (the logger, the handler, the formatter),
run once per request between everything else. ``RecordBatches`` runs that path for many records
at a time on one thread instead; the request only makes its record and queues it.

It is off until ``start(interval)`` (``apistack serve`` starts it with its
``--log-batch-interval``), and even then it only queues a record when doing so cannot change
the line: the logger has no filters of its own and every handler the record would reach was
installed by ``apistack.deploy.configure_logging`` (marked ``apistack = True``), whose line
depends only on the record. A handler that reads the calling thread's state (oslo.log's reads
the request context) would see the batch thread's instead, so with any other handler in the
way the record is handled at once, as before. The record keeps the time, thread and process it
was made in, and carries its request id (``record.request_id``).

Queued records are handed over at most ``interval`` seconds after the first of a batch, in
order, and at interpreter exit (before ``logging.shutdown`` writes what its handlers hold). A
request line can so be written after lines other loggers wrote later; each keeps its own time.
A forked child drops what it inherited (its parent hands those over).
"""

from __future__ import annotations

import atexit
import collections
import logging
import os
import threading
import time

from apistack.process import process_id

__all__ = ["RECORD_BATCHES", "RecordBatches"]


def _batchable(logger: logging.Logger) -> bool:
    """:returns: whether ``logger``'s records reach only ``configure_logging``'s handlers,
    through no logger filter (the walk ``Logger.callHandlers`` makes)."""
    if logger.filters or logger.disabled:
        return False
    found = False
    current: logging.Logger | None = logger
    while current is not None:
        for handler in current.handlers:
            if not getattr(handler, "apistack", False):
                return False
            found = True
        current = current.parent if current.propagate else None
    return found


class RecordBatches:
    """Hands queued records to their loggers, in batches, from one thread per process."""

    def __init__(self) -> None:
        self.interval = 0.0
        self._queue: collections.deque[tuple[logging.Logger, logging.LogRecord]] = (
            collections.deque()
        )
        self._drain_lock = threading.Lock()
        self._due = threading.Event()
        self._thread_pid = 0

    def start(self, interval: float) -> None:
        """Queue batchable records from now on, handed over at most ``interval`` seconds
        after the first of a batch.

        :raises ValueError: when ``interval`` is not more than 0.
        """
        if interval <= 0:
            raise ValueError(f"the batch interval must be more than 0 seconds, not {interval}")
        self.interval = interval

    def stop(self) -> None:
        """Hand every record over now and handle later ones at once."""
        self.interval = 0.0
        self.drain()

    def handle(self, logger: logging.Logger, record: logging.LogRecord) -> None:
        """``logger.handle(record)``, now or in the next batch (see the module docstring)."""
        if self.interval <= 0 or not _batchable(logger):
            logger.handle(record)
            return
        self._queue.append((logger, record))
        if self._thread_pid != process_id():
            self._start_thread()
        if not self._due.is_set():
            self._due.set()

    def drain(self) -> None:
        """Hand every queued record to its logger, in order."""
        with self._drain_lock:
            queue = self._queue
            while queue:
                logger, record = queue.popleft()
                logger.handle(record)  # a handler reports its own errors (handleError)

    def _start_thread(self) -> None:
        with self._drain_lock:
            if self._thread_pid == process_id():
                return
            self._thread_pid = process_id()
            thread = threading.Thread(
                target=self._run, args=(self._due,), name="apistack-record-batches", daemon=True
            )
            thread.start()

    def _run(self, due: threading.Event) -> None:
        while True:
            due.wait()
            time.sleep(self.interval or 0.05)
            due.clear()  # before the drain: a record queued after this sets it again
            self.drain()

    def _after_fork_in_child(self) -> None:
        self._queue.clear()  # the parent hands these over
        self._drain_lock = threading.Lock()
        self._due = threading.Event()
        self._thread_pid = 0


#: The process's batches, which ``RequestLog`` hands its records to.
RECORD_BATCHES = RecordBatches()
os.register_at_fork(after_in_child=RECORD_BATCHES._after_fork_in_child)
# Registered after logging's own exit hook, so run before it: queued records reach the
# handlers before logging.shutdown flushes and closes them.
atexit.register(RECORD_BATCHES.drain)
