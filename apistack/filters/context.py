"""Where the auth filters put the request context, and which class they build it with.

``noauth`` and ``keystone_context`` share two options: the environ key the context goes under
(default ``openstack.context``; a nova-style service sets ``nova.context``) and the context
class as an import path, ``package.module:Class`` (paste's and entry points' form) or
``package.module.Class`` (default ``oslo_context.context.RequestContext``).

The key is where the service's API code looks for the context, and a wrong key only shows as a
``KeyError`` inside that code on every request. So when a service's own context class is
configured with the default key, the filter logs a warning naming the key that service's code
reads (``nova.context`` for ``nova.context:RequestContext``) when it is built.

Contexts are built with ``overwrite=False``, so a request's context does not replace the one
another request made current in this thread. oslo.context still stores a context when the thread
has none yet; a service that wants each request's context current in its thread (for oslo.log)
calls ``context.update_store()`` where it handles the request.
"""

from __future__ import annotations

import importlib
import inspect
import logging
from collections.abc import Mapping
from typing import Any

from apistack.environ import DEFAULT_CONTEXT_KEY
from apistack.filters.base import Option

__all__ = [
    "CONTEXT_OPTIONS",
    "DEFAULT_CONTEXT_CLASS",
    "DEFAULT_CONTEXT_KEY",
    "ContextBuilder",
    "check_context_key",
    "resolve_context_class",
]

DEFAULT_CONTEXT_CLASS = "oslo_context.context.RequestContext"

CONTEXT_OPTIONS = (
    Option(
        "context_key",
        "str",
        DEFAULT_CONTEXT_KEY,
        "The WSGI environ key the request context is stored under.",
    ),
    Option(
        "context_class",
        "str",
        DEFAULT_CONTEXT_CLASS,
        "Import path of the request context class, package.module:Class or "
        "package.module.Class (an oslo.context RequestContext subclass).",
    ),
)

LOG = logging.getLogger(__name__)


def resolve_context_class(context_class: str | type[Any]) -> type[Any]:
    """Import the context class named by ``package.module:Class`` or ``package.module.Class``.

    :param context_class: the import path, or the class itself.
    :returns: the class.
    :raises ValueError: when the path does not name an importable class.
    """
    if isinstance(context_class, type):
        return context_class
    separator = ":" if ":" in context_class else "."
    module_name, _sep, attribute = context_class.rpartition(separator)
    if not module_name or not attribute or "." in attribute:
        raise ValueError(
            f"context_class {context_class!r} is not an import path "
            "(package.module:Class or package.module.Class)"
        )
    try:
        found = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"context_class {context_class!r} cannot be imported: {exc}") from None
    if not isinstance(found, type):
        raise ValueError(f"context_class {context_class!r} is not a class")
    return found


def check_context_key(filter_name: str, context_key: str, context_class: type[Any]) -> None:
    """Warn when a service's own context class goes under apistack's default key.

    nova's code reads ``nova.context``, cinder's ``cinder.context``: the service package's
    name plus ``.context``. A context of such a class under ``openstack.context`` is a
    mis-configuration that otherwise shows only as a ``KeyError`` (a 500) on each request.
    """
    package = context_class.__module__.partition(".")[0]
    if context_key != DEFAULT_CONTEXT_KEY or package in ("oslo_context", "apistack"):
        return
    LOG.warning(
        "%s: the context class %s.%s is stored under the default context_key %r; %s's API "
        "code most likely reads %r: set context_key = %s.context in the filter's section",
        filter_name,
        context_class.__module__,
        context_class.__qualname__,
        context_key,
        package,
        f"{package}.context",
        package,
    )


class ContextBuilder:
    """Builds contexts of one class, passing the values its constructor does not take as
    attributes (oslo's ``RequestContext`` has no ``remote_address`` or ``service_catalog``;
    nova's has both).

    :param context_class: the context class or its dotted path.
    """

    def __init__(self, context_class: str | type[Any]) -> None:
        self.context_class = resolve_context_class(context_class)
        try:
            parameters = inspect.signature(self.context_class).parameters.values()
        except (TypeError, ValueError) as exc:
            raise ValueError(f"context_class {context_class!r}: {exc}") from None
        if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
            self._accepted: frozenset[str] | None = None
        else:
            self._accepted = frozenset(p.name for p in parameters)
        self._extras: dict[tuple[str, ...], tuple[str, ...]] = {}

    def takes(self, *names: str) -> bool:
        """:returns: whether the constructor takes every one of ``names`` as a keyword."""
        return self._accepted is None or self._accepted.issuperset(names)

    def _extra(self, values: Mapping[str, Any]) -> tuple[str, ...]:
        """:returns: the names in ``values`` the constructor does not take, worked out once
        per set of names (each caller passes the same names on every request)."""
        if self._accepted is None:
            return ()
        names = tuple(values)
        extra = self._extras.get(names)
        if extra is None:
            extra = self._extras[names] = tuple(n for n in names if n not in self._accepted)
        return extra

    def build(self, overwrite: bool = False, **values: Any) -> Any:
        """:param overwrite: make the context the thread's current one (oslo.context's
            ``overwrite``), as a placeholder that replaces the previous request's does.
        :returns: a context made with ``values``."""
        extra = self._extra(values)
        if not extra:
            return self.context_class(overwrite=overwrite, **values)
        rest = {name: values.pop(name) for name in extra}
        return self._attach(self.context_class(overwrite=overwrite, **values), rest)

    def from_environ(self, environ: Mapping[str, Any], **values: Any) -> Any:
        """:returns: the class's ``from_environ(environ, ...)`` context plus ``values``."""
        rest = {name: values.pop(name) for name in self._extra(values)}
        context = self.context_class.from_environ(environ, overwrite=False, **values)
        return self._attach(context, rest)

    @staticmethod
    def _attach(context: Any, extra: Mapping[str, Any]) -> Any:
        for name, value in extra.items():
            setattr(context, name, value)
        return context
