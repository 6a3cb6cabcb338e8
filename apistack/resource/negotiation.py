"""Microversion negotiation: from request headers to one ``APIVersionRequest``.

``VersionNegotiator`` is built once per API from its ``APISettings``. Per request it reads
``OpenStack-API-Version`` (right-most entry for the service wins, service type
case-insensitive) and, only when that has no entry for the service, the legacy header; no header
gives the minimum and ``latest`` the maximum. The result is stored on the WSGI environ, so outer
filters (request log, fault wrapper) see the same version and the same response headers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import microversion_parse

from apistack.environ import (
    LEGACY_V2_KEY,
    STANDARD_VERSION_HEADER,
    VERSION_HEADERS_KEY,
    VERSION_KEY,
    environ_header_key,
)
from apistack.resource.exceptions import Invalid, VersionNotSupported
from apistack.resource.versions import APISettings, APIVersionRequest, InvalidAPIVersionString

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

__all__ = ["LEGACY_V2_KEY", "VERSION_KEY", "VersionNegotiator", "environ_header_key"]

_STANDARD_ENVIRON_KEY = environ_header_key(STANDARD_VERSION_HEADER)

VersionHeaders = tuple[tuple[str, str], ...]


class VersionNegotiator:
    """Negotiates the microversion of each request for one versioned API.

    :param settings: the API's settings; must be versioned (``min_version`` set).
    """

    def __init__(self, settings: APISettings) -> None:
        if settings.min_version is None or settings.max_version is None:
            raise ValueError("a VersionNegotiator needs an API with min_version and max_version")
        self.settings = settings
        self.min_version: APIVersionRequest = settings.min_version
        self.max_version: APIVersionRequest = settings.max_version
        self._service = settings.service_type
        self._legacy = settings.legacy_header
        self._legacy_key = environ_header_key(self._legacy) if self._legacy else None
        vary_names = [STANDARD_VERSION_HEADER] + ([self._legacy] if self._legacy else [])
        self._vary = ", ".join(vary_names)
        # Results for version strings already seen: only valid, in-range versions are kept,
        # so the cache is bounded by the size of the API's version range.
        self._known: dict[str | None, tuple[APIVersionRequest, VersionHeaders]] = {}
        self._known[None] = self._accept(self.min_version)
        self._known["latest"] = self._accept(self.max_version)

    def response_headers(self, version: APIVersionRequest) -> VersionHeaders:
        """:returns: the headers announcing ``version`` (standard, legacy, and ``Vary``)."""
        text = version.get_string()
        headers = [(STANDARD_VERSION_HEADER, f"{self._service} {text}")]
        if self._legacy:
            headers.append((self._legacy, text))
        headers.append(("Vary", self._vary))
        return tuple(headers)

    def _accept(self, version: APIVersionRequest) -> tuple[APIVersionRequest, VersionHeaders]:
        return version, self.response_headers(version)

    def requested_version(self, environ: WSGIEnvironment) -> str | None:
        """:returns: the version string the client asked for, ``latest``, or None."""
        standard = environ.get(_STANDARD_ENVIRON_KEY)
        if standard:
            found = microversion_parse.check_standard_header(
                {"openstack-api-version": standard}, self._service
            )
            if found:
                return found
        if self._legacy_key is not None:
            legacy = environ.get(self._legacy_key)
            if legacy:
                assert self._legacy is not None
                name = self._legacy.lower()
                return microversion_parse.check_legacy_headers({name: legacy}, [name])
        return None

    def negotiate(self, environ: WSGIEnvironment) -> APIVersionRequest:
        """Negotiate and record the request's version on ``environ``.

        :returns: the version the request runs at.
        :raises Invalid: (400) for a malformed version string; no version headers are set.
        :raises VersionNotSupported: (406) for a version outside the API's range; the
            rejected version is echoed in the fault's headers.
        """
        requested = self.requested_version(environ)
        known = self._known.get(requested)
        if known is None:
            known = self._check(environ, requested)
        environ[VERSION_KEY], environ[VERSION_HEADERS_KEY] = known
        return known[0]

    def _check(
        self, environ: WSGIEnvironment, requested: str | None
    ) -> tuple[APIVersionRequest, VersionHeaders]:
        assert requested is not None
        try:
            version = APIVersionRequest(requested)
        except InvalidAPIVersionString as exc:
            raise Invalid(str(exc)) from None
        if not version.matches(self.min_version, self.max_version):
            environ[VERSION_HEADERS_KEY] = self.response_headers(version)
            raise VersionNotSupported(
                version=requested,
                min_version=self.min_version.get_string(),
                max_version=self.max_version.get_string(),
            )
        known = self._accept(version)
        self._known[requested] = known
        return known
