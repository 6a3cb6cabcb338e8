"""A schema compiled into a plain validity predicate: the fast path for valid requests.

jsonschema re-walks the schema on every call, creating a validator object per subschema; that
costs as much as the request's own work. ``compile_predicate`` turns a schema into nested
closures once, for the keywords API schemas use (``type``, ``properties``, ``required``,
``additionalProperties``, ``patternProperties``, ``enum``, ``const``, string and array
lengths, ``pattern``, ``minimum``/``maximum`` with numeric strings, ``format``, ``items``,
``oneOf``/``anyOf``/``allOf``/``not``). A subschema with any other keyword is checked by
jsonschema itself. Schemas using ``$ref`` or ``unevaluated*`` are not compiled at all.

The predicate only decides "valid or not": ``SchemaValidator`` asks jsonschema for the error
message whenever it says "not valid", and trusts jsonschema's answer, so the predicate may be
stricter than jsonschema but must never be more lenient (``tests`` compare the two).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from apistack.resource.validation.formats import FORMAT_CHECKER

__all__ = ["Predicate", "compile_predicate", "numeric_value"]

Predicate = Callable[[Any], bool]
Fallback = Callable[[Mapping[str, Any]], Predicate]

_NOT_COMPILED = frozenset({"$ref", "$dynamicRef", "$recursiveRef", "unevaluatedProperties",
                           "unevaluatedItems"})  # fmt: skip
_ANNOTATIONS = frozenset({"title", "description", "$comment", "default", "examples",
                          "deprecated", "readOnly", "writeOnly", "$schema", "$id", "$anchor",
                          "$defs", "definitions"})  # fmt: skip

_TYPES: dict[str, Predicate] = {
    "object": lambda x: isinstance(x, dict),
    "array": lambda x: isinstance(x, list),
    "string": lambda x: isinstance(x, str),
    "boolean": lambda x: isinstance(x, bool),
    "null": lambda x: x is None,
    "number": lambda x: isinstance(x, (int, float)) and not isinstance(x, bool),
    "integer": lambda x: (
        (isinstance(x, int) and not isinstance(x, bool))
        or (isinstance(x, float) and x.is_integer())
    ),
}


def _uses(schema: Any, keywords: frozenset[str]) -> bool:
    if isinstance(schema, Mapping):
        return any(k in keywords or _uses(v, keywords) for k, v in schema.items())
    if isinstance(schema, list):
        return any(_uses(item, keywords) for item in schema)
    return False


def compile_predicate(schema: Mapping[str, Any], fallback: Fallback) -> Predicate | None:
    """:param fallback: builds a jsonschema-backed predicate for a subschema.
    :returns: a predicate for ``schema``, or None when it cannot be compiled."""
    if _uses(schema, _NOT_COMPILED):
        return None
    return _compile(schema, fallback)


def _enum_key(value: Any) -> tuple[str, Any] | None:
    """A hashable key with jsonschema's equality: True is not 1, 1 is 1.0."""
    if value is None:
        return ("null", None)
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float, str)):
        return ("num" if not isinstance(value, str) else "str", value)
    return None


def numeric_value(value: Any) -> int | float | None:
    """:returns: the number ``minimum``/``maximum`` compare: a number (or bool) as it is, a
    numeric string parsed (``int`` first, exact; then ``float``, which gives ``inf`` for
    ``"1e400"`` or thousands of digits rather than failing), else None (not checked)."""
    if isinstance(value, (int, float)):
        return value  # never int(): int(inf) raises, int(1.5) would change the comparison
    if not isinstance(value, str):
        return None
    try:
        return int(value)
    except ValueError:  # also past int()'s 4,300-digit limit
        pass
    try:
        return float(value)
    except ValueError:
        return None


def _compile(schema: Any, fallback: Fallback) -> Predicate:
    if schema is True:
        return lambda x: True
    if schema is False or not isinstance(schema, Mapping):
        return lambda x: False
    if not set(schema) <= _COMPILED | _ANNOTATIONS:
        return fallback(schema)
    checks = [build(schema, fallback) for keys, build in _GROUPS if any(k in schema for k in keys)]
    if not checks:
        return lambda x: True
    return _all_of(checks)


def _all_of(checks: list[Predicate]) -> Predicate:
    if len(checks) == 1:
        return checks[0]
    frozen = tuple(checks)

    def check(x: Any) -> bool:
        # A plain loop: all() over a generator costs a frame per call, on every field.
        for each in frozen:  # noqa: SIM110
            if not each(x):
                return False
        return True

    return check


