"""faultwrap's table: entries of modules nobody imported yet wait, and still map once loaded."""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import webob

from apistack.errors import ErrorTable
from apistack.filters import FaultWrap


@pytest.fixture
def lazy_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """:returns: the name of an importable module defining ``Outage``, ``Deeper`` and
    ``NotAClass``, not imported yet."""
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
    app = FaultWrap(raising(ValueError()), exception_statuses=[f"{lazy_module}:Outage=503"])
    assert lazy_module not in sys.modules
    module = importlib.import_module(lazy_module)
    app.application = raising(module.Deeper())
    assert webob.Request.blank("/").get_response(app).status_int == 503


def test_a_missing_package_is_rejected_when_built() -> None:
    with pytest.raises(ValueError, match="cannot import"):
        ErrorTable(["apistack_no_such_package.errors:Outage=503"])


def test_a_waiting_entry_that_names_no_exception_is_dropped_with_a_warning(
    lazy_module: str, caplog: pytest.LogCaptureFixture
) -> None:
    table = ErrorTable([f"{lazy_module}:NotAClass=503", f"{lazy_module}:Outage=504"])
    module = importlib.import_module(lazy_module)
    with caplog.at_level(logging.WARNING, logger="apistack.errors"):
        assert table.status(module.Outage()) == 504
    assert "NotAClass" in caplog.text
