"""The WSGI vocabulary every room shares: environ keys, service defaults, three helpers.

A request carries its state on the environ, so outer filters (``request_log``, ``faultwrap``)
see what inner apps (the router, ``Resource``) decided. The keys live here, beside
``filters/``, ``router/`` and ``resource/``, so no room imports another's constants and none
writes a key as a literal. It also owns the plain-WSGI helpers more than one room needs:
``request_uri`` (the log-safe URI), ``status_line``, ``drain_and_close`` and
``header_name_lengths``. Nothing here
imports the rest of apistack.

The null microversion (``NULL_VERSION``) is an ``APIVersionRequest`` and lives beside that
class in ``apistack.resource.versions``.
"""

from __future__ import annotations

import http
import operator
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

__all__ = [
    "BEST_CONTENT_TYPE_KEY",
    "DEFAULT_CONTEXT_KEY",
    "DEFAULT_SERVICE_TYPE",
    "ERROR_TABLE_KEY",
    "GLOBAL_REQUEST_ID_KEY",
    "JSON_MEDIA_TYPE",
    "LEGACY_V2_KEY",
    "REQUEST_ID_KEY",
    "RESOURCE_CACHE_KEY",
    "ROUTING_ARGS_KEY",
    "STANDARD_VERSION_HEADER",
    "VERSION_HEADERS_KEY",
    "VERSION_KEY",
    "drain_and_close",
    "environ_header_key",
    "header_name_lengths",
    "quote_path",
    "request_uri",
    "status_line",
    "vendor_media_type",
]

#: this request's id, ``req-<uuid4>`` (oslo.middleware's ``ENV_REQUEST_ID``).
REQUEST_ID_KEY = "openstack.request_id"
#: the caller's ``X-OpenStack-Request-ID`` when valid (oslo.middleware's ``GLOBAL_REQ_ID``).
GLOBAL_REQUEST_ID_KEY = "openstack.global_request_id"
#: the negotiated ``APIVersionRequest`` of the request.
VERSION_KEY = "openstack.api_version"
#: the ``(name, value)`` microversion headers every response of the request carries.
VERSION_HEADERS_KEY = "openstack.api_version_headers"
#: True for requests through the legacy ``/v2`` wrapper.
LEGACY_V2_KEY = "openstack.legacy_v2"
#: the negotiated response media type, cached per request.
BEST_CONTENT_TYPE_KEY = "openstack.best_content_type"
#: the request's DB-object caches (``Request.cache_resource``), for extensions of one request.
RESOURCE_CACHE_KEY = "openstack.resource_cache"
#: the router's match, ``((), {"controller": ..., "action": ..., <path variables>})``.
ROUTING_ARGS_KEY = "wsgiorg.routing_args"
#: the ``apistack.errors.ErrorTable`` of the ``faultwrap`` around the request.
ERROR_TABLE_KEY = "apistack.error_table"
#: where the auth filters put the request context unless told otherwise (nova: ``nova.context``).
DEFAULT_CONTEXT_KEY = "openstack.context"

#: the service type an API is for unless told otherwise (nova's).
DEFAULT_SERVICE_TYPE = "compute"
#: the microversion header of every OpenStack service.
STANDARD_VERSION_HEADER = "OpenStack-API-Version"
#: the plain JSON media type, always accepted and served.
JSON_MEDIA_TYPE = "application/json"


def vendor_media_type(service_type: str = DEFAULT_SERVICE_TYPE) -> str:
    """:param service_type: the service's type (``compute``, ``volume``...).
    :returns: its vendor JSON media type, ``application/vnd.openstack.<service_type>+json``."""
    return f"application/vnd.openstack.{service_type}+json"


def environ_header_key(header: str) -> str:
    """:returns: the CGI environ key of an HTTP header (``X-Foo`` -> ``HTTP_X_FOO``)."""
    return "HTTP_" + header.upper().replace("-", "_")


_PATH_SAFE = "/:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?%[]"


def _printable_ascii(text: str) -> bool:
    return text.isascii() and text.isprintable() and " " not in text


def quote_path(path: str) -> str:
    """:returns: a WSGI (decoded, latin-1) path quoted back into printable ASCII."""
    return quote(path.encode("latin-1", "replace"), safe=_PATH_SAFE)


def request_uri(environ: WSGIEnvironment) -> str:
    """The request's URI as sent, safe to log: ``SCRIPT_NAME + PATH_INFO [+ '?' + QUERY]``.

    The server has already decoded ``%XX`` in the path, so the path is re-quoted: a client's
    ``%0A`` must not become a new line in a log, and non-UTF-8 bytes are kept as ``%XX``.

    :returns: the URI, with only printable ASCII characters.
    """
    path: str = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    if not _printable_ascii(path) or "%" in path or "?" in path or "#" in path:
        path = quote_path(path)
    query: str | None = environ.get("QUERY_STRING")
    if not query:
        return path
    if not _printable_ascii(query):
        query = quote(query.encode("latin-1", "replace"), safe=_QUERY_SAFE)
    return f"{path}?{query}"


_STATUS_LINES: dict[int, str] = {
    status.value: f"{status.value} {status.phrase}" for status in http.HTTPStatus
}


_NAME = operator.itemgetter(0)


def header_name_lengths(headers: Iterable[tuple[str, str]]) -> Iterator[int]:
    """:returns: the length of each header's name, computed in C: a filter looking for a
    header (``Location``, its own) learns that no name has that length, the usual answer,
    without lowering or comparing every name in Python."""
    return map(len, map(_NAME, headers))


def status_line(code: int) -> str:
    """:returns: the WSGI status line for ``code`` (``"202 Accepted"``)."""
    line = _STATUS_LINES.get(code)
    return line if line is not None else f"{code} Unknown"


def drain_and_close(body: Iterable[bytes]) -> list[bytes]:
    """Run a WSGI body to its end and close it, as PEP 3333 asks of whoever consumes it.

    A lazy app calls ``start_response`` only once its body is iterated, so a middleware that
    needs the status (or drops the body, for ``HEAD``) drains it rather than dropping it.

    :returns: the body's chunks.
    """
    try:
        return list(body)
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()
