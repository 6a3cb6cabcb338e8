"""``apistack.openapi``: the example's document validates for every microversion, and it
describes every route ``apistack routes`` lists."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from apistack.cmd.main import main
from apistack.cmd.routes import route_rows
from apistack.deploy import load_app
from apistack.examples.compute.routes import HIGHEST_MAX_VERSION
from apistack.openapi import OpenAPIError, openapi_document
from apistack.router.syntax import to_openapi_path

API_PASTE = str(Path(__file__).resolve().parents[2] / "paste-examples" / "api-paste.ini")
HIGHEST_MINOR = int(HIGHEST_MAX_VERSION.split(".")[1])
MICROVERSIONS = [f"2.{minor}" for minor in range(1, HIGHEST_MINOR + 1)]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    state = tmp_path_factory.mktemp("openapi-state")
    conf = {"state_dir": str(state), "compute_max_version": HIGHEST_MAX_VERSION}
    return load_app(API_PASTE, "osapi_compute", conf)


def _operations(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in document["paths"].items() for method in item}


@pytest.mark.parametrize("microversion", [*MICROVERSIONS, None])
def test_the_document_validates(app: Any, microversion: str | None) -> None:
    document = openapi_document(app, microversion)
    validate(document)
    assert document["openapi"] == "3.1.0"
    json.dumps(document)  # JSON-ready: no sets, tuples of versions or other objects


def test_every_route_of_apistack_routes_is_described(app: Any) -> None:
    document = openapi_document(app)
    servers = [server["url"] for server in document["servers"]]
    described = {
        (method, server + path) for method, path in _operations(document) for server in servers
    }
    rows = [row for row in route_rows(app) if row[3] != "redirect"]
    assert rows
    missing = [row for row in rows if (row[0], to_openapi_path(row[1])) not in described]
    assert missing == []


def test_one_microversion_documents_only_what_it_serves(app: Any) -> None:
    old = openapi_document(app, "2.1")
    new = openapi_document(app, "2.19")
    create = "/servers", "post"

    def body(document: dict[str, Any]) -> dict[str, Any]:
        item = document["paths"][create[0]][create[1]]
        schema: dict[str, Any] = item["requestBody"]["content"]["application/json"]["schema"]
        return schema["properties"]["server"]["properties"]

    assert "description" not in body(old)
    assert "description" in body(new)
    header = new["paths"]["/servers"]["get"]["parameters"][-1]
    assert header["name"] == "OpenStack-API-Version"
    assert header["example"] == "compute 2.19"


def test_the_whole_range_marks_versioned_bodies_and_actions(app: Any) -> None:
    document = openapi_document(app)
    assert document["info"]["x-openstack"] == {"min-ver": "2.1", "max-ver": HIGHEST_MAX_VERSION}
    create = document["paths"]["/servers"]["post"]["requestBody"]["content"]
    ranges = [member["x-openstack"] for member in create["application/json"]["schema"]["anyOf"]]
    # 2.0: the legacy /v2 body (the 2.1 schema, unknown keys dropped), as nova's create_v20
    legacy = {"min-ver": "2.0", "max-ver": "2.0"}
    assert ranges == [legacy, {"min-ver": "2.1", "max-ver": "2.18"}, {"min-ver": "2.19"}]
    action = document["paths"]["/servers/{id}/action"]["post"]
    members = action["requestBody"]["content"]["application/json"]["schema"]["oneOf"]
    names = {member["x-openstack"]["action-name"] for member in members}
    assert names == {"reboot", "os-stop", "os-start"}
    assert "409" in action["responses"] and "404" in action["responses"]


def test_faults_have_novas_shape(app: Any) -> None:
    document = openapi_document(app)
    responses = document["components"]["responses"]
    schema = responses["itemNotFound404"]["content"]["application/json"]["schema"]
    assert schema["required"] == ["itemNotFound"]
    assert schema["properties"]["itemNotFound"]["properties"]["code"]["const"] == 404


def test_the_project_prefix_is_one_server_not_twice_the_paths(app: Any) -> None:
    document = openapi_document(app)
    assert not any("project_id" in path for path in document["paths"])
    urls = [server["url"] for server in document["servers"]]
    assert urls == ["/v2.1", "/v2.1/{project_id}", "/v2", "/v2/{project_id}"]


@pytest.mark.parametrize("microversion", ["2.0", "2.26", "two"])
def test_a_microversion_the_api_does_not_serve_is_refused(app: Any, microversion: str) -> None:
    with pytest.raises(OpenAPIError):
        openapi_document(app, microversion)


def _command(
    capsys: pytest.CaptureFixture[str], state: Path, version: str
) -> tuple[int, str, str]:
    argv = ["openapi", API_PASTE, "--global", f"state_dir={state}", "--microversion", version]
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_the_command_prints_the_document(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _err = _command(capsys, tmp_path, "2.19")
    assert code == 0
    document = json.loads(out)
    assert document["info"]["version"] == "2.19"
    validate(document)


def test_the_command_refuses_an_unserved_microversion_with_one_error_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _out, err = _command(capsys, tmp_path, "2.99")
    assert code == 2
    # Only the error line: other lines are log records (the noauth warning) when an earlier
    # test left logging configured to stderr.
    [line] = [line for line in err.splitlines() if line.startswith("apistack: error: ")]
    assert "2.99" in line
