"""The ``format`` checkers apistack's validators add to jsonschema's own, and nova's name rules.

Formats: ``uuid``, ``date-time``, ``cidr``, ``uri``, ``base64``, ``regex`` (an empty string is
invalid), ``name`` and ``name_with_leading_trailing_spaces``, on top of jsonschema's Draft
2020-12 checkers (``ipv4``, ``ipv6``, ``email``, ...). Every format applies to strings only: any
other instance passes, so ``{"type": ["string", "null"], "format": "uuid"}`` accepts null.

"Printable" is nova's rule: a character of the Basic Multilingual Plane whose Unicode category
is neither "other" (``C*``: controls, surrogates, unassigned) nor a separator other than a space
(``Zl``, ``Zp``). Characters above U+FFFF are not printable here, as in nova: a MySQL ``utf8``
column cannot store them.
"""

from __future__ import annotations

import array
import base64
import binascii
import datetime
import ipaddress
import re
import sys
import unicodedata
import urllib.parse
import uuid
from typing import Any

import jsonschema

__all__ = [
    "FORMAT_CHECKER",
    "NAME_REASON",
    "NAME_WITH_SPACES_REASON",
    "InvalidName",
    "StringFormatChecker",
    "printable_class",
]

NAME_REASON = "printable characters. Can not start or end with whitespace."
NAME_WITH_SPACES_REASON = "printable characters with at least one non space character"

_NOT_PRINTABLE, _SPACE, _VISIBLE = 0, 1, 2


def _char_kind(char: str) -> int:
    category = unicodedata.category(char)
    if category.startswith("C") or (category.startswith("Z") and category != "Zs"):
        return _NOT_PRINTABLE
    return _SPACE if category == "Zs" else _VISIBLE


def _unprintable(text: str, offset: int, found: list[int]) -> None:
    """Append to ``found`` the code points of ``text`` (starting at ``offset``) that Python's
    ``str.isprintable`` rejects, by halving: a printable stretch costs one C call."""
    if text.isprintable():
        return
    if len(text) <= 64:
        found.extend(offset + i for i, char in enumerate(text) if not char.isprintable())
        return
    half = len(text) // 2
    _unprintable(text[:half], offset, found)
    _unprintable(text[half:], offset + half, found)


def _bmp_kinds() -> bytes:
    """The kind of every BMP code point below U+FFFF, as ``_char_kind`` says.

    Python's printable characters are exactly those outside categories ``C*`` and ``Z*``, plus
    the space: all visible but the space. Among the rest, only whitespace (``\\s``) can be
    ``Zs``, so ``unicodedata`` is asked about a few dozen characters instead of 65,535.
    """
    # Every code point, lone surrogates included, decoded in C rather than 65,535 chr() calls.
    codec = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"
    bmp = array.array("I", range(0xFFFF)).tobytes().decode(codec, "surrogatepass")
    kinds = bytearray([_VISIBLE]) * len(bmp)
    found: list[int] = []
    _unprintable(bmp, 0, found)
    for code in found:
        kinds[code] = _NOT_PRINTABLE
    for space in re.finditer(r"\s", bmp):
        kinds[space.start()] = _char_kind(space.group())
    return bytes(kinds)


def _ranges(kinds: bytes, wanted: frozenset[int]) -> str:
    """A regex character-class body for the BMP code points whose kind is in ``wanted``."""
    run = re.compile(b"[" + bytes(sorted(wanted)) + b"]+")
    return "".join(_range_text(m.start(), m.end() - 1) for m in run.finditer(kinds))


def _range_text(low: int, high: int) -> str:
    if low == high:
        return re.escape(chr(low))
    return f"{re.escape(chr(low))}-{re.escape(chr(high))}"


# Computed when the module is imported (about 2 ms), never per request.
_KINDS = _bmp_kinds()
_PRINTABLE = _ranges(_KINDS, frozenset({_SPACE, _VISIBLE}))
_VISIBLE_ONLY = _ranges(_KINDS, frozenset({_VISIBLE}))
_SPACE_OR_NOT_PRINTABLE = _ranges(_KINDS, frozenset({_SPACE, _NOT_PRINTABLE}))

