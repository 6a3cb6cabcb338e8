"""Controller registries and decorators (spec section 12), driven through a Resource."""

from __future__ import annotations

import logging

import pytest
import webob.exc

from apistack.resource import (
    APIVersionRequest,
    Controller,
    ControllerDefinitionError,
    Forbidden,
    NotFound,
    NotSupported,
    Resource,
    Unauthorized,
    ValidationError,
    action,
    api_version,
    expected_errors,
    removed,
    response,
)
from apistack.resource.controller import UnexpectedAPIError

from .conftest import NOVA, Call, fault


def v(version: str) -> dict[str, str]:
    return {"OpenStack-API-Version": f"compute {version}"}


# --- a controller written the cinder way: overloaded implementations per version range --------
class CinderStyle(Controller):
    @api_version("2.1", "2.9")
    @response(200)
    def show(self, req, id):
        return {"impl": "old", "id": id}

    @api_version("2.10", "2.49")  # type: ignore[no-redef]
    @response(203)
    def show(self, req, id):
        return {"impl": "middle", "id": id}

    @api_version("2.50")  # type: ignore[no-redef]
    def show(self, req, id):
        return {"impl": "new", "id": id}


# --- the same API written the nova-34 way: one method, a gate, branches inside ------------------
class NovaStyle(Controller):
    def show(self, req, id):
        # Compare versions, never their text: "2.9" >= "2.50" as strings.
        impl = "new" if req.api_version_request >= APIVersionRequest("2.50") else "old"
        return {"impl": impl, "id": id}

    @api_version("2.50")
    def detail(self, req):
        return {"detail": True}


@pytest.mark.parametrize(
    ("version", "impl", "status"),
    [
        ("2.1", "old", 200),
        ("2.9", "old", 200),
        ("2.10", "middle", 203),
        ("2.49", "middle", 203),
        ("2.50", "new", 200),
        ("2.104", "new", 200),
    ],
)
def test_cinder_style_overloads_choose_per_version(call: Call, version, impl, status) -> None:
    response = call(Resource(CinderStyle(), NOVA), action="show", id="x", headers=v(version))
    assert response.status_int == status
    assert response.json == {"impl": impl, "id": "x"}


def test_overloads_also_dispatch_on_direct_calls() -> None:
    from apistack.resource import Request

    req = Request.blank("/")
    req.api_version_request = NOVA.max_version  # type: ignore[assignment]
    assert CinderStyle().show(req, id="y") == {"impl": "new", "id": "y"}
    assert [m.min_version.get_string() for m in CinderStyle.versioned_methods["show"]] == [
        "2.50",
        "2.10",
        "2.1",
    ]


@pytest.mark.parametrize(("version", "impl"), [("2.1", "old"), ("2.9", "old"), ("2.50", "new")])
def test_nova_style_branches_compare_versions(call: Call, version: str, impl: str) -> None:
    response = call(Resource(NovaStyle(), NOVA), action="show", id="x", headers=v(version))
    assert response.json == {"impl": impl, "id": "x"}


@pytest.mark.parametrize(("version", "status"), [("2.1", 404), ("2.49", 404), ("2.50", 200)])
def test_nova_style_gate(call: Call, version: str, status: int) -> None:
    response = call(Resource(NovaStyle(), NOVA), action="detail", headers=v(version))
    assert response.status_int == status
    if status == 404:
        assert fault(response) == ("itemNotFound", 404, "The resource could not be found.")


def test_overlapping_ranges_are_rejected_when_the_class_is_defined() -> None:
    with pytest.raises(ControllerDefinitionError) as err:

        class Overlapping(Controller):
            @api_version("2.1", "2.10")
            def show(self, req, id):
                return {}

            @api_version("2.10", "2.20")  # type: ignore[no-redef]
            def show(self, req, id):
                return {}

    message = str(err.value)
    assert "Overlapping.show" in message
    assert "[2.1, 2.10]" in message and "[2.10, 2.20]" in message


def test_unbounded_overlap_is_rejected_too() -> None:
    with pytest.raises(ControllerDefinitionError, match="update"):

        class Unbounded(Controller):
            @api_version("2.1")
            def update(self, req, id, body):
                return {}

            @api_version("2.30")  # type: ignore[no-redef]
            def update(self, req, id, body):
                return {}


