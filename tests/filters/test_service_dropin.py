"""The options that make apistack's filters drop-ins in front of a service's own Resource.

nova's and cinder's ``Resource`` keep the negotiated version on their WebOb request; a service's
config file carries filter options (``[oslo_middleware]`` and ``[apistack_<filter>]``); cinder's
filters differ from nova's in ways options select. ``tests/downstream/dropin`` checks the same
against the real services; these run anywhere.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import webob
from oslo_config import cfg

from apistack.filters import FaultWrap, KeystoneContext, RequestId, SizeLimit
from apistack.filters.service_config import service_config
from tests.filters.apps import Recorder


class NovaVersion:
    """What nova's Resource stores as ``req.api_version_request``."""

    def __init__(self, version: str) -> None:
        self.version = version

    def is_null(self) -> bool:
        return False

    def get_string(self) -> str:
        return self.version


def novas_resource_raising(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    webob.Request(environ).api_version_request = NovaVersion("2.75")
    if environ["PATH_INFO"].endswith("/bug"):
        raise ZeroDivisionError("a bug")
    raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")


def test_faultwraps_500_behind_novas_resource_has_novas_version_headers() -> None:
    req = webob.Request.blank("/v2.1/flavors/bug")
    resp = req.get_response(FaultWrap(novas_resource_raising))
    assert resp.status_int == 500
    assert resp.headers["OpenStack-API-Version"] == "compute 2.75"
    assert resp.headers["X-OpenStack-Nova-API-Version"] == "2.75"
    assert resp.headers.getall("Vary") == ["OpenStack-API-Version", "X-OpenStack-Nova-API-Version"]


def test_an_escaped_undecodable_input_is_a_400_with_the_version_headers() -> None:
    resp = webob.Request.blank("/v2.1/flavors").get_response(FaultWrap(novas_resource_raising))
    assert resp.status_int == 400
    assert resp.json["badRequest"]["code"] == 400
    assert resp.headers["OpenStack-API-Version"] == "compute 2.75"
    assert resp.headers["X-OpenStack-Nova-API-Version"] == "2.75"
    assert resp.headers.getall("Vary") == ["OpenStack-API-Version", "X-OpenStack-Nova-API-Version"]


def test_faultwrap_with_cinders_values() -> None:
    app = FaultWrap(
        novas_resource_raising,
        service_type="volume",
        legacy_version_header="",
        request_id_headers=["x-compute-request-id"],
    )
    req = webob.Request.blank("/v3/p/volumes")
    req.environ["openstack.request_id"] = "req-1"
    resp = req.get_response(app)
    assert resp.headers["OpenStack-API-Version"] == "volume 2.75"
    assert "X-OpenStack-Nova-API-Version" not in resp.headers
    assert resp.headers.getall("Vary") == ["OpenStack-API-Version"]
    assert resp.headers["x-compute-request-id"] == "req-1"


def test_a_rewritten_webob_json_error_has_no_html() -> None:
    def webob_404(environ: dict[str, Any], start_response: Any) -> Any:
        return webob.exc.HTTPNotFound()(environ, start_response)

    req = webob.Request.blank("/nosuch", headers={"Accept": "application/json"})
    body = req.get_response(FaultWrap(webob_404)).json
    assert body == {"itemNotFound": {"code": 404, "message": "The resource could not be found."}}


def _write(path: Path, text: str) -> str:
    path.write_text(text)
    return str(path)


def test_sizelimit_reads_the_services_config_file(tmp_path: Path) -> None:
    conf = _write(tmp_path / "svc.conf", "[oslo_middleware]\nmax_request_body_size = 10\n")
    paste = {"oslo_config_project": "svc", "oslo_config_file": conf}
    limiter = SizeLimit.factory(paste)(Recorder())
    assert limiter.max_request_body_size == 10
    # the ini wins over the file, as with oslo.middleware
    limiter = SizeLimit.factory({}, max_request_body_size="20", **paste)(Recorder())
    assert limiter.max_request_body_size == 20


def test_apistacks_own_group_wins_over_oslos(tmp_path: Path) -> None:
    conf = _write(
        tmp_path / "svc2.conf",
        "[oslo_middleware]\nmax_request_body_size = 10\n"
        "[apistack_sizelimit]\nmax_request_body_size = 30\n"
        "[apistack_request_id]\ncompat_headers = x-a,x-b\n",
    )
    paste = {"oslo_config_project": "svc2", "oslo_config_file": conf}
    assert SizeLimit.factory(paste)(Recorder()).max_request_body_size == 30
    assert RequestId.factory(paste)(Recorder()).compat_headers == ["x-a", "x-b"]


def test_without_a_project_an_unparsed_global_conf_is_not_read() -> None:
    assert "config_file" not in cfg.CONF
    assert service_config({}) is None


def test_keystone_context_star_keeps_the_whole_catalog(recorder: Recorder) -> None:
    catalog = [{"type": kind} for kind in ("identity", "compute", "object-store", "image")]
    headers = {
        "HTTP_X_IDENTITY_STATUS": "Confirmed",
        "HTTP_X_USER_ID": "u1",
        "HTTP_X_PROJECT_ID": "p1",
        "HTTP_X_SERVICE_CATALOG": json.dumps(catalog),
    }
    for service_types, kept in ((["*"], 4), (None, 1)):
        kwargs = {} if service_types is None else {"service_types": service_types}
        req = webob.Request.blank("/", environ=dict(headers))
        assert req.get_response(KeystoneContext(recorder, **kwargs)).status_int == 200
        assert recorder.environ is not None
        assert len(recorder.environ["openstack.context"].service_catalog) == kept


@pytest.mark.parametrize("inbound", [None, "req-7f1c7f9e-3d1b-4a54-9c38-1e1b6b8c2f00"])
def test_request_id_placeholder_context(recorder: Recorder, inbound: str | None) -> None:
    app = RequestId.factory(
        {},
        compat_headers="",
        context_key="cinder.context",
        context_class="oslo_context.context:RequestContext",
    )(recorder)
    headers = {"X-OpenStack-Request-ID": inbound} if inbound else {}
    resp = webob.Request.blank("/", headers=headers).get_response(app)
    assert recorder.environ is not None
    placeholder = recorder.environ["cinder.context"]
    assert placeholder.request_id == resp.headers["x-openstack-request-id"]
    assert placeholder.global_request_id == inbound
    assert "x-compute-request-id" not in resp.headers
