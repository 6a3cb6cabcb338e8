"""``apistack.wsgi``: the app from environment variables, one-line errors, request ids in logs."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import webtest

import apistack.wsgi
from apistack.deploy import LoadError, configure_logging
from apistack.wsgi import init_application

REPO = Path(__file__).resolve().parents[2]
API_PASTE = str(REPO / "paste-examples" / "api-paste.ini")


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_every_log_line_of_a_request_carries_its_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    environ = {
        "APISTACK_PASTE_CONFIG": API_PASTE,
        "APISTACK_PASTE_GLOBALS": f"state_dir={tmp_path}, compute_max_version=2.5",
    }
    app = webtest.TestApp(init_application(environ=environ))
    response = app.get("/v2.1/flavors/1", headers={"X-Auth-Token": "demo:demo"})
    missing = app.get("/v2.1/flavors/nope", headers={"X-Auth-Token": "demo:demo"}, status=404)
    err = capsys.readouterr().err
    for answer in (response, missing):
        request_id = answer.headers["x-openstack-request-id"]
        lines = [line for line in err.splitlines() if request_id in line]
        assert lines, err
        assert all(f" [{request_id}] " in line for line in lines)
    assert f"INFO apistack.wsgi [-] serving 'osapi_compute' from {API_PASTE}" in err


def test_the_app_name_comes_from_the_environment(tmp_path: Path) -> None:
    environ = {"APISTACK_PASTE_CONFIG": API_PASTE, "APISTACK_PASTE_APP": "oscomputeversions",
               "APISTACK_LOG_LEVEL": "none"}  # fmt: skip
    body = webtest.TestApp(init_application(environ=environ)).get("/", status=200).json
    assert [v["id"] for v in body["versions"]] == ["v2.0", "v2.1"]


def test_a_service_module_gives_its_own_defaults(tmp_path: Path) -> None:
    quiet = {"APISTACK_LOG_LEVEL": "none"}
    app = init_application(API_PASTE, "oscomputeversion_v2", environ=quiet)
    assert webtest.TestApp(app).get("/", status=200).json["version"]["id"] == "v2.1"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({}, "APISTACK_PASTE_CONFIG is not set: it names the paste ini to serve"),
        ({"APISTACK_PASTE_CONFIG": "/nope.ini"}, "config file not found: /nope.ini"),
        ({"APISTACK_PASTE_CONFIG": API_PASTE, "APISTACK_PASTE_APP": "nope"},
         f"no app 'nope' in {API_PASTE} (apps: osapi_compute, "),
        ({"APISTACK_PASTE_CONFIG": API_PASTE, "APISTACK_PASTE_GLOBALS": "auth_stratgy=x"},
         f"no section of {API_PASTE} reads the global 'auth_stratgy'"),
        ({"APISTACK_PASTE_CONFIG": API_PASTE, "APISTACK_PASTE_GLOBALS": "novalue"},
         "a global is KEY=VALUE, not 'novalue'"),
        ({"APISTACK_PASTE_CONFIG": API_PASTE, "APISTACK_LOG_LEVEL": "LOUD"},
         "APISTACK_LOG_LEVEL: unknown log level 'LOUD'"),
    ],
)  # fmt: skip
def test_mistakes_are_one_line_on_stderr(
    environ: dict[str, str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(LoadError):
        init_application(environ=environ)
    err = capsys.readouterr().err
    assert err.startswith(f"apistack: error: {message}") and err.count("\n") == 1


def test_application_is_built_on_first_access(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(apistack.wsgi, "_application", None)
    monkeypatch.setenv("APISTACK_PASTE_CONFIG", API_PASTE)
    monkeypatch.setenv("APISTACK_PASTE_APP", "oscomputeversions")
    monkeypatch.setenv("APISTACK_LOG_LEVEL", "none")
    from apistack.wsgi import application

    assert application is apistack.wsgi.application
    assert webtest.TestApp(application).get("/", status=200)
    with pytest.raises(AttributeError):
        apistack.wsgi.nothing  # noqa: B018


def test_configure_logging_twice_writes_each_line_once(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO")
    configure_logging("INFO")
    logging.getLogger("apistack.test").info("once")
    assert capsys.readouterr().err.count("once") == 1
