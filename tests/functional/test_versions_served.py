"""Version discovery over real HTTP: ``apistack serve paste-examples/versions-only.ini``."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.functional.conftest import ServedStack, ServeIni

INI = Path(__file__).resolve().parents[2] / "paste-examples" / "versions-only.ini"

pytestmark = pytest.mark.served


def _get(url: str) -> tuple[int, Any, Any]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read())


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Any:
    # One server (2 workers) for the module; stopped in the finally even when a test fails.
    log = tmp_path_factory.mktemp("served") / "serve.log"
    served = ServedStack(INI, "osapi_compute", {"compute_max_version": "2.9"}, 2, log)
    served.start()
    try:
        yield served
    finally:
        served.stop()


def test_root_lists_versions(stack: ServedStack) -> None:
    status, headers, body = _get(stack.url + "/")
    assert status == 200
    assert [v["id"] for v in body["versions"]] == ["v2.0", "v2.1"]
    assert body["versions"][1]["links"][0]["href"] == stack.url + "/v2.1/"
    assert body["versions"][1]["version"] == "2.9"  # the --global reached the ini
    assert headers.get("OpenStack-API-Version") is None


@pytest.mark.parametrize("path", ["/v2.1", "/v2.1/"])
def test_v21_document(stack: ServedStack, path: str) -> None:
    status, headers, body = _get(stack.url + path)
    assert status == 200
    assert body["version"]["id"] == "v2.1"
    assert body["version"]["links"][0]["href"] == stack.url + "/v2.1/"
    assert headers["OpenStack-API-Version"] == "compute 2.1"
    assert headers["X-OpenStack-Nova-API-Version"] == "2.1"


@pytest.mark.parametrize("path", ["/v2", "/v2/"])
def test_v2_legacy_document(stack: ServedStack, path: str) -> None:
    status, headers, body = _get(stack.url + path)
    assert status == 200
    assert (body["version"]["id"], body["version"]["status"]) == ("v2.0", "DEPRECATED")
    assert body["version"]["version"] == body["version"]["min_version"] == ""
    assert headers.get("OpenStack-API-Version") is None


def test_unknown_path_is_300(stack: ServedStack) -> None:
    status, _headers, body = _get(stack.url + "/v3/things")
    assert status == 300
    assert body["choices"][1]["links"][0]["href"] == stack.url + "/v2.1/v3/things"


def test_fixture_restart_and_link_prefix(serve_ini: ServeIni) -> None:
    served = serve_ini(INI, globals={"link_prefix": "https://api.example.com/compute"})
    served.restart()
    _status, _headers, body = _get(served.url + "/")
    assert body["versions"][0]["links"][0]["href"] == "https://api.example.com/compute/v2/"
