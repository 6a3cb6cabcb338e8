"""exception_statuses: entries of modules nobody imported yet wait, and still map once loaded."""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import webob

from apistack.filters import FaultWrap
from apistack.filters.exception_statuses import exception_status_table, mapped_status


@pytest.fixture
def lazy_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """:returns: the name of an importable module defining ``Outage`` and ``NotAClass``,
    not imported yet."""
    name = "apistack_lazy_outage"
    (tmp_path / f"{name}.py").write_text(
        "class Outage(Exception):\n    pass\n\n\nclass Deeper(Outage):\n    pass\n\n\n"
        "NotAClass = 3\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name
    sys.modules.pop(name, None)


def raising(exc: Exception) -> Any:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        raise exc

    return app


def test_an_entry_waits_until_its_module_is_imported(lazy_module: str) -> None:
    table = exception_status_table([f"{lazy_module}:Outage=503"])
    assert lazy_module not in sys.modules
    assert dict(table) == {}
    module = importlib.import_module(lazy_module)
    app = FaultWrap(raising(module.Deeper()), exception_statuses=table)
    assert webob.Request.blank("/").get_response(app).status_int == 503
    assert table == {module.Outage: 503}


def test_an_entry_of_an_imported_module_is_resolved_when_built(lazy_module: str) -> None:
    module = importlib.import_module(lazy_module)
    assert exception_status_table({f"{lazy_module}.Outage": 502}) == {module.Outage: 502}


def test_a_missing_package_is_rejected_when_built() -> None:
    with pytest.raises(ValueError, match="cannot import"):
        exception_status_table(["apistack_no_such_package.errors:Outage=503"])


def test_a_waiting_entry_that_names_no_exception_is_dropped_with_a_warning(
    lazy_module: str, caplog: pytest.LogCaptureFixture
) -> None:
    table = exception_status_table([f"{lazy_module}:NotAClass=503", f"{lazy_module}:Outage=504"])
    module = importlib.import_module(lazy_module)
    with caplog.at_level(logging.WARNING, logger="apistack.filters.exception_statuses"):
        assert mapped_status(module.Outage(), table) == 504
    assert "is not an exception class" in caplog.text
    assert table.pending == {}
