"""The validator itself: formats, numeric strings, soft additionalProperties, sharing (rule 2)."""

from __future__ import annotations

import threading
import unicodedata
from typing import Any

import pytest

from apistack.resource.exceptions import ValidationError
from apistack.resource.validation import SchemaValidator, formats, validator_for
from apistack.resource.validation.fastpath import numeric_value
from apistack.resource.validation.formats import FORMAT_CHECKER


def _error(schema: dict[str, Any], instance: Any, **kwargs: Any) -> str:
    with pytest.raises(ValidationError) as info:
        SchemaValidator(schema, **kwargs).validate(instance)
    return info.value.message


FORMAT_CASES = [
    ("uuid", "0b7e1f6e-4b8e-4a59-9f4a-5f3c1f1b2c3d", True),
    ("uuid", "0B7E1F6E4B8E4A599F4A5F3C1F1B2C3D", True),
    ("uuid", "{0b7e1f6e-4b8e-4a59-9f4a-5f3c1f1b2c3d}", True),
    ("uuid", "0b7e1f6e-4b8e-4a59-9f4a", False),
    ("date-time", "2024-02-29T12:30:00Z", True),
    ("date-time", "2024-02-29T12:30:00.123456+02:00", True),
    ("date-time", "2024-02-29", True),
    ("date-time", "2023-02-29T00:00:00Z", False),
    ("date-time", "yesterday", False),
    ("cidr", "10.0.0.0/8", True),
    ("cidr", "2001:db8::/32", True),
    ("cidr", "10.0.0.1", False),
    ("cidr", "10.0.0.0 /8", False),
    ("cidr", "10.0.0.300/8", False),
    ("uri", "https://example.com:8774/v2.1", True),
    ("uri", "example.com/path", False),
    ("uri", "http:///nohost", False),
    ("base64", "aGVsbG8=", True),
    ("base64", "aGVs\nbG8=", True),
    ("base64", "aGVsbG8", False),
    ("regex", "^a+$", True),
    ("regex", "", False),
    ("regex", "a(", False),
    ("ipv4", "10.0.0.1", True),
    ("ipv4", "10.0.0.256", False),
    ("email", "a@example.com", True),
    ("email", "nope", False),
]


@pytest.mark.parametrize(("fmt", "value", "valid"), FORMAT_CASES)
def test_format_checkers(fmt: str, value: str, valid: bool) -> None:
    assert FORMAT_CHECKER.conforms(value, fmt) is valid
    validator = SchemaValidator({"format": fmt})
    if valid:
        validator.validate(value)
    else:
        with pytest.raises(ValidationError, match=f"is not a '{fmt}'"):
            validator.validate(value)


@pytest.mark.parametrize("fmt", ["uuid", "date-time", "cidr", "uri", "base64", "regex", "name"])
@pytest.mark.parametrize("value", [None, 5, 1.5, True, [], {}])
def test_formats_apply_to_strings_only(fmt: str, value: Any) -> None:
    SchemaValidator({"format": fmt}).validate(value)


@pytest.mark.parametrize(
    ("value", "valid"),
    [("web 1", True), ("ünïcødé", True), (" lead", False), ("trail ", False),
     ("tab\tinside", False), ("nul\x00", False), ("line\u2028sep", False),
     ("emoji \U0001f600", False)],
)  # fmt: skip
def test_name_format(value: str, valid: bool) -> None:
    assert FORMAT_CHECKER.conforms(value, "name") is valid


def test_name_errors_use_the_reason_text() -> None:
    assert _error({"format": "name_with_leading_trailing_spaces"}, "   ") == (
        "An invalid 'name' value was provided. The name must be: printable characters "
        "with at least one non space character"
    )
    SchemaValidator({"format": "name_with_leading_trailing_spaces"}).validate("  a b  ")


def test_minimum_and_maximum_accept_numeric_strings() -> None:
    validator = SchemaValidator({"minimum": 1, "maximum": 10})
    for good in ("1", "10", 5, "7.5"):
        validator.validate(good)
    assert _error({"minimum": 1}, "0") == "0 is less than the minimum of 1"
    assert _error({"maximum": 10}, "11") == "11 is greater than the maximum of 10"
    validator.validate("not a number")  # left to "type" and "pattern"


