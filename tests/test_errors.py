"""One exception-to-status table: faultwrap, request_log, Resource and the versions app agree,
and every 5xx is logged exactly once with its request id."""

from __future__ import annotations

import importlib
import logging
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import webob
import webob.exc
from keystoneauth1.exceptions import ConnectTimeout

from apistack.apps.versions import Versions, versions_factory
from apistack.errors import ErrorTable
from apistack.filters import FaultWrap, RequestId, RequestLog
from apistack.resource import Controller, NotFound, Request, Resource
from apistack.resource.versions import APISettings

REQUEST_ID = "req-11111111-2222-4333-8444-555555555555"


class OutageError(Exception):
    """A service's own exception, mapped by the deployment's faultwrap table."""


class StringCode(Exception):
    """As every SQLAlchemy error: a ``code`` that is not an HTTP status."""

    code = "e3q8"


class Declared503(Exception):
    code = 503


EXCEPTIONS: list[tuple[Callable[[], BaseException], int]] = [
    (lambda: ConnectTimeout("Keystone hangs"), 503),
    (lambda: OutageError("down"), 502),
    (lambda: StringCode("database is locked"), 500),
    (lambda: Declared503("busy"), 503),
    (lambda: NotFound(), 404),
    (lambda: webob.exc.HTTPConflict(), 409),
    (lambda: webob.exc.HTTPBadGateway(), 502),
    (lambda: ValueError("a bug"), 500),
]
TABLE = [
    "keystoneauth1.exceptions.connection:ConnectionError=503",
    f"{__name__}:OutageError=502",
]


class Raiser(Controller):
    def __init__(self, make: Callable[[], BaseException]) -> None:
        super().__init__()
        self.make = make

    def index(self, req: Request) -> dict[str, Any]:
        raise self.make()


class RaisingVersions(Versions):
    def __init__(self, make: Callable[[], BaseException]) -> None:
        base = versions_factory({}, versions="v2.1", **{"v2.1.status": "CURRENT"})
        super().__init__(base.versions)
        self.make = make

    def _answer(self, req: Request) -> Any:
        raise self.make()


def _resource(make: Callable[[], BaseException]) -> Any:
    resource = Resource(Raiser(make), APISettings(min_version="2.1", max_version="2.5"))

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        environ["wsgiorg.routing_args"] = ((), {"action": "index"})
        return resource(environ, start_response)

    return app


def _raising(make: Callable[[], BaseException]) -> Any:
    def app(environ: dict[str, Any], start_response: Any) -> Any:
        raise make()

    return app


def _stack(inner: Any) -> Any:
    return RequestId(FaultWrap(RequestLog(inner), exception_statuses=TABLE))


def _serve(app: Any) -> webob.Response:
    req = webob.Request.blank("/v2.1/things", headers={"X-OpenStack-Request-ID": REQUEST_ID})
    return req.get_response(app)


def _logged_status(caplog: pytest.LogCaptureFixture) -> str:
    [line] = [r.getMessage() for r in caplog.records if r.name == "apistack.request_log"]
    return line.split("status: ", 1)[1].split()[0]


def _problems(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [
        r for r in caplog.records if r.levelno >= logging.WARNING and r.name.startswith("apistack")
    ]


@pytest.mark.parametrize("inner", [_raising, _resource, RaisingVersions], ids=lambda f: f.__name__)
@pytest.mark.parametrize(("make", "status"), EXCEPTIONS)
def test_every_layer_answers_and_logs_the_same_status(
    inner: Any, make: Callable[[], BaseException], status: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    response = _serve(_stack(inner(make)))
    assert response.status_int == status
    assert response.json[next(iter(response.json))]["code"] == status
    assert _logged_status(caplog) == str(status)
    problems = _problems(caplog)
    if status >= 500:
        [record] = problems
        request_id = response.headers["X-OpenStack-Request-ID"]
        assert request_id in record.getMessage()
    else:
        assert problems == []


@pytest.mark.parametrize(("make", "status"), EXCEPTIONS[2:])
def test_without_faultwrap_each_layer_uses_the_default_table(
    make: Callable[[], BaseException], status: int
) -> None:
    table = ErrorTable()
    assert table.status(make()) == status
    assert _serve(_resource(make)).status_int == status
    assert _serve(RaisingVersions(make)).status_int == status


def test_a_string_code_is_a_logged_500_with_a_traceback(caplog: pytest.LogCaptureFixture) -> None:
    response = _serve(RequestId(_resource(lambda: StringCode("database is locked"))))
    assert response.status_int == 500
    assert "database" not in response.text
    [record] = _problems(caplog)
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    assert response.headers["X-OpenStack-Request-ID"] in record.getMessage()


def test_a_bug_in_the_versions_app_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    response = _serve(RequestId(RaisingVersions(lambda: KeyError("oops"))))
    assert response.status_int == 500
    assert "oops" not in response.text
    [record] = _problems(caplog)
    assert record.name == "apistack.apps.versions"
    assert record.exc_info is not None


def test_the_most_specific_class_in_the_mro_wins() -> None:
    class Deeper(OutageError):
        pass

    table = ErrorTable({OutageError: 502, Deeper: 504})
    assert table.status(Deeper()) == 504
    assert table.status(OutageError()) == 502
    assert ErrorTable({Exception: 503}).status(Declared503()) == 503


def test_the_default_table_imports_no_keystoneauth() -> None:
    code = (
        "import sys, webob\n"
        "from apistack.filters import FaultWrap\n"
        "from apistack.errors import DEFAULT_ERROR_TABLE\n"
        "app = FaultWrap(lambda e, s: [])\n"
        "assert DEFAULT_ERROR_TABLE.status(ValueError()) == 500\n"
        "assert 'keystoneauth1' not in sys.modules, 'imported'\n"
        "from keystoneauth1.exceptions import ConnectFailure\n"
        "assert DEFAULT_ERROR_TABLE.status(ConnectFailure()) == 503\n"
        "assert app.error_table.status(ConnectFailure()) == 503\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# Entries of modules nobody imported yet wait, and still map once loaded.


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


def test_an_entry_waits_until_its_module_is_imported(lazy_module: str) -> None:
    app = FaultWrap(_raising(ValueError), exception_statuses=[f"{lazy_module}:Outage=503"])
    assert lazy_module not in sys.modules
    module = importlib.import_module(lazy_module)
    app.application = _raising(module.Deeper)
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
