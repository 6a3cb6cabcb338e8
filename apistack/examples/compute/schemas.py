"""JSON Schemas (Draft 2020-12) of the example compute API's request bodies and queries.

Plain dicts, applied with ``apistack.resource.validation.schema``/``query_schema``:

- ``create`` (2.1-2.18) and ``create_v219`` (2.19-): ``POST /servers``;
- ``update`` (2.1-2.18) and ``update_v219`` (2.19-): ``PUT /servers/{id}``;
- ``reboot``, ``stop``, ``start``: the server actions;
- ``servers_query`` and ``flavors_query``: list and detail queries. Query values are lists of
  strings; unknown parameters are allowed (and stripped), as clients send ``deleted=False``,
  ``is_public=None`` and others.

Every object states ``additionalProperties``. The create forms clients send are all valid:
``imageRef: ""`` with ``block_device_mapping_v2`` (``boot_index`` 0, ``"0"`` or null),
``networks`` ``[]``, ``"auto"``, ``"none"`` or absent, ``min_count``/``max_count`` as integers or
digit strings, ``flavorRef`` as an id, an integer or an href.
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = [
    "create",
    "create_v219",
    "flavors_query",
    "reboot",
    "servers_query",
    "start",
    "stop",
    "update",
    "update_v219",
]

_name = {"type": "string", "minLength": 1, "maxLength": 255}
_description = {"type": ["string", "null"], "maxLength": 255}
_count = {
    "oneOf": [
        {"type": "integer", "minimum": 1},
        {"type": "string", "pattern": "^[0-9]*[1-9][0-9]*$"},
    ]
}
_ip_v4 = {"type": "string", "anyOf": [{"format": "ipv4"}, {"maxLength": 0}]}
_ip_v6 = {"type": "string", "anyOf": [{"format": "ipv6"}, {"maxLength": 0}]}
_boolean_ish = {"type": ["boolean", "string"]}

_network = {
    "type": "object",
    "properties": {
        "uuid": {"type": "string"},
        "port": {"type": ["string", "null"]},
        "fixed_ip": {"type": "string"},
        "tag": {"type": "string"},
    },
    "additionalProperties": False,
}

_bdm_v2 = {
    "type": "object",
    "properties": {
        "uuid": {"type": "string"},
        "source_type": {"type": "string", "enum": ["image", "volume", "snapshot", "blank"]},
        "destination_type": {"type": "string", "enum": ["local", "volume"]},
        "boot_index": {"type": ["integer", "string", "null"], "pattern": "^-?[0-9]+$"},
        "delete_on_termination": _boolean_ish,
        "volume_size": {"type": ["integer", "string"]},
        "device_name": {"type": "string"},
        "device_type": {"type": "string"},
        "disk_bus": {"type": "string"},
        "guest_format": {"type": "string"},
        "no_device": {},
        "tag": {"type": "string"},
        "volume_type": {"type": ["string", "null"]},
    },
    "additionalProperties": False,
}

_server_create = {
    "type": "object",
    "properties": {
        "name": _name,
        "flavorRef": {"type": ["string", "integer"], "minLength": 1},
        "imageRef": {"type": "string"},
        "min_count": _count,
        "max_count": _count,
        "networks": {
            "oneOf": [
                {"type": "array", "items": _network},
                {"type": "string", "enum": ["auto", "none"]},
            ]
        },
        "block_device_mapping_v2": {"type": "array", "items": _bdm_v2},
        "metadata": {
            "type": "object",
            "patternProperties": {"^.{1,255}$": {"type": "string", "maxLength": 255}},
            "additionalProperties": False,
        },
        "key_name": {"type": ["string", "null"]},
        "security_groups": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string"}},
                "additionalProperties": False,
            },
        },
        "availability_zone": {"type": "string"},
        "user_data": {"type": ["string", "null"]},
        "config_drive": _boolean_ish,
        "accessIPv4": _ip_v4,
        "accessIPv6": _ip_v6,
        "adminPass": {"type": "string"},
        "OS-DCF:diskConfig": {"type": "string", "enum": ["AUTO", "MANUAL"]},
        "return_reservation_id": _boolean_ish,
    },
    "required": ["name", "flavorRef"],
    "additionalProperties": False,
}

create: dict[str, Any] = {
    "type": "object",
    "properties": {
        "server": _server_create,
        "os:scheduler_hints": {"type": "object", "additionalProperties": True},
        "OS-SCH-HNT:scheduler_hints": {"type": "object", "additionalProperties": True},
    },
    "required": ["server"],
    "additionalProperties": False,
}

create_v219: dict[str, Any] = copy.deepcopy(create)
create_v219["properties"]["server"]["properties"]["description"] = _description

update: dict[str, Any] = {
    "type": "object",
    "properties": {
        "server": {
            "type": "object",
            "properties": {
                "name": _name,
                "accessIPv4": _ip_v4,
                "accessIPv6": _ip_v6,
                "OS-DCF:diskConfig": {"type": "string", "enum": ["AUTO", "MANUAL"]},
            },
            "additionalProperties": False,
        }
    },
    "required": ["server"],
    "additionalProperties": False,
}

update_v219: dict[str, Any] = copy.deepcopy(update)
update_v219["properties"]["server"]["properties"]["description"] = _description

reboot: dict[str, Any] = {
    "type": "object",
    "properties": {
        "reboot": {
            "type": "object",
            "properties": {
                "type": {
                    "type": "string",
                    "enum": ["HARD", "Hard", "hard", "SOFT", "Soft", "soft"],
                }
            },
            "required": ["type"],
            "additionalProperties": False,
        }
    },
    "required": ["reboot"],
    "additionalProperties": False,
}


def _null_action(key: str) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {key: {"type": "null"}},
        "required": [key],
        "additionalProperties": False,
    }


stop: dict[str, Any] = _null_action("os-stop")
start: dict[str, Any] = _null_action("os-start")


def _multi(pattern: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"type": "string"}
    if pattern:
        item["pattern"] = pattern
    return {"type": "array", "items": item}


_non_negative = "^[0-9]+$"
_boolean_text = "^(?i:1|0|t|f|true|false|on|off|y|n|yes|no)$"

servers_query: dict[str, Any] = {
    "type": "object",
    "properties": {
        "limit": _multi(_non_negative),
        "marker": _multi(),
        "name": _multi(),
        "status": _multi(),
        "all_tenants": _multi("^$|" + _boolean_text[1:-1].join(["^(?:", ")$"])),
        "project_id": _multi(),
        "tenant_id": _multi(),
        "locked": _multi(_boolean_text),
    },
    "additionalProperties": True,
}

flavors_query: dict[str, Any] = {
    "type": "object",
    "properties": {
        "limit": _multi(_non_negative),
        "marker": _multi(),
        "minRam": _multi(_non_negative),
        "minDisk": _multi(_non_negative),
        "is_public": _multi(),
        "sort_key": _multi(),
        "sort_dir": _multi(),
    },
    "additionalProperties": True,
}
