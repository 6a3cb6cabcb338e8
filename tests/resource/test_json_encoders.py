"""``apistack.resource.json_encoders``: the bytes Resource sends for a controller's result,
from ``json`` (``json.dumps``'s bytes) or ``orjson`` (the same document, compact UTF-8)."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import json
import uuid
from typing import Any

import pytest
import webob

from apistack.resource import APISettings, Controller, Resource, json_encoders, results

RESULTS: list[Any] = [
    {"server": {"name": "caf\u00e9 \u2028", "metadata": {}, "ids": [1, 2.5, None, True]}},
    [{"id": "a"}, {"id": "b"}],
    "a bare string",
    {},
    {
        "when": datetime.datetime(2026, 12, 1, 18, 0, tzinfo=datetime.timezone.utc),
        "naive": datetime.datetime(2026, 12, 1, 18, 0, 0, 123456),
        "day": datetime.date(2026, 12, 1),
        "at": datetime.time(9, 30),
        "tags": ("a", "b"),
        "set": {"only"},
        "uuid": uuid.UUID("70a599e0-31e7-49b7-b260-868f441e862b"),
        "size": decimal.Decimal("1.5"),
    },
    # What orjson refuses and the json encoder writes instead:
    {"big": 2**70, "negative": -(2**64)},
    {3: "int key", 2.5: "float key", False: "bool key", None: "none key"},
    {"lone surrogate": "\ud800"},
    json.loads("[" * 300 + "]" * 300),
]
ORJSON = json_encoders.json_encoder("orjson")


def _expected(value: Any) -> bytes:
    return json.dumps(value, default=json_encoders.json_default).encode("ascii")


@pytest.mark.parametrize("value", RESULTS)
def test_the_prebuilt_c_encoder_writes_what_the_json_module_does(
    value: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _expected(value)
    assert results.serialize_json(value) == expected
    monkeypatch.setattr(json_encoders, "_c_encode", None)  # an interpreter without _json
    assert json_encoders.serialize_json(value) == expected


@pytest.mark.parametrize("value", RESULTS)
def test_orjson_writes_the_same_document(value: Any) -> None:
    assert json.loads(ORJSON(value)) == json.loads(_expected(value))


def test_orjson_is_compact_utf8_and_json_keeps_novas_bytes() -> None:
    value = {"server": {"name": "caf\u00e9", "ids": [1, 2]}}
    assert ORJSON(value) == '{"server":{"name":"caf\u00e9","ids":[1,2]}}'.encode()
    assert json_encoders.json_encoder("json")(value) == (
        b'{"server": {"name": "caf\\u00e9", "ids": [1, 2]}}'
    )


def test_orjson_writes_a_float_that_is_not_a_number_as_null() -> None:
    assert ORJSON([float("nan"), float("inf")]) == b"[null,null]"


@dataclasses.dataclass
class _Point:
    x: int


class _Colour(enum.Enum):
    RED = "red"


@pytest.mark.parametrize("name", json_encoders.JSON_ENCODERS)
def test_an_unknown_type_is_a_type_error(name: str) -> None:
    encode = json_encoders.json_encoder(name)
    for value in (object(), _Point(1)):  # orjson would write a dataclass; json.dumps refuses
        with pytest.raises(TypeError, match="is not JSON serialisable"):
            encode({"x": value})


def test_orjson_writes_an_enum_member_as_its_value() -> None:
    assert ORJSON({"colour": _Colour.RED}) == b'{"colour":"red"}'


def test_a_circular_result_is_still_an_error() -> None:
    looped: list[Any] = []
    looped.append(looped)
    with pytest.raises((TypeError, RecursionError, ValueError)):
        ORJSON(looped)


def test_an_unknown_encoder_name_is_refused() -> None:
    with pytest.raises(ValueError, match="json_encoder must be one of json, orjson, not 'ujson'"):
        APISettings(json_encoder="ujson")


class _Servers(Controller):
    def show(self, req: Any, id: str) -> dict[str, Any]:
        return {"server": {"id": id, "name": "caf\u00e9"}}


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("json", b'{"server": {"id": "s1", "name": "caf\\u00e9"}}'),
        ("orjson", '{"server":{"id":"s1","name":"caf\u00e9"}}'.encode()),
    ],
)
def test_resource_writes_bodies_with_its_apis_encoder(name: str, body: bytes) -> None:
    resource = Resource(_Servers(), settings=APISettings(json_encoder=name))
    request = webob.Request.blank("/servers/s1")
    request.environ["wsgiorg.routing_args"] = ((), {"action": "show", "id": "s1"})
    response = request.get_response(resource)
    assert response.status_int == 200
    assert response.body == body
    assert response.content_length == len(body)
