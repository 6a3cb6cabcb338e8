"""Resource dispatch (spec section 9, checklist 30-46)."""

from __future__ import annotations

import datetime
import logging

import pytest
import webob

from apistack.resource import (
    APISettings,
    Controller,
    Resource,
    ResponseObject,
    action,
    response,
)

from .conftest import NOVA, Call, fault


class Things(Controller):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[dict] = []

    def index(self, req):
        self.seen.append({"kwargs": None})
        return {"things": []}

    def show(self, req, id):
        return {"thing": {"id": id}}

    @response(202)
    def create(self, req, body):
        self.seen.append({"body": body})
        return None

    def update(self, req, id, body):
        self.seen.append({"id": id, "body": body})
        return {"thing": body}

    @response(204)
    def delete(self, req, id, **kwargs):
        self.seen.append({"delete_kwargs": kwargs})
        return None

    def created(self, req):
        return ResponseObject({"a": 1}, code=201, headers={"X-Foo": "bar", "Location": "/x"})

    def plain(self, req):
        return webob.Response(text="hello", content_type="text/plain")

    def listing(self, req):
        return [1, 2, {"when": datetime.datetime(2026, 11, 21, 5, 0, 0)}]

    def broken(self, req):
        return object()

    def crash(self, req):
        raise RuntimeError("password=hunter2 in /srv/secret")

    def circular(self, req):
        things = {"Things": []}
        things["Things"].append(things)
        return things

    @action("reboot")
    @response(202)
    def _reboot(self, req, id, body):
        self.seen.append({"action_body": body})
        return None


@pytest.fixture
def things() -> Things:
    return Things()


@pytest.fixture
def resource(things: Things) -> Resource:
    return Resource(things, NOVA)


def test_path_variables_become_arguments(call: Call, resource) -> None:
    response = call(resource, action="show", id="abc.def-1", controller="x", format="json")
    assert response.json == {"thing": {"id": "abc.def-1"}}


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=UTF-8",
        "application/vnd.openstack.compute+json",
        "text/plain",
        "",
        None,
    ],
)
def test_accepted_body_media_types(call: Call, resource, things, content_type) -> None:
    response = call(resource, "POST", "create", body={"a": 1}, content_type=content_type)
    assert response.status_int == 202
    assert things.seen == [{"body": {"a": 1}}]


@pytest.mark.parametrize(
    "content_type", ["text/xml", "application/xml", "application/x-www-form-urlencoded"]
)
def test_other_body_media_types_are_415(call: Call, resource, things, content_type) -> None:
    response = call(resource, "POST", "create", body=b"<a/>", content_type=content_type)
    assert fault(response) == ("badMediaType", 415, "Unsupported Content-Type")
    assert things.seen == []


@pytest.mark.parametrize("raw", [b"", None])
def test_empty_post_gives_body_none(call: Call, resource, things, raw) -> None:
    response = call(resource, "POST", "create", body=raw)
    assert response.status_int == 202
    assert things.seen == [{"body": None}]


def test_put_reads_the_body(call: Call, resource, things) -> None:
    response = call(resource, "PUT", "update", id="7", body={"name": "n"})
    assert response.json == {"thing": {"name": "n"}}


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_get_and_delete_bodies_are_never_read(call: Call, resource, things, method) -> None:
    ids = {"id": "1"} if method == "DELETE" else {}
    action = "delete" if method == "DELETE" else "index"
    response = call(resource, method, action, body=b"{not json", **ids)
    assert response.status_int in (200, 204)
    assert "body" not in str(things.seen)


@pytest.mark.parametrize("raw", [b"{", b"[1,", b"\xff\xfe", b"nul", b"[" * 100000])
def test_invalid_json_is_malformed_body(call: Call, resource, raw) -> None:
    response = call(resource, "POST", "create", body=raw)
    assert fault(response) == ("badRequest", 400, "Malformed request body")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{}", "Malformed request body"),
        (b'{"reboot": {}, "other": {}}', "Malformed request body"),
        (b"[]", "Malformed request body"),
        (b"null", "Malformed request body"),
        (b"", "Malformed request body"),
        (b'{"nope": {}}', "There is no such action: nope"),
    ],
)
def test_action_body_rules(call: Call, resource, body, message) -> None:
    response = call(resource, "POST", "action", id="1", body=body)
    assert fault(response) == ("badRequest", 400, message)


def test_action_gets_the_whole_body(call: Call, resource, things) -> None:
    body = {"reboot": {"type": "SOFT"}}
    response = call(resource, "POST", "action", id="1", body=body)
    assert (response.status_int, response.body) == (202, b"")
    assert things.seen == [{"action_body": body}]


def test_missing_method_is_404(call: Call, resource) -> None:
    for name in ("nosuch", "_reboot", "__init__", "is_valid_body", ""):
        response = call(resource, action=name)
        assert fault(response) == ("itemNotFound", 404, "The resource could not be found.")


class Context:
    def __init__(self, project_id: str | None) -> None:
        self.project_id = project_id


@pytest.mark.parametrize(
    ("url_project", "context_project", "status"),
    [("abc", "abc", 200), ("abc", "def", 400), ("abc", None, 400), ("", "abc", 200)],
)
def test_project_id_must_match_the_context(
    call: Call, resource, url_project, context_project, status
) -> None:
    response = call(
        resource,
        action="index",
        project_id=url_project,
        environ={"openstack.context": Context(context_project)},
    )
    assert response.status_int == status
    if status == 400:
        assert fault(response)[2] == (
            f"Malformed request URL: URL's project_id '{url_project}' "
            f"doesn't match Context's project_id '{context_project}'"
        )


