"""``BatchedStreamHandler``: lines written in order, late by at most the interval, at once for
warnings, on flush and close, and never twice across a fork."""

from __future__ import annotations

import io
import logging
import os
import time
from collections.abc import Iterator

import pytest

from apistack.deploy import BatchedStreamHandler

INTERVAL = 0.05
SLOW = 0.5  # long enough that a loaded machine does not split one test's batch in two


class Stream(io.StringIO):
    """Counts the writes that reached it."""

    writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


@pytest.fixture
def logged() -> Iterator[tuple[logging.Logger, BatchedStreamHandler, Stream]]:
    stream = Stream()
    handler = BatchedStreamHandler(stream, SLOW)
    logger = logging.getLogger(f"apistack.test.batching.{id(stream)}")
    logger.propagate, logger.level = False, logging.INFO
    logger.addHandler(handler)
    yield logger, handler, stream
    logger.removeHandler(handler)
    handler.close()


def _wait_for(stream: Stream, text: str, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while text not in stream.getvalue():
        assert time.monotonic() < deadline, f"{text!r} never written: {stream.getvalue()!r}"
        time.sleep(0.01)


def test_info_lines_are_written_together_soon_after(
    logged: tuple[logging.Logger, BatchedStreamHandler, Stream],
) -> None:
    logger, _, stream = logged
    for number in range(50):
        logger.info("line %d", number)
    assert stream.getvalue() == ""  # kept, not written line by line
    _wait_for(stream, "line 49\n")
    assert stream.getvalue() == "".join(f"line {number}\n" for number in range(50))
    assert stream.writes == 1


def test_a_warning_is_written_at_once_after_the_lines_before_it(
    logged: tuple[logging.Logger, BatchedStreamHandler, Stream],
) -> None:
    logger, _, stream = logged
    logger.info("first")
    logger.warning("second")
    assert stream.getvalue() == "first\nsecond\n"


def test_a_full_batch_is_written_without_waiting_for_the_interval() -> None:
    stream = Stream()
    handler = BatchedStreamHandler(stream, interval=60, limit=100)
    record = logging.makeLogRecord({"msg": "x" * 60, "levelno": logging.INFO})
    handler.handle(record)
    time.sleep(INTERVAL)
    assert stream.getvalue() == ""
    handler.handle(record)
    _wait_for(stream, ("x" * 60 + "\n") * 2)
    assert stream.writes == 1
    handler.close()


class SlowStream(Stream):
    """A stream whose writes take ``SLOW`` seconds (a full pipe, a slow disk)."""

    def write(self, text: str) -> int:
        time.sleep(SLOW)
        return super().write(text)


def test_logging_does_not_wait_for_the_flushing_threads_write() -> None:
    stream = SlowStream()
    handler = BatchedStreamHandler(stream, INTERVAL)
    logger = logging.getLogger(f"apistack.test.batching.slow.{id(stream)}")
    logger.propagate, logger.level = False, logging.INFO
    logger.addHandler(handler)
    try:
        logger.info("first")
        time.sleep(INTERVAL * 4)  # the flushing thread is now in its slow write
        started = time.monotonic()
        for number in range(10):
            logger.info("more %d", number)
        assert time.monotonic() - started < SLOW / 2
        logger.warning("last")  # written at once: after the batch being written, in order
        assert stream.getvalue() == "".join(
            ["first\n", *(f"more {number}\n" for number in range(10)), "last\n"]
        )
    finally:
        logger.removeHandler(handler)
        handler.close()


def test_flush_and_close_write_what_is_pending() -> None:
    stream = Stream()
    handler = BatchedStreamHandler(stream, interval=60)
    handler.handle(logging.makeLogRecord({"msg": "flushed", "levelno": logging.INFO}))
    handler.flush()
    assert stream.getvalue() == "flushed\n"
    handler.handle(logging.makeLogRecord({"msg": "closed", "levelno": logging.INFO}))
    handler.close()
    assert stream.getvalue() == "flushed\nclosed\n"
    handler.handle(logging.makeLogRecord({"msg": "after", "levelno": logging.INFO}))
    assert stream.getvalue().endswith("after\n")  # written at once once closed


def test_a_broken_stream_does_not_break_the_caller(capsys: pytest.CaptureFixture[str]) -> None:
    stream = Stream()
    stream.close()
    handler = BatchedStreamHandler(stream, interval=60)
    handler.handle(logging.makeLogRecord({"msg": "lost", "levelno": logging.WARNING}))
    assert "log lines lost: 1" in capsys.readouterr().err
    handler.close()


def test_the_interval_must_be_positive() -> None:
    with pytest.raises(ValueError, match="more than 0 seconds"):
        BatchedStreamHandler(io.StringIO(), interval=0)


def test_a_forked_child_writes_only_its_own_lines() -> None:
    read_end, write_end = os.pipe()
    stream = open(write_end, "w")  # noqa: SIM115 - the handler owns it until the end
    handler = BatchedStreamHandler(stream, INTERVAL)
    handler.handle(logging.makeLogRecord({"msg": "parent", "levelno": logging.INFO}))
    pid = os.fork()
    if pid == 0:  # the child: log through its own flushing thread, then leave at once
        try:
            handler.handle(logging.makeLogRecord({"msg": "child", "levelno": logging.INFO}))
            time.sleep(INTERVAL * 10)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    handler.close()
    stream.close()
    with open(read_end) as lines:
        assert sorted(lines.read().splitlines()) == ["child", "parent"]