_NAME_RE = re.compile(
    f"^(?![{_SPACE_OR_NOT_PRINTABLE}])[{_PRINTABLE}]*(?<![{_SPACE_OR_NOT_PRINTABLE}])$"
)
_NAME_WITH_SPACES_RE = re.compile(f"^[{_PRINTABLE}]*[{_VISIBLE_ONLY}][{_PRINTABLE}]*$")


def printable_class() -> str:
    """:returns: a regex character-class body matching nova's printable characters (spaces
    included), for ``pattern`` keywords such as ``parameter_types.description``."""
    return _PRINTABLE


class InvalidName(ValueError):
    """A ``name`` format violation; its message is the client-facing error detail."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"An invalid 'name' value was provided. The name must be: {reason}")


class StringFormatChecker(jsonschema.FormatChecker):
    """A format checker that only looks at strings (numbers, null and so on always pass)."""

    def check(self, instance: object, format: str) -> None:
        """Check ``instance`` against ``format`` only when it is a string (nova 32+)."""
        if isinstance(instance, str):
            super().check(instance, format)


def _is_uuid(value: object) -> bool:
    if not isinstance(value, str):
        return True
    # oslo.utils' is_uuid_like: hyphens, braces, "urn:uuid:" and case are not significant.
    compact = value.lower().removeprefix("urn:uuid:").replace("-", "").strip("{}")
    try:
        return uuid.UUID(value).hex == compact
    except ValueError:
        return False


_ISO_DATETIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?"
    r"(Z|[+-](\d{2})(?::?(\d{2}))?)?$",
    re.IGNORECASE,
)


def _is_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    """ISO 8601 as oslo's ``parse_isotime`` reads it: a date, optional time and offset."""
    match = _ISO_DATETIME.match(value)
    if match is None:
        return False
    year, month, day, hour, minute, second = (int(g or 0) for g in match.groups()[:6])
    offset_hours, offset_minutes = int(match.group(9) or 0), int(match.group(10) or 0)
    if offset_hours > 23 or offset_minutes > 59:
        return False
    try:
        datetime.datetime(year, month, day, hour, minute, second)
    except ValueError:
        return False
    return True


def _is_cidr(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if "/" not in value or re.search(r"\s", value):
        return False
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False
    return True


_URI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*$")


def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    """An absolute URI with a scheme and a host (nova requires both)."""
    if re.search(r"\s", value):
        return False
    try:
        parts = urllib.parse.urlsplit(value)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return False
    return bool(_URI_SCHEME.match(parts.scheme)) and bool(host)


def _is_base64(value: object) -> bool:
    if not isinstance(value, str):
        return True
    # Lenient like nova (base64.decodebytes): line breaks in user_data are common.
    try:
        base64.decodebytes(value.encode("utf-8"))
    except (binascii.Error, ValueError):
        return False
    return True


def _is_regex(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not value:
        return False
    try:
        re.compile(value)
    except re.error:
        return False
    return True


def _is_name(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if _NAME_RE.search(value):
        return True
    raise InvalidName(NAME_REASON)


def _is_name_with_spaces(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if _NAME_WITH_SPACES_RE.search(value):
        return True
    raise InvalidName(NAME_WITH_SPACES_REASON)


def _build_format_checker() -> StringFormatChecker:
    checker = StringFormatChecker(())
    checker.checkers = dict(jsonschema.Draft202012Validator.FORMAT_CHECKER.checkers)
    plain: dict[str, Any] = {
        "uuid": _is_uuid,
        "date-time": _is_datetime,
        "cidr": _is_cidr,
        "uri": _is_uri,
        "base64": _is_base64,
        "regex": _is_regex,
    }
    for name, func in plain.items():
        checker.checks(name)(func)
    checker.checks("name", raises=InvalidName)(_is_name)
    checker.checks("name_with_leading_trailing_spaces", raises=InvalidName)(_is_name_with_spaces)
    return checker


#: The one format checker every apistack validator shares (it holds no per-request state).
FORMAT_CHECKER = _build_format_checker()
