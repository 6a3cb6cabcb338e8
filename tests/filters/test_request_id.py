"""request_id: a fresh id per request, on every response; the inbound id only if valid."""

from __future__ import annotations

import re
import uuid

import pytest
import webob
from oslo_config import cfg
from oslo_middleware import request_id as oslo_request_id

from apistack.filters import FaultWrap, RequestId
from apistack.filters.request_id import generate_request_id
from tests.filters.apps import Recorder, json_app

ID = re.compile(r"req-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}")
VALID_INBOUND = "req-0123abcd-0123-4567-89ab-0123456789ab"


def test_each_request_gets_a_fresh_id_in_environ_and_headers(recorder: Recorder) -> None:
    app = RequestId(recorder)
    first = webob.Request.blank("/").get_response(app)
    assert recorder.environ is not None
    request_id = recorder.environ["openstack.request_id"]
    assert ID.fullmatch(request_id)
    assert first.headers["x-openstack-request-id"] == request_id
    assert first.headers["x-compute-request-id"] == request_id
    second = webob.Request.blank("/").get_response(app)
    assert second.headers["x-openstack-request-id"] != request_id


def test_valid_inbound_id_becomes_the_global_id_and_is_not_echoed(recorder: Recorder) -> None:
    req = webob.Request.blank("/", headers={"X-OpenStack-Request-ID": VALID_INBOUND})
    resp = req.get_response(RequestId(recorder))
    assert recorder.environ is not None
    assert recorder.environ["openstack.global_request_id"] == VALID_INBOUND
    assert VALID_INBOUND not in str(resp.headers)


@pytest.mark.parametrize(
    "inbound",
    [
        VALID_INBOUND.upper().replace("REQ", "req"),
        VALID_INBOUND[4:],
        "req-foo",
        VALID_INBOUND + "\n",
        VALID_INBOUND + "\r\nX-Injected: 1",
        "req-\x00\x01\x7f",
        "r" * 10240,
        "\xff\xfe\xfd",
    ],
)
def test_invalid_inbound_id_is_ignored_and_never_echoed(recorder: Recorder, inbound: str) -> None:
    environ = webob.Request.blank("/").environ
    environ["HTTP_X_OPENSTACK_REQUEST_ID"] = inbound  # raw, as a server might pass it
    resp = webob.Request(environ).get_response(RequestId(recorder))
    assert recorder.environ is not None
    assert "openstack.global_request_id" not in recorder.environ
    for name, value in resp.headerlist:
        assert inbound not in value
        assert value.isprintable(), name
    assert ID.fullmatch(resp.headers["x-openstack-request-id"])


def test_compat_headers_are_configurable(recorder: Recorder) -> None:
    resp = webob.Request.blank("/").get_response(RequestId(recorder, compat_headers=["X-Other"]))
    assert resp.headers["x-other"] == resp.headers["x-openstack-request-id"]
    assert "x-compute-request-id" not in resp.headers
    bare = webob.Request.blank("/").get_response(RequestId(recorder, compat_headers=[]))
    assert [name for name, _ in bare.headerlist if "request-id" in name] == [
        "x-openstack-request-id"
    ]


@pytest.mark.parametrize(
    "others",
    [[], [("X-Subject-Token-Here", "a"), ("X-Openstack-Request-Ky", "b")]],
    ids=["alone", "beside-names-of-the-same-length"],
)
def test_a_header_the_app_set_is_kept(others: list[tuple[str, str]]) -> None:
    def app(environ: dict[str, object], start_response: object) -> list[bytes]:
        headers = [*others, ("X-Compute-Request-Id", "mine")]
        start_response("200 OK", headers)  # type: ignore[operator]
        return [b""]

    resp = webob.Request.blank("/").get_response(RequestId(app))
    assert resp.headers.getall("x-compute-request-id") == ["mine"]
    assert ID.fullmatch(resp.headers["x-openstack-request-id"])
    for name, value in others:
        assert resp.headers[name] == value


@pytest.mark.parametrize(("path", "status"), [("/missing", 404), ("/boom", 500)])
def test_faults_carry_the_request_id(path: str, status: int) -> None:
    resp = webob.Request.blank(path).get_response(RequestId(FaultWrap(json_app)))
    assert resp.status_int == status
    assert resp.content_type == "application/json"
    assert ID.fullmatch(resp.headers["x-openstack-request-id"])
    assert resp.headers["x-compute-request-id"] == resp.headers["x-openstack-request-id"]


def test_is_built_on_oslo_request_id(recorder: Recorder) -> None:
    filt = RequestId(recorder)
    assert isinstance(filt, oslo_request_id.RequestId)
    assert filt.compat_headers == ["x-compute-request-id"]


def test_generated_ids_are_distinct_version_4_uuids() -> None:
    ids = {generate_request_id() for _ in range(20000)}
    assert len(ids) == 20000
    for request_id in list(ids)[:200]:
        assert ID.fullmatch(request_id)
        parsed = uuid.UUID(request_id[4:])
        assert (parsed.version, parsed.variant) == (4, uuid.RFC_4122)
        assert re.fullmatch(oslo_request_id.ID_FORMAT, request_id)


def test_inherited_oslo_methods_work(recorder: Recorder) -> None:
    filt = RequestId(recorder)
    req = webob.Request.blank(
        "/", headers={"X-OpenStack-Request-ID": "req-" + "0" * 8 + "-0000-0000-0000-" + "0" * 12}
    )
    filt.set_global_req_id(req)
    assert req.environ["openstack.global_request_id"].startswith("req-0000")
    assert filt.process_request(req) is None
    response = webob.Response()
    assert filt.process_response(response) is response
    with pytest.raises(cfg.NoSuchOptError):
        filt._conf_get("no_such_option")
