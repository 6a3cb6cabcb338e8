"""The check that a request's URL decodes as UTF-8, made before any app code reads it.

A WSGI server hands the path over percent-decoded as latin-1 text and the query string raw;
WebOb later decodes both as UTF-8 (``req.path_info``, ``req.GET``, ``req.application_url``)
and raises ``UnicodeDecodeError`` wherever that is first done. ``/%FF``, ``/servers/%FF`` or
``?name=%FF`` would then be a 500 from deep inside an app. The router and the versions app
call ``url_encoding_fault`` first and answer such a request with a 400 fault (cinder's fault
wrapper gives a 400 for the same reason), so nothing after them meets an undecodable URL.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import unquote_to_bytes

import webob

from apistack.faults import fault_response

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

__all__ = ["URL_ENCODING_MESSAGE", "url_decodes", "url_encoding_fault"]

URL_ENCODING_MESSAGE = (
    "Error decoding your request: the URL's path or query string is not UTF-8 text "
    "once its percent-escapes are decoded."
)


_HIGH_BYTE_ESCAPE = re.compile(r"%[89a-fA-F][0-9a-fA-F]")


def _utf8(latin1: str, unquote: bool = False) -> bool:
    try:
        raw = latin1.encode("latin-1")  # a PEP 3333 native string: one byte per character
        (unquote_to_bytes(raw) if unquote else raw).decode("utf-8")
    except UnicodeError:
        return False
    return True


def url_decodes(environ: WSGIEnvironment) -> bool:
    """:returns: whether ``SCRIPT_NAME``, ``PATH_INFO`` and ``QUERY_STRING`` are UTF-8 once
    decoded (the common case, ASCII without escapes of high bytes, costs a few ``isascii``
    and ``in`` checks: the router makes this check on every request)."""
    path, script = environ.get("PATH_INFO", ""), environ.get("SCRIPT_NAME", "")
    if not (path.isascii() or _utf8(path)) or not (script.isascii() or _utf8(script)):
        return False
    query = environ.get("QUERY_STRING", "")
    if query.isascii() and ("%" not in query or _HIGH_BYTE_ESCAPE.search(query) is None):
        return True  # only an escape of a byte over 0x7F can break UTF-8
    return _utf8(query, unquote=True)


def url_encoding_fault(environ: WSGIEnvironment) -> webob.Response | None:
    """:returns: the 400 fault for a URL that does not decode, or None when it does."""
    if url_decodes(environ):
        return None
    return fault_response(400, URL_ENCODING_MESSAGE, environ=environ)
