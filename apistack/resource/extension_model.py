"""nova Ocata's extension model, the objects: what an extension says it adds.

``ExtensionDescriptor`` (``name``, ``alias``, ``updated``, a docstring) returns
``ResourceExtension``\\ s (new collections) and ``ControllerExtension``\\ s (``@action``
methods and ``@extends`` hooks for an existing collection). ``ExtensionsController`` lists the
loaded ones; ``extension_authorizer`` is the lineage's per-extension policy check. Loading is
``apistack.resource.extensions``' ``ExtensionManager``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from apistack.resource.controller import Controller
from apistack.resource.exceptions import NotFound

if TYPE_CHECKING:
    from apistack.resource.extensions import ExtensionManager

__all__ = [
    "ControllerExtension",
    "ExtensionDescriptor",
    "ExtensionError",
    "ExtensionsController",
    "ResourceExtension",
    "extension_authorizer",
]


class ExtensionError(RuntimeError):
    """An extension cannot be registered (duplicate alias) or failed to load while strict."""


class ExtensionDescriptor:
    """Base of extension descriptors: subclass it, set the names, return what it adds.

    Constructed with the manager (as a factory path or an entry point is called), it
    registers itself there.

    :param ext_mgr: the ``ExtensionManager`` loading it.
    """

    #: the human-readable name, e.g. ``"Volume Actions"``.
    name: str | None = None
    #: the unique alias, e.g. ``"os-volume-actions"``.
    alias: str | None = None
    #: when the extension last changed (ISO 8601).
    updated: str | None = None

    def __init__(self, ext_mgr: ExtensionManager) -> None:
        self.ext_mgr = ext_mgr
        ext_mgr.register(self)

    def get_resources(self) -> list[ResourceExtension]:
        """:returns: the new collections this extension adds (none by default)."""
        return []

    def get_controller_extensions(self) -> list[ControllerExtension]:
        """:returns: the controller extensions for existing collections (none by default)."""
        return []


class ResourceExtension:
    """A collection an extension adds: routed as ``mapper.resource(member_name, collection)``.

    :param collection: the collection name (and URL segment).
    :param controller: the controller (or an already built resource app).
    :param parent: ``{"member_name": ..., "collection_name": ...}`` to nest it.
    :param collection_actions: extra collection routes, ``{name: METHOD}``.
    :param member_actions: extra member routes, ``{name: METHOD}``.
    :param custom_routes_fn: called as ``fn(mapper, resource)`` to declare more routes.
    :param inherits: the collection whose resource's action extensions also apply here;
        such resources are built after the others.
    :param member_name: the member name; defaults to ``collection``.
    """

    def __init__(
        self,
        collection: str,
        controller: Any,
        parent: Mapping[str, str] | None = None,
        collection_actions: Mapping[str, str] | None = None,
        member_actions: Mapping[str, str] | None = None,
        custom_routes_fn: Callable[[Any, Any], Any] | None = None,
        inherits: str | None = None,
        member_name: str | None = None,
    ) -> None:
        self.collection = collection
        self.controller = controller
        self.parent = parent
        self.collection_actions = dict(collection_actions or {})
        self.member_actions = dict(member_actions or {})
        self.custom_routes_fn = custom_routes_fn
        self.inherits = inherits
        self.member_name = member_name


class ControllerExtension:
    """Actions and ``@extends`` hooks ``controller`` adds to the resource of ``collection``.

    :param extension: the descriptor it came from (named in log lines).
    """

    def __init__(self, extension: Any, collection: str, controller: Any) -> None:
        self.extension = extension
        self.collection = collection
        self.controller = controller


class ExtensionsController(Controller):
    """Lists the loaded extensions: ``index`` all of them, ``show`` one by alias."""

    def __init__(self, manager: ExtensionManager) -> None:
        super().__init__()
        self.manager = manager

    @staticmethod
    def _describe(ext: Any) -> dict[str, Any]:
        return {
            "name": ext.name,
            "alias": ext.alias,
            "description": " ".join((ext.__doc__ or "").split()),
            "updated": ext.updated,
            "links": [],
        }

    def index(self, req: Any) -> dict[str, Any]:
        """:returns: ``{"extensions": [...]}``."""
        return {"extensions": [self._describe(ext) for ext in self.manager.extensions.values()]}

    def show(self, req: Any, id: str) -> dict[str, Any]:
        """:returns: ``{"extension": ...}`` for the alias ``id``.

        :raises NotFound: for an alias that is not loaded (404).
        """
        ext = self.manager.extensions.get(id)
        if ext is None:
            raise NotFound(f"Extension {id} could not be found.")
        return {"extension": self._describe(ext)}


def extension_authorizer(
    enforce: Callable[[Any, str, Any], Any], api_name: str, extension_name: str
) -> Callable[..., Any]:
    """The lineage's per-extension policy check, with the service's ``enforce`` function.

    :returns: ``authorize(context, target=None, action=None)``, which calls
        ``enforce(context, "<api>_extension:<extension>[:<action>]", target)``; the target
        defaults to the context's project and user.
    """

    def authorize(context: Any, target: Any = None, action: str | None = None) -> Any:
        if target is None:
            target = {"project_id": context.project_id, "user_id": context.user_id}
        rule = f"{api_name}_extension:{extension_name}" + (f":{action}" if action else "")
        return enforce(context, rule, target)

    return authorize
