"""The example's request bodies and queries go through JSON-Schema validation."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import ComputeAPI

IMAGE = "70a599e0-31e7-49b7-b260-868f441e862b"


def fault_message(response: Any, status: int = 400) -> str:
    assert response.status_int == status, response.body
    return str(response.json["badRequest"]["message"])


@pytest.mark.parametrize(
    ("server", "message"),
    [
        ({"flavorRef": "1", "imageRef": IMAGE}, "'name' is a required property"),
        (
            {"name": "x" * 256, "flavorRef": "1", "imageRef": IMAGE},
            "Invalid input for field/attribute name.",
        ),
        (
            {"name": "vm", "flavorRef": "1", "imageRef": IMAGE, "bogus": 1},
            "Additional properties are not allowed ('bogus' was unexpected)",
        ),
    ],
)
def test_create_body_is_validated(api: ComputeAPI, server: dict, message: str) -> None:
    response = api.call("servers", "create", "/servers", "POST", {"server": server})
    assert message in fault_message(response)


def test_description_is_only_accepted_from_219(api: ComputeAPI) -> None:
    server = {"name": "vm", "flavorRef": "1", "imageRef": IMAGE, "description": "d"}
    old = api.call("servers", "create", "/servers", "POST", {"server": server}, version="2.18")
    assert "'description' was unexpected" in fault_message(old)
    new = api.call("servers", "create", "/servers", "POST", {"server": server}, version="2.19")
    assert new.status_int == 202


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"reboot": {"type": "SIDEWAYS"}}, "Invalid input for field/attribute type."),
        ({"reboot": {}}, "'type' is a required property"),
        ({"os-stop": {"force": True}}, "is not of type 'null'"),
    ],
)
def test_action_bodies_are_validated(api: ComputeAPI, body: dict, fragment: str) -> None:
    server_id = api.create()
    response = api.call("servers", "action", "/action", "POST", body, id=server_id)
    assert fragment in fault_message(response)


def test_bad_query_values_are_400_and_unknown_ones_ignored(api: ComputeAPI) -> None:
    bad = api.call("servers", "detail", "/servers/detail?limit=-1")
    assert "Invalid input for query parameters limit." in fault_message(bad)
    ok = api.call("servers", "detail", "/servers/detail?limit=1&deleted=true&flavor=1")
    assert ok.status_int == 200
