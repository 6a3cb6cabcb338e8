"""The versions app: list, choices, documents, headers, link prefix and its ini form."""

from __future__ import annotations

import json
from typing import Any

import pytest
import webob

from apistack.apps.version_config import VersionsConfigError
from apistack.apps.versions import Versions, apply_link_prefix, versions_factory
from apistack.resource.negotiation import LEGACY_V2_KEY

CONF = {
    "versions": "v2.1 v2.0",
    "legacy_header": "X-OpenStack-Nova-API-Version",
    "v2.0.status": "DEPRECATED",
    "v2.0.updated": "2025-07-04T12:00:00Z",
    "v2.1.status": "CURRENT",
    "v2.1.min_version": "2.1",
    "v2.1.version": "2.19",
    "v2.1.updated": "2013-07-23T11:33:21Z",
}


def _app(**extra: str) -> Versions:
    return versions_factory({}, **{**CONF, **extra})


def _call(app: Any, path: str, script: str = "", **kwargs: Any) -> webob.Response:
    req = webob.Request.blank(path, base_url=f"http://api.test{script}", **kwargs)
    return req.get_response(app)


def test_root_lists_versions_sorted_by_id() -> None:
    response = _call(_app(), "/")
    assert response.status_int == 200
    versions = json.loads(response.body)["versions"]
    assert [v["id"] for v in versions] == ["v2.0", "v2.1"]
    assert versions[0]["links"] == [{"rel": "self", "href": "http://api.test/v2/"}]
    assert versions[1]["links"] == [{"rel": "self", "href": "http://api.test/v2.1/"}]
    assert (versions[1]["version"], versions[1]["min_version"]) == ("2.19", "2.1")
    assert (versions[0]["version"], versions[0]["min_version"]) == ("", "")
    assert "OpenStack-API-Version" not in response.headers


def test_unknown_path_is_300_choices_pointing_at_the_path() -> None:
    response = _call(_app(), "/foo/bar")
    assert response.status_int == 300
    choices = json.loads(response.body)["choices"]
    assert choices[1]["links"][0]["href"] == "http://api.test/v2.1/foo/bar"
    assert choices[0]["media-types"] == [
        {"base": "application/json", "type": "application/vnd.openstack.compute+json;version=2"}
    ]


def test_document_mode_answers_the_version_document_with_headers() -> None:
    response = _call(_app(mode="document"), "/", script="/v2.1")
    assert response.status_int == 200
    doc = json.loads(response.body)["version"]
    assert doc["id"] == "v2.1" and doc["status"] == "CURRENT"
    assert doc["links"][0] == {"rel": "self", "href": "http://api.test/v2.1/"}
    assert doc["links"][1]["rel"] == "describedby"
    assert response.headers["OpenStack-API-Version"] == "compute 2.1"
    assert response.headers["X-OpenStack-Nova-API-Version"] == "2.1"
    assert "OpenStack-API-Version" in response.headers["Vary"]


def test_document_mode_echoes_a_requested_version_and_rejects_bad_ones() -> None:
    app = _app(mode="document")
    latest = _call(app, "", script="/v2.1", headers={"OpenStack-API-Version": "compute latest"})
    assert latest.headers["OpenStack-API-Version"] == "compute 2.19"
    too_high = _call(app, "", script="/v2.1", headers={"OpenStack-API-Version": "compute 3.0"})
    assert too_high.status_int == 406
    assert "computeFault" in json.loads(too_high.body)


def test_legacy_document_has_no_version_headers() -> None:
    response = _call(_app(mode="document", document="v2.0"), "/", script="/v2")
    doc = json.loads(response.body)["version"]
    assert (doc["id"], doc["status"], doc["version"]) == ("v2.0", "DEPRECATED", "")
    assert "OpenStack-API-Version" not in response.headers


def test_legacy_request_gets_the_legacy_document() -> None:
    app = _app(mode="document", legacy_document="v2.0")
    response = _call(app, "/", script="/v2", environ={LEGACY_V2_KEY: True})
    assert json.loads(response.body)["version"]["id"] == "v2.0"
    assert "OpenStack-API-Version" not in response.headers


def test_link_prefix_rewrites_scheme_host_and_path() -> None:
    response = _call(_app(link_prefix="https://api.example.com/compute"), "/")
    hrefs = [v["links"][0]["href"] for v in json.loads(response.body)["versions"]]
    assert hrefs == [
        "https://api.example.com/compute/v2/",
        "https://api.example.com/compute/v2.1/",
    ]


def test_apply_link_prefix_without_prefix_keeps_url() -> None:
    assert apply_link_prefix("http://h/x/", None) == "http://h/x/"


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ({"v2.1.stauts": "CURRENT"}, "v2.1.stauts"),
        ({"v2.1.status": "NEW"}, "v2.1.status"),
        ({"v2.1.version": "2.x"}, "v2.1.version"),
        ({"v2.1.version": ""}, "v2.1.min_version"),
        ({"mode": "tree"}, "mode"),
        ({"document": "v9"}, "v9"),
        ({"versions": ""}, "versions"),
    ],
)
def test_bad_options_name_the_key(extra: dict[str, str], key: str) -> None:
    with pytest.raises(VersionsConfigError, match=key.replace(".", r"\.")):
        _app(**extra)
