"""noauth: a context from ``user[:project]``, nova's 204 token reply, forged headers removed."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
import webob
from oslo_context import context as oslo_context

from apistack.filters import NoAuth, noauth
from apistack.filters.noauth import strip_identity_headers
from tests.filters.apps import Recorder


class ServiceContext(oslo_context.RequestContext):
    """A service's own context class, loaded by dotted path."""


def call(app: Any, headers: dict[str, str] | None = None, **environ: Any) -> webob.Response:
    req = webob.Request.blank("/v2.1/servers", headers=headers or {}, remote_addr="10.1.2.3")
    req.environ.update(environ)
    return req.get_response(app)


def context_of(recorder: Recorder, key: str = "openstack.context") -> Any:
    assert recorder.environ is not None
    return recorder.environ[key]


def test_warns_once_per_process_when_loaded(
    caplog: pytest.LogCaptureFixture, recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(noauth, "_WARNED", [])  # as in a new process
    with caplog.at_level(logging.WARNING, logger="apistack.filters.noauth"):
        NoAuth.factory({})(recorder)
        NoAuth.factory({})(recorder)  # an ini's second pipeline (nova's legacy v2)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert [r.getMessage() for r in warnings] == [
        "The noauth filter trusts any X-Auth-Token: never use it outside development and tests."
    ]


def test_token_gives_user_and_project(recorder: Recorder) -> None:
    environ = {"openstack.request_id": "req-1", "openstack.global_request_id": "req-g"}
    resp = call(NoAuth(recorder), {"X-Auth-Token": "alice:proj1"}, **environ)
    assert resp.status_int == 200
    ctx = context_of(recorder)
    assert isinstance(ctx, oslo_context.RequestContext)
    assert (ctx.user_id, ctx.project_id, ctx.is_admin) == ("alice", "proj1", False)
    assert (ctx.request_id, ctx.global_request_id) == ("req-1", "req-g")
    assert ctx.remote_address == "10.1.2.3"
    assert (ctx.auth_token, ctx.roles) == (None, [])  # as nova's noauth2 context


def test_project_defaults_to_the_user(recorder: Recorder) -> None:
    call(NoAuth(recorder), {"X-Auth-Token": "bob"})
    assert context_of(recorder).project_id == "bob"


def test_only_the_configured_admin_user_is_admin(recorder: Recorder) -> None:
    call(NoAuth(recorder), {"X-Auth-Token": "admin:p"})
    assert context_of(recorder).is_admin is True
    assert context_of(recorder).roles == []  # nova's context class adds none
    call(NoAuth(recorder, admin_user="root"), {"X-Auth-Token": "admin:p"})
    assert context_of(recorder).is_admin is False
    call(NoAuth(recorder, admin_user="root"), {"X-Auth-Token": "root"})
    assert context_of(recorder).is_admin is True


def test_context_key_and_class_are_configurable(recorder: Recorder) -> None:
    app = NoAuth.factory(
        {}, context_key="nova.context", context_class=f"{__name__}.ServiceContext"
    )(recorder)
    call(app, {"X-Auth-Token": "alice"})
    assert isinstance(context_of(recorder, "nova.context"), ServiceContext)
    assert recorder.environ is not None and "openstack.context" not in recorder.environ


def test_bad_context_class_fails_at_load_time(recorder: Recorder) -> None:
    with pytest.raises(ValueError, match=r"no\.such\.Thing"):
        NoAuth(recorder, context_class="no.such.Thing")


def test_missing_token_gets_novas_204(recorder: Recorder) -> None:
    resp = call(NoAuth(recorder), {"X-Auth-User": "alice", "X-Auth-Project-Id": "p1"})
    assert resp.status_int == 204
    assert resp.headers["X-Auth-Token"] == "alice:p1"
    assert resp.headers["X-Server-Management-Url"] == "http://localhost/v2.1/servers/p1"
    assert recorder.calls == 0
    defaults = call(NoAuth(recorder))
    assert defaults.headers["X-Auth-Token"] == "admin:admin"


def test_missing_token_is_a_401_fault_when_required(recorder: Recorder) -> None:
    resp = call(NoAuth(recorder, require_token=True))
    assert resp.status_int == 401
    assert resp.json["unauthorized"]["code"] == 401
    assert recorder.calls == 0


FORGED = {
    "X-Identity-Status": "Confirmed",
    "X-Roles": "admin",
    "X-Role": "admin",
    "X-User": "mallory",
    "X-User-Id": "mallory",
    "X-User-Name": "mallory",
    "X-User-Domain-Id": "default",
    "X-Project-Id": "victim",
    "X-Project-Name": "victim",
    "X-Tenant-Id": "victim",
    "X-Tenant": "victim",
    "X-Domain-Id": "d",
    "X-Domain-Name": "d",
    "X-Service-Catalog": "[]",
    "X-Service-Roles": "service",
    "X-Service-User-Id": "nova",
    "X-Is-Admin-Project": "True",
    "OpenStack-System-Scope": "all",
}


def test_forged_identity_headers_are_removed_first(recorder: Recorder) -> None:
    call(NoAuth(recorder), {"X-Auth-Token": "alice:p1", "X-Keep": "1", **FORGED})
    assert recorder.environ is not None
    forged_keys = {"HTTP_" + name.upper().replace("-", "_") for name in FORGED}
    assert forged_keys.isdisjoint(recorder.environ)
    assert recorder.environ["HTTP_X_KEEP"] == "1"
    ctx = context_of(recorder)
    assert (ctx.user_id, ctx.project_id, ctx.roles, ctx.system_scope) == ("alice", "p1", [], None)
    # A later from_environ (what a service might do) cannot see the forgeries either.
    again = oslo_context.RequestContext.from_environ(recorder.environ, overwrite=False)
    assert (again.user_id, again.roles, again.system_scope) == (None, [], None)


