"""Request lines written from their message (``RecordTemplate.log`` into ``log_handler``'s
handler) are the lines the records would have made, and anything that could change a line sends
the record the standard way."""

from __future__ import annotations

import io
import itertools
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from apistack.deploy import log_handler, logging_request_id
from apistack.filters.log_records import RecordTemplate

MSG = '%s "%s %s" status: %s len: %s microversion: %s time: %.6f'
ARGS = ("192.0.2.7", "GET", "/v2.1/servers/abc", "200", "1164", "2.1", 0.000123)
# Times across a second boundary and back: the cached second must follow.
TIMES = (1_700_000_000.0, 1_700_000_000.999, 1_700_000_001.5004, 1_699_999_999.25)
NUMBERS = itertools.count()


class Clock:
    """``time.time`` for both paths: each reading repeats until ``tick``."""

    def __init__(self) -> None:
        self.now = TIMES[0]

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fixed = Clock()
    monkeypatch.setattr(time, "time", fixed)
    return fixed


@pytest.fixture(params=[0, 30.0], ids=["at once", "batched"])
def logged(
    request: pytest.FixtureRequest,
) -> Iterator[tuple[RecordTemplate, logging.Handler, io.StringIO]]:
    """A logger with ``log_handler``'s handler, and the request log's record template for it.
    A test calls ``_alone`` first."""
    stream = io.StringIO()
    handler = log_handler(stream, request.param)
    logger = logging.getLogger(f"apistack.test.message_lines.{next(NUMBERS)}")  # a new one
    logger.level = logging.INFO
    logger.addHandler(handler)
    yield RecordTemplate(logger, logging.INFO, MSG, "RequestLog", __file__), handler, stream
    logger.removeHandler(handler)
    handler.close()


def _alone(
    logged: tuple[RecordTemplate, logging.Handler, io.StringIO],
) -> tuple[RecordTemplate, logging.Handler, io.StringIO]:
    """Stop the logger's records at its own handler. Done in the test, not the fixture: pytest
    adds its capture handlers, as each phase starts, to the root and to every logger that does
    not propagate then, which would make two handlers."""
    logged[0].logger.propagate = False
    return logged


def _written(handler: logging.Handler, stream: io.StringIO) -> list[str]:
    handler.flush()
    lines = stream.getvalue().splitlines()
    stream.seek(0)
    stream.truncate()
    return lines


def _both_ways(
    template: RecordTemplate, handler: logging.Handler, stream: io.StringIO
) -> tuple[list[str], list[str]]:
    """:returns: the lines ``log`` wrote, and those the records wrote through the logger."""
    template.log(ARGS)
    ours = _written(handler, stream)
    template.logger.handle(template.record(ARGS))
    return ours, _written(handler, stream)


@pytest.mark.parametrize("now", TIMES)
def test_the_line_is_the_one_the_record_makes(
    logged: tuple[RecordTemplate, logging.Handler, io.StringIO], clock: Clock, now: float
) -> None:
    template, handler, stream = _alone(logged)
    for clock.now in (now, now + 0.0004, now + 1):
        ours, theirs = _both_ways(template, handler, stream)
        assert ours == theirs
        assert len(ours) == 1
        assert " INFO apistack.test.message_lines." in ours[0]
        assert ours[0].endswith(' [-] 192.0.2.7 "GET /v2.1/servers/abc" status: 200 len: 1164 '
                                "microversion: 2.1 time: 0.000123")  # fmt: skip


def test_the_handler_takes_the_message_without_a_record(
    logged: tuple[RecordTemplate, logging.Handler, io.StringIO], clock: Clock
) -> None:
    template, handler, stream = _alone(logged)
    message = MSG % ARGS
    assert handler.write_message(template.logger.name, logging.INFO, "INFO", message) is True
    ours = _written(handler, stream)
    template.logger.handle(template.record(ARGS))
    assert ours == _written(handler, stream)


def test_the_line_carries_the_current_request_id(
    logged: tuple[RecordTemplate, logging.Handler, io.StringIO], clock: Clock
) -> None:
    template, handler, stream = _alone(logged)
    with logging_request_id("req-5b9c"):
        ours, theirs = _both_ways(template, handler, stream)
    assert ours == theirs
    assert " [req-5b9c] " in ours[0]


def test_a_warning_is_written_at_once_after_the_lines_before_it(
    logged: tuple[RecordTemplate, logging.Handler, io.StringIO],
) -> None:
    template, _, stream = _alone(logged)
    template.log(ARGS)
    warning = RecordTemplate(template.logger, logging.WARNING, MSG, "RequestLog", __file__)
    warning.log(ARGS)
    lines = stream.getvalue().splitlines()  # no flush: the warning wrote both
    assert [" INFO " in lines[0], " WARNING " in lines[1]] == [True, True]


@pytest.mark.parametrize(
    ("msg", "args"), [("100%% done", ()), ("%s of %s", ("one",))], ids=["no args", "bad args"]
)
def test_messages_are_made_as_the_record_makes_them(
    logged: tuple[RecordTemplate, logging.Handler, io.StringIO],
    clock: Clock,
    capsys: pytest.CaptureFixture[str],
    msg: str,
    args: tuple[str, ...],
) -> None:
    template, handler, stream = _alone(logged)
    odd = RecordTemplate(template.logger, logging.INFO, msg, "RequestLog", __file__)
    odd.log(args)  # a message that cannot be made is reported, as logging reports it
    ours, our_report = _written(handler, stream), _report(capsys)
    template.logger.handle(odd.record(args))
    assert (ours, our_report) == (_written(handler, stream), _report(capsys))


