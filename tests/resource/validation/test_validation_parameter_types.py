"""``parameter_types`` helpers behave as nova's (rule 7)."""

from __future__ import annotations

from typing import Any

import pytest

from apistack.resource.exceptions import ValidationError
from apistack.resource.validation import SchemaValidator, parameter_types


def _valid(schema: dict[str, Any], value: Any) -> bool:
    try:
        SchemaValidator(schema).validate(value)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize(
    ("name", "good", "bad"),
    [
        ("boolean", [True, False, "true", "YES", "off", "0"], ["maybe", 1, None]),
        ("positive_integer", [1, "1", "42"], [0, "0", "-1", "", "a", 1.5]),
        ("non_negative_integer", [0, "0", 7], [-1, "-1", "", "x"]),
        ("name", ["web-1", "a b"], ["", " a", "a" * 256, 3]),
        ("name_with_leading_trailing_spaces", [" a ", "a"], ["   ", ""]),
        ("description", [None, "", "Some text, with spaces."], ["bell\x07", "x" * 256]),
        ("uuid", ["0b7e1f6e-4b8e-4a59-9f4a-5f3c1f1b2c3d"], ["nope", 5]),
        ("metadata", [{}, {"key one": "v", "k:2": ""}], [{"bad/key": "v"}, {"k": 1}, []]),
        ("tag", ["blue"], ["", "a,b", "a/b", "x" * 61]),
        ("tags", [["a", "b"]], [["a", "a"], ["x"] * 51]),
        ("common_query_param", [["a"], ["a", "b"]], ["a", [1]]),
    ],
)
def test_parameter_types(name: str, good: list[Any], bad: list[Any]) -> None:
    schema = getattr(parameter_types, name)
    for value in good:
        assert _valid(schema, value), value
    for value in bad:
        assert not _valid(schema, value), value


def test_single_and_multi_params() -> None:
    assert parameter_types.single_param({"type": "string"}) == {
        "type": "array", "items": {"type": "string"}, "maxItems": 1,
    }  # fmt: skip
    assert parameter_types.multi_params({"type": "string"}) == {
        "type": "array", "items": {"type": "string"},
    }  # fmt: skip


def test_pagination_parameters() -> None:
    query = {"type": "object", "properties": dict(parameter_types.pagination),
             "additionalProperties": False}  # fmt: skip
    assert _valid(query, {"limit": ["10"], "marker": ["abc"]})
    assert not _valid(query, {"limit": ["-1"]})
    assert parameter_types.pagination_parameters is parameter_types.pagination