def test_forged_headers_are_removed_even_without_a_token(recorder: Recorder) -> None:
    resp = call(NoAuth(recorder, require_token=True), FORGED)
    assert resp.status_int == 401


@pytest.mark.parametrize("token", ["alice\x00:p1", "alice\x1b[31m"])
def test_malformed_token_is_a_401_fault(recorder: Recorder, token: str) -> None:
    resp = call(NoAuth(recorder), HTTP_X_AUTH_TOKEN=token)
    assert resp.status_int == 401
    assert resp.content_type == "application/json"
    assert recorder.calls == 0


def test_non_utf8_bytes_in_token_and_path_do_not_break_it(recorder: Recorder) -> None:
    resp = call(NoAuth(recorder), HTTP_X_AUTH_TOKEN="\xff\xfe:p", PATH_INFO="/\xff")
    assert resp.status_int == 200
    assert context_of(recorder).user_id == "\xff\xfe"
    no_token = call(NoAuth(recorder), HTTP_X_AUTH_USER="\x00bad", PATH_INFO="/\xff\xfe")
    assert no_token.headers["X-Server-Management-Url"] == "http://localhost/%FF%FE/admin"
    assert no_token.headers["X-Auth-Token"] == "admin:admin"


def test_context_does_not_replace_the_threads_current_one(recorder: Recorder) -> None:
    current = oslo_context.RequestContext(overwrite=True)
    try:
        call(NoAuth(recorder), {"X-Auth-Token": "alice"})
        assert oslo_context.get_current() is current
    finally:
        oslo_context._request_store.context = None


@pytest.mark.parametrize(
    "environ",
    [
        {"HTTP_X_ROLES": "admin"},
        {"REQUEST_METHOD": "GET", "HTTP_OPENSTACK_SYSTEM_SCOPE": "all"},
        {"HTTP_X_AUTH_TOKEN": "t", "HTTP_X_USER_DOMAIN_NAME": "d", "HTTP_X_TENANT": "x"},
    ],
)
def test_strip_finds_forged_keys_anywhere(environ: dict[str, str]) -> None:
    kept = {k: v for k, v in environ.items() if k in ("REQUEST_METHOD", "HTTP_X_AUTH_TOKEN")}
    strip_identity_headers(environ)
    assert environ == kept


def test_without_a_request_id_filter_the_context_gets_a_fresh_id(recorder: Recorder) -> None:
    call(NoAuth(recorder), {"X-Auth-Token": "alice"})
    assert re.fullmatch(r"req-[0-9a-f-]{36}", context_of(recorder).request_id)


def test_empty_user_and_empty_token_are_accepted_as_nova_does(recorder: Recorder) -> None:
    assert call(NoAuth(recorder), HTTP_X_AUTH_TOKEN=":p1").status_int == 200
    assert (context_of(recorder).user_id, context_of(recorder).project_id) == ("", "p1")
    assert call(NoAuth(recorder), HTTP_X_AUTH_TOKEN="").status_int == 200
    assert context_of(recorder).user_id == ""


def test_no_token_reply_has_novas_headers(recorder: Recorder) -> None:
    resp = call(NoAuth(recorder), PATH_INFO="/v2.1/flavors/")
    assert resp.status_int == 204
    assert resp.headers["Content-Type"] == "text/plain; charset=UTF-8"
    assert resp.headers["Content-Length"] == "0"
    assert resp.headers["X-Server-Management-Url"] == "http://localhost/v2.1/flavors/admin"


def test_cinder_options_admin_all_url_and_from_environ(recorder: Recorder) -> None:
    cinder = NoAuth(recorder, admin_all=True, project_in_url=False, from_environ=True)
    resp = call(cinder, PATH_INFO="/v3/")
    assert resp.headers["X-Server-Management-Url"] == "http://localhost/v3"
    environ = {"openstack.request_id": "req-1", "openstack.global_request_id": "req-g"}
    call(cinder, {"X-Auth-Token": "demo:p1", "X-Roles": "forged"}, **environ)
    ctx = context_of(recorder)
    assert (ctx.user_id, ctx.project_id, ctx.is_admin) == ("demo", "p1", True)
    assert (ctx.auth_token, ctx.request_id, ctx.global_request_id) == ("demo:p1", "req-1", "req-g")
    assert ctx.roles == []  # the forged header was stripped before from_environ read it


def test_colon_form_of_context_class(recorder: Recorder) -> None:
    app = NoAuth.factory({}, context_key="k", context_class=f"{__name__}:ServiceContext")(recorder)
    call(app, {"X-Auth-Token": "alice"})
    assert isinstance(context_of(recorder, "k"), ServiceContext)


@pytest.mark.parametrize("path", ["nova.context", "nova.context.", "no_such_module:Context"])
def test_bad_context_class_is_a_load_error(recorder: Recorder, path: str) -> None:
    with pytest.raises(ValueError, match="context_class"):
        NoAuth(recorder, context_class=path)


def test_a_service_context_under_the_default_key_is_logged(
    caplog: pytest.LogCaptureFixture, recorder: Recorder
) -> None:
    with caplog.at_level(logging.WARNING, logger="apistack.filters.context"):
        NoAuth(recorder, context_class=ServiceContext)
    [record] = [r for r in caplog.records if r.name == "apistack.filters.context"]
    assert "set context_key = tests.context" in record.getMessage()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="apistack.filters.context"):
        NoAuth(recorder, context_class=ServiceContext, context_key="tests.context")
        NoAuth(recorder)
    assert not [r for r in caplog.records if r.name == "apistack.filters.context"]
