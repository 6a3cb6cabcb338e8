"""``Request``: a WebOb request that knows its microversion, context and media types.

Everything it knows lives on the WSGI environ (not on the object), so outer filters that wrap
the same environ in their own request object see the same values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, cast

import webob

from apistack.environ import (
    BEST_CONTENT_TYPE_KEY,
    DEFAULT_CONTEXT_KEY,
    JSON_MEDIA_TYPE,
    LEGACY_V2_KEY,
    RESOURCE_CACHE_KEY,
    VERSION_KEY,
    vendor_media_type,
)
from apistack.resource.exceptions import InvalidContentType
from apistack.resource.negotiation import VersionNegotiator
from apistack.resource.versions import NULL_VERSION, APISettings, APIVersionRequest

__all__ = ["BEST_CONTENT_TYPE_KEY", "CONTEXT_KEY", "Request"]

#: default environ key of the request context (kept for importers of this module).
CONTEXT_KEY = DEFAULT_CONTEXT_KEY

_NO_LANGUAGE = object()


def _kind_methods(plural: str, singular: str) -> dict[str, Callable[..., Any]]:
    """The methods of one ``db_item_kinds`` entry: ``cache_db_<plural>(items)``,
    ``cache_db_<singular>(item)``, ``get_db_<plural>()`` and ``get_db_<singular>(id)``."""

    def cache_many(self: Request, items: Iterable[Any]) -> None:
        listed = list(items)
        self.cache_db_items(plural, listed, "id")
        if plural in self.db_items_by_path:
            self.cache_db_items(self.path, listed, "id")

    def cache_one(self: Request, item: Any) -> None:
        cache_many(self, [item])

    def get_many(self: Request) -> dict[Any, Any] | None:
        found = self.get_db_items(plural)
        return (
            found if found or plural not in self.db_items_by_path else self.get_db_items(self.path)
        )

    def get_one(self: Request, item_id: Any) -> Any:
        return (get_many(self) or {}).get(item_id)

    return {
        f"cache_db_{plural}": cache_many,
        f"cache_db_{singular}": cache_one,
        f"get_db_{plural}": get_many,
        f"get_db_{singular}": get_one,
    }


class Request(webob.Request):
    """The request object controllers receive as ``req``."""

    #: set by the Resource that dispatches the request (its own subclass of Request).
    context_key: str = CONTEXT_KEY
    #: the settings of the API the request is dispatched in.
    api_settings: APISettings = APISettings()
    #: ``{plural: singular}`` kinds of DB objects that get ``cache_db_<plural>``,
    #: ``cache_db_<singular>``, ``get_db_<plural>`` and ``get_db_<singular>`` methods.
    db_item_kinds: ClassVar[Mapping[str, str]] = {}
    #: kinds also cached under the request path, for code that reads ``cached_resource()``
    #: without a name (cinder caches its volumes so).
    db_items_by_path: ClassVar[frozenset[str]] = frozenset()
    #: raised (with ``content_type=``) for a body of a media type the API does not read.
    content_type_error: ClassVar[Callable[..., Exception]] = InvalidContentType

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for plural, singular in cls.__dict__.get("db_item_kinds", {}).items():
            for name, method in _kind_methods(plural, singular).items():
                setattr(cls, name, method)

    @property
    def api_version_request(self) -> APIVersionRequest:
        """The negotiated microversion; the null version when none was negotiated.

        A version object someone else set (a test of another lineage, say) is returned as
        it was set; apistack reads it with ``apistack.resource.versions.as_version``.
        """
        version = self.environ.get(VERSION_KEY)
        return NULL_VERSION if version is None else cast(APIVersionRequest, version)

    @api_version_request.setter
    def api_version_request(self, version: APIVersionRequest) -> None:
        self.environ[VERSION_KEY] = version

    def set_api_version_request(self, url: str | None = None) -> None:
        """Negotiate the request's version from its headers with the API's settings.

        :param url: unused; the lineage passes the request URL.
        :raises apistack.resource.exceptions.Invalid: for a malformed version (400).
        :raises apistack.resource.exceptions.VersionNotSupported: outside the range (406).
        """
        if self.api_settings.versioned:
            VersionNegotiator(self.api_settings).negotiate(self.environ)
        else:
            self.api_version_request = NULL_VERSION

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
        :raises InvalidContentType: (``content_type_error``) for any other media type (415).
        """
        raw = self.environ.get("CONTENT_TYPE")
        if not raw:
            return None
        media = raw.split(";", 1)[0].strip().lower()
        if media in ("", "text/plain"):
            return None
        if media in self.media_types(service_type):
            return str(media)
        raise self.content_type_error(content_type=media)

    def available_languages(self) -> Iterable[str]:
        """:returns: the locales the service has translations for: none here; a service's
        subclass returns its own (``oslo_i18n.get_available_languages(domain)``)."""
        return ()

    def best_match_language(self) -> str | None:
        """:returns: the best of ``available_languages`` for ``Accept-Language``; None when
        the header is absent or nothing matches."""
        if not self.accept_language:
            return None
        languages = list(self.available_languages())
        match = self.accept_language.lookup(languages, default=_NO_LANGUAGE)
        return None if match is _NO_LANGUAGE else str(match)

    def _resource_cache(self) -> dict[str, dict[Any, Any]]:
        cache: dict[str, dict[Any, Any]] = self.environ.setdefault(RESOURCE_CACHE_KEY, {})
        return cache

    def cache_resource(
        self, resource_to_cache: Any, id_attribute: str = "id", name: str | None = None
    ) -> None:
        """Keep DB objects for the extensions of this request, by ``item[id_attribute]``.

        :param resource_to_cache: one object or a list of them.
        :param name: the cache's name; the request path when None.
        """
        items = resource_to_cache if isinstance(resource_to_cache, list) else [resource_to_cache]
        cached = self._resource_cache().setdefault(name or self.path, {})
        for item in items:
            cached[item[id_attribute]] = item

    def cached_resource(self, name: str | None = None) -> dict[Any, Any] | None:
        """:returns: ``{id: object}`` cached under ``name`` (the path when None); None when
        nothing was cached under it."""
        return self._resource_cache().get(name or self.path)

    def cached_resource_by_id(self, resource_id: Any, name: str | None = None) -> Any:
        """:returns: the object cached with ``resource_id`` under ``name``, or None."""
        return (self.cached_resource(name) or {}).get(resource_id)

    def cache_db_items(self, key: str, items: Any, item_key: str = "id") -> None:
        """``cache_resource(items, item_key, key)``, nova's and cinder's spelling."""
        self.cache_resource(items, item_key, key)

    def get_db_items(self, key: str) -> dict[Any, Any] | None:
        """:returns: the objects cached under ``key``, or None."""
        return self.cached_resource(key)

    def get_db_item(self, key: str, item_key: Any) -> Any:
        """:returns: the object cached under ``key`` with id ``item_key``, or None."""
        return self.cached_resource_by_id(item_key, key)
