"""The ``pipeline`` composite: all seven stages from one ini, in nova's order."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pytest
import webob
from paste.deploy import loadapp

from apistack.filters import (
    FaultWrap,
    FilterConfigError,
    KeystoneContext,
    LegacyV2,
    NoAuth,
    PipelineConfigError,
    RequestId,
    RequestLog,
    SizeLimit,
)

INI = """
[composite:osapi_compute_v21]
use = egg:apistack#pipeline
keystone = compute_req_id faultwrap request_log sizelimit keystonecontext legacy_v2_compatible app
noauth2 = compute_req_id faultwrap request_log sizelimit noauth2 legacy_v2_compatible app

[filter:compute_req_id]
use = egg:apistack#compute_req_id

[filter:faultwrap]
use = egg:apistack#faultwrap

[filter:request_log]
use = egg:apistack#request_log
logger_name = nova.api.openstack.requestlog

[filter:sizelimit]
use = egg:apistack#sizelimit
max_request_body_size = {limit}

[filter:noauth2]
use = egg:apistack#noauth2
context_key = nova.context

[filter:keystonecontext]
use = egg:apistack#keystonecontext
context_key = nova.context

[filter:legacy_v2_compatible]
use = egg:apistack#legacy_v2_compatible

[app:app]
paste.app_factory = tests.filters.apps:context_app_factory
"""
REQUEST_ID = re.compile(r"req-[0-9a-f-]{36}")


def load(tmp_path: Path, strategy: str | None, limit: str = "1024", ini: str = INI) -> Any:
    path = tmp_path / "api-paste.ini"
    path.write_text(ini.format(limit=limit))
    global_conf = {"auth_strategy": strategy} if strategy else None
    return loadapp(f"config:{path}", name="osapi_compute_v21", global_conf=global_conf)


def stages(app: Any) -> list[type]:
    found = []
    while hasattr(app, "application"):
        found.append(type(app))
        app = app.application
    return found


def test_noauth2_strategy_builds_novas_order(tmp_path: Path) -> None:
    app = load(tmp_path, "noauth2")
    assert stages(app) == [RequestId, FaultWrap, RequestLog, SizeLimit, NoAuth, LegacyV2]


def test_keystone_is_the_default_strategy(tmp_path: Path) -> None:
    app = load(tmp_path, None)
    assert stages(app) == [RequestId, FaultWrap, RequestLog, SizeLimit, KeystoneContext, LegacyV2]


def test_noauth2_stack_answers_with_ids_logs_and_context(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = load(tmp_path, "noauth2")
    headers = {"X-Auth-Token": "alice:p1", "X-Roles": "admin"}
    with caplog.at_level(logging.INFO, logger="nova.api.openstack.requestlog"):
        resp = webob.Request.blank("/v2/servers", headers=headers).get_response(app)
    assert resp.status_int == 200
    assert resp.json == {"user": "alice", "legacy": True, "read": 0}
    assert REQUEST_ID.fullmatch(resp.headers["x-compute-request-id"])
    [line] = [r.getMessage() for r in caplog.records if r.name.startswith("nova.api")]
    assert '"GET /v2/servers" status: 200' in line


def test_errors_anywhere_in_the_stack_are_json_faults_with_request_ids(tmp_path: Path) -> None:
    app = load(tmp_path, "noauth2")
    token = {"X-Auth-Token": "alice"}
    big = webob.Request.blank("/v2/servers", method="POST", headers=token, body=b"x" * 2048)
    crash = webob.Request.blank("/v2/boom", headers=token)
    for req, status in ((big, 413), (crash, 500)):
        resp = req.get_response(app)
        assert resp.status_int == status
        assert resp.content_type == "application/json"
        assert REQUEST_ID.fullmatch(resp.headers["x-openstack-request-id"])
    assert b"secret" not in crash.get_response(app).body


def test_keystone_stack_rejects_unconfirmed_identity(tmp_path: Path) -> None:
    app = load(tmp_path, "keystone")
    req = webob.Request.blank("/v2/servers", headers={"X-Identity-Status": "Invalid"})
    resp = req.get_response(app)
    assert resp.status_int == 401
    assert resp.json["unauthorized"]["code"] == 401
    assert REQUEST_ID.fullmatch(resp.headers["x-openstack-request-id"])
    confirmed = {"X-Identity-Status": "Confirmed", "X-User-Id": "u1", "X-Project-Id": "p1"}
    ok = webob.Request.blank("/v2/servers", headers=confirmed).get_response(app)
    assert ok.json["user"] == "u1"


def test_missing_pipeline_names_section_and_strategy(tmp_path: Path) -> None:
    with pytest.raises(PipelineConfigError) as err:
        load(tmp_path, "oauth")
    message = str(err.value)
    assert "[composite:osapi_compute_v21]" in message
    assert "'oauth'" in message
    assert "keystone, noauth2" in message


def test_bad_filter_option_names_its_section(tmp_path: Path) -> None:
    with pytest.raises(FilterConfigError, match=r"\[filter:sizelimit\].*'max_request_body_size'"):
        load(tmp_path, "noauth2", limit="lots")
