"""``keystone_context``: the request context from what keystonemiddleware's ``authtoken`` set.

As nova's ``NovaKeystoneContext``, with every error a JSON fault: the context comes from
oslo.context's ``RequestContext.from_environ`` (user, project, domains, roles, tokens, system
scope, request ids) plus the remote address, the ``keystone.token_auth`` plugin and the service
catalog filtered to an allow-list of service types. Unlike nova it requires
``X-Identity-Status: Confirmed`` (``authtoken`` with ``delay_auth_decision`` lets ``Invalid``
through). authtoken leaves Python ``None`` for headers a token lacks; those count as absent.

``service_types`` is nova's allow-list by default; ``*`` keeps every catalog entry and leaves
the choice to the context class (cinder's keeps identity, compute, object-store, image and
key-manager itself, so cinder sets ``service_types = *``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from apistack.environ import DEFAULT_CONTEXT_KEY, REQUEST_ID_KEY
from apistack.faults import Fault
from apistack.filters.base import Filter, Option
from apistack.filters.context import (
    CONTEXT_OPTIONS,
    DEFAULT_CONTEXT_CLASS,
    ContextBuilder,
    check_context_key,
    resolve_context_class,
)
from apistack.filters.request_id import generate_request_id

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["ALL_SERVICE_TYPES", "DEFAULT_SERVICE_TYPES", "InvalidCatalog", "KeystoneContext"]

#: nova's allow-list: the catalog entries a compute API passes on to the services it calls.
DEFAULT_SERVICE_TYPES = (
    "image",
    "block-storage",
    "volumev3",
    "key-manager",
    "placement",
    "network",
    "accelerator",
    "sharev2",
)


class InvalidCatalog(ValueError):
    """``X-Service-Catalog`` is not a JSON list of catalog entries."""


#: the ``service_types`` entry that keeps the whole catalog.
ALL_SERVICE_TYPES = "*"


def filter_catalog(raw: str | None, service_types: frozenset[str]) -> list[dict[str, Any]]:
    """Parse ``X-Service-Catalog`` and keep the entries whose ``type`` is allowed.

    :param raw: the header's JSON text, or None.
    :param service_types: the allowed service types (``*`` allows every one).
    :returns: the allowed entries, in catalog order.
    :raises InvalidCatalog: when the text is not a JSON list of objects.
    """
    if not raw:
        return []
    try:
        catalog = json.loads(raw)
    except (ValueError, RecursionError):
        raise InvalidCatalog(raw) from None
    if not isinstance(catalog, list) or not all(isinstance(s, dict) for s in catalog):
        raise InvalidCatalog(raw)
    if ALL_SERVICE_TYPES in service_types:
        return catalog
    return [service for service in catalog if service.get("type") in service_types]


class KeystoneContext(Filter):
    """Turns a token validated by ``authtoken`` into the request context.

    :param application: the wrapped WSGI application.
    :param service_types: the catalog entries kept on the context (nova's list by default;
        ``*`` for all).
    :param admin_roles: roles that make the context ``is_admin`` (nova's policy default); when
        empty, the context class decides (nova's asks its policy).
    :param context_key: the environ key the context is stored under.
    :param context_class: the context class or its dotted path; it must provide
        ``from_environ`` (any oslo.context ``RequestContext`` does).
    """

    name = "keystone_context"
    options = (
        Option(
            "service_types",
            "list",
            list(DEFAULT_SERVICE_TYPES),
            "Service types of the catalog entries kept on the request context; * keeps them "
            "all and lets the context class choose (cinder).",
        ),
        Option("admin_roles", "list", ["admin"], "Roles that make the context is_admin."),
        *CONTEXT_OPTIONS,
    )

    def __init__(
        self,
        application: WSGIApplication,
        *,
        service_types: Sequence[str] = DEFAULT_SERVICE_TYPES,
        admin_roles: Sequence[str] = ("admin",),
        context_key: str = DEFAULT_CONTEXT_KEY,
        context_class: str | type[Any] = DEFAULT_CONTEXT_CLASS,
    ) -> None:
        super().__init__(application)
        self.service_types = frozenset(service_types)
        self.admin_roles = frozenset(admin_roles)
        self.context_key = context_key
        context_type = resolve_context_class(context_class)
        if not callable(getattr(context_type, "from_environ", None)):
            raise ValueError(f"context_class {context_class!r} has no from_environ")
        self.contexts = ContextBuilder(context_type)
        check_context_key(self.name, context_key, context_type)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("HTTP_X_IDENTITY_STATUS") != "Confirmed":
            return Fault(401)(environ, start_response)
        # authtoken stores None for headers the token lacks; oslo would split None.
        present = environ
        if None in environ.values():
            present = {key: value for key, value in environ.items() if value is not None}
        if not (present.get("HTTP_X_USER_ID") or present.get("HTTP_X_USER")):
            return Fault(401)(environ, start_response)
        try:
            catalog = filter_catalog(present.get("HTTP_X_SERVICE_CATALOG"), self.service_types)
        except InvalidCatalog:
            return Fault(500, "Invalid service catalog json.")(environ, start_response)
        environ[self.context_key] = self._context(present, catalog)
        return self.application(environ, start_response)

    def _context(self, environ: WSGIEnvironment, catalog: list[dict[str, Any]]) -> Any:
        values: dict[str, Any] = {
            "user_auth_plugin": environ.get("keystone.token_auth"),
            "remote_address": environ.get("REMOTE_ADDR"),
            "service_catalog": catalog,
        }
        if not environ.get(REQUEST_ID_KEY):  # no request_id filter in front: make one here
            values["request_id"] = generate_request_id()
        if self.admin_roles:
            roles = environ.get("HTTP_X_ROLES") or environ.get("HTTP_X_ROLE") or ""
            values["is_admin"] = not self.admin_roles.isdisjoint(
                role.strip() for role in roles.split(",")
            )
        return self.contexts.from_environ(environ, **values)
