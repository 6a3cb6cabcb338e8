"""``SchemaValidator``: one compiled JSON-Schema validator, built once and shared by threads.

The validator classes are jsonschema's Draft 2020-12 extended once, when this module is
imported (nova extends it again on every request):

- ``minimum`` and ``maximum`` also accept numeric strings (``"10"``), as query parameters and
  old clients send numbers as strings;
- the *relaxed* class used for legacy ``/v2`` requests replaces ``additionalProperties`` with
  nova's soft rule: unknown keys are stripped from the instance instead of rejected.

``validator_for`` returns the ``SchemaValidator`` for a schema, building it on first use and
returning the same object after that; the decorators call it when they are applied.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any, cast

import jsonschema
import jsonschema.exceptions
import jsonschema.validators

from apistack.resource.exceptions import ValidationError
from apistack.resource.validation.fastpath import Predicate, compile_predicate, numeric_value
from apistack.resource.validation.formats import FORMAT_CHECKER, InvalidName

__all__ = ["SchemaValidator", "soft_additional_properties", "validator_for"]

_BASE = jsonschema.Draft202012Validator


def _accepting_numeric_strings(keyword: str) -> Any:
    """jsonschema's ``keyword`` (``minimum``/``maximum``), also applied to numeric strings."""
    check = _BASE.VALIDATORS[keyword]

    def validate(
        validator: Any, bound: Any, instance: Any, schema: Mapping[str, Any]
    ) -> Iterator[jsonschema.ValidationError]:
        number = numeric_value(instance)
        if number is not None:
            yield from check(validator, bound, number, schema)

    return validate


_minimum = _accepting_numeric_strings("minimum")
_maximum = _accepting_numeric_strings("maximum")


def soft_additional_properties(
    validator: Any, allowed: Any, instance: Any, schema: Mapping[str, Any]
) -> Iterator[jsonschema.ValidationError]:
    """nova's legacy-v2 ``additionalProperties``: strip unknown keys instead of rejecting them.

    - a non-object instance, or a schema allowing extra keys, is left alone;
    - with ``patternProperties``, a key matching neither them nor ``properties`` is an error
      (the metadata API relies on this);
    - otherwise unknown keys are deleted from the instance, unless *every* key is unknown:
      then the instance is left alone, so a ``oneOf`` branch that does not describe it does
      not empty it before the branch that does is tried.
    """
    if not validator.is_type(instance, "object") or allowed:
        return
    properties = schema.get("properties", {})
    patterns = "|".join(schema.get("patternProperties", {}))
    extra = [
        key
        for key in instance
        if key not in properties and not (patterns and re.search(patterns, key))
    ]
    if not extra:
        return
    if patterns:
        verb = "was" if len(extra) == 1 else "were"
        names = ", ".join(repr(key) for key in sorted(extra))
        yield jsonschema.ValidationError(
            f"Additional properties are not allowed ({names} {verb} unexpected)"
        )
    elif len(extra) < len(instance):
        for key in extra:
            del instance[key]


# jsonschema's extend() is untyped; give it a type once.
_extend: Callable[..., Any] = jsonschema.validators.extend
_STRICT_CLASS = _extend(_BASE, {"minimum": _minimum, "maximum": _maximum})
_RELAXED_CLASS = _extend(_STRICT_CLASS, {"additionalProperties": soft_additional_properties})


class SchemaValidator:
    """Validate instances against one schema, raising nova's ``ValidationError`` messages.

    :param schema: a Draft 2020-12 schema (it must not be changed after this is built).
    :param is_body: True for bodies (the error names the last path element), False for query
        strings (the error names the parameter, the first path element).
    :param relaxed: use the legacy-v2 soft ``additionalProperties`` (may delete keys).
    """

    __slots__ = ("_fast", "_validator", "is_body", "relaxed", "schema")

    def __init__(
        self, schema: Mapping[str, Any], *, is_body: bool = True, relaxed: bool = False
    ) -> None:
        self.schema = schema
        self.is_body = is_body
        self.relaxed = relaxed
        cls = _RELAXED_CLASS if relaxed else _STRICT_CLASS
        self._validator = cls(schema, format_checker=FORMAT_CHECKER)
        # The relaxed validator edits the instance as it goes, so it always runs jsonschema.
        self._fast = None if relaxed else compile_predicate(schema, self._subschema_predicate)

    def _subschema_predicate(self, subschema: Mapping[str, Any]) -> Predicate:
        return cast(Predicate, self._validator.evolve(schema=subschema).is_valid)

    def validate(self, instance: Any) -> None:
        """Check ``instance`` (a relaxed validator may delete unknown keys from it).

        :raises ValidationError: with the first violation's message.
        """
        if self._fast is not None and self._fast(instance):
            return
        # Invalid (or not compiled): jsonschema decides, and words the error.
        try:
            error = next(self._validator.iter_errors(instance), None)
        except TypeError as exc:
            raise ValidationError(str(exc)) from None
        if error is not None:
            raise ValidationError(self.message(error)) from None

    def message(self, error: jsonschema.ValidationError) -> str:
        """:returns: the client-facing text for one jsonschema error (nova's wording)."""
        if isinstance(error.cause, InvalidName):
            return str(error.cause)
        if not error.path:
            return error.message
        if self.is_body:
            return (
                f"Invalid input for field/attribute {error.path[-1]}. "
                f"Value: {error.instance}. {error.message}"
            )
        return (
            f"Invalid input for query parameters {error.path[0]}. "
            f"Value: {error.instance}. {error.message}"
        )


# Keyed by the schema object's id; the schema is kept alive in the value so the id cannot
# be reused by another object.
_cache: dict[tuple[int, bool, bool], tuple[Mapping[str, Any], SchemaValidator]] = {}
_cache_lock = threading.Lock()


def validator_for(
    schema: Mapping[str, Any], *, is_body: bool = True, relaxed: bool = False
) -> SchemaValidator:
    """:returns: the shared ``SchemaValidator`` for ``schema``, built on first use."""
    key = (id(schema), is_body, relaxed)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is None:
            cached = (schema, SchemaValidator(schema, is_body=is_body, relaxed=relaxed))
            _cache[key] = cached
    return cached[1]
