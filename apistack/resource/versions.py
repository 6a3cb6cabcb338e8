"""API microversions: the ``APIVersionRequest`` value and the per-API ``APISettings``.

A microversion is ``MAJOR.MINOR`` (``2.1``, ``2.104``); the null version (0.0) stands for
"no version" (an unversioned API, or a bound that is not set).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import total_ordering
from typing import Any, Literal

__all__ = [
    "DEFAULT_SUPPORT_TEXT",
    "APISettings",
    "APIVersionRequest",
    "InvalidAPIVersionString",
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


@total_ordering
class APIVersionRequest:
    """One microversion, ordered by ``(major, minor)``.

    :param version_string: ``"X.Y"``, or None for the null version.
    :raises InvalidAPIVersionString: when the string is not ``X.Y`` with no leading zeros, or
        either number has more than nine digits.
    """

    __slots__ = ("_key", "major", "minor")

    def __init__(self, version_string: str | None = None) -> None:
        if version_string is None:
            self.major, self.minor = 0, 0
        else:
            match = _VERSION_RE.match(version_string)
            if match is None or max(len(part) for part in match.groups()) > _MAX_DIGITS:
                raise InvalidAPIVersionString(version_string)
            self.major, self.minor = int(match.group(1)), int(match.group(2))
        self._key = (self.major, self.minor)

    def __repr__(self) -> str:
        return f"APIVersionRequest({self.get_string()!r})" if self else "APIVersionRequest()"

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}"

    def __bool__(self) -> bool:
        return self._key != (0, 0)

    def is_null(self) -> bool:
        """:returns: True for the null version 0.0."""
        return not self

    def _other_key(self, other: object) -> tuple[int, int]:
        if not isinstance(other, APIVersionRequest):
            raise TypeError(f"'{other}' should be an instance of '{type(self).__name__}'")
        return other._key

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, APIVersionRequest):
            return NotImplemented
        return self._key == other._key

    def __hash__(self) -> int:
        return hash(self._key)

    def __lt__(self, other: APIVersionRequest) -> bool:
        return self._key < self._other_key(other)

    def matches(
        self,
        min_version: APIVersionRequest | None = None,
        max_version: APIVersionRequest | None = None,
    ) -> bool:
        """Whether this version lies in ``[min_version, max_version]``, inclusive.

        A null or missing bound is unbounded on its side.

        :raises ValueError: when this version is null but a bound is not.
        """
        low = min_version if min_version else None
        high = max_version if max_version else None
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
        if not self:
            raise ValueError("the null version has no string form")
        return f"{self.major}.{self.minor}"


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
    """

    service_type: str = "compute"
    min_version: APIVersionRequest | None = None
    max_version: APIVersionRequest | None = None
    legacy_header: str | None = None
    context_key: str = "openstack.context"
    support_text: str = DEFAULT_SUPPORT_TEXT
    response_validation: Literal["warn", "error", "ignore"] = "warn"
    media_types: tuple[str, ...] = field(init=False)

    def __init__(
        self,
        service_type: str = "compute",
        min_version: str | APIVersionRequest | None = None,
        max_version: str | APIVersionRequest | None = None,
        legacy_header: str | None = None,
        context_key: str = "openstack.context",
        support_text: str = DEFAULT_SUPPORT_TEXT,
        response_validation: Literal["warn", "error", "ignore"] = "warn",
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
            "media_types": ("application/json", f"application/vnd.openstack.{service_type}+json"),
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)

    @property
    def versioned(self) -> bool:
        """True when the API negotiates microversions."""
        return self.min_version is not None
