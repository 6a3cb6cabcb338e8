"""``APIRouter`` and ``egg:apistack#router``: an API's router built from route lists.

``APIRouter`` takes typed keyword arguments; ``APIRouter.factory`` (and the module-level
``app_factory`` the entry point names) converts paste's strings once, with an error naming
the bad key::

    [app:api]
    use = egg:apistack#router
    route_list = myservice.api.routes:ROUTE_LIST
    extension_namespace = myservice.api.extensions
    service_type = compute
    min_version = 2.1
    max_version = 2.95
    legacy_header = X-OpenStack-Nova-API-Version
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from paste.deploy.converters import asbool

from apistack.resource import APISettings, APIVersionRequest
from apistack.router.errors import RouterConfigError
from apistack.router.mapper import DEFAULT_PROJECT_ID_REGEX, ProjectMapper
from apistack.router.routelist import RouteList, declare_route_list, load_extension_routes
from apistack.router.wsgi import Router

__all__ = ["APIRouter", "app_factory", "import_object"]

_SETTINGS_KEYS = ("service_type", "min_version", "max_version", "legacy_header", "context_key")
_ROUTER_KEYS = (
    "route_list",
    "extension_namespace",
    "project_id_regex",
    "project_prefix",
    "strict",
)


class APIRouter(Router):
    """The router of one API: route lists plus plugins, one ``APISettings`` for every Resource.

    :param route_list: entries in nova's ``ROUTE_LIST`` shape.
    :param extension_namespace: a stevedore namespace whose plugins add route-list entries.
    :param settings: the API's versioning settings, given to every controller factory.
    :param project_id_regex: what a project id in the URL may look like.
    :param project_prefix: also route every path under ``/{project_id}``.
    :param strict: fail when a plugin fails to load, instead of logging and going on.
    """

    def __init__(
        self,
        route_list: RouteList = (),
        *,
        extension_namespace: str | None = None,
        settings: APISettings | None = None,
        project_id_regex: str = DEFAULT_PROJECT_ID_REGEX,
        project_prefix: bool = True,
        strict: bool = False,
    ) -> None:
        self.settings = settings or APISettings()
        mapper = ProjectMapper(project_id_regex=project_id_regex, project_prefix=project_prefix)
        apps = declare_route_list(mapper, route_list, self.settings)
        if extension_namespace:
            extra = load_extension_routes(extension_namespace, strict=strict)
            declare_route_list(mapper, extra, self.settings, apps)
        super().__init__(mapper)

    @classmethod
    def factory(cls, global_conf: Mapping[str, str], **local_conf: str) -> APIRouter:
        """Paste's ``app_factory``: build the router from ini strings.

        :raises RouterConfigError: naming an unknown key or a value that cannot be used.
        """
        unknown = sorted(set(local_conf) - set(_SETTINGS_KEYS) - set(_ROUTER_KEYS))
        if unknown:
            raise RouterConfigError(
                f"egg:apistack#router: unknown option {unknown[0]!r}; expected one of "
                f"{', '.join(_ROUTER_KEYS + _SETTINGS_KEYS)}"
            )
        if not local_conf.get("route_list") and not local_conf.get("extension_namespace"):
            raise RouterConfigError(
                "egg:apistack#router: set route_list and/or extension_namespace"
            )
        settings = _settings(local_conf)
        spec = local_conf.get("route_list")
        route_list = import_object(spec, "route_list") if spec else ()
        return cls(
            route_list,
            extension_namespace=local_conf.get("extension_namespace") or None,
            settings=settings,
            project_id_regex=local_conf.get("project_id_regex") or DEFAULT_PROJECT_ID_REGEX,
            project_prefix=_bool(local_conf, "project_prefix", True),
            strict=_bool(local_conf, "strict", False),
        )


def _settings(conf: Mapping[str, str]) -> APISettings:
    args: dict[str, Any] = {key: conf[key] for key in _SETTINGS_KEYS if key in conf}
    for key in ("min_version", "max_version"):
        if args.get(key):
            try:
                args[key] = APIVersionRequest(args[key])
            except ValueError as exc:
                raise RouterConfigError(f"egg:apistack#router: {key}: {exc}") from None
    try:
        return APISettings(**args)
    except ValueError as exc:
        raise RouterConfigError(f"egg:apistack#router: min_version/max_version: {exc}") from None


def _bool(conf: Mapping[str, str], key: str, default: bool) -> bool:
    if key not in conf:
        return default
    try:
        return bool(asbool(conf[key]))
    except ValueError:
        raise RouterConfigError(
            f"egg:apistack#router: {key} must be true or false, not {conf[key]!r}"
        ) from None


def import_object(spec: str, key: str) -> Any:
    """Import ``package.module:NAME`` (``NAME`` may be dotted).

    :raises RouterConfigError: naming ``key`` when the module or attribute is missing.
    """
    module_name, sep, attribute = spec.partition(":")
    if not sep or not module_name or not attribute:
        raise RouterConfigError(f"egg:apistack#router: {key} must be 'package.module:NAME'")
    try:
        value: Any = importlib.import_module(module_name)
        for name in attribute.split("."):
            value = getattr(value, name)
    except (ImportError, AttributeError) as exc:
        raise RouterConfigError(f"egg:apistack#router: {key} = {spec}: {exc}") from None
    return value


def app_factory(global_conf: Mapping[str, str], **local_conf: str) -> APIRouter:
    """The ``paste.app_factory`` behind ``egg:apistack#router`` (see ``APIRouter.factory``)."""
    return APIRouter.factory(global_conf, **local_conf)
