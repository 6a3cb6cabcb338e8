"""``APIRouter`` and ``egg:apistack#router``: an API's router built from route lists.

An API is built from any of: a route list (nova's ``ROUTE_LIST``), route plugins (a stevedore
namespace of more route-list entries), nova Ocata's extension model (an ``ExtensionManager``
of descriptors, see ``apistack.router.extensions``) and routes a subclass declares in
``setup_routes``. ``APIRouter`` takes typed keyword arguments; ``APIRouter.factory`` (and the
module-level ``app_factory`` the entry point names) converts paste's strings once, with an
error naming the bad key::

    [app:api]
    use = egg:apistack#router
    route_list = myservice.api.routes:ROUTE_LIST
    route_plugin_namespace = myservice.api.routes
    api_extension_namespace = myservice.api.extensions
    api_extensions = myservice.api.contrib.standard_extensions
    service_type = compute
    min_version = 2.1
    max_version = 2.95
    legacy_header = X-OpenStack-Nova-API-Version

``extension_namespace`` is the deprecated spelling of ``route_plugin_namespace``.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Mapping
from typing import Any, ClassVar

from paste.deploy.converters import asbool

from apistack.resource import APISettings, APIVersionRequest, Resource
from apistack.resource.extensions import ExtensionManager
from apistack.router.errors import RouterConfigError
from apistack.router.extensions import declare_extensions
from apistack.router.mapper import DEFAULT_PROJECT_ID_REGEX, ProjectMapper
from apistack.router.routelist import (
    ResourceRegistry,
    RouteList,
    declare_route_list,
    load_route_plugins,
)
from apistack.router.wsgi import Router

__all__ = ["APIRouter", "app_factory", "import_object"]

_SETTINGS_KEYS = (
    "service_type",
    "min_version",
    "max_version",
    "legacy_header",
    "context_key",
    "json_encoder",
)
_ROUTER_KEYS = (
    "route_list",
    "route_plugin_namespace",
    "extension_namespace",
    "api_extension_namespace",
    "api_extensions",
    "project_id_regex",
    "project_prefix",
    "strict",
)
_SOURCE_KEYS = _ROUTER_KEYS[:5]
_DEPRECATED_PLUGIN_KEY = (
    "extension_namespace is deprecated: it names route plugins; use route_plugin_namespace "
    "(extensions are nova Ocata's model now: api_extension_namespace, api_extensions)"
)


class APIRouter(Router):
    """The router of one API: one ``APISettings`` for every Resource it builds.

    :param route_list: entries in nova's ``ROUTE_LIST`` shape.
    :param route_plugin_namespace: a stevedore namespace whose plugins add route-list entries.
    :param extension_manager: nova Ocata's extensions: their resources are routed, then their
        controller extensions applied (to route-list resources too, by collection name).
    :param settings: the API's versioning settings, given to every controller factory.
    :param project_id_regex: what a project id in the URL may look like.
    :param project_prefix: also route every path under ``/{project_id}``.
    :param strict: fail when a plugin fails to load, instead of logging and going on.
    :param extension_namespace: deprecated spelling of ``route_plugin_namespace``.
    """

    #: the resource class built around extension controllers (a service's own subclass).
    resource_class: ClassVar[type[Resource]] = Resource

    def __init__(
        self,
        route_list: RouteList = (),
        *,
        route_plugin_namespace: str | None = None,
        extension_manager: ExtensionManager | None = None,
        settings: APISettings | None = None,
        project_id_regex: str = DEFAULT_PROJECT_ID_REGEX,
        project_prefix: bool = True,
        strict: bool = False,
        extension_namespace: str | None = None,
    ) -> None:
        if extension_namespace:
            warnings.warn(_DEPRECATED_PLUGIN_KEY, DeprecationWarning, stacklevel=2)
            route_plugin_namespace = route_plugin_namespace or extension_namespace
        self.settings = settings or self.resource_class.default_settings or APISettings()
        mapper = ProjectMapper(project_id_regex=project_id_regex, project_prefix=project_prefix)
        #: every resource built, by collection name (``self.resources.get("servers")``).
        self.resources: ResourceRegistry = declare_route_list(mapper, route_list, self.settings)
        if route_plugin_namespace:
            extra = load_route_plugins(route_plugin_namespace, strict=strict)
            declare_route_list(mapper, extra, self.settings, self.resources)
        self.setup_routes(mapper)
        if extension_manager is not None:
            declare_extensions(
                mapper, extension_manager, self.resources, self.settings, self.resource_class
            )
        super().__init__(mapper)

    def setup_routes(self, mapper: ProjectMapper) -> None:
        """Declare routes by hand (a subclass's hook, run before extensions are applied);
        record each built resource with ``self.resources.add(collection, app)``."""

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
        if not any(local_conf.get(key) for key in _SOURCE_KEYS):
            raise RouterConfigError(
                f"egg:apistack#router: set at least one of {', '.join(_SOURCE_KEYS)}"
            )
        if local_conf.get("extension_namespace"):
            warnings.warn(_DEPRECATED_PLUGIN_KEY, DeprecationWarning, stacklevel=2)
        settings = _settings(local_conf)
        spec = local_conf.get("route_list")
        route_list = import_object(spec, "route_list") if spec else ()
        strict = _bool(local_conf, "strict", False)
        return cls(
            route_list,
            route_plugin_namespace=local_conf.get("route_plugin_namespace")
            or local_conf.get("extension_namespace")
            or None,
            extension_manager=_extension_manager(local_conf, strict),
            settings=settings,
            project_id_regex=local_conf.get("project_id_regex") or DEFAULT_PROJECT_ID_REGEX,
            project_prefix=_bool(local_conf, "project_prefix", True),
            strict=strict,
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
        raise RouterConfigError(f"egg:apistack#router: {exc}") from None


def _extension_manager(conf: Mapping[str, str], strict: bool) -> ExtensionManager | None:
    namespace = conf.get("api_extension_namespace") or None
    factories = (conf.get("api_extensions") or "").replace(",", " ").split()
    if namespace is None and not factories:
        return None
    return ExtensionManager(namespace, factories, strict=strict)


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
