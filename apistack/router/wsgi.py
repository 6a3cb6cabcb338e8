"""``Router``: the WSGI app that matches a request and calls the matched app.

The route table is compiled when the router is built (``RouteMatcher``); a request only
walks it. The router then:

- sets ``environ['wsgiorg.routing_args'] = ((), match)``, ``match`` being exactly the dict
  Routes would return (``controller``, ``action``, every path variable, ``project_id``
  included), so existing controllers work; it does not set ``routes.route``/``routes.url``
  (building a URL generator per request would cost more than the whole match);
- answers a miss with a 404 JSON fault, a known path with another method with a 405 JSON
  fault and an ``Allow`` header, a redirect entry with ``302 Found`` and ``Location:
  SCRIPT_NAME + target``;
- answers HEAD wherever a GET route exists, as GET without a body;
- never lets ``_method`` (query or form) change the method used for matching;
- answers a URL whose path or query string is not UTF-8 with a 400 fault before matching
  (``apistack.url_encoding``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

import webob

from apistack.environ import ROUTING_ARGS_KEY, drain_and_close
from apistack.faults import fault_response
from apistack.router.mapper import Declaration, ProjectMapper, RouteEntry
from apistack.router.matcher import RouteMatcher
from apistack.url_encoding import url_encoding_fault

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

__all__ = ["ROUTING_ARGS_KEY", "Router"]

_REDIRECT_HEADERS = [("Content-Type", "text/plain; charset=utf8"), ("Content-Length", "0")]


class Router:
    """Route requests to the apps declared on ``mapper``.

    :param mapper: a ``ProjectMapper`` (or any iterable of ``Declaration``).
    :raises RouteTableError: when the table cannot be compiled (see ``RouteMatcher``).
    """

    def __init__(self, mapper: ProjectMapper | Iterable[Declaration]) -> None:
        declarations = mapper.declarations if isinstance(mapper, ProjectMapper) else mapper
        self.matcher = RouteMatcher(declarations)
        self.route_table: tuple[RouteEntry, ...] = tuple(
            replace(route.entry, variables=route.template.variables())
            for route in self.matcher.routes
            if not route.declaration.project_twin
        )
        #: whether routes are also served under a ``/{project_id}`` prefix (their twins).
        self.project_prefix = any(route.declaration.project_twin for route in self.matcher.routes)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        bad_url = url_encoding_fault(environ)
        if bad_url is not None:
            return bad_url(environ, start_response)
        method = environ["REQUEST_METHOD"]
        found = self.matcher.match(environ.get("PATH_INFO", ""), method)
        if found is None:
            miss = self._miss(environ, method)
            return miss(environ, start_response)
        route, match = found
        entry = route.entry
        if entry.redirect_to is not None:
            location = environ.get("SCRIPT_NAME", "") + entry.redirect_to
            start_response("302 Found", [("Location", location), *_REDIRECT_HEADERS])
            return [b""]
        environ[ROUTING_ARGS_KEY] = ((), match)
        app = entry.app
        assert app is not None  # only redirects have no app
        if method == "HEAD" and entry.method != "HEAD":
            drain_and_close(app(environ, start_response))  # a lazy app starts when iterated
            return []
        return app(environ, start_response)

    def _miss(self, environ: WSGIEnvironment, method: str) -> webob.Response:
        allowed = self.matcher.allowed_methods(environ.get("PATH_INFO", ""))
        if not allowed:
            return fault_response(404, environ=environ)
        return fault_response(
            405,
            f"The method {method} is not allowed for this resource.",
            [("Allow", ", ".join(allowed))],
            environ,
        )