def test_empty_range_is_rejected() -> None:
    with pytest.raises(ControllerDefinitionError, match="empty"):
        api_version("2.5", "2.1")


def test_subclass_adds_versions_and_plain_override_replaces_them(call: Call) -> None:
    class Extended(CinderStyle):
        pass

    class Replaced(CinderStyle):
        def show(self, req, id):
            return {"impl": "plain"}

    assert call(Resource(Extended(), NOVA), action="show", id="1", headers=v("2.60")).json == {
        "impl": "new",
        "id": "1",
    }
    assert call(Resource(Replaced(), NOVA), action="show", id="1").json == {"impl": "plain"}
    assert "show" not in Replaced.versioned_methods


# --- actions ------------------------------------------------------------------------------------
class BaseActions(Controller):
    @action("os-start")
    @response(202)
    def _start(self, req, id, body):
        return None


class Servers(BaseActions):
    @action("reboot")
    @response(202)
    def _reboot(self, req, id, body):
        return {"rebooted": id, "type": body["reboot"]["type"]}


class Admin(Controller):
    @action("lock")
    def _lock(self, req, id, body):
        return {"locked": id}


def test_actions_are_inherited_and_merged() -> None:
    assert Servers.wsgi_actions == {"os-start": "_start", "reboot": "_reboot"}
    assert BaseActions.wsgi_actions == {"os-start": "_start"}


@pytest.mark.parametrize(
    ("body", "status", "payload"),
    [
        ({"reboot": {"type": "HARD"}}, 202, {"rebooted": "s1", "type": "HARD"}),
        ({"os-start": None}, 202, None),
        ({"lock": {}}, 200, {"locked": "s1"}),
    ],
)
def test_actions_dispatch_including_sub_controllers(call: Call, body, status, payload) -> None:
    resource = Resource(Servers(), NOVA, sub_controllers=[Admin()])
    response = call(resource, "POST", "action", id="s1", body=body)
    assert response.status_int == status
    assert (response.json if payload is not None else response.body) == (payload or b"")


def test_versioned_action_overloads(call: Call) -> None:
    class Versioned(Controller):
        @api_version("2.1", "2.19")
        @action("migrate")
        def _migrate(self, req, id, body):
            return {"v": "old"}

        @api_version("2.20")  # type: ignore[no-redef]
        @action("migrate")
        def _migrate(self, req, id, body):
            return {"v": "new"}

    resource = Resource(Versioned(), NOVA)
    body = {"migrate": None}
    assert call(resource, "POST", "action", id="1", body=body).json == {"v": "old"}
    assert call(resource, "POST", "action", id="1", body=body, headers=v("2.20")).json == {
        "v": "new"
    }


# --- @response ----------------------------------------------------------------------------------
class Codes(Controller):
    @response(201, "2.1", "2.9")
    @response(202, "2.10")
    def create(self, req, body):
        return {"ok": True}

    @response(200, "2.1", "2.5")
    def update(self, req, id, body):
        return {}


@pytest.mark.parametrize(("version", "status"), [("2.1", 201), ("2.9", 201), ("2.10", 202)])
def test_versioned_response_codes(call: Call, version: str, status: int) -> None:
    response = call(Resource(Codes(), NOVA), "POST", "create", body={}, headers=v(version))
    assert response.status_int == status


def test_no_response_code_for_the_version_is_a_500_that_leaks_nothing(call: Call, caplog) -> None:
    with caplog.at_level(logging.ERROR):
        response = call(
            Resource(Codes(), NOVA), "PUT", "update", id="1", body={}, headers=v("2.6")
        )
    name, code, message = fault(response)
    assert (name, code) == ("computeFault", 500)
    assert "update" not in message and "Codes" not in message
    assert "no response code" in caplog.text


# --- @expected_errors ---------------------------------------------------------------------------
class Raiser(Controller):
    def __init__(self, exc: BaseException) -> None:
        super().__init__()
        self.exc = exc

    @expected_errors((404, 409))
    def show(self, req, id):
        raise self.exc

    @expected_errors(404, min_version="2.10")
    def delete(self, req, id):
        raise self.exc


