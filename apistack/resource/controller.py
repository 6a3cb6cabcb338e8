"""The ``Controller`` base: the registries its subclasses get when they are defined.

A controller is a plain class; ``Controller.__init_subclass__`` builds its registries when the
class is defined:

- ``wsgi_actions``: ``{action key: method name}`` from ``@action``, merged from base classes;
- ``wsgi_extensions``: ``[(method name, action key or None)]`` from ``@extends``;
- ``versioned_methods``: ``{method name: (VersionedMethod, ...)}`` from ``@api_version``. One
  implementation is a gate (outside its range the method answers 404, as nova 32+ does);
  several implementations of one name for disjoint ranges are an overload set (as cinder,
  manila and nova up to 31 use), the right one chosen per request. Overlapping ranges are
  rejected here, when the class is defined.

The decorators live in :mod:`apistack.resource.decorators` and are re-exported here.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any, ClassVar, Literal

import webob.exc

from apistack.resource.decorators import (
    ControllerDefinitionError,
    UnexpectedAPIError,
    VersionedMethod,
    action,
    api_version,
    expected_errors,
    extends,
    range_text,
    removed,
    response,
    select_response_code,
    take_pending,
)
from apistack.resource.exceptions import VersionNotFoundForAPIMethod
from apistack.resource.versions import NULL_VERSION, request_version

__all__ = [
    "Controller",
    "ControllerDefinitionError",
    "UnexpectedAPIError",
    "VersionedMethod",
    "action",
    "api_version",
    "expected_errors",
    "extends",
    "removed",
    "response",
    "select_response_code",
]

VersionedSets = dict[str, tuple[VersionedMethod, ...]]

# Versioned sets of classes that are not Controllers (mixins), taken from the pending
# registry the first time a Controller inherits from them.
_mixin_sets: dict[type, VersionedSets] = {}


def _check_disjoint(cls: type, name: str, impls: list[VersionedMethod]) -> None:
    ordered = sorted(impls, key=lambda m: m.min_version or NULL_VERSION)
    for before, after in itertools.pairwise(ordered):
        before_high = before.max_version
        after_low = after.min_version or NULL_VERSION
        if before_high is None or before_high >= after_low:
            raise ControllerDefinitionError(
                f"{cls.__qualname__}.{name}: versioned implementations overlap: "
                f"{range_text(before.min_version, before.max_version)} and "
                f"{range_text(after.min_version, after.max_version)}"
            )


def _versioned_dispatcher(name: str, impls: tuple[VersionedMethod, ...]) -> Any:
    def dispatch(self: Any, *args: Any, **kwargs: Any) -> Any:
        version = request_version((self, *args), kwargs)
        for impl in impls:
            if impl.serves(version):
                return impl.func(self, *args, **kwargs)
        raise self.version_error()

    dispatch.__name__ = name
    dispatch.__qualname__ = f"versioned {name}"
    dispatch.versioned_methods = impls  # type: ignore[attr-defined]
    return dispatch


def _own_sets(cls: type, inherited: VersionedSets) -> VersionedSets:
    """Merge the ``@api_version`` implementations declared in ``cls``'s body into
    ``inherited``, replacing the class's attributes by dispatchers."""
    sets = dict(inherited)
    for name in list(vars(cls)):
        declared = take_pending(cls, name)
        if not declared:
            sets.pop(name, None)  # a plain override replaces the versioned set
            continue
        if vars(cls)[name] is not declared[-1].func:
            raise ControllerDefinitionError(
                f"{cls.__qualname__}.{name}: a decorator that wraps the function is applied "
                "above @api_version and would be lost; put @api_version outermost"
            )
        impls = [*sets.get(name, ()), *declared]
        if getattr(cls, "overlapping_versions", "reject") == "reject":
            _check_disjoint(cls, name, impls)
        # Newest range first: most requests ask for recent versions.
        ordered = tuple(sorted(impls, key=lambda m: m.min_version or NULL_VERSION, reverse=True))
        sets[name] = ordered
        setattr(cls, name, _versioned_dispatcher(name, ordered))
    return sets


def _base_sets(base: type) -> VersionedSets:
    if issubclass(base, Controller):
        return base.versioned_methods
    if base is object:
        return {}
    if base not in _mixin_sets:
        _mixin_sets[base] = _own_sets(base, {})
    return _mixin_sets[base]


