"""``Resource``: the WSGI app that dispatches one routed request to a controller method.

The request path is a short sequence of named steps:

1. negotiate the microversion (versioned APIs only);
2. take the action and its arguments from ``wsgiorg.routing_args``;
3. read the JSON body (POST and PUT only);
4. resolve the method (``POST .../action`` by the body's single key; overloads by version);
5. check the URL's project id against the context's;
6. run ``@extends`` pre-processing hooks, call the method, normalise its result into a
   ``ResponseObject``, run the post-processing hooks;
7. write the response, or render the fault that was raised.

Everything that can be worked out before the first request (the method table, the action
table, the negotiator) is built in ``__init__``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import webob
import webob.exc

from apistack.environ import ROUTING_ARGS_KEY, VERSION_HEADERS_KEY
from apistack.errors import error_table
from apistack.faults import Fault, fault_for_exception
from apistack.resource.body import NO_BODY, parse_json_body, read_body_bytes
from apistack.resource.controller import (
    UnexpectedAPIError,
)
from apistack.resource.exceptions import Invalid, MalformedRequestBody, NotFound
from apistack.resource.extension_hooks import run_post_hooks, run_pre_hooks
from apistack.resource.methods import MethodEntry, ResourceOperation, method_table
from apistack.resource.negotiation import VersionNegotiator
from apistack.resource.request import Request
from apistack.resource.results import (
    ResponseObject,
    normalise_result,
    status_line,
)
from apistack.resource.versions import NULL_VERSION, APISettings, APIVersionRequest

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

__all__ = ["Resource", "ResourceOperation"]

LOG = logging.getLogger(__name__)

_BODY_METHODS = frozenset({"POST", "PUT"})


class Resource:
    """Dispatch routed requests to ``controller``.

    :param controller: the controller instance (usually a ``Controller`` subclass).
    :param settings: the API's settings; ``default_settings`` when None, and an unversioned
        API when that is None too.
    :param sub_controllers: controllers whose ``@action`` methods this resource also serves.
    """

    #: the settings of a ``Resource(controller)`` built without any: a service's subclass sets
    #: its API's here, so its ``create_resource()`` functions need not pass them.
    default_settings: ClassVar[APISettings | None] = None
    #: the request class controllers receive (a service's subclass adds its own names).
    request_class: ClassVar[type[Request]] = Request
    #: a service's exceptions that are client errors whose message may be shown, with their
    #: status (None: the exception's own ``code``); looked up along the exception's classes.
    client_errors: ClassVar[Mapping[type[BaseException], int | None]] = {}

    def __init__(
        self,
        controller: Any,
        settings: APISettings | None = None,
        sub_controllers: Iterable[Any] = (),
    ) -> None:
        self.controller = controller
        self.settings = settings or self.default_settings or APISettings()
        self.negotiator = VersionNegotiator(self.settings) if self.settings.versioned else None
        self.sub_controllers: list[Any] = []
        self.extension_controllers: list[Any] = []
        self._methods = method_table(controller) if controller is not None else {}
        self.wsgi_actions: dict[str, MethodEntry] = {}
        #: ``@extends`` hooks by method name, and by action key.
        self.wsgi_extensions: dict[str, list[Callable[..., Any]]] = {}
        self.wsgi_action_extensions: dict[str, list[Callable[..., Any]]] = {}
        #: a resource whose action extensions also apply here (nova Ocata's ``inherits``).
        self.inherits: Resource | None = None
        self.register_actions(controller)
        for sub in sub_controllers:
            self.register_subcontroller_actions(sub)
        self._request_class = type(
            "Request",
            (self.request_class,),
            {"context_key": self.settings.context_key, "api_settings": self.settings},
        )

    def register_actions(self, controller: Any) -> None:
        """Serve the ``@action`` methods of ``controller`` through this resource."""
        for key, name in getattr(controller, "wsgi_actions", {}).items():
            self.wsgi_actions[key] = MethodEntry(controller, name)

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

    def register_extensions(self, controller: Any) -> None:
        """Add an extension controller: its ``@action`` methods, and its ``@extends`` hooks
        around this resource's methods and actions (see ``apistack.resource.extension_hooks``).
        """
        self.extension_controllers.append(controller)
        self.register_actions(controller)
        for name, action_key in getattr(controller, "wsgi_extensions", ()):
            table = self.wsgi_action_extensions if action_key else self.wsgi_extensions
            table.setdefault(action_key or name, []).append(getattr(controller, name))

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        req = self._request_class(environ)
        try:
            if self.negotiator is not None:
                version = self.negotiator.negotiate(environ)
            else:
                version = NULL_VERSION
            return self._write(req, self._dispatch(req, version), start_response)
        except Exception as exc:  # every error becomes a JSON fault; see _fault
            return self._fault(self._client_fault(exc) or exc, req)(environ, start_response)

    def _client_fault(self, exc: Exception) -> Fault | None:
        """:returns: the fault for an exception ``client_errors`` lists, else None."""
        for cls in type(exc).__mro__ if self.client_errors else ():
            if cls in self.client_errors:
                code = self.client_errors[cls] or getattr(exc, "code", None)
                return Fault(code if isinstance(code, int) else 500, str(exc))
        return None

    def _dispatch(self, req: Request, version: APIVersionRequest) -> Any:
        """:returns: what to send: a ``ResponseObject``, a ``webob.Response`` or a fault."""
        action, args = self.get_action_args(req.environ)
        body = self._read_body(req) if req.environ["REQUEST_METHOD"] in _BODY_METHODS else NO_BODY
        entry, key = self._resolve(action, body)
        method = entry.select(version)
        if method is None:
            raise NotFound("The resource could not be found.")
        self._check_project(req, args.pop("project_id", None))
        if body is not NO_BODY:
            args["body"] = body
        hooks = self._extensions_for(entry, key)
        if not hooks:
            return normalise_result(method, version, method(req=req, **args))
        early, post = run_pre_hooks(hooks, req, args)
        if early:
            return early
        result = normalise_result(method, version, method(req=req, **args))
        if isinstance(result, ResponseObject):
            return run_post_hooks(post, req, result, args) or result
        return result

    def get_action_args(self, environ: WSGIEnvironment) -> tuple[str, dict[str, Any]]:
        """:returns: the routed action name and the path variables for the method."""
        routing = environ.get(ROUTING_ARGS_KEY)
        args = dict(routing[1]) if routing else {}
        args.pop("controller", None)
        args.pop("format", None)
        return str(args.pop("action", "")), args

    def _read_body(self, req: Request) -> Any:
        raw = read_body_bytes(req.environ)
        if not raw:
            return None
        req.get_content_type(self.settings.service_type)
        return parse_json_body(raw)

    def _resolve(self, action: str, body: Any) -> tuple[MethodEntry, str]:
        """:returns: the method entry and the key it was found by: the body's action key for
        ``POST .../action``, else the routed method name."""
        if action == "action" and self.wsgi_actions:
            if not isinstance(body, dict) or len(body) != 1:
                raise MalformedRequestBody()
            key = next(iter(body))
            entry = self.wsgi_actions.get(key)
            if entry is None:
                raise Invalid(f"There is no such action: {key}")
            return entry, key
        entry = self._methods.get(action)
        if entry is None:
            raise NotFound("The resource could not be found.")
        return entry, action

    def _extensions_for(self, entry: MethodEntry, key: str) -> list[Callable[..., Any]]:
        if self.wsgi_actions.get(key) is not entry:
            return self.wsgi_extensions.get(key, [])
        found = self.wsgi_action_extensions.get(key, [])
        if self.inherits is not None:
            found = [*found, *self.inherits.wsgi_action_extensions.get(key, [])]
        return found

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

    def _write(
        self, req: Request, response: Any, start_response: StartResponse
    ) -> Iterable[bytes]:
        """Send a ``ResponseObject``, a fault or a ``webob.Response``, with the version headers."""
        environ = req.environ
        if isinstance(response, webob.exc.HTTPException):
            return fault_for_exception(response).response_for(environ)(environ, start_response)
        if not isinstance(response, ResponseObject):
            response.headerlist.extend(environ.get(VERSION_HEADERS_KEY, ()))
            return response(environ, start_response)  # type: ignore[no-any-return]
        body = b"" if response.obj is None else self.settings.encode_json(response.obj)
        headers = [
            ("Content-Type", req.best_match_content_type(self.settings.service_type)),
            ("Content-Length", str(len(body))),
            *response.iter_headers(),
            *environ.get(VERSION_HEADERS_KEY, ()),
        ]
        start_response(status_line(response.code or 200), headers)
        return [body]

    def _fault(self, exc: Exception, req: Request) -> webob.Response:
        environ = req.environ
        fault = error_table(environ).answer(LOG, environ, exc)
        if isinstance(exc, UnexpectedAPIError):
            fault = Fault(500, f"Unexpected API Error. {self.settings.support_text}")
        return fault.response_for(environ)
