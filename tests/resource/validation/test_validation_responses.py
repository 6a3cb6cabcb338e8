"""Response validation modes (rule 6) and composition with the other decorators."""

from __future__ import annotations

import logging

import pytest
import webob
from validation_sample import THING_ID, call, fault_message, make_resource

from apistack.resource import Resource

BAD_UPDATE = {"thing": {"name": "bad-response"}}


def test_warn_logs_the_mismatch_and_returns_the_response(
    app: Resource, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, "apistack.resource.validation"):
        resp = call(app, "PUT", "update", id="1", body=BAD_UPDATE)
    assert resp.status_int == 200
    assert resp.json_body == {"thing": {"name": 5}}
    assert "ThingsController.update breaks its schema" in caplog.text
    assert "5 is not of type 'string'" in caplog.text


def test_error_mode_gives_a_generic_500(caplog: pytest.LogCaptureFixture) -> None:
    app = make_resource("error")
    with caplog.at_level(logging.ERROR, "apistack.resource.validation"):
        resp = call(app, "PUT", "update", id="1", body=BAD_UPDATE)
    assert resp.status_int == 500
    assert set(resp.json_body) == {"computeFault"}
    message = fault_message(resp)
    assert message.startswith("Unexpected API Error.")
    assert "string" not in message and "update" not in message
    assert "5 is not of type 'string'" in caplog.text


def test_error_mode_passes_a_valid_response() -> None:
    resp = call(make_resource("error"), "PUT", "update", id="1", body={"thing": {"name": "ok"}})
    assert resp.status_int == 200


def test_ignore_mode_does_not_validate(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        resp = call(make_resource("ignore"), "PUT", "update", id="1", body=BAD_UPDATE)
    assert resp.status_int == 200
    assert "breaks its schema" not in caplog.text


def test_webob_response_bodies_are_validated() -> None:
    app = make_resource("error")
    assert call(app, "GET", "show", id="good", version="2.1").status_int == 200
    assert call(app, "GET", "show", id="bad", version="2.1").status_int == 500


def test_empty_response_validates_as_null() -> None:
    app = make_resource("error")
    assert call(app, "DELETE", "delete", id="1").status_int == 204
    resp = call(app, "POST", "action", id="1", body={"reboot": {"type": "HARD"}})
    assert resp.status_int == 202


def test_error_mode_with_expected_errors_outside_is_still_a_generic_500() -> None:
    # The sample's update() has @expected_errors below @response_body_schema; here it is above.
    from apistack.resource import Controller, expected_errors
    from apistack.resource.validation import response_body_schema

    class Outer(Controller):
        @expected_errors(400)
        @response_body_schema({"type": "object", "required": ["x"], "properties": {},
                               "additionalProperties": False})  # fmt: skip
        def index(self, req: object) -> dict[str, int]:
            return {}

    resource = Resource(Outer(), make_resource("error").settings)
    resp = call(resource, "GET", "index")
    assert resp.status_int == 500
    assert fault_message(resp).startswith("Unexpected API Error.")


# --------------------------------------------------------------------- composition


def test_response_code_decorator_above_the_schemas(app: Resource) -> None:
    assert call(app, "POST", "create", body={"thing": {"name": "a"}}).status_int == 201


def test_expected_errors_lets_validation_errors_through(app: Resource) -> None:
    # create() lists only 400 and index() lists nothing: a ValidationError still gives 400.
    assert call(app, "GET", "index", query="limit=x").status_int == 400
    assert call(app, "POST", "create", body={}).status_int == 400


def test_api_version_overloads_each_keep_their_schemas(app: Resource) -> None:
    old = call(app, "GET", "show", id="1", version="2.19")
    new = call(app, "GET", "show", id="1", version="2.20")
    assert old.json_body == {"thing": {"name": "old"}}
    assert new.json_body == {"thing": {"name": "new", "id": THING_ID}}


@pytest.mark.parametrize(
    ("version", "value", "status", "key"),
    [
        ("2.1", "abcdefgh", 200, "renamed"),
        ("2.1", " x", 400, None),
        ("2.50", " x", 200, "renamed_new"),
        ("2.50", "abcdefgh", 400, None),
    ],
)
def test_sub_controller_versioned_actions_validate_per_overload(
    app: Resource, version: str, value: str, status: int, key: str | None
) -> None:
    resp = call(app, "POST", "action", id="1", body={"rename": value}, version=version)
    assert resp.status_int == status
    if key:
        assert resp.json_body == {key: value}


def test_action_body_schema_applies(app: Resource) -> None:
    resp = call(app, "POST", "action", id="1", body={"reboot": {"type": "WARM"}})
    assert resp.status_int == 400
    assert fault_message(resp) == (
        "Invalid input for field/attribute type. Value: WARM. 'WARM' is not one of "
        "['SOFT', 'HARD']"
    )


def test_a_method_can_be_called_with_a_positional_request() -> None:
    from validation_sample import ThingsController

    from apistack.resource import APIVersionRequest, Request

    req = Request.blank("/things?limit=2&junk=1")
    req.api_version_request = APIVersionRequest("2.1")
    assert ThingsController().index(req)["query"] == {"limit": ["2"]}
    # Without a version (a plain WebOb request) only unversioned schemas apply.
    plain = webob.Request.blank("/things?limit=2&junk=1")
    assert ThingsController().index(plain)["query"] == {"limit": ["2"], "junk": ["1"]}