def _attribute_funcs(value: Any) -> list[Any]:
    """The functions an attribute stands for: a dispatcher's implementations, or itself."""
    impls = getattr(value, "versioned_methods", None)
    if isinstance(impls, tuple):
        return [impl.func for impl in impls]
    return [value]


class Controller:
    """Base of API controllers.

    Subclass it and write methods ``index``, ``show``, ``create``, ``update``, ``delete`` (or
    any name a route names), each taking ``req`` and the path variables (and ``body`` for POST
    and PUT). Registries are built when the subclass is defined; see the module docstring.
    Calling a versioned method directly (``controller.index(req)``) runs the implementation
    for ``req.api_version_request``.
    """

    wsgi_actions: dict[str, str] = {}
    wsgi_extensions: list[tuple[str, str | None]] = []
    versioned_methods: VersionedSets = {}
    _view_builder_class: type | None = None

    #: ``@Controller.api_version(min, max)``, as cinder, manila and nova 31 spell it.
    api_version = staticmethod(api_version)
    #: what a versioned method raises for a version none of its implementations serves
    #: (a service's own class, so its code and tests that expect it keep working).
    version_error: type[Exception] = VersionNotFoundForAPIMethod
    #: ``"reject"``: overlapping ranges of one method are an error when the class is defined;
    #: ``"newest"``: the lineage's rule, the implementation with the highest ``min_version``
    #: serving the request wins (cinder's, manila's and nova 31's tests rely on it).
    overlapping_versions: ClassVar[Literal["reject", "newest"]] = "reject"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.versioned_methods = cls._collect_versioned_methods()
        cls.wsgi_actions, cls.wsgi_extensions = cls._collect_markers()

    @classmethod
    def _collect_versioned_methods(cls) -> VersionedSets:
        inherited: VersionedSets = {}
        for base in reversed(cls.__mro__[1:]):
            inherited.update(_base_sets(base))
        return _own_sets(cls, inherited)

    @classmethod
    def _collect_markers(cls) -> tuple[dict[str, str], list[tuple[str, str | None]]]:
        """``@action`` keys and ``@extends`` targets of the class and its bases (mixins
        included), a subclass's declaration winning."""
        actions: dict[str, str] = {}
        extensions: dict[tuple[str, str | None], None] = {}
        for klass in reversed(cls.__mro__):
            for name, value in vars(klass).items():
                for func in _attribute_funcs(value):
                    key = getattr(func, "wsgi_action", None)
                    if isinstance(key, str):
                        actions[key] = name
                    target = getattr(func, "wsgi_extends", None)
                    if isinstance(target, tuple):
                        extensions[(name, target[1])] = None
        return actions, list(extensions)

    def __init__(self, view_builder: Any = None) -> None:
        if view_builder is not None:
            self._view_builder = view_builder
        elif self._view_builder_class is not None:
            self._view_builder = self._view_builder_class()

    @staticmethod
    def is_valid_body(body: Any, entity_name: str) -> bool:
        """:returns: True if ``body`` is a dict holding a dict-like ``entity_name``."""
        if not body or entity_name not in body:
            return False
        return hasattr(body[entity_name], "get")

    @staticmethod
    def strip_string_fields(body: dict[str, Any], fields: Iterable[str]) -> None:
        """Strip surrounding whitespace from the string values of ``fields`` in ``body``
        (cinder's ``clean_name_and_description`` with its four names)."""
        for name in fields:
            value = body.get(name)
            if isinstance(value, str):
                body[name] = value.strip()

    @staticmethod
    def validate_string_length(
        value: Any,
        entity_name: str,
        min_length: int = 0,
        max_length: int | None = None,
        remove_whitespaces: bool = False,
    ) -> None:
        """Check that ``value`` is a string of an allowed length.

        :param remove_whitespaces: measure ``value`` with surrounding whitespace stripped.
        :raises webob.exc.HTTPBadRequest: naming ``entity_name``, when it is not.
        """
        if not isinstance(value, str):
            raise webob.exc.HTTPBadRequest(explanation=f"{entity_name} is not a string or unicode")
        length = len(value.strip() if remove_whitespaces else value)
        if length < min_length:
            raise webob.exc.HTTPBadRequest(
                explanation=f"{entity_name} has {length} characters, less than {min_length}."
            )
        if max_length is not None and length > max_length:
            raise webob.exc.HTTPBadRequest(
                explanation=f"{entity_name} has {length} characters, more than {max_length}."
            )