def _report(capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The lines of logging's error report that do not name the calling code."""
    err = capsys.readouterr().err.splitlines()
    return [line for line in err if line.startswith(("---", "TypeError", "Message", "Arg"))]


class Kept(logging.Handler):
    """Keeps the records it is handed."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _dropping(record: logging.LogRecord) -> bool:
    return False


def _renaming(record: logging.LogRecord) -> bool:
    record.request_id = "set-by-a-deployment"
    return True


# Each change a deployment can make, and what the line (or lines) must then be.
CHANGES: dict[str, tuple[Callable[[RecordTemplate, logging.Handler], Any], Callable[..., None]]]
CHANGES = {
    "a filter on the logger drops it": (
        lambda t, h: t.logger.addFilter(_dropping),
        lambda lines, kept: lines == [] or pytest.fail(str(lines)),
    ),
    "a filter on the handler drops it": (
        lambda t, h: h.addFilter(_dropping),
        lambda lines, kept: lines == [] or pytest.fail(str(lines)),
    ),
    "a second filter on the handler changes it": (
        lambda t, h: h.addFilter(_renaming),
        lambda lines, kept: "[set-by-a-deployment]" in lines[0] or pytest.fail(str(lines)),
    ),
    "the request-id filter replaced": (
        lambda t, h: (h.removeFilter(h.filters[0]), h.addFilter(_renaming)),
        lambda lines, kept: "[set-by-a-deployment]" in lines[0] or pytest.fail(str(lines)),
    ),
    "the handler's level is WARNING": (
        lambda t, h: h.setLevel(logging.WARNING),
        lambda lines, kept: lines == [] or pytest.fail(str(lines)),
    ),
    "the logger is disabled": (
        lambda t, h: setattr(t.logger, "disabled", True),
        lambda lines, kept: lines == [] or pytest.fail(str(lines)),
    ),
    "another formatter": (
        lambda t, h: h.setFormatter(logging.Formatter("%(levelname)s:%(name)s:%(message)s")),
        lambda lines, kept: lines[0].startswith("INFO:apistack.test") or pytest.fail(str(lines)),
    ),
    "the formatter's date format": (
        lambda t, h: setattr(h.formatter, "datefmt", "%Y"),
        lambda lines, kept: lines[0].startswith("2023 ") or pytest.fail(str(lines)),
    ),
    "the formatter's millisecond format": (
        lambda t, h: setattr(h.formatter, "default_msec_format", "%s.%03d"),
        lambda lines, kept: lines[0][19] == "." or pytest.fail(str(lines)),
    ),
    "another handler on the same logger": (
        lambda t, h: t.logger.addHandler(KEPT),
        lambda lines, kept: (len(lines), len(kept)) == (1, 1) or pytest.fail(str(lines)),
    ),
    "another handler up the chain": (
        lambda t, h: (setattr(t.logger, "propagate", True), PARENT.addHandler(KEPT)),
        lambda lines, kept: (len(lines), len(kept)) == (1, 1) or pytest.fail(str(lines)),
    ),
}
KEPT = Kept()
PARENT = logging.getLogger("apistack.test")


@pytest.fixture
def kept() -> Iterator[Kept]:
    KEPT.records.clear()
    PARENT.propagate = False  # the chain ends here: the root's (pytest's) handlers stay out
    yield KEPT
    PARENT.removeHandler(KEPT)
    PARENT.propagate = True


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_that_could_alter_the_line_is_honoured(
    logged: tuple[RecordTemplate, logging.Handler, io.StringIO],
    clock: Clock,
    kept: Kept,
    change: str,
) -> None:
    template, handler, stream = _alone(logged)
    make, check = CHANGES[change]
    make(template, handler)
    try:
        template.log(ARGS)
        check(_written(handler, stream), kept.records)
    finally:
        template.logger.removeHandler(KEPT)
        template.logger.filters.clear()
        template.logger.disabled = False


@pytest.mark.parametrize(
    "change",
    [
        "a filter on the handler drops it",
        "a second filter on the handler changes it",
        "the request-id filter replaced",
        "the handler's level is WARNING",
        "another formatter",
        "the formatter's date format",
        "the formatter's millisecond format",
    ],
)
def test_the_handler_declines_a_message_it_cannot_vouch_for(
    logged: tuple[RecordTemplate, logging.Handler, io.StringIO], change: str
) -> None:
    template, handler, stream = _alone(logged)
    CHANGES[change][0](template, handler)
    assert handler.write_message(template.logger.name, logging.INFO, "INFO", "m") is False
    assert _written(handler, stream) == []


def test_a_record_factory_gets_the_record(
    logged: tuple[RecordTemplate, logging.Handler, io.StringIO],
) -> None:
    template, handler, stream = _alone(logged)
    original = logging.getLogRecordFactory()
    made: list[logging.LogRecord] = []

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        made.append(original(*args, **kwargs))
        return made[-1]

    logging.setLogRecordFactory(factory)
    try:
        template.log(ARGS)
    finally:
        logging.setLogRecordFactory(original)
    assert len(made) == 1
    assert len(_written(handler, stream)) == 1


class Broken(io.StringIO):
    def write(self, text: str) -> int:
        raise OSError("disk gone")


def test_a_broken_stream_is_reported_as_logging_reports_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    handler = log_handler(Broken())
    logger = logging.getLogger("apistack.test.message_lines.broken")
    logger.propagate, logger.level = False, logging.INFO
    logger.addHandler(handler)
    try:
        RecordTemplate(logger, logging.INFO, MSG, "RequestLog", __file__).log(ARGS)
    finally:
        logger.removeHandler(handler)
    report = capsys.readouterr().err
    assert "--- Logging error ---" in report
    assert "OSError: disk gone" in report
