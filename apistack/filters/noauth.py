"""``noauth``: trust ``X-Auth-Token: user[:project]`` (development and tests only).

As nova's ``NoAuthMiddleware`` (last in nova 31.x) by default: the token's user (and project,
defaulting to the user) make the request context; only ``admin_user`` is admin; the context
carries what nova's does (no ``auth_token``, no roles: the context class decides, and nova's
gives none); no ``X-Auth-Token`` header gets nova's ``204`` with ``X-Auth-Token`` and
``X-Server-Management-Url`` (or, when ``require_token`` is set, a 401 fault). An empty token
or user is accepted, as nova and cinder accept it.

cinder's ``NoAuthMiddleware`` differs, and three options give its behaviour: ``admin_all``
(every token is an admin context), ``project_in_url = false`` (the management URL without the
project; cinder's ``noauth_include_project_id`` keeps it) and ``from_environ`` (the context
comes from the class's ``from_environ``, so the token, the request ids and the timestamp of
``request_id``'s placeholder context are kept, as cinder's ``_set_request_context`` does).

Unlike either, every identity header a client could forge is removed first, since anything
downstream reading them (oslo.context's ``from_environ`` included) would trust them; a token
with control characters is a 401 fault; the caller's global request id is kept on the context.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import webob
import webob.request

from apistack.environ import DEFAULT_CONTEXT_KEY, GLOBAL_REQUEST_ID_KEY, REQUEST_ID_KEY
from apistack.faults import fault_response
from apistack.filters.base import Filter, Option, quote_path
from apistack.filters.context import (
    CONTEXT_OPTIONS,
    DEFAULT_CONTEXT_CLASS,
    ContextBuilder,
    check_context_key,
)
from apistack.filters.request_id import generate_request_id
from apistack.process import process_id

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["FORGEABLE_HEADER_PREFIXES", "NoAuth"]

LOG = logging.getLogger(__name__)

#: environ key prefixes of identity headers only an auth middleware may set.
FORGEABLE_HEADER_PREFIXES = (
    "HTTP_X_IDENTITY_STATUS",
    "HTTP_X_ROLE",  # X-Roles and the deprecated X-Role
    "HTTP_X_USER",  # X-User-* and the deprecated X-User (read as a user id by oslo)
    "HTTP_X_PROJECT_",
    "HTTP_X_TENANT",  # X-Tenant, X-Tenant-Id, X-Tenant-Name
    "HTTP_X_DOMAIN_",
    "HTTP_X_SERVICE_",
    "HTTP_X_IS_ADMIN_PROJECT",
    "HTTP_OPENSTACK_SYSTEM_SCOPE",
)


# Finds a forgeable key in the newline-joined environ keys (a key holding a newline can only
# cause a needless loop below, never a miss). Every prefix starts with HTTP_: written once
# before the alternatives, it is a literal the regex engine scans for in C, which skips most
# keys a third faster than trying each alternative at every newline.
_ANY_FORGED = re.compile(
    "\nHTTP_(?:" + "|".join(prefix[5:] for prefix in FORGEABLE_HEADER_PREFIXES) + ")"
)


def strip_identity_headers(environ: WSGIEnvironment) -> None:
    """Remove every forgeable identity header from ``environ``."""
    # One regex search over the joined keys clears an honest request at half the cost of
    # testing each key; only a request that carries such a header pays for the loop.
    if _ANY_FORGED.search("\n" + "\n".join(environ)) is None:
        return
    forged = [key for key in environ if key.startswith(FORGEABLE_HEADER_PREFIXES)]
    for key in forged:
        del environ[key]


_WARNED: list[int] = []  # the process ids that have warned (a forked child warns again)


def _warn_once() -> None:
    """Warn that noauth is in use, once per process: an ini builds one filter per pipeline
    (nova's has two), and one line says it."""
    pid = process_id()
    if pid not in _WARNED:
        _WARNED.append(pid)
        LOG.warning(
            "The noauth filter trusts any X-Auth-Token: never use it outside development "
            "and tests."
        )


# What ``_context`` passes a context class's constructor directly when it takes them all.
_DIRECT_VALUES = (
    "overwrite",
    "user_id",
    "project_id",
    "is_admin",
    "request_id",
    "global_request_id",
)


class NoAuth(Filter):
    """Builds the request context from an unverified ``user[:project]`` token.

    :param application: the wrapped WSGI application.
    :param admin_user: the only user given ``is_admin`` (and the ``admin`` role).
    :param require_token: answer a 401 fault, not nova's 204, when no token is sent.
    :param admin_all: make every context an admin one (cinder's noauth).
    :param project_in_url: end the no-token ``X-Server-Management-Url`` with the project (nova;
        cinder's ``noauth`` does not, its ``noauth_include_project_id`` does).
    :param from_environ: build the context with the class's ``from_environ`` (cinder).
    :param context_key: the environ key the context is stored under.
    :param context_class: the context class or its dotted path.
    """

    name = "noauth"
    options = (
        Option("admin_user", "str", "admin", "The user name that gets is_admin."),
        Option(
            "require_token",
            "bool",
            False,
            "Answer 401 to a request without X-Auth-Token instead of nova's 204 token reply.",
        ),
        Option("admin_all", "bool", False, "Every token is an admin context (cinder: true)."),
        Option(
            "project_in_url",
            "bool",
            True,
            "End the no-token X-Server-Management-Url with the project (cinder's noauth: false).",
        ),
        Option(
            "from_environ",
            "bool",
            False,
            "Build the context with the context class's from_environ, keeping the token, "
            "request ids and a placeholder context's timestamp (cinder: true).",
        ),
        *CONTEXT_OPTIONS,
    )

    def __init__(
        self,
        application: WSGIApplication,
        *,
        admin_user: str = "admin",
        require_token: bool = False,
        admin_all: bool = False,
        project_in_url: bool = True,
        from_environ: bool = False,
        context_key: str = DEFAULT_CONTEXT_KEY,
        context_class: str | type[Any] = DEFAULT_CONTEXT_CLASS,
    ) -> None:
        super().__init__(application)
        self.admin_user = admin_user
        self.require_token = require_token
        self.admin_all = admin_all
        self.project_in_url = project_in_url
        self.from_environ = from_environ
        self.context_key = context_key
        self.contexts = ContextBuilder(context_class)
        if from_environ and not callable(
            getattr(self.contexts.context_class, "from_environ", None)
        ):
            raise ValueError(f"from_environ: context_class {context_class!r} has no from_environ")
        check_context_key(self.name, context_key, self.contexts.context_class)
        self._direct = None
        if not from_environ and self.contexts.takes(*_DIRECT_VALUES):
            self._direct = self.contexts.context_class
        _warn_once()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        strip_identity_headers(environ)
        token = environ.get("HTTP_X_AUTH_TOKEN")
        if token is None:
            return self._no_token(environ)(environ, start_response)
        if not token.isprintable():
            message = "Invalid noauth token: expected user[:project]."
            answer = fault_response(401, message, environ=environ)
            return answer(environ, start_response)
        environ[self.context_key] = self._context(environ, token)
        return self.application(environ, start_response)

    def _context(self, environ: WSGIEnvironment, token: str) -> Any:
        user_id, _sep, project_id = token.partition(":")
        if self._direct is not None:
            # The usual case, a class whose constructor takes every value (oslo's, nova's,
            # cinder's): called as it is, without the builder sorting the names on every
            # request, which cost as much as the constructor itself.
            context = self._direct(
                overwrite=False,
                user_id=user_id,
                project_id=project_id or user_id,
                is_admin=self.admin_all or user_id == self.admin_user,
                request_id=environ.get(REQUEST_ID_KEY) or generate_request_id(),
                global_request_id=environ.get(GLOBAL_REQUEST_ID_KEY),
            )
            context.remote_address = environ.get("REMOTE_ADDR")
            return context
        values: dict[str, Any] = {
            "user_id": user_id,
            "project_id": project_id or user_id,
            "is_admin": self.admin_all or user_id == self.admin_user,
            "remote_address": environ.get("REMOTE_ADDR"),
        }
        if self.from_environ:
            placeholder = environ.get(self.context_key)
            values["timestamp"] = getattr(placeholder, "timestamp", None)
            return self.contexts.from_environ(environ, **values)
        return self.contexts.build(
            request_id=environ.get(REQUEST_ID_KEY) or generate_request_id(),
            global_request_id=environ.get(GLOBAL_REQUEST_ID_KEY),
            **values,
        )

    def _no_token(self, environ: WSGIEnvironment) -> webob.Response:
        if self.require_token:
            return fault_response(401, "Authentication required: send X-Auth-Token.")
        user = _printable(environ.get("HTTP_X_AUTH_USER"), "admin")
        project = _printable(environ.get("HTTP_X_AUTH_PROJECT_ID"), "admin")
        management_url = _request_url(environ)
        if self.project_in_url:
            management_url += f"/{quote(project, safe='')}"
        headers = [
            ("Content-Type", "text/plain; charset=UTF-8"),
            ("Content-Length", "0"),
            ("X-Auth-Token", f"{user}:{project}"),
            ("X-Server-Management-Url", management_url),
        ]
        return webob.Response(status=204, headerlist=headers)


def _printable(value: str | None, default: str) -> str:
    """:returns: ``value`` when it is safe to echo in a header, else ``default``."""
    return value if value and value.isprintable() else default


def _request_url(environ: WSGIEnvironment) -> str:
    """:returns: the request URL without query or trailing slash, quoted as sent."""
    host_url = webob.request.BaseRequest(environ).host_url
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    return f"{_printable(host_url, 'http://localhost')}{quote_path(path)}".rstrip("/")
