"""``RecordBatches``: request-log records reach logging in batches only where the line cannot
change, in order, at the latest about the interval later, at exit, and once across a fork."""

from __future__ import annotations

import collections
import io
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import webob

from apistack.deploy import configure_logging
from apistack.environ import REQUEST_ID_KEY
from apistack.filters.request_log import RequestLog
from apistack.record_batches import RECORD_BATCHES, RecordBatches

INTERVAL = 0.05
SLOW = 0.5  # long enough that a loaded machine does not hand a test's batch over early


class Kept(logging.Handler):
    """Keeps the messages it handled, and the threads it handled them on."""

    def __init__(self, apistack: bool = True) -> None:
        super().__init__()
        self.apistack = apistack
        self.messages: list[str] = []
        self.threads: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
        self.threads.append(threading.current_thread().name)


@pytest.fixture
def batches() -> Iterator[RecordBatches]:
    batches = RecordBatches()
    yield batches
    batches.stop()


def _logger(*handlers: logging.Handler) -> logging.Logger:
    logger = logging.getLogger(f"apistack.test.record_batches.{id(handlers)}")
    logger.propagate, logger.level = False, logging.INFO
    logger.handlers[:] = list(handlers)
    return logger


def _record(logger: logging.Logger, message: str) -> logging.LogRecord:
    return logger.makeRecord(logger.name, logging.INFO, __file__, 1, message, (), None)


def test_records_are_handled_at_once_until_started(batches: RecordBatches) -> None:
    kept = Kept()
    logger = _logger(kept)
    batches.handle(logger, _record(logger, "now"))
    assert kept.messages == ["now"]


def test_started_records_wait_for_the_batch_and_keep_their_order(batches: RecordBatches) -> None:
    kept = Kept()
    logger = _logger(kept)
    batches.start(SLOW)
    for number in range(5):
        batches.handle(logger, _record(logger, f"line {number}"))
    assert kept.messages == []
    batches.drain()
    assert kept.messages == [f"line {number}" for number in range(5)]


def test_the_batch_thread_hands_records_over_after_the_interval(batches: RecordBatches) -> None:
    kept = Kept()
    logger = _logger(kept)
    batches.start(INTERVAL)
    batches.handle(logger, _record(logger, "first"))
    deadline = time.monotonic() + 5
    while not kept.messages and time.monotonic() < deadline:
        time.sleep(INTERVAL / 5)
    assert kept.messages == ["first"]
    assert kept.threads == ["apistack-record-batches"]
    batches.handle(logger, _record(logger, "second"))  # the thread waits for the next one
    deadline = time.monotonic() + 5
    while len(kept.messages) < 2 and time.monotonic() < deadline:
        time.sleep(INTERVAL / 5)
    assert kept.messages == ["first", "second"]


@pytest.mark.parametrize(
    "arrange",
    [
        "a foreign handler",
        "a foreign handler on a parent",
        "a logger filter",
        "no handler at all",
        "a disabled logger",
    ],
)
def test_a_line_that_could_change_is_handled_at_once(batches: RecordBatches, arrange: str) -> None:
    ours, foreign = Kept(), Kept(apistack=False)
    logger = _logger(ours)
    if arrange == "a foreign handler":
        logger.addHandler(foreign)
    elif arrange == "a foreign handler on a parent":
        parent = logger.parent
        assert parent is not None
        logger.propagate = True
        parent.addHandler(foreign)
    elif arrange == "a logger filter":
        logger.addFilter(lambda record: True)
    elif arrange == "no handler at all":
        logger.removeHandler(ours)
    else:
        logger.disabled = True
    batches.start(SLOW)
    try:
        batches.handle(logger, _record(logger, "now"))
        assert batches._queue == collections.deque()
        assert ours.messages == (
            [] if arrange in ("no handler at all", "a disabled logger") else ["now"]
        )
        if arrange.startswith("a foreign handler"):
            assert foreign.messages == ["now"]
    finally:
        if logger.parent is not None and foreign in logger.parent.handlers:
            logger.parent.removeHandler(foreign)


def test_stop_hands_over_what_is_queued_and_later_records_go_at_once(
    batches: RecordBatches,
) -> None:
    kept = Kept()
    logger = _logger(kept)
    batches.start(SLOW)
    batches.handle(logger, _record(logger, "queued"))
    batches.stop()
    assert kept.messages == ["queued"]
    batches.handle(logger, _record(logger, "after"))
    assert kept.messages == ["queued", "after"]


def test_a_bad_interval_is_refused(batches: RecordBatches) -> None:
    with pytest.raises(ValueError, match="more than 0 seconds"):
        batches.start(0)


def test_a_forked_child_drops_the_queue_it_inherited(batches: RecordBatches) -> None:
    read_end, write_end = os.pipe()
    stream = open(write_end, "w")  # noqa: SIM115 - closed below
    handler = logging.StreamHandler(stream)
    handler.apistack = True  # type: ignore[attr-defined]
    logger = _logger(handler)
    batches.start(SLOW)
    batches.handle(logger, _record(logger, "parent"))
    pid = os.fork()
    if pid == 0:  # the child: its own line through its own thread, then leave at once
        try:
            batches._after_fork_in_child()
            batches.handle(logger, _record(logger, "child"))
            batches.drain()
            stream.flush()
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    batches.drain()
    stream.close()
    with open(read_end) as lines:
        assert sorted(lines.read().splitlines()) == ["child", "parent"]


def _app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Length", "2")])
    return [b"ok"]


def test_request_lines_under_configure_logging_keep_their_request_id() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    configure_logging("INFO", stream, batch_interval=SLOW)
    try:
        request = webob.Request.blank("/servers")
        request.environ[REQUEST_ID_KEY] = "req-5f1c"
        assert request.get_response(RequestLog(_app)).status_int == 200
        assert "GET /servers" not in stream.getvalue()  # queued, not yet handed over
        RECORD_BATCHES.drain()
        for handler in root.handlers:
            handler.flush()
        [line] = [line for line in stream.getvalue().splitlines() if "GET /servers" in line]
        assert "[req-5f1c]" in line
        assert '"GET /servers" status: 200 len: 2' in line
    finally:
        configure_logging("INFO", io.StringIO(), batch_interval=0)
        for handler in [h for h in root.handlers if getattr(h, "apistack", False)]:
            root.removeHandler(handler)
            handler.close()
        root.setLevel(level)
    assert RECORD_BATCHES.interval == 0


def test_queued_lines_are_written_when_the_interpreter_exits() -> None:
    script = """
import webob
from apistack.deploy import configure_logging
from apistack.filters.request_log import RequestLog
configure_logging("INFO", batch_interval=30)
def app(environ, start_response):
    start_response("204 No Content", [])
    return []
for number in range(3):
    webob.Request.blank(f"/servers/{number}").get_response(RequestLog(app))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    lines = [line for line in done.stderr.splitlines() if "apistack.request_log" in line]
    assert [line.split('"')[1] for line in lines] == [f"GET /servers/{n}" for n in range(3)]
