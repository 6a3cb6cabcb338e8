"""The example ini's ``/healthcheck``: oslo.middleware's healthcheck, outside the pipelines."""

from __future__ import annotations

import configparser
from pathlib import Path

import webtest

from apistack.deploy import load_app

REPO = Path(__file__).resolve().parents[2]
API_PASTE = REPO / "paste-examples" / "api-paste.ini"


def test_healthcheck_answers_without_a_token(tmp_path: Path) -> None:
    app = webtest.TestApp(load_app(str(API_PASTE), "osapi_compute", {"state_dir": str(tmp_path)}))
    response = app.get("/healthcheck", status=200)
    assert response.text == "OK"


def test_the_disable_file_takes_the_node_out_of_rotation(tmp_path: Path) -> None:
    parser = configparser.RawConfigParser()
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(API_PASTE)
    flag = tmp_path / "healthcheck_disable"
    parser.set("app:healthcheck", "disable_by_file_path", str(flag))
    ini = tmp_path / "api-paste.ini"
    with ini.open("w") as out:
        parser.write(out)
    app = webtest.TestApp(load_app(str(ini), "osapi_compute", {"state_dir": str(tmp_path)}))
    app.get("/healthcheck", status=200)
    flag.write_text("")
    assert app.get("/healthcheck", status=503).text == "DISABLED BY FILE"