def test_body_and_query_messages() -> None:
    inner = {"type": "object", "properties": {"b": {"type": "integer"}}}
    inner["additionalProperties"] = False
    body = {"type": "object", "properties": {"a": inner}, "additionalProperties": False}
    assert _error(body, {"a": {"b": "x"}}) == (
        "Invalid input for field/attribute b. Value: x. 'x' is not of type 'integer'"
    )
    query = {"type": "object", "properties": {"q": {"type": "array", "items": {"enum": ["y"]}}},
             "additionalProperties": True}  # fmt: skip
    assert _error(query, {"q": ["y", "n"]}, is_body=False) == (
        "Invalid input for query parameters q. Value: n. 'n' is not one of ['y']"
    )


def test_relaxed_validator_strips_unknown_keys_recursively() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"type": "object", "properties": {"b": {}},
                             "additionalProperties": False}},
        "additionalProperties": False,
    }  # fmt: skip
    instance = {"a": {"b": 1, "junk": 2}, "extra": 3}
    SchemaValidator(schema, relaxed=True).validate(instance)
    assert instance == {"a": {"b": 1}}


def test_relaxed_validator_leaves_an_instance_whose_keys_are_all_unknown() -> None:
    first = {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"],
             "additionalProperties": False}  # fmt: skip
    second = {"type": "object", "properties": {"b": {"type": "integer"}}, "required": ["b"],
              "additionalProperties": False}  # fmt: skip
    instance = {"b": 1}
    SchemaValidator({"oneOf": [first, second]}, relaxed=True).validate(instance)
    assert instance == {"b": 1}


def test_relaxed_validator_still_rejects_keys_outside_pattern_properties() -> None:
    schema = {"type": "object", "patternProperties": {"^[a-z]+$": {}},
              "additionalProperties": False}  # fmt: skip
    SchemaValidator(schema, relaxed=True).validate({"ok": 1})
    assert _error(schema, {"ok": 1, "B2": 1, "C3": 1}, relaxed=True) == (
        "Additional properties are not allowed ('B2', 'C3' were unexpected)"
    )


def test_a_validator_is_built_once_per_schema() -> None:
    schema = {"type": "string"}
    assert validator_for(schema) is validator_for(schema)
    assert validator_for(schema) is not validator_for(dict(schema))
    assert validator_for(schema, relaxed=True) is not validator_for(schema)


def test_one_validator_serves_many_threads() -> None:
    validator = validator_for({"type": "object", "properties": {"n": {"type": "integer"}},
                               "additionalProperties": False})  # fmt: skip
    failures: list[str] = []

    def work(n: int) -> None:
        for i in range(200):
            validator.validate({"n": i})
            try:
                validator.validate({"n": str(n)})
                failures.append("accepted a string")
            except ValidationError as exc:
                if exc.message != f"Invalid input for field/attribute n. Value: {n}. " \
                        f"'{n}' is not of type 'integer'":  # fmt: skip
                    failures.append(exc.message)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_the_printable_table_is_nova_s_rule_for_every_bmp_character() -> None:
    # The table is built with str.isprintable and a few unicodedata calls; nova's rule asks
    # unicodedata about each character: both must agree on all 65,535 of them.
    def kind(char: str) -> int:
        category = unicodedata.category(char)
        if category[0] == "C" or category in ("Zl", "Zp"):
            return 0
        return 1 if category == "Zs" else 2

    assert bytes(kind(chr(code)) for code in range(0xFFFF)) == formats._KINDS


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (float("inf"), float("inf")),  # int(inf) would raise OverflowError
        (1.5, 1.5),  # int(1.5) would compare as 1
        ("1e400", float("inf")),
        ("1" * 5000, float("inf")),  # past int()'s digit limit: float, not ValueError
        ("12", 12),
        ("x", None),
        ([1], None),
    ],
)
def test_numeric_value_never_raises(value: Any, expected: Any) -> None:
    assert numeric_value(value) == expected


def test_minimum_with_1e400_is_a_validation_error_not_a_crash() -> None:
    validator = validator_for(
        {"type": "object", "properties": {"n": {"type": "integer", "minimum": 1}}}
    )
    with pytest.raises(ValidationError):
        validator.validate({"n": float("inf")})
    validator_for({"type": "object", "properties": {"n": {"minimum": 1}}}).validate({"n": 1e400})
