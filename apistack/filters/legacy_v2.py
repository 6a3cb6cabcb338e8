"""``legacy_v2``: make a microversioned API answer ``/v2`` as nova does.

As nova's ``LegacyV2CompatibleWrapper``: the request is marked ``openstack.legacy_v2`` and its
microversion headers are removed (so it runs at the minimum version); the response loses the
microversion headers and their names in every ``Vary`` header, duplicates merged into one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from apistack.environ import LEGACY_V2_KEY, STANDARD_VERSION_HEADER, environ_header_key
from apistack.filters.base import Filter, Option

if TYPE_CHECKING:
    from _typeshed import OptExcInfo
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["DEFAULT_LEGACY_HEADER", "LegacyV2", "strip_version_headers"]

DEFAULT_LEGACY_HEADER = "X-OpenStack-Nova-API-Version"
STANDARD_HEADER = STANDARD_VERSION_HEADER

Headers = list[tuple[str, str]]


def strip_version_headers(headers: Headers, names: frozenset[str]) -> Headers:
    """Remove the headers in ``names`` (lower-cased), and their names from ``Vary``.

    :returns: the new header list; the ``Vary`` tokens left, if any, in one ``Vary`` header.
    """
    kept: Headers = []
    vary: dict[str, str] = {}
    for name, value in headers:
        lowered = name.lower()
        if lowered == "vary":
            for token in value.split(","):
                token = token.strip()
                if token and token.lower() not in names:
                    vary.setdefault(token.lower(), token)
        elif lowered not in names:
            kept.append((name, value))
    if vary:
        kept.append(("Vary", ", ".join(vary.values())))
    return kept


class LegacyV2(Filter):
    """Runs requests at the minimum microversion and hides microversions from responses.

    :param application: the wrapped WSGI application.
    :param legacy_header: the service's legacy version header (nova's by default; empty for
        none); removed like the standard ``OpenStack-API-Version``.
    """

    name = "legacy_v2"
    options = (
        Option(
            "legacy_header",
            "str",
            DEFAULT_LEGACY_HEADER,
            "The legacy microversion header removed from requests and responses.",
        ),
    )

    def __init__(
        self, application: WSGIApplication, *, legacy_header: str = DEFAULT_LEGACY_HEADER
    ) -> None:
        super().__init__(application)
        self.legacy_header = legacy_header
        headers = [STANDARD_HEADER] + ([legacy_header] if legacy_header else [])
        self._request_keys = tuple(environ_header_key(name) for name in headers)
        self._names = frozenset(name.lower() for name in headers)
        self._touched = self._names | {"vary"}

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        environ[LEGACY_V2_KEY] = True
        for key in self._request_keys:
            environ.pop(key, None)
        names, touched = self._names, self._touched

        def hide_versions(
            status: str, headers: Headers, exc_info: OptExcInfo | None = None
        ) -> Callable[[bytes], object]:
            if any(name.lower() in touched for name, _value in headers):
                headers = strip_version_headers(headers, names)
            return start_response(status, headers, exc_info)

        return self.application(environ, hide_versions)
