"""Routes from nova Ocata's extension model: what ``APIRouter`` does with an ``ExtensionManager``.

1. Each ``ResourceExtension`` becomes a resource app (the router's ``resource_class`` around
   its controller) declared with ``mapper.resource(member_name, collection, ...)``, plus its
   ``custom_routes_fn``. Those with ``inherits`` come after the others, so the collection
   they inherit from is built; they also get that resource's action extensions. A route
   declared before (a core collection an extension declares again) keeps its first resource,
   as Routes matched the first of equal routes; the new resource serves the rest and becomes
   the collection's resource for controller extensions, as in cinder's router.
2. Each ``ControllerExtension`` adds its controller's ``@action`` methods and ``@extends``
   hooks to the resource of its collection (``Resource.register_extensions``). An unknown
   collection is logged and skipped, as nova and cinder do.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from apistack.resource import APISettings, Resource
from apistack.resource.extensions import ExtensionManager, ResourceExtension
from apistack.router.routelist import ResourceRegistry

if TYPE_CHECKING:
    from apistack.router.mapper import ProjectMapper

__all__ = ["declare_extensions"]

LOG = logging.getLogger(__name__)


def _resource_app(
    ext: ResourceExtension,
    registry: ResourceRegistry,
    settings: APISettings,
    resource_class: type[Resource],
) -> Any:
    controller = ext.controller
    if isinstance(controller, Resource):
        return controller  # the extension built its own resource app
    inherited = registry.get(ext.inherits) if ext.inherits else None
    if controller is None and isinstance(inherited, Resource):
        controller = inherited.controller
    app = resource_class(controller, settings)
    if isinstance(inherited, Resource):
        app.inherits = inherited
    return app


def declare_resources(
    mapper: ProjectMapper,
    resources: list[ResourceExtension],
    registry: ResourceRegistry,
    settings: APISettings,
    resource_class: type[Resource] = Resource,
) -> None:
    """Declare the routes of ``resources`` (see the module docstring, step 1)."""
    ordered = [r for r in resources if not r.inherits] + [r for r in resources if r.inherits]
    for ext in ordered:
        LOG.debug("Extended resource: %s", ext.collection)
        start = len(mapper.declarations)
        app = _resource_app(ext, registry, settings, resource_class)
        registry.by_collection[ext.collection] = app
        options: dict[str, Any] = {
            "controller": app,
            "collection": ext.collection_actions,
            "member": ext.member_actions,
        }
        if ext.parent:
            options["parent_resource"] = dict(ext.parent)
        mapper.resource(ext.member_name or ext.collection, ext.collection, **options)
        if ext.custom_routes_fn is not None:
            ext.custom_routes_fn(mapper, app)
        if mapper.drop_redeclared(start):
            LOG.debug("Resource %s: routes declared before keep their resource", ext.collection)


def extend_resources(manager: ExtensionManager, registry: ResourceRegistry) -> None:
    """Register every ``ControllerExtension`` on its collection's resource (step 2)."""
    for ext in manager.get_controller_extensions():
        name = getattr(ext.extension, "name", None) or repr(ext.extension)
        resource = registry.get(ext.collection)
        if not isinstance(resource, Resource):
            LOG.warning(
                "Extension %s: Cannot extend resource %s: No such resource",
                name,
                ext.collection,
            )
            continue
        LOG.debug("Extension %s extending resource: %s", name, ext.collection)
        resource.register_extensions(ext.controller)


def declare_extensions(
    mapper: ProjectMapper,
    manager: ExtensionManager,
    registry: ResourceRegistry,
    settings: APISettings,
    resource_class: type[Resource] = Resource,
) -> None:
    """Declare the resources of ``manager``'s extensions, then apply its controller
    extensions to every resource in ``registry`` (route-list ones included)."""
    declare_resources(mapper, manager.get_resources(), registry, settings, resource_class)
    extend_resources(manager, registry)
