"""Versioned schemas and the checks run when a schema decorator is applied.

A method's schemas of one kind (body, query or response) form a tuple of ``VersionedSchema``:
either one unversioned schema, or versioned schemas whose ranges are contiguous and do not
overlap. Each schema must also say ``additionalProperties`` wherever it has ``properties`` or
``patternProperties``, so nobody relies on jsonschema's permissive default by accident. A
mistake raises ``SchemaDefinitionError`` at import time, naming the method and the schema.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import jsonschema
import jsonschema.exceptions

from apistack.resource.decorators import ControllerDefinitionError
from apistack.resource.validation.validators import SchemaValidator, validator_for
from apistack.resource.versions import NULL_VERSION, APIVersionRequest

__all__ = [
    "LEGACY_V2_VERSION",
    "SchemaDefinitionError",
    "VersionedSchema",
    "add_schema",
    "check_meta_schema",
    "check_open_objects",
    "describe",
    "find_open_object",
]

#: Schemas starting at this version (or unversioned) also apply to legacy ``/v2`` requests.
LEGACY_V2_VERSION = APIVersionRequest("2.0")

# Keywords whose value is one subschema, a list of subschemas, or a map of name -> subschema.
_ONE = (
    "additionalProperties",
    "items",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
    "additionalItems",
)
_LIST = ("oneOf", "anyOf", "allOf", "prefixItems")
_MAP = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")


class SchemaDefinitionError(ControllerDefinitionError):
    """A schema decorator is applied wrongly: bad ranges, or an object schema left open."""


@dataclass(frozen=True)
class VersionedSchema:
    """One schema of a method, for the range ``[min_version, max_version]``.

    :ivar validator: the validator for normal requests.
    :ivar legacy_validator: the validator for legacy ``/v2`` requests (relaxed for request
        bodies and queries), or None when the schema does not apply to them.
    """

    schema: Mapping[str, Any]
    min_version: APIVersionRequest | None
    max_version: APIVersionRequest | None
    validator: SchemaValidator
    legacy_validator: SchemaValidator | None

    @classmethod
    def build(
        cls,
        schema: Mapping[str, Any],
        min_version: APIVersionRequest | None,
        max_version: APIVersionRequest | None,
        *,
        is_body: bool,
        relax_legacy: bool,
    ) -> VersionedSchema:
        """Build the validators now, once, for every request to share."""
        validator = validator_for(schema, is_body=is_body)
        legacy = None
        if min_version is None or min_version == LEGACY_V2_VERSION:
            legacy = (
                validator_for(schema, is_body=is_body, relaxed=True)
                if relax_legacy
                else (validator)
            )
        return cls(schema, min_version, max_version, validator, legacy)

    @property
    def versioned(self) -> bool:
        """True when either bound is set."""
        return self.min_version is not None or self.max_version is not None

    def select(self, version: APIVersionRequest, legacy_v2: bool) -> SchemaValidator | None:
        """:returns: the validator that applies to a request, or None when none does."""
        if legacy_v2:
            return self.legacy_validator
        if not self.versioned:
            return self.validator
        if not version or not version.matches(self.min_version, self.max_version):
            return None
        return self.validator

    def range_text(self) -> str:
        """:returns: ``[low, high]`` with ``min``/``max`` for open bounds."""
        return f"[{self.min_version or 'min'}, {self.max_version or 'max'}]"


def _subschemas(schema: Mapping[str, Any], path: str) -> Iterator[tuple[str, Any]]:
    for key in _ONE:
        if key in schema:
            yield f"{path}.{key}", schema[key]
    for key in _LIST:
        value = schema.get(key)
        if isinstance(value, list):
            yield from ((f"{path}.{key}[{i}]", item) for i, item in enumerate(value))
    for key in _MAP:
        value = schema.get(key)
        if isinstance(value, Mapping):
            yield from ((f"{path}.{key}.{name}", item) for name, item in value.items())


def find_open_object(schema: Any, path: str = "$") -> str | None:
    """:returns: the path of the first object schema that has ``properties`` or
    ``patternProperties`` but no ``additionalProperties`` key, or None if there is none."""
    if not isinstance(schema, Mapping):
        if isinstance(schema, list):  # the old array form of "items"
            for index, item in enumerate(schema):
                found = find_open_object(item, f"{path}[{index}]")
                if found:
                    return found
        return None
    opens = "properties" in schema or "patternProperties" in schema
    if opens and "additionalProperties" not in schema:
        return path
    for sub_path, sub in _subschemas(schema, path):
        found = find_open_object(sub, sub_path)
        if found:
            return found
    return None


def _describe(schema: Mapping[str, Any]) -> str:
    text = json.dumps(schema, sort_keys=True, default=repr)
    return text if len(text) <= 160 else text[:157] + "..."


def describe(
    owner: str,
    kind: str,
    schema: Mapping[str, Any],
    low: APIVersionRequest | None,
    high: APIVersionRequest | None,
) -> str:
    """:returns: ``"<method>: @<kind> [low, high] <schema, shortened>"`` for error messages."""
    return f"{owner}: @{kind} [{low or 'min'}, {high or 'max'}] {_describe(schema)}"


def check_open_objects(owner: str, kind: str, entry: VersionedSchema) -> None:
    """Reject a schema that leaves an object open by omission.

    :raises SchemaDefinitionError: naming ``owner`` (the method) and the schema.
    """
    path = find_open_object(entry.schema)
    if path is not None:
        raise SchemaDefinitionError(
            f"{describe(owner, kind, entry.schema, entry.min_version, entry.max_version)}: "
            f"the object schema at {path} has properties but "
            "no 'additionalProperties'; say true or false"
        )


def check_meta_schema(schema: Mapping[str, Any]) -> None:
    """Check ``schema`` against the Draft 2020-12 meta-schema.

    This takes about 10 ms per schema, so the decorators do not run it (a service with
    hundreds of schemas would import seconds slower); call it from a test over
    ``list_route_schemas`` instead, as nova's ``test_schemas`` does.

    :raises SchemaDefinitionError: with jsonschema's reason.
    """
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.exceptions.SchemaError as exc:
        raise SchemaDefinitionError(
            f"{_describe(schema)} is not a valid schema: {exc.message}"
        ) from None


def _follows(before: APIVersionRequest, after: APIVersionRequest) -> bool:
    """Whether ``after`` is the version right after ``before`` (X.0 follows any (X-1).N)."""
    if after.major == before.major:
        return after.minor == before.minor + 1
    return after.major == before.major + 1 and after.minor == 0


def add_schema(
    existing: tuple[VersionedSchema, ...], entry: VersionedSchema, owner: str, kind: str
) -> tuple[VersionedSchema, ...]:
    """:returns: ``existing`` plus ``entry``, ordered by version.

    :raises SchemaDefinitionError: when the ranges would overlap or leave a gap, or an
        unversioned schema would be mixed with others.
    """
    if entry.min_version and entry.max_version and entry.max_version < entry.min_version:
        raise SchemaDefinitionError(f"{owner}: @{kind} range {entry.range_text()} is empty")
    combined = sorted((*existing, entry), key=lambda e: e.min_version or NULL_VERSION)
    if len(combined) > 1 and not all(e.versioned for e in combined):
        raise SchemaDefinitionError(
            f"{owner}: an unversioned @{kind} cannot be mixed with versioned ones "
            f"({', '.join(e.range_text() for e in combined)})"
        )
    for before, after in itertools.pairwise(combined):
        low, high = after.min_version, before.max_version
        if low is None or high is None or not _follows(high, low):
            problem = "overlap" if low is None or high is None or low <= high else "leave a gap"
            raise SchemaDefinitionError(
                f"{owner}: @{kind} ranges {before.range_text()} and {after.range_text()} "
                f"{problem}; versioned schemas must cover contiguous, non-overlapping ranges"
            )
    return tuple(combined)
