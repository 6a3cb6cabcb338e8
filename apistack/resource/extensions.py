"""nova Ocata's API extension model, which cinder and manila still load their APIs with.

An extension is a descriptor object (``name``, ``alias``, ``updated``, a docstring) whose
``get_resources()`` returns ``ResourceExtension``\\ s (new collections, routed like Routes'
``mapper.resource``) and whose ``get_controller_extensions()`` returns
``ControllerExtension``\\ s (``@action`` methods and ``@extends`` hooks added to an existing
collection's resource). ``ExtensionManager`` loads descriptors from a stevedore namespace
(nova Ocata) and from dotted factory paths (cinder's ``osapi_volume_extension``); the
router turns what it loaded into routes (``apistack.router.extensions``).
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Callable, Iterable
from typing import Any

import stevedore

from apistack.resource.extension_model import (
    ControllerExtension,
    ExtensionDescriptor,
    ExtensionError,
    ExtensionsController,
    ResourceExtension,
    extension_authorizer,
)

__all__ = [
    "ControllerExtension",
    "ExtensionDescriptor",
    "ExtensionError",
    "ExtensionManager",
    "ExtensionsController",
    "ResourceExtension",
    "extension_authorizer",
    "import_factory",
    "load_standard_extensions",
]

LOG = logging.getLogger(__name__)

#: decides whether a descriptor may be registered (nova Ocata's ``check_func``).
ExtensionCheck = Callable[[Any], bool]


def import_factory(path: str) -> Any:
    """Import ``package.module.Name`` or ``package.module:Name`` (``Name`` may be dotted).

    :raises ImportError: when the module or the name is missing.
    """
    module_name, sep, attribute = path.partition(":")
    if not sep:
        module_name, _, attribute = path.rpartition(".")
    value: Any = importlib.import_module(module_name)
    for name in attribute.split("."):
        try:
            value = getattr(value, name)
        except AttributeError:
            raise ImportError(f"{module_name} has no attribute {attribute!r}") from None
    return value


class ExtensionManager:
    """Loads and holds an API's extension descriptors, by alias.

    :param namespace: a stevedore namespace; each entry point names a descriptor class (or
        factory), loaded in name order.
    :param factories: dotted paths of descriptor classes or factories, loaded in order.
    :param check: called with each descriptor; one for which it is false is not registered.
    :param strict: raise ``ExtensionError`` when one fails to load (default: log, go on).
    """

    #: when set, ``get_resources()`` also routes this collection to an
    #: ``ExtensionsController`` listing the loaded extensions (cinder's ``/extensions``).
    listing_collection: str | None = None

    def __init__(
        self,
        namespace: str | None = None,
        factories: Iterable[str] = (),
        check: ExtensionCheck | None = None,
        strict: bool = False,
    ) -> None:
        self.extensions: dict[str, Any] = {}
        self.check = check
        self.strict = strict
        if namespace:
            self.load_namespace(namespace)
        for path in factories:
            self.load_guarded(path, path)

    def is_loaded(self, alias: str) -> bool:
        """:returns: whether an extension with ``alias`` is registered."""
        return alias in self.extensions

    def register(self, ext: Any) -> None:
        """Register a descriptor, unless the check function refuses it.

        :raises ExtensionError: when its alias is already registered.
        """
        if self.check is not None and not self.check(ext):
            LOG.debug("Extension %s not enabled", getattr(ext, "alias", ext))
            return
        alias = getattr(ext, "alias", None)
        if not alias:
            raise ExtensionError(f"extension {ext!r} has no alias")
        if alias in self.extensions:
            raise ExtensionError(f"Found duplicate extension: {alias}")
        LOG.debug("Loaded extension: %s", alias)
        self.extensions[alias] = ext

    def load_extension(self, factory: str | Callable[..., Any]) -> None:
        """Call an extension factory (or a dotted path to one) with this manager; a descriptor
        it returns that did not register itself is registered."""
        made = (import_factory(factory) if isinstance(factory, str) else factory)(self)
        if made is not None and hasattr(made, "alias") and made not in self.extensions.values():
            self.register(made)

    def load_guarded(self, what: str, factory: str | Callable[..., Any]) -> None:
        """``load_extension``, logging a failure (or raising it when strict)."""
        try:
            self.load_extension(factory)
        except Exception as exc:
            self._failed(what, exc)

    def _failed(self, what: str, exc: Exception) -> None:
        if self.strict:
            raise ExtensionError(f"extension {what} failed to load: {exc}") from exc
        LOG.warning("Failed to load extension %s: %s", what, exc)

    def load_namespace(self, namespace: str) -> None:
        """Load every entry point of the stevedore ``namespace``, in name order."""

        def failed(_manager: Any, entry_point: Any, exc: BaseException) -> None:
            if self.strict:
                raise ExtensionError(f"extension {entry_point.name} failed to load: {exc}")
            LOG.warning("Failed to load extension %s: %s", entry_point.name, exc)

        found = stevedore.ExtensionManager(
            namespace, invoke_on_load=False, on_load_failure_callback=failed
        )
        for entry in sorted(found.extensions, key=lambda ext: ext.name):
            self.load_guarded(entry.name, entry.plugin)

    def load_package(
        self, path: Iterable[str], package: str, names: Iterable[str] | None = None
    ) -> None:
        """Load one descriptor per module of a package: module ``foo_bar`` holds ``Foo_bar``;
        a module without that name (a helper) is skipped.

        :param path: the package's ``__path__``.
        :param package: the package's dotted name.
        :param names: load only these class names (all when None).
        """
        wanted = None if names is None else set(names)
        for module in sorted(pkgutil.iter_modules(list(path)), key=lambda m: m.name):
            class_name = module.name[:1].upper() + module.name[1:]
            if module.ispkg or (wanted is not None and class_name not in wanted):
                continue
            dotted = f"{package}.{module.name}.{class_name}"
            try:
                factory = getattr(importlib.import_module(f"{package}.{module.name}"), class_name)
            except AttributeError:
                LOG.debug("%s.%s holds no extension", package, module.name)
                continue
            except Exception as exc:
                self._failed(dotted, exc)
                continue
            self.load_guarded(dotted, factory)

    def get_resources(self) -> list[ResourceExtension]:
        """:returns: every loaded extension's ``ResourceExtension``\\ s."""
        found: list[ResourceExtension] = []
        if self.listing_collection:
            found.append(ResourceExtension(self.listing_collection, ExtensionsController(self)))
        for ext in self.extensions.values():
            get = getattr(ext, "get_resources", None)
            found.extend(get() if get is not None else ())
        return found

    def get_controller_extensions(self) -> list[ControllerExtension]:
        """:returns: every loaded extension's ``ControllerExtension``\\ s."""
        found: list[ControllerExtension] = []
        for ext in self.extensions.values():
            get = getattr(ext, "get_controller_extensions", None)
            found.extend(get() if get is not None else ())
        return found


def load_standard_extensions(
    ext_mgr: ExtensionManager,
    logger: logging.Logger,
    path: Iterable[str],
    package: str,
    ext_list: Iterable[str] | None = None,
) -> None:
    """The lineage's spelling of ``ext_mgr.load_package(path, package, ext_list)``: a
    ``contrib`` package's ``standard_extensions(ext_mgr)`` calls it with its own logger."""
    logger.debug("Loading the extensions of %s", package)
    ext_mgr.load_package(path, package, ext_list)
