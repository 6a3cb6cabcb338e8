"""Expand ``resource()`` declarations with Routes' own generator.

This is the one module of apistack that imports ``routes``. ``routes.Mapper.resource``
decides which paths, methods and actions a resource has (``index``, ``create``, ``new``,
``edit``, the ``.format`` variants, collection and member actions, parent resources); letting
Routes generate them, once, when the routes are declared, keeps our table identical to what
a nova ``ProjectMapper`` would build. Matching never touches Routes.
"""

from __future__ import annotations

from typing import Any

import routes

__all__ = ["expand_resource"]


class _FormatMapper(routes.Mapper):  # type: ignore[misc]
    """A scratch mapper that adds nova's ``APIMapper`` default ``format`` requirement."""

    def __init__(self, format_requirement: str) -> None:
        super().__init__(controller_scan=None, register=False)
        self._format_requirement = format_requirement

    def connect(self, *args: Any, **kwargs: Any) -> Any:
        requirements = dict(kwargs.get("requirements") or {})
        requirements.setdefault("format", self._format_requirement)
        kwargs["requirements"] = requirements
        return super().connect(*args, **kwargs)


def expand_resource(
    member_name: str, collection_name: str, format_requirement: str, kwargs: dict[str, Any]
) -> list[tuple[str, str | None, str, dict[str, str]]]:
    """:returns: ``(path, method, action, requirements)`` for each route, in Routes' order.

    A ``parent_resource`` without ``path_prefix`` gets nova's prefix,
    ``<parent collection>/:<parent member>_id``.
    """
    options = dict(kwargs)
    parent = options.get("parent_resource")
    if parent is not None and "path_prefix" not in options:
        options["path_prefix"] = "{}/:{}_id".format(
            parent["collection_name"], parent["member_name"]
        )
    mapper = _FormatMapper(format_requirement)
    mapper.resource(member_name, collection_name, **options)
    expanded = []
    for route in mapper.matchlist:
        methods = (route.conditions or {}).get("method")
        method = methods[0] if methods else None
        expanded.append((route.routepath, method, str(route.defaults["action"]), dict(route.reqs)))
    return expanded
