"""``Request``: a WebOb request that knows its microversion, context and media types.

Everything it knows lives on the WSGI environ (not on the object), so outer filters that wrap
the same environ in their own request object see the same values.
"""

from __future__ import annotations

from typing import Any

import webob

from apistack.environ import (
    BEST_CONTENT_TYPE_KEY,
    DEFAULT_CONTEXT_KEY,
    JSON_MEDIA_TYPE,
    LEGACY_V2_KEY,
    VERSION_KEY,
    vendor_media_type,
)
from apistack.resource.exceptions import InvalidContentType
from apistack.resource.versions import NULL_VERSION, APISettings, APIVersionRequest

__all__ = ["BEST_CONTENT_TYPE_KEY", "CONTEXT_KEY", "Request"]

#: default environ key of the request context (kept for importers of this module).
CONTEXT_KEY = DEFAULT_CONTEXT_KEY


class Request(webob.Request):
    """The request object controllers receive as ``req``."""

    #: set by the Resource that dispatches the request (its own subclass of Request).
    context_key: str = CONTEXT_KEY
    #: the settings of the API the request is dispatched in.
    api_settings: APISettings = APISettings()

    @property
    def api_version_request(self) -> APIVersionRequest:
        """The negotiated microversion; the null version when none was negotiated."""
        version = self.environ.get(VERSION_KEY)
        return version if isinstance(version, APIVersionRequest) else NULL_VERSION

    @api_version_request.setter
    def api_version_request(self, version: APIVersionRequest) -> None:
        self.environ[VERSION_KEY] = version

    def is_legacy_v2(self) -> bool:
        """:returns: True when the request came through the legacy ``/v2`` wrapper."""
        return bool(self.environ.get(LEGACY_V2_KEY, False))

    def set_legacy_v2(self) -> None:
        """Mark the request as a legacy ``/v2`` request."""
        self.environ[LEGACY_V2_KEY] = True

    @property
    def context(self) -> Any:
        """The request context set by the auth filter, or None."""
        return self.environ.get(self.context_key)

    def media_types(self, service_type: str | None = None) -> tuple[str, ...]:
        """:returns: the media types the API reads and writes: JSON and the vendor JSON type
        of ``service_type`` (the API's own, ``api_settings.media_types``, when None)."""
        if service_type is None:
            return self.api_settings.media_types
        return (JSON_MEDIA_TYPE, vendor_media_type(service_type))

    def best_match_content_type(self, service_type: str | None = None) -> str:
        """The response media type: JSON, or the service's vendor JSON type when asked for.

        A ``.json`` path suffix forces ``application/json``; XML, HTML and anything else fall
        back to ``application/json``. The result is cached on the environ.

        :param service_type: the service whose vendor type is offered; the API's own when None.
        """
        cached = self.environ.get(BEST_CONTENT_TYPE_KEY)
        if cached:
            return str(cached)
        content_type = JSON_MEDIA_TYPE
        accept = self.environ.get("HTTP_ACCEPT")
        if accept and not self.path_info.endswith(".json"):
            offers = self.accept.acceptable_offers(list(self.media_types(service_type)))
            if offers:
                content_type = offers[0][0]
        self.environ[BEST_CONTENT_TYPE_KEY] = content_type
        return content_type

    def get_content_type(self, service_type: str | None = None) -> str | None:
        """The body's media type, if it is one the API reads.

        :param service_type: the service whose vendor type is read; the API's own when None.
        :returns: ``application/json`` or the vendor JSON type; None when the header is
            absent, empty or ``text/plain`` (the body is then still read as JSON).
        :raises InvalidContentType: for any other media type (415).
        """
        raw = self.environ.get("CONTENT_TYPE")
        if not raw:
            return None
        media = raw.split(";", 1)[0].strip().lower()
        if media in ("", "text/plain"):
            return None
        if media in self.media_types(service_type):
            return str(media)
        raise InvalidContentType()