@pytest.mark.parametrize(
    ("exc", "status", "name"),
    [
        (webob.exc.HTTPNotFound(), 404, "itemNotFound"),
        (webob.exc.HTTPConflict(), 409, "conflictingRequest"),
        (webob.exc.HTTPBadRequest(), 500, "computeFault"),
        (webob.exc.HTTPTooManyRequests(), 500, "computeFault"),
        (NotFound(), 500, "computeFault"),
        (ValueError("secret detail"), 500, "computeFault"),
        (TypeError("secret detail"), 500, "computeFault"),
        (Forbidden("no way"), 403, "forbidden"),
        (Unauthorized(), 401, "unauthorized"),
        (ValidationError("bad field"), 400, "badRequest"),
        (NotSupported("Feature is not supported"), 400, "badRequest"),
    ],
)
def test_expected_errors_semantics(call: Call, exc, status: int, name: str, caplog) -> None:
    with caplog.at_level(logging.ERROR):
        response = call(Resource(Raiser(exc), NOVA), action="show", id="1")
    got_name, got_code, message = fault(response)
    assert (got_name, got_code) == (name, status)
    if status == 500:
        assert message == "Unexpected API Error. Please contact the administrator"
        assert "secret" not in response.text
        assert "Traceback" in caplog.text
    if isinstance(exc, (Forbidden, ValidationError, NotSupported)):
        assert message == exc.message


def test_expected_errors_support_text_is_configurable(call: Call) -> None:
    from apistack.resource import APISettings

    settings = APISettings("compute", "2.1", "2.5", support_text="File a bug at example.org.")
    response = call(Resource(Raiser(ValueError()), settings), action="show", id="1")
    assert fault(response)[2] == "Unexpected API Error. File a bug at example.org."


@pytest.mark.parametrize(("version", "status"), [("2.1", 409), ("2.10", 500)])
def test_expected_errors_only_applies_in_its_range(call: Call, version, status) -> None:
    from apistack.resource import Conflict

    response = call(
        Resource(Raiser(Conflict()), NOVA), action="delete", id="1", headers=v(version)
    )
    assert response.status_int == status


def test_unexpected_error_is_not_wrapped_twice() -> None:
    inner = expected_errors(404)(lambda self, req: (_ for _ in ()).throw(KeyError("k")))
    outer = expected_errors(400)(inner)
    with pytest.raises(UnexpectedAPIError):
        outer(None, req=None)


# --- @removed -----------------------------------------------------------------------------------
def test_removed_answers_410(call: Call) -> None:
    class Cells(Controller):
        @removed("2.50", "Cells v1 is gone.")
        def index(self, req):
            return {}

    response = call(Resource(Cells(), NOVA), action="index")
    assert fault(response)[:2] == ("computeFault", 410)
    assert Cells.index.removed_version == "2.50"  # type: ignore[attr-defined]
    assert Cells.index.removed_reason == "Cells v1 is gone."  # type: ignore[attr-defined]


def test_is_valid_body() -> None:
    assert Controller.is_valid_body({"server": {"name": "x"}}, "server")
    assert not Controller.is_valid_body({"server": "x"}, "server")
    assert not Controller.is_valid_body({}, "server")
    assert not Controller.is_valid_body(None, "server")


def test_attribute_decorators_above_api_version_are_kept(call: Call) -> None:
    class Above(Controller):
        @response(202)
        @action("go")
        @api_version("2.5")
        def _go(self, req, id, body):
            return None

    resource = Resource(Above(), NOVA)
    result = call(resource, "POST", "action", id="1", body={"go": {}}, headers=v("2.5"))
    assert result.status_int == 202
    assert call(resource, "POST", "action", id="1", body={"go": {}}).status_int == 404


def test_wrapping_decorator_above_api_version_is_rejected() -> None:
    with pytest.raises(ControllerDefinitionError, match=r"Wrapped\.show.*api_version outermost"):

        class Wrapped(Controller):
            @expected_errors(404)
            @api_version("2.5")
            def show(self, req, id):
                return {}


def test_an_overload_open_below_is_accepted_and_dispatched(call: Call) -> None:
    class OpenBelow(Controller):
        @api_version(None, "2.5")
        def show(self, req, id):
            return {"impl": "old"}

        @api_version("2.6")  # type: ignore[no-redef]
        def show(self, req, id):
            return {"impl": "new"}

    for version, impl in (("2.1", "old"), ("2.6", "new")):
        response = call(Resource(OpenBelow(), NOVA), action="show", id="x", headers=v(version))
        assert response.json == {"impl": impl}
