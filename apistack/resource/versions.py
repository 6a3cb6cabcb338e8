"""API microversions: the ``APIVersionRequest`` value and the per-API ``APISettings``.

A microversion is ``MAJOR.MINOR`` (``2.1``, ``2.104``); the null version (0.0) stands for
"no version" (an unversioned API, or a bound that is not set).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from apistack.environ import (
    DEFAULT_CONTEXT_KEY,
    DEFAULT_SERVICE_TYPE,
    JSON_MEDIA_TYPE,
    vendor_media_type,
)
from apistack.resource.json_encoders import DEFAULT_JSON_ENCODER
from apistack.resource.json_encoders import json_encoder as encoder_named

__all__ = [
    "DEFAULT_SUPPORT_TEXT",
    "NULL_VERSION",
    "APISettings",
    "APIVersionRequest",
    "InvalidAPIVersionString",
    "VersionBound",
    "as_version",
    "in_range",
    "request_argument",
    "request_version",
    "version_bound",
]

_VERSION_RE = re.compile(r"^([1-9]\d*)\.([1-9]\d*|0)$")
# More digits than any API's version has, and far fewer than int()'s 4,300-digit limit.
_MAX_DIGITS = 9

DEFAULT_SUPPORT_TEXT = "Please contact the administrator"


class InvalidAPIVersionString(ValueError):
    """A version string is not of the form ``MajorNum.MinorNum``."""

    def __init__(self, version: str) -> None:
        self.version = version
        shown = version if len(version) <= 40 else version[:40] + "..."
        super().__init__(
            f"API Version String {shown} is of invalid format. "
            "Must be of format MajorNum.MinorNum."
        )


class APIVersionRequest:
    """One microversion, ordered by ``(major, minor)``.

    :param version_string: ``"X.Y"``, or None for the null version.
    :raises InvalidAPIVersionString: when the string is not ``X.Y`` with no leading zeros, or
        either number has more than nine digits.
    """

    # _text: "X.Y", made once (negotiation keeps one object per version asked for, and the
    # request log, the version headers and views ask for the string on every request).
    __slots__ = ("_key", "_text", "major", "minor")

    def __init__(self, version_string: str | None = None) -> None:
        if version_string is None:
            self.major, self.minor = 0, 0
        else:
            match = _VERSION_RE.match(version_string)
            if match is None or max(len(part) for part in match.groups()) > _MAX_DIGITS:
                raise InvalidAPIVersionString(version_string)
            self.major, self.minor = int(match.group(1)), int(match.group(2))
        self._key = (self.major, self.minor)
        self._text = f"{self.major}.{self.minor}"

    def __repr__(self) -> str:
        return f"APIVersionRequest({self.get_string()!r})" if self else "APIVersionRequest()"

    def __str__(self) -> str:
        return self._text

    def __bool__(self) -> bool:
        return self._key != (0, 0)

    def is_null(self) -> bool:
        """:returns: True for the null version 0.0."""
        return self._key == (0, 0)  # not ``not self``: a second call, on every logged request

    def _other_key(self, other: object) -> tuple[int, int]:
        if isinstance(other, APIVersionRequest):
            return other._key
        if callable(getattr(other, "get_string", None)):  # another lineage's version class
            return as_version(other)._key
        raise TypeError(f"'{other}' should be an instance of '{type(self).__name__}'")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, APIVersionRequest):
            return self._key == other._key
        if callable(getattr(other, "get_string", None)):
            return self._key == as_version(other)._key
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._key)

    def __lt__(self, other: APIVersionRequest) -> bool:
        return self._key < self._other_key(other)

    # Spelt out rather than derived by functools.total_ordering (two calls each): views and
    # decorators compare versions several times per request.
    def __le__(self, other: APIVersionRequest) -> bool:
        return self._key <= self._other_key(other)

    def __gt__(self, other: APIVersionRequest) -> bool:
        return self._key > self._other_key(other)

    def __ge__(self, other: APIVersionRequest) -> bool:
        return self._key >= self._other_key(other)

    def matches(self, min_version: VersionBound = None, max_version: VersionBound = None) -> bool:
        """Whether this version lies in ``[min_version, max_version]``, inclusive.

        A bound is an ``APIVersionRequest``, an ``"X.Y"`` string (as cinder, manila and nova
        controllers pass them: ``matches("3.38", None)``), or None / the null version for
        unbounded on its side.

        :raises ValueError: when this version is null but a bound is not.
        :raises InvalidAPIVersionString: for a bound string that is not ``X.Y``.
        """
        low, high = version_bound(min_version), version_bound(max_version)
        if low is None and high is None:
            return True
        if not self:
            raise ValueError("a null version cannot be matched against a bounded range")
        if low is not None and self._key < low._key:
            return False
        return high is None or self._key <= high._key

    def get_string(self) -> str:
        """:returns: ``"X.Y"``.

        :raises ValueError: on the null version.
        """
        if self._key == (0, 0):
            raise ValueError("the null version has no string form")
        return self._text


#: a range bound as callers spell it: a version (of any lineage, see ``as_version``), an
#: ``"X.Y"`` string, or None for unbounded.
VersionBound: TypeAlias = "APIVersionRequest | str | object | None"

#: "no version": what an unversioned API's requests run at, and an unset bound.
NULL_VERSION = APIVersionRequest()


def version_bound(value: VersionBound) -> APIVersionRequest | None:
    """:returns: ``value`` as a version, or None when it is None, empty or the null version.

    :raises InvalidAPIVersionString: for a string that is not ``X.Y``.
    """
    if value is None or isinstance(value, str):
        return APIVersionRequest(value) if value else None
    version = as_version(value)
    return version if version else None


def as_version(value: object) -> APIVersionRequest:
    """Read a version object of any lineage as an ``APIVersionRequest``.

    cinder, manila and nova each have their own ``APIVersionRequest`` class, and their tests
    put instances of it on requests; anything with a ``get_string()`` that is not null is
    read through that string.

    :returns: the version; the null version for None, a null version or anything else.
    """
    if isinstance(value, APIVersionRequest):
        return value
    if value and callable(getattr(value, "get_string", None)):
        try:
            return APIVersionRequest(str(value.get_string()))  # type: ignore[attr-defined]
        except ValueError:
            return NULL_VERSION
    return NULL_VERSION


def request_argument(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """:returns: the request a controller method was called with: ``req=`` or the first
    positional argument after ``self`` (``args[1]``), as every nova-lineage method takes it;
    None when there is neither."""
    req = kwargs.get("req")
    if req is None and len(args) > 1:
        req = args[1]
    return req


def request_version(args: tuple[Any, ...], kwargs: dict[str, Any]) -> APIVersionRequest:
    """:returns: the version of the request a controller method was called with (see
    :func:`request_argument` and :func:`as_version`); null when there is none."""
    return as_version(getattr(request_argument(args, kwargs), "api_version_request", None))


def in_range(
    version: APIVersionRequest, low: APIVersionRequest | None, high: APIVersionRequest | None
) -> bool:
    """:returns: whether ``version`` lies in ``[low, high]``; an unbounded range holds every
    version, the null version lies in no bounded range."""
    if low is None and high is None:
        return True
    if not version:
        return False
    return version.matches(low, high)


def _version(value: str | APIVersionRequest | None) -> APIVersionRequest:
    if isinstance(value, APIVersionRequest):
        return value
    return APIVersionRequest(value)


@dataclass(frozen=True)
class APISettings:
    """What one API (one service's ``/v2.1`` say) is: its versions and its conventions.

    Built once and shared by every ``Resource`` of the API.

    :param service_type: the service type in ``OpenStack-API-Version`` and in the
        ``application/vnd.openstack.<service_type>+json`` media type.
    :param min_version: the lowest microversion; None makes the API unversioned (no
        negotiation, no version headers).
    :param max_version: the highest microversion (``latest``); defaults to ``min_version``.
    :param legacy_header: a per-service header such as ``X-OpenStack-Nova-API-Version``,
        read when the standard header has no entry for this service, and echoed.
    :param context_key: the environ key holding the request context.
    :param support_text: appended to "Unexpected API Error." in unexpected-error faults.
    :param response_validation: ``warn``, ``error`` or ``ignore`` for response schemas.
    :param json_encoder: how bodies become JSON: ``json`` (``json.dumps``'s bytes, as nova's)
        or ``orjson`` (compact UTF-8, ten times faster); see ``apistack.resource.json_encoders``.
    :raises ValueError: for versions out of order, or an unknown ``response_validation`` or
        ``json_encoder`` (or ``orjson`` when it is not installed).
    """

    service_type: str = DEFAULT_SERVICE_TYPE
    min_version: APIVersionRequest | None = None
    max_version: APIVersionRequest | None = None
    legacy_header: str | None = None
    context_key: str = DEFAULT_CONTEXT_KEY
    support_text: str = DEFAULT_SUPPORT_TEXT
    response_validation: Literal["warn", "error", "ignore"] = "warn"
    json_encoder: str = DEFAULT_JSON_ENCODER
    media_types: tuple[str, ...] = field(init=False)
    #: writes a response body as JSON bytes, by ``json_encoder``.
    encode_json: Callable[[Any], bytes] = field(init=False, compare=False, repr=False)

    def __init__(
        self,
        service_type: str = DEFAULT_SERVICE_TYPE,
        min_version: str | APIVersionRequest | None = None,
        max_version: str | APIVersionRequest | None = None,
        legacy_header: str | None = None,
        context_key: str = DEFAULT_CONTEXT_KEY,
        support_text: str = DEFAULT_SUPPORT_TEXT,
        response_validation: Literal["warn", "error", "ignore"] = "warn",
        json_encoder: str = DEFAULT_JSON_ENCODER,
    ) -> None:
        low = _version(min_version) if min_version else None
        high = _version(max_version) if max_version else low
        if high is not None and low is None:
            raise ValueError("max_version is set but min_version is not")
        if low is not None and high is not None and high < low:
            raise ValueError(f"max_version {high} is below min_version {low}")
        if response_validation not in ("warn", "error", "ignore"):
            raise ValueError(
                f"response_validation must be warn, error or ignore, not {response_validation!r}"
            )
        values: dict[str, Any] = {
            "service_type": service_type,
            "min_version": low,
            "max_version": high,
            "legacy_header": legacy_header or None,
            "context_key": context_key,
            "support_text": support_text,
            "response_validation": response_validation,
            "json_encoder": json_encoder,
            "media_types": (JSON_MEDIA_TYPE, vendor_media_type(service_type)),
            "encode_json": encoder_named(json_encoder),
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)

    @property
    def versioned(self) -> bool:
        """True when the API negotiates microversions."""
        return self.min_version is not None
