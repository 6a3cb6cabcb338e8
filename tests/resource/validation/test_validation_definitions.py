"""Errors raised when a schema decorator is applied (rule 1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from apistack.resource import Controller, ControllerDefinitionError, api_version
from apistack.resource.validation import (
    SchemaDefinitionError,
    check_meta_schema,
    query_schema,
    response_body_schema,
    schema,
)

CLOSED: dict[str, Any] = {"type": "object", "properties": {}, "additionalProperties": False}


def _method(req: object, body: object = None) -> None:
    """A stand-in controller method."""


def _stack(*decorators: Callable[[Any], Any]) -> Any:
    func: Any = _method
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


@pytest.mark.parametrize(
    "ranges",
    [
        [("2.1", "2.9"), ("2.10", None)],
        [(None, "2.9"), ("2.10", "2.20"), ("2.21", None)],
        [("2.0", "2.0"), ("2.1", None)],
        [("2.5", "2.90"), ("3.0", None)],
    ],
)
def test_contiguous_ranges_are_accepted(ranges: list[tuple[str | None, str | None]]) -> None:
    func = _stack(*(schema(CLOSED, low, high) for low, high in ranges))
    assert len(func.request_body_schemas) == len(ranges)


@pytest.mark.parametrize(
    ("ranges", "problem"),
    [
        ([("2.1", "2.10"), ("2.10", None)], "overlap"),
        ([("2.1", None), ("2.5", None)], "overlap"),
        ([("2.1", "2.9"), ("2.11", None)], "leave a gap"),
        ([(None, None), ("2.5", None)], "cannot be mixed"),
        ([("2.9", "2.1")], "is empty"),
    ],
)
def test_bad_ranges_fail_naming_the_method(
    ranges: list[tuple[str | None, str | None]], problem: str
) -> None:
    with pytest.raises(SchemaDefinitionError, match=problem) as info:
        _stack(*(schema(CLOSED, low, high) for low, high in ranges))
    assert "_method" in str(info.value)
    assert isinstance(info.value, ControllerDefinitionError)


def test_ranges_are_checked_per_kind() -> None:
    func = _stack(schema(CLOSED), query_schema(CLOSED), response_body_schema(CLOSED))
    assert len(func.request_body_schemas) == len(func.request_query_schemas) == 1


OPEN_SCHEMAS = {
    "top": ({"type": "object", "properties": {"a": {}}}, "$"),
    "nested": (
        {"type": "object", "properties": {"a": {"type": "object", "properties": {}}},
         "additionalProperties": False},
        "$.properties.a",
    ),
    "pattern": ({"type": "object", "patternProperties": {"^a": {}}}, "$"),
    "oneOf": (
        {"oneOf": [CLOSED, {"type": "object", "properties": {"b": {}}}]},
        "$.oneOf[1]",
    ),
    "anyOf": ({"anyOf": [{"properties": {"b": {}}}]}, "$.anyOf[0]"),
    "allOf": ({"allOf": [{"properties": {"b": {}}}]}, "$.allOf[0]"),
    "dict additionalProperties": (
        {"type": "object", "additionalProperties": {"properties": {"b": {}}}},
        "$.additionalProperties",
    ),
    "array items": (
        {"type": "array", "items": {"type": "object", "properties": {"b": {}}}},
        "$.items",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(OPEN_SCHEMAS))
def test_object_schemas_must_say_additional_properties(case: str) -> None:
    bad, path = OPEN_SCHEMAS[case]
    with pytest.raises(SchemaDefinitionError) as info:
        schema(bad)(_method)
    text = str(info.value)
    assert f"at {path} has properties but no 'additionalProperties'" in text
    assert text.startswith("_method: @schema [min, max] {")


def test_the_error_names_the_qualname_and_shows_the_schema() -> None:
    with pytest.raises(SchemaDefinitionError) as info:

        class Things(Controller):
            @response_body_schema({"type": "object", "properties": {"id": {}}}, "2.3")
            def show(self, req: object, id: str) -> None:
                pass

    text = str(info.value)
    assert text.startswith("test_the_error_names_the_qualname_and_shows_the_schema.<locals>"
                           ".Things.show: @response_body_schema [2.3, max]")  # fmt: skip
    assert '{"properties": {"id": {}}, "type": "object"}' in text


def test_a_schema_that_cannot_be_compiled_is_rejected() -> None:
    with pytest.raises(SchemaDefinitionError, match=r"^_method: @schema .* cannot be compiled"):
        schema({"type": "string", "pattern": "("})(_method)


def test_the_meta_schema_check_is_available_for_tests() -> None:
    check_meta_schema(CLOSED)
    with pytest.raises(SchemaDefinitionError, match="is not a valid schema"):
        check_meta_schema({"type": "objekt"})


def test_schema_decorators_above_api_version_are_rejected() -> None:
    with pytest.raises(SchemaDefinitionError, match="above @api_version"):

        class Things(Controller):
            @schema(CLOSED)
            @api_version("2.5")
            def create(self, req: object, body: object) -> None:
                pass
