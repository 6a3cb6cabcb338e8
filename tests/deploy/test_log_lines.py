"""``LogLineFormatter`` writes what ``logging.Formatter`` writes, for every kind of record."""

from __future__ import annotations

import logging
import sys

import pytest

from apistack.deploy.logs import LOG_FORMAT, LogLineFormatter


def _record(created: float, **fields: object) -> logging.LogRecord:
    record = logging.LogRecord(
        "apistack.request_log", logging.INFO, __file__, 7, '%s "%s" time: %.6f',
        ("127.0.0.1", "GET /v2.1/servers", 0.000123), None,
    )  # fmt: skip
    record.created, record.msecs = created, (created - int(created)) * 1000
    record.request_id = "req-1"
    record.__dict__.update(fields)
    return record


def _failure() -> object:
    try:
        raise ValueError("boom")
    except ValueError:
        return sys.exc_info()


SECONDS = (1_700_000_000.0, 1_700_000_000.999, 1_700_000_001.5, 1_700_000_000.25)


@pytest.mark.parametrize(
    ("fmt", "datefmt", "style"),
    [
        (LOG_FORMAT, None, "%"),
        (LOG_FORMAT, "%H:%M", "%"),
        ("%(message)s", None, "%"),
        ("{asctime} {levelname} {message}", None, "{"),
    ],
)
@pytest.mark.parametrize(
    "fields",
    [{}, {"exc_info": _failure()}, {"stack_info": "Stack (most recent call last): here"}],
    ids=["plain", "exception", "stack"],
)
def test_lines_are_those_of_the_standard_formatter(
    fmt: str, datefmt: str | None, style: str, fields: dict[str, object]
) -> None:
    ours = LogLineFormatter(fmt, datefmt, style)  # type: ignore[arg-type]
    standard = logging.Formatter(fmt, datefmt, style)  # type: ignore[arg-type]
    for created in SECONDS:  # back in time too: the cached second must not stick
        assert ours.format(_record(created, **fields)) == standard.format(
            _record(created, **fields)
        )
