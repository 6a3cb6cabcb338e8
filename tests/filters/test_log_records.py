"""log_records: the request log's records are the records ``logging`` itself would make."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from apistack.filters.log_records import RecordTemplate

MSG = '%s "%s %s" status: %s'
ARGS = ("192.0.2.1", "GET", "/v2.1/servers", "200")
TIMED = {"created", "msecs", "relativeCreated"}


@pytest.fixture
def logger() -> logging.Logger:
    return logging.getLogger("apistack.test_log_records")


def _made(logger: logging.Logger) -> logging.LogRecord:
    return logger.makeRecord(logger.name, logging.INFO, __file__, 0, MSG, ARGS, None, "fn")


def test_a_record_has_every_field_logging_sets_with_the_same_values(
    logger: logging.Logger,
) -> None:
    ours = RecordTemplate(logger, logging.INFO, MSG, "fn", __file__).record(ARGS)
    theirs = _made(logger)
    assert type(ours) is logging.LogRecord
    assert set(vars(ours)) == set(vars(theirs))
    for name in set(vars(theirs)) - TIMED:
        assert getattr(ours, name) == getattr(theirs, name), name
    assert abs(ours.created - theirs.created) < 5
    assert 0 <= ours.msecs < 1000
    assert ours.getMessage() == theirs.getMessage() == '192.0.2.1 "GET /v2.1/servers" status: 200'


def test_records_made_in_another_thread_name_it(logger: logging.Logger) -> None:
    template = RecordTemplate(logger, logging.INFO, MSG, "fn", __file__)
    made: list[logging.LogRecord] = []
    worker = threading.Thread(target=lambda: made.append(template.record(ARGS)), name="w-7")
    worker.start()
    worker.join()
    assert made[0].threadName == "w-7"
    assert made[0].thread == worker.ident


@pytest.fixture
def custom_factory() -> Iterator[None]:
    original = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = original(*args, **kwargs)
        record.custom = True
        return record

    logging.setLogRecordFactory(factory)
    yield
    logging.setLogRecordFactory(original)


@pytest.mark.usefixtures("custom_factory")
def test_a_deployment_s_record_factory_is_used(logger: logging.Logger) -> None:
    record = RecordTemplate(logger, logging.INFO, MSG, "fn", __file__).record(ARGS)
    assert getattr(record, "custom", False) is True
    assert record.getMessage().startswith("192.0.2.1")


def test_a_forked_child_s_records_carry_its_own_process_id(
    logger: logging.Logger, tmp_path: Path
) -> None:
    template = RecordTemplate(logger, logging.INFO, MSG, "fn", __file__)
    out = tmp_path / "child"
    pid = os.fork()
    if pid == 0:  # the child: write what its record says, then leave at once
        out.write_text(f"{os.getpid()} {template.record(ARGS).process}")
        os._exit(0)
    os.waitpid(pid, 0)
    child, recorded = out.read_text().split()
    assert child == recorded == str(pid)
    assert template.record(ARGS).process == os.getpid()