def test_project_check_uses_the_configured_context_key(call: Call, things) -> None:
    settings = APISettings("compute", "2.1", "2.5", context_key="nova.context")
    resource = Resource(things, settings)
    env = {"nova.context": Context("other"), "openstack.context": Context("abc")}
    assert call(resource, action="index", project_id="abc", environ=env).status_int == 400


def test_project_id_without_a_context_is_not_checked(call: Call, resource) -> None:
    assert call(resource, action="index", project_id="abc").status_int == 200


def test_dict_result_is_json_without_charset(call: Call, resource) -> None:
    response = call(resource, action="show", id="1")
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Content-Length"] == str(len(response.body))


def test_none_result_has_an_empty_body(call: Call, resource) -> None:
    response = call(resource, "DELETE", "delete", id="1")
    assert (response.status_int, response.body) == (204, b"")


def test_response_object_sets_code_and_headers(call: Call, resource) -> None:
    response = call(resource, action="created")
    assert response.status_int == 201
    assert response.headers["X-Foo"] == "bar"
    assert response.headers["Location"] == "/x"
    assert response.json == {"a": 1}


def test_response_object_headers_are_case_insensitive() -> None:
    obj = ResponseObject({}, headers={"X-Foo": 1})
    assert obj["x-foo"] == "1"
    obj["X-FOO"] = "2"
    del obj["x-Foo"]
    assert obj.headers == {}
    assert obj.code is None


def test_webob_response_passes_through_with_version_headers(call: Call, resource) -> None:
    response = call(resource, action="plain")
    assert response.text == "hello"
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.headers["OpenStack-API-Version"] == "compute 2.1"


def test_lists_and_datetimes_serialise(call: Call, resource) -> None:
    assert call(resource, action="listing").json == [1, 2, {"when": "2026-11-21T05:00:00"}]


@pytest.mark.parametrize("name", ["broken", "crash", "circular"])
def test_programming_errors_are_logged_500s_that_leak_nothing(
    call: Call, resource, caplog, name
) -> None:
    with caplog.at_level(logging.ERROR, logger="apistack.resource.resource"):
        response = call(resource, action=name)
    assert fault(response) == (
        "computeFault",
        500,
        "The server has either erred or is incapable of performing the requested operation.",
    )
    assert "hunter2" not in response.text and "Things" not in response.text
    assert response.headers["OpenStack-API-Version"] == "compute 2.1"
    assert "Traceback" in caplog.text or "returned a object" in caplog.text


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/json"),
        ("application/json", "application/json"),
        ("application/vnd.openstack.compute+json", "application/vnd.openstack.compute+json"),
        ("application/xml", "application/json"),
        ("text/html", "application/json"),
        ("*/*", "application/json"),
        ("garbage;;;", "application/json"),
    ],
)
def test_accept_negotiation(call: Call, resource, accept, expected) -> None:
    headers = {"Accept": accept} if accept else {}
    response = call(resource, action="show", id="1", headers=headers)
    assert response.headers["Content-Type"] == expected
    assert response.json == {"thing": {"id": "1"}}


def test_vendor_type_uses_the_service_type(call: Call, things) -> None:
    resource = Resource(things, APISettings("volume", "3.0", "3.71"))
    accept = "application/vnd.openstack.volume+json"
    response = call(resource, action="show", id="1", headers={"Accept": accept})
    assert response.headers["Content-Type"] == accept
    response = call(resource, "POST", "create", body=b"{}", content_type=accept)
    assert response.status_int == 202


class BodyEcho(Controller):
    def create(self, req, body):
        return {"parsed": body, "raw": req.body.decode()}


def test_chunked_body_without_length_is_read(call: Call) -> None:
    req = webob.Request.blank("/", method="POST")
    req.environ.update(
        {
            "wsgi.input": __import__("io").BytesIO(b'{"a": 1}'),
            "wsgi.input_terminated": True,
            "HTTP_TRANSFER_ENCODING": "chunked",
            "wsgiorg.routing_args": ((), {"action": "create"}),
        }
    )
    req.environ.pop("CONTENT_LENGTH", None)
    response = req.get_response(Resource(BodyEcho(), NOVA))
    assert response.json == {"parsed": {"a": 1}, "raw": '{"a": 1}'}


def test_body_stays_readable_for_the_method(call: Call) -> None:
    response = call(Resource(BodyEcho(), NOVA), "POST", "create", body={"b": [1]})
    assert response.json == {"parsed": {"b": [1]}, "raw": '{"b": [1]}'}


def test_unparsable_content_length_means_no_body(call: Call) -> None:
    response = call(
        Resource(BodyEcho(), NOVA), "POST", "create", environ={"CONTENT_LENGTH": "abc"}
    )
    assert response.json == {"parsed": None, "raw": ""}


def test_size_limit_error_while_reading_keeps_its_413(call: Call) -> None:
    from oslo_middleware.sizelimit import LimitingReader

    payload = b'{"a": "' + b"x" * 5000 + b'"}'
    req = webob.Request.blank("/", method="POST")
    req.environ["wsgi.input"] = LimitingReader(__import__("io").BytesIO(payload), 1024)
    req.environ["wsgi.input_terminated"] = True
    req.environ["wsgiorg.routing_args"] = ((), {"action": "create"})
    req.environ.pop("CONTENT_LENGTH", None)
    response = req.get_response(Resource(BodyEcho(), NOVA))
    assert fault(response)[:2] == ("overLimit", 413)
