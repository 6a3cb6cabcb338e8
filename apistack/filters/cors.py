"""``cors``: oslo.middleware's CORS filter at plain-WSGI cost.

``CORS`` is ``oslo_middleware.cors.CORS`` (same paste factory, same options and option names,
``oslo_config_project`` / ``oslo_config_file`` / ``oslo_config_program``, ``add_origin``,
``set_defaults``) with its own ``__call__``: a request other than ``OPTIONS`` and ``HEAD`` gets
the simple-request headers oslo's ``process_response`` sets, written into the header list
without WebOb objects. Preflights (``OPTIONS``) and ``HEAD`` go through oslo's own code, so
there is one implementation of the preflight rules; browsers cache a preflight for
``max_age`` seconds, so it is not on the hot path. ``tests/filters/test_oslo_parity.py``
drives this class and oslo's with the same requests and compares every header and body.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from oslo_middleware import cors as oslo_cors

from apistack.filters.oslo_wsgi import (
    WEBOB_METHODS,
    HeaderEdit,
    call_through,
    is_call_through_filter,
)

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["CORS"]

_PREFLIGHT_OR_WEBOB = WEBOB_METHODS | {"OPTIONS"}
_ALLOW_ORIGIN = "access-control-allow-origin"
_CREDENTIALS = "access-control-allow-credentials"
_EXPOSE = "access-control-expose-headers"
# Response headers a simple CORS answer sets or extends.
_CORS_NAMES = frozenset({"vary", _ALLOW_ORIGIN, _CREDENTIALS, _EXPOSE})
# Those it replaces, by (allow_credentials, expose_headers given).
_REPLACED = {
    (credentials, exposed): frozenset(
        {"vary", _ALLOW_ORIGIN}
        | ({_CREDENTIALS} if credentials else set())
        | ({_EXPOSE} if exposed else set())
    )
    for credentials in (False, True)
    for exposed in (False, True)
}


class CORS(oslo_cors.CORS):
    """Adds CORS headers for the configured origins; see ``oslo_middleware.cors.CORS``.

    :param application: the wrapped WSGI application.
    :param conf: paste's options (a dict) or a ``ConfigOpts``, exactly as oslo's class takes.
    """

    #: Answers come out as ``call_through`` makes them (see ``is_call_through_filter``).
    calls_through = True
    # oslo types it as optional; a filter in a pipeline always has one (and a cast() would
    # be a function call on every request).
    application: WSGIApplication

    def __init__(self, application: WSGIApplication | None, *args: Any, **kwargs: Any) -> None:
        super().__init__(application, *args, **kwargs)
        self._inner_through = is_call_through_filter(application)

    def __call__(  # type: ignore[override]
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        if environ["REQUEST_METHOD"] in _PREFLIGHT_OR_WEBOB:
            return super().__call__(environ, start_response)
        edit = self._simple_request(environ)
        return call_through(
            self.application,
            environ,
            start_response,
            edit,
            inner_calls_through=self._inner_through,
        )

    def _simple_request(self, environ: WSGIEnvironment) -> HeaderEdit | None:
        """:returns: what oslo's ``_apply_cors_request_headers`` does to this request's
        response, or None when it does nothing (no ``Origin``, or one not allowed)."""
        origin = environ.get("HTTP_ORIGIN")
        if origin is None:
            return None
        allowed = self.allowed_origins
        if origin not in allowed:
            if "*" not in allowed:
                # oslo's _get_cors_config_by_origin logs this, then raises and catches.
                oslo_cors.LOG.debug("CORS request from origin '%s' not permitted.", origin)
                return None
            origin = "*"
        config = allowed[origin]
        credentials, exposed = bool(config["allow_credentials"]), config["expose_headers"]
        added = [("Vary", "Origin"), ("Access-Control-Allow-Origin", origin)]
        if credentials:
            added.append(("Access-Control-Allow-Credentials", "true"))
        if exposed:
            added.append(("Access-Control-Expose-Headers", ",".join(exposed)))
        replaced = _REPLACED[credentials, bool(exposed)]
        return functools.partial(_with_cors_headers, added=added, replaced=replaced)


def _with_cors_headers(
    headers: list[tuple[str, str]], added: list[tuple[str, str]], replaced: frozenset[str]
) -> list[tuple[str, str]]:
    """:returns: ``headers`` with ``added`` set as oslo's WebOb response does: each replaces
    any header of the same name (``replaced``, lower case) and goes last; ``Vary`` extends the
    last one present. A response that already has ``Access-Control-Allow-Origin`` is left
    alone."""
    kept = []
    vary = None
    for header in headers:
        low = header[0].lower()
        if low in _CORS_NAMES:
            if low == _ALLOW_ORIGIN:
                return headers
            if low == "vary":
                vary = header[1]
            if low in replaced:
                continue
        kept.append(header)
    if vary is not None:
        added = [("Vary", f"{vary},Origin"), *added[1:]]
    return kept + added
