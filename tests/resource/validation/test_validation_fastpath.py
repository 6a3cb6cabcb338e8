"""The compiled fast path agrees with jsonschema (it must never accept what jsonschema rejects)."""

from __future__ import annotations

import random
from typing import Any

import pytest
import validation_sample as sample

from apistack.resource.validation import SchemaValidator, parameter_types

UUID = "0b7e1f6e-4b8e-4a59-9f4a-5f3c1f1b2c3d"
POOL: list[Any] = [
    None, True, False, 0, 1, 2, 1.0, 1.5, -1, 10**6, "", "a", " a", "1", "0", "-1", "SOFT",
    "x" * 61, "yes", "off", UUID, "10.0.0.1", "10.0.0.0/8", "bad/key", "a\x00", [], ["a"],
    ["a", "a"], [1, True], [1, 1.0], [[1], [1]], [{"a": 1}, {"a": 1}], {}, {"a": 1},
]  # fmt: skip
EXTRA_KEYS = ["extra", "meta key", "B2", "x-y", "a"]

SCHEMAS: dict[str, Any] = {
    "thing_create": sample.thing_create,
    "thing_create_v210": sample.thing_create_v210,
    "index_query": sample.index_query,
    "index_query_strict": sample.index_query_strict,
    "reboot": sample.reboot_schema,
    **{
        name: getattr(parameter_types, name)
        for name in ("boolean", "positive_integer", "non_negative_integer", "name",
                     "description", "uuid", "metadata", "tag", "tags", "limit")
    },
    "combinators": {
        "oneOf": [
            {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"],
             "additionalProperties": False},
            {"type": "object", "properties": {"a": {"type": "number", "maximum": 1}},
             "additionalProperties": {"type": "string"}},
        ],
        "anyOf": [{"type": "object"}, {"enum": [1, True, "1", None]}],
        "not": {"const": 2},
    },
    "arrays": {"type": "array", "minItems": 1, "maxItems": 3, "uniqueItems": True,
               "items": {"type": ["integer", "array", "object"], "minimum": 0}},
    "fallback keywords": {"type": "object", "minProperties": 1, "properties": {
        "a": {"type": "array", "prefixItems": [{"type": "integer"}], "contains": {"const": 1}},
        "b": {"if": {"type": "string"}, "then": {"minLength": 2}, "exclusiveMinimum": 0},
    }, "additionalProperties": True},
    "allOf formats": {"allOf": [{"format": "cidr"}, {"format": "regex"}, {"pattern": "/"}]},
}  # fmt: skip


def _guided(schema: Any, rng: random.Random, depth: int = 0) -> Any:
    if not isinstance(schema, dict) or depth > 4 or rng.random() < 0.25:
        return rng.choice(POOL)
    for key in ("oneOf", "anyOf", "allOf"):
        if key in schema and rng.random() < 0.7:
            return _guided(rng.choice(schema[key]), rng, depth + 1)
    if "enum" in schema:
        return rng.choice([*schema["enum"], *POOL[:4]])
    if "properties" in schema or "patternProperties" in schema:
        value = {
            key: _guided(sub, rng, depth + 1)
            for key, sub in schema.get("properties", {}).items()
            if rng.random() < 0.75
        }
        if rng.random() < 0.3:
            value[rng.choice(EXTRA_KEYS)] = _guided(schema.get("additionalProperties"), rng)
        return value
    if "items" in schema:
        return [_guided(schema["items"], rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return rng.choice(POOL)


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_fast_path_matches_jsonschema(name: str) -> None:
    validator = SchemaValidator(SCHEMAS[name])
    fast, reference = validator._fast, validator._validator
    assert fast is not None
    rng = random.Random(name)
    outcomes = set()
    for _ in range(400):
        instance = _guided(SCHEMAS[name], rng)
        expected = reference.is_valid(instance)
        assert fast(instance) is expected, instance
        outcomes.add(expected)
    assert outcomes == {True, False}  # the generator reached both sides


def test_schemas_with_references_are_not_compiled() -> None:
    schema = {"$defs": {"n": {"type": "integer"}}, "properties": {"a": {"$ref": "#/$defs/n"}},
              "additionalProperties": False}  # fmt: skip
    validator = SchemaValidator(schema)
    assert validator._fast is None
    validator.validate({"a": 1})
    with pytest.raises(Exception, match="is not of type 'integer'"):
        validator.validate({"a": "x"})
