"""``serialize_json``: the bytes Resource sends for a controller's result."""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
from typing import Any

import pytest

from apistack.resource import results

RESULTS: list[Any] = [
    {"server": {"name": "caf\u00e9 \u2028", "metadata": {}, "ids": [1, 2.5, None, True]}},
    [{"id": "a"}, {"id": "b"}],
    "a bare string",
    {},
    {
        "when": datetime.datetime(2026, 12, 1, 18, 0, tzinfo=datetime.timezone.utc),
        "day": datetime.date(2026, 12, 1),
        "tags": ("a", "b"),
        "uuid": uuid.UUID("70a599e0-31e7-49b7-b260-868f441e862b"),
        "size": decimal.Decimal("1.5"),
    },
]


@pytest.mark.parametrize("value", RESULTS)
def test_the_prebuilt_c_encoder_writes_what_the_json_module_does(
    value: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = json.dumps(value, default=results.json_default).encode("ascii")
    assert results.serialize_json(value) == expected
    monkeypatch.setattr(results, "_c_encode", None)  # an interpreter without _json
    assert results.serialize_json(value) == expected


def test_an_unknown_type_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="object is not JSON serialisable"):
        results.serialize_json({"x": object()})
