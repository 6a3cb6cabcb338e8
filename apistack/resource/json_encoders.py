"""How response bodies become JSON bytes: the standard library's encoder (nova's bytes) or
orjson's (the same document in a tenth of the time).

An API picks one by name (``APISettings(json_encoder=...)``, or ``json_encoder`` in its
router's ini section):

- ``json`` (the default): ``json.dumps``'s bytes, as nova sends them: ``", "`` and ``": "``
  between items, every character outside ASCII escaped (``\\u00e9``).
- ``orjson``: the same document, compact (no space after ``,`` or ``:``) and with characters
  outside ASCII written as UTF-8, in about a tenth of the time (0.7 against 7.6 us for the
  example's 1.2 KB server). JSON's media type is UTF-8 (RFC 8259), so a client that parses
  JSON reads the same values; only a client that compares bytes sees a difference. Two more
  differences: a float that is NaN or infinite is written ``null`` (``json.dumps`` writes
  ``NaN``, which is not JSON), and an ``Enum`` member is written as its value (``json.dumps``
  fails on a plain ``Enum``). What orjson cannot write as ``json.dumps`` would (integers beyond
  64 bits, keys that are not strings, strings holding lone surrogates, nesting deeper than 254)
  is written by the ``json`` encoder instead, so nothing is lost.

Both write ``datetime``, ``date``, ``time``, sets, tuples, ``UUID`` and ``Decimal`` values as
``json_default`` does, and fail (a logged 500) on any other type.
"""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
from collections.abc import Callable, Sequence
from json.encoder import c_make_encoder, encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any

__all__ = [
    "DEFAULT_JSON_ENCODER",
    "JSON_ENCODERS",
    "json_default",
    "json_encoder",
    "serialize_json",
]

#: The encoder names ``json_encoder`` knows.
JSON_ENCODERS = ("json", "orjson")
#: The encoder an API uses unless it names one: ``json.dumps``'s bytes, as nova's.
DEFAULT_JSON_ENCODER = "json"


def json_default(value: Any) -> Any:
    """Serialise the non-JSON types controllers commonly return.

    :raises TypeError: for anything else, so that a bad result is a server error, not
        silently wrong output.
    """
    if isinstance(value, (datetime.date, datetime.time)):  # datetime is a date
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


# No circular-reference bookkeeping (a dict of ids per container, a fifth of the encoding
# time): a result that contains itself still fails, with RecursionError, as a logged 500.
_encoder = json.JSONEncoder(default=json_default, ensure_ascii=True, check_circular=False)
# The same encoder's C half, built once: ``JSONEncoder.encode`` builds it on every call, half
# a microsecond per response. None where the interpreter has no C accelerator.
_c_encode: Callable[[Any, int], Sequence[str]] | None = (
    None
    if c_make_encoder is None
    else c_make_encoder(
        None,  # markers: no circular check, as above
        _encoder.default,
        encode_basestring_ascii,
        _encoder.indent,
        _encoder.key_separator,
        _encoder.item_separator,
        _encoder.sort_keys,
        _encoder.skipkeys,
        _encoder.allow_nan,
    )
)


def serialize_json(obj: Any) -> bytes:
    """:returns: ``obj`` as JSON bytes (ASCII: every other character escaped), as
    ``json.dumps`` writes it."""
    if _c_encode is None:
        return _encoder.encode(obj).encode("ascii")
    return "".join(_c_encode(obj, 0)).encode("ascii")


def _orjson_encoder() -> Callable[[Any], bytes]:
    try:
        import orjson
    except ImportError:
        raise ValueError(
            "json_encoder orjson needs the orjson package (pip install orjson)"
        ) from None
    dumps, failed = orjson.dumps, orjson.JSONEncodeError
    # Dates, times and dataclasses go to json_default as with the json encoder (orjson would
    # write dates its own way, and dataclasses, which json.dumps refuses).
    options = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS

    def serialize_orjson(obj: Any) -> bytes:
        """:returns: ``obj`` as compact UTF-8 JSON bytes (see the module docstring)."""
        try:
            return dumps(obj, default=json_default, option=options)
        except failed:
            # What orjson refuses, json.dumps writes (or refuses with its own error).
            return serialize_json(obj)

    return serialize_orjson


def json_encoder(name: str) -> Callable[[Any], bytes]:
    """:returns: the function that writes response bodies for encoder ``name`` (one of
    ``JSON_ENCODERS``).

    :raises ValueError: for an unknown name, or ``orjson`` when it is not installed.
    """
    if name == "json":
        return serialize_json
    if name == "orjson":
        return _orjson_encoder()
    raise ValueError(f"json_encoder must be one of {', '.join(JSON_ENCODERS)}, not {name!r}")
