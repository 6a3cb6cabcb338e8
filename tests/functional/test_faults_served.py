"""Every fault over the wire, the microversion headers and the request ids, served by gunicorn.

Each fault must be nova's ``{"<name>": {"code": N, "message": ...}}`` with
``application/json; charset=UTF-8``: never HTML, never a traceback, whichever layer refused
the request (URL map, router, sizelimit, Resource, controller).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.functional.conftest import ServedStack, fresh_token
from tests.functional.wire import (
    IMAGE,
    REQUEST_ID,
    assert_fault,
    assert_no_version_headers,
    assert_version_headers,
    call,
    create_server,
)
from tests.fuzz.probes import cut_chunked_body

pytestmark = pytest.mark.served

MAX_BODY = 114688  # [filter:sizelimit] max_request_body_size in api-paste.ini


def test_route_miss_is_404(compute_stack: ServedStack) -> None:
    reply = call(compute_stack.url, "GET", "/v2.1/widgets")
    assert_fault(reply, 404, "itemNotFound")


def test_wrong_method_is_405_with_allow(compute_stack: ServedStack) -> None:
    reply = call(compute_stack.url, "PATCH", "/v2.1/servers")
    assert_fault(reply, 405, "badMethod")
    assert {m.strip() for m in reply.headers["Allow"].split(",")} >= {"GET", "POST"}


def test_body_over_the_limit_is_413(compute_stack: ServedStack) -> None:
    body = b'{"server": {"name": "' + b"x" * MAX_BODY + b'"}}'
    reply = call(
        compute_stack.url,
        "POST",
        "/v2.1/servers",
        headers={"Content-Type": "application/json"},
        body=body,
    )
    assert "max_request_body_size" in assert_fault(reply, 413, "overLimit")


def test_chunked_body_over_the_limit_is_413(compute_stack: ServedStack) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"server": {"name": "'
        for _ in range(MAX_BODY // 4096 + 2):
            yield b"x" * 4096
        yield b'"}}'

    reply = call(
        compute_stack.url,
        "POST",
        "/v2.1/servers",
        headers={"Content-Type": "application/json"},
        body=chunks(),
    )
    assert_fault(reply, 413, "overLimit")


def test_unsupported_content_type_is_415(compute_stack: ServedStack) -> None:
    reply = call(
        compute_stack.url,
        "POST",
        "/v2.1/servers",
        headers={"Content-Type": "application/xml"},
        body=b"<server/>",
    )
    assert_fault(reply, 415, "badMediaType")
    assert_version_headers(reply, "2.1")


def test_malformed_body_is_400(compute_stack: ServedStack) -> None:
    reply = call(
        compute_stack.url,
        "POST",
        "/v2.1/servers",
        headers={"Content-Type": "application/json"},
        body=b'{"server": ',
    )
    assert assert_fault(reply, 400, "badRequest") == "Malformed request body"


def test_bad_microversion_is_400_without_version_headers(compute_stack: ServedStack) -> None:
    headers = {"OpenStack-API-Version": "compute 2.x"}
    reply = call(compute_stack.url, "GET", "/v2.1/servers", headers=headers)
    assert "2.x" in assert_fault(reply, 400, "badRequest")
    assert_no_version_headers(reply)


@pytest.mark.parametrize(
    "header", ["OpenStack-API-Version: compute 2.99", "X-OpenStack-Nova-API-Version: 2.99"]
)
def test_out_of_range_microversion_is_406_echoing_it(
    compute_stack: ServedStack, header: str
) -> None:
    name, value = header.split(": ")
    reply = call(compute_stack.url, "GET", "/v2.1/servers", headers={name: value})
    message = assert_fault(reply, 406, "computeFault")
    assert message == (
        "Version 2.99 is not supported by the API. Minimum is 2.1 and maximum is 2.19."
    )
    assert_version_headers(reply, "2.99")


def test_unknown_server_is_404_with_version_headers(compute_stack: ServedStack) -> None:
    server_id = str(uuid.uuid4())
    headers = {"X-OpenStack-Nova-API-Version": "2.9"}
    reply = call(compute_stack.url, "GET", f"/v2.1/servers/{server_id}", headers=headers)
    assert assert_fault(reply, 404, "itemNotFound") == f"Instance {server_id} could not be found."
    assert_version_headers(reply, "2.9")


def test_non_uuid_server_is_404(compute_stack: ServedStack) -> None:
    assert_fault(call(compute_stack.url, "GET", "/v2.1/servers/vm1"), 404, "itemNotFound")


def test_another_projects_server_is_404(compute_stack: ServedStack) -> None:
    server_id = create_server(compute_stack.url, fresh_token(), "private")
    reply = call(compute_stack.url, "GET", f"/v2.1/servers/{server_id}", token=fresh_token())
    assert_fault(reply, 404, "itemNotFound")


def test_action_in_the_wrong_state_is_409(compute_stack: ServedStack) -> None:
    url, token = compute_stack.url, fresh_token()
    server_id = create_server(url, token, "stopped")
    path = f"/v2.1/servers/{server_id}/action"
    # Still BUILDing until it is next read, as a real server would be for a while.
    building = call(url, "POST", path, token=token, json_body={"os-stop": None})
    assert "vm_state building" in assert_fault(building, 409, "conflictingRequest")
    assert call(url, "GET", f"/v2.1/servers/{server_id}", token=token).status == 200
    assert call(url, "POST", path, token=token, json_body={"os-stop": None}).status == 202
    reply = call(url, "POST", path, token=token, json_body={"os-stop": None})
    message = assert_fault(reply, 409, "conflictingRequest")
    assert message == f"Cannot 'stop' instance {server_id} while it is in vm_state stopped"
    soft = call(url, "POST", path, token=token, json_body={"reboot": {"type": "SOFT"}})
    assert_fault(soft, 409, "conflictingRequest")


def test_action_on_a_rebooting_server_names_the_task_state(compute_stack: ServedStack) -> None:
    url, token = compute_stack.url, fresh_token()
    server_id = create_server(url, token, "rebooting")
    path = f"/v2.1/servers/{server_id}/action"
    assert call(url, "GET", f"/v2.1/servers/{server_id}", token=token).status == 200
    assert (
        call(url, "POST", path, token=token, json_body={"reboot": {"type": "SOFT"}}).status == 202
    )
    # Not read since: still rebooting, as nova would be while the task runs.
    reply = call(url, "POST", path, token=token, json_body={"os-stop": None})
    message = assert_fault(reply, 409, "conflictingRequest")
    assert message == f"Cannot 'stop' instance {server_id} while it is in task_state rebooting"


def test_all_tenants_is_403_for_a_non_admin(compute_stack: ServedStack) -> None:
    reply = call(compute_stack.url, "GET", "/v2.1/servers/detail?all_tenants=True")
    assert "get_all_tenants" in assert_fault(reply, 403, "forbidden")


def test_schema_violation_is_400(compute_stack: ServedStack) -> None:
    body = {"server": {"name": "", "flavorRef": "1", "imageRef": IMAGE}}
    reply = call(compute_stack.url, "POST", "/v2.1/servers", json_body=body)
    assert_fault(reply, 400, "badRequest")


def test_unknown_action_is_400(compute_stack: ServedStack) -> None:
    url, token = compute_stack.url, fresh_token()
    server_id = create_server(url, token, "no-such-action")
    reply = call(
        url, "POST", f"/v2.1/servers/{server_id}/action", token=token, json_body={"fly": None}
    )
    assert_fault(reply, 400, "badRequest")


# Microversion headers ---------------------------------------------------------------------


def test_success_carries_both_version_headers_and_vary(compute_stack: ServedStack) -> None:
    reply = call(compute_stack.url, "GET", "/v2.1/flavors")
    assert_version_headers(reply, "2.1")
    asked = call(
        compute_stack.url,
        "GET",
        "/v2.1/flavors",
        headers={"X-OpenStack-Nova-API-Version": "2.15"},
    )
    assert_version_headers(asked, "2.15")


def test_legacy_v2_answers_carry_no_version_headers(compute_stack: ServedStack) -> None:
    headers = {"OpenStack-API-Version": "compute 2.19", "X-OpenStack-Nova-API-Version": "2.19"}
    for path, status in (("/v2/flavors", 200), (f"/v2/servers/{uuid.uuid4()}", 404)):
        reply = call(compute_stack.url, "GET", path, headers=headers)
        assert reply.status == status
        assert_no_version_headers(reply)


# Request ids ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/v2.1", "/v2.1/flavors", "/v2.1/widgets", "/v2/flavors"])
def test_every_answer_has_one_request_id_in_both_headers(
    compute_stack: ServedStack, path: str
) -> None:
    reply = call(compute_stack.url, "GET", path)
    request_id = reply.headers["x-openstack-request-id"]
    assert REQUEST_ID.match(request_id)
    assert reply.headers["x-compute-request-id"] == request_id


def test_request_ids_are_unique_and_a_clients_id_is_not_echoed(
    compute_stack: ServedStack,
) -> None:
    mine = f"req-{uuid.uuid4()}"
    replies = [
        call(compute_stack.url, "GET", "/v2.1/flavors/1", headers={"X-OpenStack-Request-ID": mine})
        for _ in range(3)
    ]
    ids = [reply.headers["x-openstack-request-id"] for reply in replies]
    assert len(set(ids)) == 3
    assert mine not in ids
    assert all(REQUEST_ID.match(request_id) for request_id in ids)


def test_chunked_body_cut_short_is_400(compute_stack: ServedStack) -> None:
    # The client announces a 64-byte chunk, sends 11 bytes, then closes its sending side:
    # gunicorn's NoMoreData reaches the body reader, which answers a 400 fault (issue 13).
    _request, (status, headers, body), _took = cut_chunked_body(compute_stack.port)
    assert status == 400, body
    assert b"ended before it was complete" in body
    assert headers["x-openstack-request-id"].startswith("req-")
