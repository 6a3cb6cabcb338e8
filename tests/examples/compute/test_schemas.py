"""The request schemas accept what real clients send and reject malformed bodies."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from apistack.examples.compute import schemas

IMG = "70a599e0-31e7-49b7-b260-868f441e862b"
BDM = {"uuid": IMG, "source_type": "image", "destination_type": "local", "boot_index": 0,
       "delete_on_termination": True}  # fmt: skip

CLIENT_CREATES = [
    # openstack server create --block-device ... (mv 2.1)
    {"server": {"name": "vm1", "flavorRef": "1", "imageRef": "", "min_count": 1, "max_count": 1,
                "networks": [], "block_device_mapping_v2": [BDM]}},
    {"server": {"name": "vm1", "flavorRef": "1", "imageRef": IMG, "networks": "auto",
                "block_device_mapping_v2": [BDM]}},
    # nova boot --block-device ...: boot_index as a string, no networks
    {"server": {"name": "vm3", "flavorRef": "1", "imageRef": "", "min_count": 1, "max_count": 1,
                "block_device_mapping_v2": [{**BDM, "boot_index": "0"}]}},
    {"server": {"name": "sdk1", "flavorRef": "1", "imageRef": IMG}},
    {"server": {"name": "t", "flavorRef": "1", "imageRef": IMG, "networks": "auto"}},
]  # fmt: skip


def _valid(schema: dict[str, Any], body: Any) -> bool:
    return jsonschema.Draft202012Validator(schema).is_valid(body)


@pytest.mark.parametrize("name", schemas.__all__)
def test_schemas_are_draft_2020_12(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(getattr(schemas, name))


@pytest.mark.parametrize("body", CLIENT_CREATES)
def test_client_create_bodies_are_valid(body: Any) -> None:
    assert _valid(schemas.create, body)
    assert _valid(schemas.create_v219, body)


@pytest.mark.parametrize(
    "body",
    [
        {"server": {"name": "x"}},
        {"server": {"name": "", "flavorRef": "1"}},
        {"server": {"name": "x", "flavorRef": "1", "bogus": 1}},
        {"server": {"name": "x", "flavorRef": "1", "networks": "some"}},
        {"server": {"name": "x", "flavorRef": "1", "max_count": 0}},
        {"server": {"name": "x", "flavorRef": "1", "description": "only from 2.19"}},
    ],
)
def test_bad_create_bodies_are_invalid(body: Any) -> None:
    assert not _valid(schemas.create, body)


def test_description_only_at_219() -> None:
    body = {"server": {"name": "n", "description": None}}
    assert _valid(schemas.update_v219, body) and not _valid(schemas.update, body)


def test_actions_and_queries() -> None:
    assert _valid(schemas.reboot, {"reboot": {"type": "SOFT"}})
    assert not _valid(schemas.reboot, {"reboot": {"type": "WARM"}})
    assert _valid(schemas.stop, {"os-stop": None}) and _valid(schemas.start, {"os-start": None})
    assert _valid(
        schemas.servers_query, {"limit": ["5"], "deleted": ["False"], "all_tenants": [""]}
    )
    assert not _valid(schemas.servers_query, {"limit": ["-1"]})
    assert not _valid(schemas.servers_query, {"all_tenants": ["maybe"]})
    assert _valid(schemas.flavors_query, {"is_public": ["None"], "minRam": ["512"]})
