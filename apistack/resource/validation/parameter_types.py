"""Reusable schema fragments, in nova's shapes (``nova/api/validation/parameter_types.py``).

Each is a plain dict: copy it (``copy.deepcopy``) before changing it, since a validator is
built once per schema object and a shared fragment may already be inside other schemas.
"""

from __future__ import annotations

from typing import Any

from apistack.resource.validation.formats import printable_class

__all__ = [
    "boolean",
    "common_query_param",
    "description",
    "limit",
    "marker",
    "metadata",
    "multi_params",
    "name",
    "name_with_leading_trailing_spaces",
    "non_negative_integer",
    "pagination",
    "pagination_parameters",
    "positive_integer",
    "single_param",
    "tag",
    "tags",
    "uuid",
]


def single_param(schema: dict[str, Any]) -> dict[str, Any]:
    """:returns: a query-parameter schema: ``schema`` given at most once (``?a=1``)."""
    return {"type": "array", "items": schema, "maxItems": 1}


def multi_params(schema: dict[str, Any]) -> dict[str, Any]:
    """:returns: a query-parameter schema: ``schema`` repeatable (``?a=1&a=2``)."""
    return {"type": "array", "items": schema}


#: True/False or one of the strings clients and oslo's ``bool_from_string`` use for them.
boolean: dict[str, Any] = {
    "type": ["boolean", "string"],
    "enum": [
        True, "True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes",
        False, "False", "FALSE", "false", "0", "OFF", "Off", "off", "NO", "No", "no",
    ],
}  # fmt: skip

#: an integer >= 1, or a string of digits (query strings carry numbers as strings).
positive_integer: dict[str, Any] = {
    "type": ["integer", "string"],
    "pattern": "^[0-9]*$",
    "minimum": 1,
    "minLength": 1,
}

#: an integer >= 0, or a string of digits.
non_negative_integer: dict[str, Any] = {
    "type": ["integer", "string"],
    "pattern": "^[0-9]*$",
    "minimum": 0,
    "minLength": 1,
}

#: a resource name: 1-255 printable characters, no leading or trailing whitespace.
name: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": 255, "format": "name"}

#: a name that may start or end with spaces but has one non-space character.
name_with_leading_trailing_spaces: dict[str, Any] = {
    "type": "string",
    "minLength": 1,
    "maxLength": 255,
    "format": "name_with_leading_trailing_spaces",
}

#: free text (or null): up to 255 printable characters.
description: dict[str, Any] = {
    "type": ["string", "null"],
    "minLength": 0,
    "maxLength": 255,
    "pattern": f"^[{printable_class()}]*$",
}

#: a UUID string (hyphens, braces and case are not significant, as in oslo.utils).
uuid: dict[str, Any] = {"type": "string", "format": "uuid"}

#: metadata: string keys of 1-255 characters from ``[a-zA-Z0-9-_:. ]``, string values <= 255.
metadata: dict[str, Any] = {
    "type": "object",
    "patternProperties": {"^[a-zA-Z0-9-_:. ]{1,255}$": {"type": "string", "maxLength": 255}},
    "additionalProperties": False,
}

#: one tag: 1-60 characters without ``,`` or ``/``.
tag: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": 60, "pattern": "^[^,/]*$"}

#: a list of at most 50 distinct tags.
tags: dict[str, Any] = {"type": "array", "items": tag, "maxItems": 50, "uniqueItems": True}

#: a repeatable free-form string query parameter.
common_query_param: dict[str, Any] = multi_params({"type": "string"})

#: ``?limit=N`` (repeatable, as nova accepts it; the last value wins in nova's handlers).
limit: dict[str, Any] = multi_params(non_negative_integer)

#: ``?marker=<id>``.
marker: dict[str, Any] = multi_params({"type": "string"})

#: the pagination query parameters, to merge into a query schema's ``properties``.
pagination: dict[str, dict[str, Any]] = {"limit": limit, "marker": marker}

#: nova's name for ``pagination``.
pagination_parameters = pagination
