"""oslo.middleware's ``ConfigurableMiddleware.__call__`` contract in plain WSGI, for the filters
that replace oslo's own (``cors``, ``http_proxy_to_wsgi``) without changing their answers.

oslo wraps every request in a WebOb request and response (``webob.dec.wsgify``) and calls
``inspect.getfullargspec`` on every request: tens of microseconds per filter. What that
wrapping does to an answer is kept here, at the cost of one ``start_response`` hook:

- a relative ``Location`` is made absolute against the request URL (WebOb's own function, so
  the result is the same byte for byte, its security fixes included);
- a ``webob.exc.HTTPException`` the application raises becomes that exception's response;
- an ``exc_info`` handed to ``start_response`` is raised, as WebOb does;
- a body an outer WebOb layer made seekable is rewound before the application reads it.

``HEAD`` (WebOb drops the body) goes through oslo's own ``__call__``: see ``WEBOB_METHODS``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import webob
import webob.exc

from apistack.environ import header_name_lengths

if TYPE_CHECKING:
    from _typeshed import OptExcInfo
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = [
    "WEBOB_METHODS",
    "HeaderEdit",
    "absolute_location",
    "call_through",
    "is_call_through_filter",
]

#: Requests a replacing filter hands to oslo's WebOb ``__call__``: rare, and WebOb answers a
#: ``HEAD`` without the body the application produced.
WEBOB_METHODS = frozenset({"HEAD"})

#: Edits a response's header list; returns the list to send (a new one when it changes).
HeaderEdit = Callable[[list[tuple[str, str]]], list[tuple[str, str]]]

_LOCATION_LENGTH = len("location")

# WebOb's private helper, so that the result follows the installed WebOb exactly.
_make_absolute: Callable[[WSGIEnvironment, str], str] = webob.Response._make_location_absolute  # type: ignore[attr-defined]


def absolute_location(
    headers: list[tuple[str, str]], environ: WSGIEnvironment
) -> list[tuple[str, str]]:
    """:returns: ``headers`` with every ``Location`` made absolute as WebOb's response does
    (a new list when one changes; the application's list is never modified)."""
    # Most responses have no Location, and no name of its length.
    if _LOCATION_LENGTH not in header_name_lengths(headers):
        return headers
    for index, (name, value) in enumerate(headers):
        if len(name) == _LOCATION_LENGTH and name.lower() == "location":
            absolute = _make_absolute(environ, value)
            if absolute != value:
                headers = [*headers[:index], (name, absolute), *headers[index + 1 :]]
    return headers


def is_call_through_filter(application: object) -> bool:
    """:returns: whether ``application`` is a filter that calls its own application through
    ``call_through`` (its class sets ``calls_through = True``): everything it answers already
    went through what ``call_through`` does, with the same environ, so an outer filter's
    ``Location`` pass could only find ``Location`` absolute already."""
    return getattr(application, "calls_through", False) is True


def call_through(
    application: WSGIApplication,
    environ: WSGIEnvironment,
    start_response: StartResponse,
    edit: HeaderEdit | None = None,
    *,
    inner_calls_through: bool = False,
) -> Iterable[bytes]:
    """Call ``application`` as oslo's ``ConfigurableMiddleware`` would, for a request not in
    ``WEBOB_METHODS``, and let ``edit`` change the response headers on the way out.

    :param edit: applied to the application's headers before ``Location`` is made absolute
        (oslo's ``process_response`` runs before WebOb writes the response).
    :param inner_calls_through: ``application`` does all this itself (see
        ``is_call_through_filter``): only ``edit`` is left to do, and without one the
        request goes straight through (``cors`` around ``http_proxy_to_wsgi``, nova's order).
    :returns: the application's body iterable, or the raised ``HTTPException``'s.
    """
    if inner_calls_through:
        if edit is None:
            return application(environ, start_response)
        return application(environ, _editing(start_response, edit))
    if environ.get("webob.is_body_seekable"):
        environ["wsgi.input"].seek(0)
    started = False

    def finish(
        status: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None
    ) -> Callable[[bytes], object]:
        nonlocal started
        if exc_info is not None and exc_info[1] is not None:
            raise exc_info[1].with_traceback(exc_info[2])
        if edit is not None:
            headers = edit(headers)
        started = True
        return start_response(status, absolute_location(headers, environ))

    try:
        return application(environ, finish)
    except webob.exc.HTTPException as exc:
        return exc(environ, start_response if not started else _replacing(start_response))


def _editing(start_response: StartResponse, edit: HeaderEdit) -> StartResponse:
    def edited(
        status: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None
    ) -> Callable[[bytes], object]:
        return start_response(status, edit(headers), exc_info)

    return edited


def _replacing(start_response: StartResponse) -> StartResponse:
    """``start_response`` for an answer that replaces one already started (WebOb never
    started it): handing the server the exception lets it replace the unsent headers."""
    info = sys.exc_info()

    def restart(
        status: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None
    ) -> Callable[[bytes], object]:
        return start_response(status, headers, info)

    return restart
