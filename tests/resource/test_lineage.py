"""The nova lineage's Request, fault and serializer names (cinder, manila, nova 31 call them)."""

from __future__ import annotations

import json
import time

import pytest
import webob

from apistack.faults import Fault, OverLimitFault
from apistack.resource import APISettings
from apistack.resource.exceptions import MalformedRequestBody, VersionNotSupported
from apistack.resource.request import Request
from apistack.resource.serializers import (
    ActionDispatcher,
    JSONDeserializer,
    JSONDictSerializer,
)
from apistack.resource.versions import APIVersionRequest

VOLUME = APISettings(service_type="volume", min_version="3.0", max_version="3.71")


class VolumeRequest(Request):
    api_settings = VOLUME
    db_item_kinds = {"volumes": "volume"}

    def available_languages(self) -> list[str]:
        return ["de", "en-US", "zh-CN"]


def test_resource_caches_by_name_and_id() -> None:
    req = Request.blank("/volumes")
    assert req.cached_resource() is None
    req.cache_resource([{"id": "a"}, {"id": "b"}])
    req.cache_resource({"uuid": "t1"}, id_attribute="uuid", name="types")
    assert req.cached_resource() == {"a": {"id": "a"}, "b": {"id": "b"}}
    assert req.cached_resource_by_id("t1", "types") == {"uuid": "t1"}
    assert req.cached_resource_by_id("zz") is None
    req.cache_db_items("snapshots", [{"id": "s1"}])
    assert req.get_db_item("snapshots", "s1") == {"id": "s1"}
    assert req.get_db_items("nothing") is None


def test_db_item_kinds_make_the_named_methods() -> None:
    req = VolumeRequest.blank("/")
    req.cache_db_volumes([{"id": "v1"}])
    req.cache_db_volume({"id": "v2"})  # type: ignore[attr-defined]
    assert set(req.get_db_volumes()) == {"v1", "v2"}  # type: ignore[attr-defined]
    assert req.get_db_volume("v2") == {"id": "v2"}  # type: ignore[attr-defined]
    assert not hasattr(Request, "cache_db_volumes")


@pytest.mark.parametrize(
    ("header", "expected"),
    [("de;q=0.4, zh-CN", "zh-CN"), ("fr", None), ("", None), (None, None)],
)
def test_best_match_language(header: str | None, expected: str | None) -> None:
    headers = {} if header is None else {"Accept-Language": header}
    assert VolumeRequest.blank("/", headers=headers).best_match_language() == expected
    assert Request.blank("/", headers=headers).best_match_language() is None


def test_set_api_version_request_negotiates_with_the_api_settings() -> None:
    req = VolumeRequest.blank("/", headers={"OpenStack-API-Version": "volume 3.5"})
    req.set_api_version_request(req.url)
    assert req.api_version_request == APIVersionRequest("3.5")
    req = VolumeRequest.blank("/", headers={"OpenStack-API-Version": "volume 9.0"})
    with pytest.raises(VersionNotSupported):
        req.set_api_version_request()


def test_media_types_follow_the_api() -> None:
    req = VolumeRequest.blank("/", headers={"Accept": "application/vnd.openstack.volume+json"})
    assert req.best_match_content_type() == "application/vnd.openstack.volume+json"


def test_over_limit_fault_has_retry_after_and_details() -> None:
    fault = OverLimitFault("Too many", "1 GET per minute", time.time() + 59.2)
    response = webob.Request.blank("/").get_response(fault)
    assert response.status_int == 413
    assert response.headers["Retry-After"] == "60"
    assert response.json == {
        "overLimitFault": {"code": 413, "message": "Too many", "details": "1 GET per minute"}
    }
    assert Fault(404).status_int == 404


def test_serializers() -> None:
    class Echo(ActionDispatcher):
        def create(self, data: str) -> str:
            return f"created {data}"

        def default(self, data: str) -> str:
            return "default"

    assert Echo().dispatch("x", action="create") == "created x"
    assert Echo().dispatch("x", action="nothing") == "default"
    assert json.loads(JSONDictSerializer().serialize({"a": {1, 2}})) == {"a": [1, 2]}
    assert JSONDeserializer().deserialize('{"a": 1}') == {"body": {"a": 1}}
    with pytest.raises(MalformedRequestBody):
        JSONDeserializer().deserialize("{")
