"""``Resource``: the WSGI app that dispatches one routed request to a controller method.

The request path is a short sequence of named steps:

1. negotiate the microversion (versioned APIs only);
2. take the action and its arguments from ``wsgiorg.routing_args``;
3. read the JSON body (POST and PUT only);
4. resolve the method (``POST .../action`` by the body's single key; overloads by version);
5. check the URL's project id against the context's;
6. call the method and render its result, or render the fault it raised.

Everything that can be worked out before the first request (the method table, the action
table, the negotiator) is built in ``__init__``.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import webob

from apistack.environ import ROUTING_ARGS_KEY, VERSION_HEADERS_KEY
from apistack.errors import error_table
from apistack.faults import Fault
from apistack.resource.controller import (
    Controller,
    UnexpectedAPIError,
    VersionedMethod,
    select_response_code,
)
from apistack.resource.exceptions import Invalid, MalformedRequestBody, NotFound
from apistack.resource.negotiation import VersionNegotiator
from apistack.resource.request import Request
from apistack.resource.results import ResponseObject, serialize_json, status_line
from apistack.resource.versions import NULL_VERSION, APISettings, APIVersionRequest

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

__all__ = ["Resource", "ResourceOperation"]

LOG = logging.getLogger(__name__)

_BODY_METHODS = frozenset({"POST", "PUT"})
_ROUTING_KEYS = ("controller", "format", "action")
_BASE_NAMES = frozenset(dir(Controller))


@dataclass(frozen=True)
class ResourceOperation:
    """One function a routed action can run, as ``Resource.operations`` reports it.

    :ivar action_key: the body key of a ``POST .../action`` (``reboot``), else None.
    :ivar name: the controller method's name.
    :ivar controller: the controller instance that serves it.
    :ivar func: the function called (unbound, with its decorators' attributes).
    :ivar min_version: its ``@api_version`` lower bound, if any.
    :ivar max_version: its ``@api_version`` upper bound, if any.
    """

    action_key: str | None
    name: str
    controller: Any
    func: Callable[..., Any]
    min_version: APIVersionRequest | None
    max_version: APIVersionRequest | None


class _Method:
    """A dispatchable controller method: a plain callable or a set of versioned overloads."""

    __slots__ = ("controller", "name", "overloads", "plain")

    def __init__(self, controller: Any, name: str) -> None:
        self.controller = controller
        self.name = name
        impls: tuple[VersionedMethod, ...] = getattr(controller, "versioned_methods", {}).get(
            name, ()
        )
        self.overloads: tuple[tuple[VersionedMethod, Callable[..., Any]], ...] = tuple(
            (impl, impl.func.__get__(controller)) for impl in impls
        )
        self.plain: Callable[..., Any] | None = None if impls else getattr(controller, name)

    def operations(self, action_key: str | None) -> tuple[ResourceOperation, ...]:
        """:returns: the functions behind this method, each with its version range."""
        if self.plain is not None:
            func = getattr(self.plain, "__func__", self.plain)
            return (ResourceOperation(action_key, self.name, self.controller, func, None, None),)
        return tuple(
            ResourceOperation(
                action_key, self.name, self.controller, i.func, i.min_version, i.max_version
            )
            for i, _ in self.overloads
        )

    def select(self, version: APIVersionRequest) -> Callable[..., Any] | None:
        """:returns: the bound implementation serving ``version``, or None."""
        if self.plain is not None:
            return self.plain
        for impl, bound in self.overloads:
            if impl.serves(version):
                return bound
        return None


def _method_table(controller: Any) -> dict[str, _Method]:
    names = (name for name in dir(type(controller)) if not name.startswith("_"))
    return {
        name: _Method(controller, name)
        for name in names
        if name not in _BASE_NAMES and callable(getattr(controller, name, None))
    }


class Resource:
    """Dispatch routed requests to ``controller``.

    :param controller: the controller instance (usually a ``Controller`` subclass).
    :param settings: the API's settings; an unversioned API when None.
    :param sub_controllers: controllers whose ``@action`` methods this resource also serves.
    """

    def __init__(
        self,
        controller: Any,
        settings: APISettings | None = None,
        sub_controllers: Iterable[Any] = (),
    ) -> None:
        self.controller = controller
        self.settings = settings or APISettings()
        self.negotiator = VersionNegotiator(self.settings) if self.settings.versioned else None
        self.sub_controllers: list[Any] = []
        self._methods = _method_table(controller) if controller is not None else {}
        self.wsgi_actions: dict[str, _Method] = {}
        self.register_actions(controller)
        for sub in sub_controllers:
            self.register_subcontroller_actions(sub)
        self._request_class = type(
            "Request",
            (Request,),
            {"context_key": self.settings.context_key, "api_settings": self.settings},
        )

    def register_actions(self, controller: Any) -> None:
        """Serve the ``@action`` methods of ``controller`` through this resource."""
        for key, name in getattr(controller, "wsgi_actions", {}).items():
            self.wsgi_actions[key] = _Method(controller, name)

    def register_subcontroller_actions(self, sub_controller: Any) -> None:
        """Like ``register_actions``, and remember ``sub_controller`` for introspection."""
        self.sub_controllers.append(sub_controller)
        self.register_actions(sub_controller)

    def operations(self, action: str) -> tuple[ResourceOperation, ...]:
        """What a route to this resource with ``action`` can run, for introspection.

        :param action: the routed action (``index``, ``show``, ``action``...).
        :returns: every implementation, one per version range; for ``action``, those of each
            ``@action`` key (sorted), sub-controllers included. Empty when nothing serves it.
        """
        if action == "action" and self.wsgi_actions:
            actions = self.wsgi_actions
            return tuple(op for key in sorted(actions) for op in actions[key].operations(key))
        entry = self._methods.get(action)
        return entry.operations(None) if entry is not None else ()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        req = self._request_class(environ)
        try:
            if self.negotiator is not None:
                version = self.negotiator.negotiate(environ)
            else:
                version = NULL_VERSION
            return self._dispatch(req, version, start_response)
        except Exception as exc:  # every error becomes a JSON fault; see _fault
            return self._fault(exc, req)(environ, start_response)

    def _dispatch(
        self, req: Request, version: APIVersionRequest, start_response: StartResponse
    ) -> Iterable[bytes]:
        action, args = self.get_action_args(req.environ)
        body = self._read_body(req) if req.method in _BODY_METHODS else _NO_BODY
        method = self._resolve(action, body, version)
        self._check_project(req, args.pop("project_id", None))
        if body is not _NO_BODY:
            args["body"] = body
        result = method(req=req, **args)
        return self._render(req, method, version, result, start_response)

    def get_action_args(self, environ: WSGIEnvironment) -> tuple[str, dict[str, Any]]:
        """:returns: the routed action name and the path variables for the method."""
        routing = environ.get(ROUTING_ARGS_KEY)
        args = dict(routing[1]) if routing else {}
        for key in _ROUTING_KEYS[:2]:
            args.pop(key, None)
        return str(args.pop("action", "")), args

    def _read_body(self, req: Request) -> Any:
        raw = read_body_bytes(req.environ)
        if not raw:
            return None
        req.get_content_type(self.settings.service_type)
        try:
            return json.loads(raw)
        except (ValueError, RecursionError):
            raise MalformedRequestBody() from None

    def _resolve(self, action: str, body: Any, version: APIVersionRequest) -> Callable[..., Any]:
        if action == "action" and self.wsgi_actions:
            if not isinstance(body, dict) or len(body) != 1:
                raise MalformedRequestBody()
            key = next(iter(body))
            entry = self.wsgi_actions.get(key)
            if entry is None:
                raise Invalid(f"There is no such action: {key}")
        else:
            entry = self._methods.get(action)
            if entry is None:
                raise NotFound("The resource could not be found.")
        method = entry.select(version)
        if method is None:
            raise NotFound("The resource could not be found.")
        return method

    def _check_project(self, req: Request, url_project: str | None) -> None:
        context = req.environ.get(self.settings.context_key)
        if not url_project or context is None:
            return
        project = getattr(context, "project_id", None)
        if project != url_project:
            raise Invalid(
                f"Malformed request URL: URL's project_id '{url_project}' "
                f"doesn't match Context's project_id '{project}'"
            )

    def _render(
        self,
        req: Request,
        method: Callable[..., Any],
        version: APIVersionRequest,
        result: Any,
        start_response: StartResponse,
    ) -> Iterable[bytes]:
        environ = req.environ
        if isinstance(result, webob.Response):
            result.headerlist.extend(environ.get(VERSION_HEADERS_KEY, ()))
            return result(environ, start_response)
        if isinstance(result, ResponseObject):
            code, obj, extra = result.code, result.obj, list(result.iter_headers())
        elif result is None or isinstance(result, (dict, list)):
            code, obj, extra = None, result, []
        else:
            raise TypeError(f"{self._name(method)} returned a {type(result).__name__}")
        if code is None:
            code = select_response_code(method, version)
            if code is None:
                raise TypeError(f"{self._name(method)} has no response code for {version}")
        body = b"" if obj is None else serialize_json(obj)
        headers = [
            ("Content-Type", req.best_match_content_type(self.settings.service_type)),
            ("Content-Length", str(len(body))),
            *extra,
            *environ.get(VERSION_HEADERS_KEY, ()),
        ]
        start_response(status_line(code), headers)
        return [body]

    @staticmethod
    def _name(method: Callable[..., Any]) -> str:
        return getattr(method, "__qualname__", repr(method))

    def _fault(self, exc: Exception, req: Request) -> webob.Response:
        environ = req.environ
        fault = error_table(environ).answer(LOG, environ, exc)
        if isinstance(exc, UnexpectedAPIError):
            fault = Fault(500, f"Unexpected API Error. {self.settings.support_text}")
        return fault.response_for(environ)


def read_body_bytes(environ: WSGIEnvironment) -> bytes:
    """Read the whole request body once, and leave it re-readable for the method.

    Errors raised by a wrapped ``wsgi.input`` (the size limiter's 413) propagate as they are.
    """
    length = environ.get("CONTENT_LENGTH")
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    if length:
        try:
            size = int(length)
        except ValueError:
            return b""
        raw: bytes = stream.read(size) if size > 0 else b""
    elif environ.get("wsgi.input_terminated") or (
        environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked"
    ):
        raw = stream.read()
    else:
        return b""
    environ["wsgi.input"] = io.BytesIO(raw)
    environ["CONTENT_LENGTH"] = str(len(raw))
    environ["webob.is_body_seekable"] = True
    return raw


class _NoBody:
    """Marks a request whose method takes no body (the method gets no ``body`` argument)."""


_NO_BODY: Any = _NoBody()
