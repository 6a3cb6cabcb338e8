"""``http_proxy_to_wsgi``: oslo.middleware's proxy-header filter at plain-WSGI cost.

``HTTPProxyToWSGI`` is ``oslo_middleware.http_proxy_to_wsgi.HTTPProxyToWSGI`` (same paste
factory, same ``[oslo_middleware] enable_proxy_headers_parsing`` option, read from paste or an
``oslo_config_project`` file as oslo reads it) with its own ``__call__``. Behind a trusted
proxy it takes the scheme, host and client address from the first ``Forwarded`` element, or
else from ``X-Forwarded-Proto``, ``X-Forwarded-Host`` and ``X-Forwarded-For``, verbatim, and
prepends ``X-Forwarded-Prefix`` to ``SCRIPT_NAME``, exactly as oslo does.

Unlike oslo, the option is read once, when the filter is built (oslo reads it, and writes
paste's value into its ``ConfigOpts``, on every request): no configuration is read per request.
``tests/filters/test_oslo_parity.py`` compares this class with oslo's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from oslo_config import cfg
from oslo_middleware import http_proxy_to_wsgi as oslo_proxy

from apistack.filters.oslo_wsgi import WEBOB_METHODS, call_through, is_call_through_filter

if TYPE_CHECKING:
    import webob
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["HTTPProxyToWSGI"]

# WSGI environ key each forwarded parameter overrides.
_FORWARDED_KEYS = (("proto", "wsgi.url_scheme"), ("host", "HTTP_HOST"), ("for", "REMOTE_ADDR"))
_X_FORWARDED_KEYS = (
    ("HTTP_X_FORWARDED_PROTO", "wsgi.url_scheme"),
    ("HTTP_X_FORWARDED_HOST", "HTTP_HOST"),
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"),
)


class HTTPProxyToWSGI(oslo_proxy.HTTPProxyToWSGI):
    """Rewrites the WSGI environ from a reverse proxy's headers, when enabled.

    :param application: the wrapped WSGI application.
    :param conf: paste's options (a dict) or a ``ConfigOpts``, exactly as oslo's class takes.
    """

    #: Answers come out as ``call_through`` makes them (see ``is_call_through_filter``).
    calls_through = True
    # oslo types it as optional; a filter in a pipeline always has one (and a cast() would
    # be a function call on every request).
    application: WSGIApplication

    def __init__(
        self,
        application: WSGIApplication | None,
        conf: dict[str, Any] | cfg.ConfigOpts | None = None,
    ) -> None:
        super().__init__(application, conf)
        #: ``enable_proxy_headers_parsing``, as configured when the filter was built.
        self.enabled = bool(self._conf_get("enable_proxy_headers_parsing"))
        self._inner_through = is_call_through_filter(application)

    def __call__(  # type: ignore[override]
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        if environ["REQUEST_METHOD"] in WEBOB_METHODS:
            return super().__call__(environ, start_response)
        if self.enabled:
            rewrite_environ(environ)
        return call_through(
            self.application, environ, start_response, inner_calls_through=self._inner_through
        )

    def process_request(self, req: webob.Request) -> None:
        """oslo's hook, used for the requests that go through oslo's ``__call__``."""
        if self.enabled:
            rewrite_environ(req.environ)


def rewrite_environ(environ: WSGIEnvironment) -> None:
    """Apply a reverse proxy's ``Forwarded`` or ``X-Forwarded-*`` headers to ``environ``."""
    forwarded = environ.get("HTTP_FORWARDED")
    if forwarded:
        # oslo's parser; only the first proxy's element counts.
        first = oslo_proxy.HTTPProxyToWSGI._parse_rfc7239_header(forwarded)[0]
        for parameter, key in _FORWARDED_KEYS:
            value = first.get(parameter)
            if value:
                environ[key] = value
    else:
        for header, key in _X_FORWARDED_KEYS:
            value = environ.get(header)
            if value:
                environ[key] = value
    prefix = environ.get("HTTP_X_FORWARDED_PREFIX")
    if prefix:
        environ["SCRIPT_NAME"] = prefix + environ["SCRIPT_NAME"]
