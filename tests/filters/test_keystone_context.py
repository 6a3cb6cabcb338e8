"""keystone_context: the context from authtoken's headers; 401/500 faults otherwise."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import webob

from apistack.filters import KeystoneContext
from tests.filters.apps import Recorder

CATALOG = [
    {"type": "image", "name": "glance", "endpoints": []},
    {"type": "identity", "name": "keystone", "endpoints": []},
    {"type": "network", "name": "neutron", "endpoints": []},
]

# What keystonemiddleware's authtoken leaves for a project-scoped token with a service token.
AUTHTOKEN_ENVIRON: dict[str, Any] = {
    "HTTP_X_IDENTITY_STATUS": "Confirmed",
    "HTTP_X_AUTH_TOKEN": "user-token",
    "HTTP_X_USER_ID": "u1",
    "HTTP_X_USER_NAME": "alice",
    "HTTP_X_USER_DOMAIN_ID": "default",
    "HTTP_X_USER_DOMAIN_NAME": "Default",
    "HTTP_X_PROJECT_ID": "p1",
    "HTTP_X_PROJECT_NAME": "demo",
    "HTTP_X_PROJECT_DOMAIN_ID": "default",
    "HTTP_X_PROJECT_DOMAIN_NAME": "Default",
    "HTTP_X_DOMAIN_ID": None,
    "HTTP_X_DOMAIN_NAME": None,
    "HTTP_OPENSTACK_SYSTEM_SCOPE": None,
    "HTTP_X_ROLES": "reader, member",
    "HTTP_X_IS_ADMIN_PROJECT": "False",
    "HTTP_X_SERVICE_TOKEN": "service-token",
    "HTTP_X_SERVICE_USER_ID": "nova-user",
    "HTTP_X_SERVICE_PROJECT_ID": "service",
    "HTTP_X_SERVICE_ROLES": "service",
    "HTTP_X_SERVICE_CATALOG": json.dumps(CATALOG),
    "openstack.request_id": "req-local",
    "openstack.global_request_id": "req-global",
    "keystone.token_auth": "the-auth-plugin",
}


def call(app: Any, **overrides: Any) -> webob.Response:
    req = webob.Request.blank("/v2.1/servers", remote_addr="192.0.2.7")
    req.environ.update(AUTHTOKEN_ENVIRON)
    req.environ.update(overrides)
    return req.get_response(app)


def context_of(recorder: Recorder) -> Any:
    assert recorder.environ is not None
    return recorder.environ["openstack.context"]


def test_context_carries_everything_authtoken_set(recorder: Recorder) -> None:
    assert call(KeystoneContext(recorder)).status_int == 200
    ctx = context_of(recorder)
    assert (ctx.user_id, ctx.user_name, ctx.user_domain_id) == ("u1", "alice", "default")
    assert (ctx.project_id, ctx.project_name, ctx.project_domain_name) == ("p1", "demo", "Default")
    assert (ctx.domain_id, ctx.system_scope) == (None, None)
    assert ctx.roles == ["reader", "member"]
    assert (ctx.auth_token, ctx.service_token) == ("user-token", "service-token")
    assert (ctx.service_user_id, ctx.service_roles) == ("nova-user", ["service"])
    assert (ctx.request_id, ctx.global_request_id) == ("req-local", "req-global")
    assert ctx.remote_address == "192.0.2.7"
    assert ctx.user_auth_plugin == "the-auth-plugin"
    assert ctx.is_admin_project is False
    assert ctx.is_admin is False


def test_catalog_is_filtered_to_the_allowed_service_types(recorder: Recorder) -> None:
    call(KeystoneContext(recorder))
    assert [s["name"] for s in context_of(recorder).service_catalog] == ["glance", "neutron"]
    call(KeystoneContext.factory({}, service_types="identity")(recorder))
    assert [s["name"] for s in context_of(recorder).service_catalog] == ["keystone"]


def test_admin_role_makes_the_context_admin(recorder: Recorder) -> None:
    call(KeystoneContext(recorder), HTTP_X_ROLES="member,admin")
    assert context_of(recorder).is_admin is True


def test_system_and_domain_scope(recorder: Recorder) -> None:
    call(
        KeystoneContext(recorder),
        HTTP_X_PROJECT_ID=None,
        HTTP_OPENSTACK_SYSTEM_SCOPE="all",
        HTTP_X_DOMAIN_ID="d1",
    )
    ctx = context_of(recorder)
    assert (ctx.project_id, ctx.system_scope, ctx.domain_id) == (None, "all", "d1")


@pytest.mark.parametrize("status", ["Invalid", "confirmed", None, ""])
def test_identity_status_other_than_confirmed_is_a_401_fault(
    recorder: Recorder, status: str | None
) -> None:
    overrides = {"HTTP_X_IDENTITY_STATUS": status}
    resp = call(KeystoneContext(recorder), **overrides)
    assert resp.status_int == 401
    assert resp.json["unauthorized"]["code"] == 401
    assert recorder.calls == 0


def test_missing_identity_status_is_a_401_fault(recorder: Recorder) -> None:
    req = webob.Request.blank("/")
    req.environ.update(AUTHTOKEN_ENVIRON)
    del req.environ["HTTP_X_IDENTITY_STATUS"]
    assert req.get_response(KeystoneContext(recorder)).status_int == 401


@pytest.mark.parametrize("user", [None, ""])
def test_missing_user_is_a_401_fault(recorder: Recorder, user: str | None) -> None:
    resp = call(KeystoneContext(recorder), HTTP_X_USER_ID=user)
    assert resp.status_int == 401
    assert resp.content_type == "application/json"
    assert recorder.calls == 0


@pytest.mark.parametrize("catalog", ["{not json", '{"type": "image"}', "[1, 2]", "[" * 100000])
def test_invalid_catalog_is_a_500_fault(recorder: Recorder, catalog: str) -> None:
    resp = call(KeystoneContext(recorder), HTTP_X_SERVICE_CATALOG=catalog)
    assert resp.status_int == 500
    assert resp.json == {"computeFault": {"code": 500, "message": "Invalid service catalog json."}}


def test_none_values_from_authtoken_are_tolerated(recorder: Recorder) -> None:
    nones = {
        key: None
        for key in AUTHTOKEN_ENVIRON
        if key.startswith("HTTP_X_") and key not in ("HTTP_X_IDENTITY_STATUS", "HTTP_X_USER_ID")
    }
    assert call(KeystoneContext(recorder), **nones).status_int == 200
    ctx = context_of(recorder)
    assert (ctx.user_id, ctx.roles, ctx.service_catalog, ctx.is_admin_project) == (
        "u1",
        [],
        [],
        True,
    )


def test_non_utf8_header_bytes_do_not_break_it(recorder: Recorder) -> None:
    resp = call(KeystoneContext(recorder), HTTP_X_USER_NAME="\xff\xfe", HTTP_X_ROLES="\xff,a")
    assert resp.status_int == 200
    assert context_of(recorder).roles == ["\xff", "a"]


def test_context_key_is_configurable(recorder: Recorder) -> None:
    call(KeystoneContext(recorder, context_key="nova.context"))
    assert recorder.environ is not None and recorder.environ["nova.context"].user_id == "u1"


def test_context_class_needs_from_environ(recorder: Recorder) -> None:
    with pytest.raises(ValueError, match="from_environ"):
        KeystoneContext(recorder, context_class=dict)


def test_without_a_request_id_filter_the_context_gets_a_fresh_id(recorder: Recorder) -> None:
    call(KeystoneContext(recorder), **{"openstack.request_id": None})
    assert re.fullmatch(r"req-[0-9a-f-]{36}", context_of(recorder).request_id)