def _type(schema: Mapping[str, Any], fallback: Fallback) -> Predicate:
    names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    if not all(isinstance(name, str) and name in _TYPES for name in names):
        return fallback({"type": schema["type"]})
    tests = tuple(_TYPES[name] for name in names)
    if len(tests) == 1:
        return tests[0]

    def check(x: Any) -> bool:
        for test in tests:  # noqa: SIM110 - see _all_of
            if test(x):
                return True
        return False

    return check


def _object(schema: Mapping[str, Any], fallback: Fallback) -> Predicate:
    props = {k: _compile(v, fallback) for k, v in schema.get("properties", {}).items()}
    patterns = [
        (re.compile(p), _compile(v, fallback))
        for p, v in schema.get("patternProperties", {}).items()
    ]
    required = list(schema.get("required", ()))
    extra_schema = schema.get("additionalProperties", True)
    extra = None if extra_schema is True else _compile(extra_schema, fallback)

    def check(x: Any) -> bool:
        if not isinstance(x, dict):
            return True
        if any(name not in x for name in required):
            return False
        for key, value in x.items():
            known = key in props
            if known and not props[key](value):
                return False
            matched = False
            for regex, sub in patterns:
                if regex.search(key):
                    matched = True
                    if not sub(value):
                        return False
            if not known and not matched and extra is not None and not extra(value):
                return False
        return True

    return check


def _enum(schema: Mapping[str, Any], fallback: Fallback) -> Predicate:
    values = list(schema["enum"]) if "enum" in schema else []
    if "const" in schema:
        values = [schema["const"]]
    keys = [_enum_key(v) for v in values]
    if any(key is None for key in keys) or ("enum" in schema and "const" in schema):
        return fallback({k: schema[k] for k in ("enum", "const") if k in schema})
    allowed = frozenset(keys)
    return lambda x: _enum_key(x) in allowed


def _string(schema: Mapping[str, Any], fallback: Fallback) -> Predicate:
    low, high = schema.get("minLength", 0), schema.get("maxLength")
    regex = re.compile(schema["pattern"]) if "pattern" in schema else None
    fmt = schema.get("format")

    def check(x: Any) -> bool:
        if not isinstance(x, str):
            return True
        if len(x) < low or (high is not None and len(x) > high):
            return False
        if regex is not None and not regex.search(x):
            return False
        return fmt is None or FORMAT_CHECKER.conforms(x, fmt)

    return check


def _bounds(schema: Mapping[str, Any], fallback: Fallback) -> Predicate:
    low, high = schema.get("minimum"), schema.get("maximum")

    def check(x: Any) -> bool:
        number = numeric_value(x)
        if number is None:
            return True
        return (low is None or number >= low) and (high is None or number <= high)

    return check


def _array(schema: Mapping[str, Any], fallback: Fallback) -> Predicate:
    unique = fallback({"uniqueItems": True}) if schema.get("uniqueItems") else None
    low, high = schema.get("minItems", 0), schema.get("maxItems")
    item = _compile(schema["items"], fallback) if "items" in schema else None

    def check(x: Any) -> bool:
        if not isinstance(x, list):
            return True
        if len(x) < low or (high is not None and len(x) > high):
            return False
        if item is not None:
            for value in x:
                if not item(value):
                    return False
        if unique is not None:
            keys = {_enum_key(value) for value in x}
            if None in keys:  # lists or objects: jsonschema's deep equality decides
                return unique(x)
            return len(keys) == len(x)
        return True

    return check


def _combinators(schema: Mapping[str, Any], fallback: Fallback) -> Predicate:
    tests: list[Predicate] = []
    if "allOf" in schema:
        tests.append(_all_of([_compile(s, fallback) for s in schema["allOf"]]))
    if "anyOf" in schema:
        any_of = [_compile(s, fallback) for s in schema["anyOf"]]
        tests.append(lambda x: any(sub(x) for sub in any_of))
    if "oneOf" in schema:
        one = [_compile(s, fallback) for s in schema["oneOf"]]
        tests.append(lambda x: sum(1 for sub in one if sub(x)) == 1)
    if "not" in schema:
        negated = _compile(schema["not"], fallback)
        tests.append(lambda x: not negated(x))
    return _all_of(tests)


_GROUPS: tuple[tuple[tuple[str, ...], Callable[[Mapping[str, Any], Fallback], Predicate]], ...] = (
    (("type",), _type),
    (("properties", "patternProperties", "required", "additionalProperties"), _object),
    (("enum", "const"), _enum),
    (("minLength", "maxLength", "pattern", "format"), _string),
    (("minimum", "maximum"), _bounds),
    (("items", "minItems", "maxItems", "uniqueItems"), _array),
    (("allOf", "anyOf", "oneOf", "not"), _combinators),
)
_COMPILED = frozenset(key for keys, _ in _GROUPS for key in keys)
