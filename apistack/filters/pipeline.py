"""``egg:apistack#pipeline``: one composite holding several pipelines, chosen by auth strategy.

As nova's ``pipeline_factory_v21`` (which read ``[api] auth_strategy`` up to nova 31), each key
of the section is a pipeline, filters outermost first and the app last; the paste global
``auth_strategy`` (default ``keystone``) picks one, so ``noauth2`` and ``keystone`` stacks live
in one ini::

    [DEFAULT]
    auth_strategy = noauth2

    [composite:api]
    use = egg:apistack#pipeline
    keystone = request_id faultwrap authtoken keystonecontext api_app
    noauth2 = request_id faultwrap noauth2 api_app

A missing pipeline, and a bad option of a filter it names, fail with a ``PipelineConfigError``
or ``FilterConfigError`` naming the section.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from apistack.filters.base import FilterConfigError

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

__all__ = ["DEFAULT_AUTH_STRATEGY", "PipelineConfigError", "pipeline_factory"]

DEFAULT_AUTH_STRATEGY = "keystone"


class PipelineConfigError(LookupError):
    """The composite has no pipeline for the chosen strategy, or an empty one."""


def pipeline_factory(loader: Any, global_conf: Mapping[str, Any], **local_conf: str) -> Any:
    """The ``paste.composite_factory``: build the pipeline named by ``auth_strategy``.

    :param loader: PasteDeploy's loader for the ini file.
    :param global_conf: paste's global conf (``auth_strategy`` is read from it).
    :param local_conf: the section's pipelines, by strategy name.
    :returns: the outermost WSGI application of the chosen pipeline.
    :raises PipelineConfigError: when the strategy has no pipeline, or an empty one.
    :raises FilterConfigError: when a filter of the pipeline has a bad option.
    """
    strategy = str(global_conf.get("auth_strategy") or DEFAULT_AUTH_STRATEGY)
    names = local_conf.get(strategy, "").split()
    if not names:
        section = _section_name(loader, local_conf)
        known = ", ".join(sorted(local_conf)) or "none"
        problem = "is empty" if strategy in local_conf else "is missing"
        raise PipelineConfigError(
            f"[{section}] in {global_conf.get('__file__', 'the paste config')}: the pipeline "
            f"for auth_strategy {strategy!r} {problem} (pipelines: {known})"
        )
    app: WSGIApplication = loader.get_app(names[-1], global_conf=global_conf)
    for name in reversed(names[:-1]):
        app = _load_filter(loader, name, global_conf)(app)
    return app


def _load_filter(loader: Any, name: str, global_conf: Mapping[str, Any]) -> Any:
    try:
        return loader.get_filter(name, global_conf=global_conf)
    except FilterConfigError as exc:
        # The filter cannot know its section; add it where the name is known.
        raise FilterConfigError(f"[filter:{name}] {exc}") from exc


def _section_name(loader: Any, local_conf: Mapping[str, str]) -> str:
    """Find the composite's section for an error message (paste does not pass it)."""
    parser = getattr(loader, "parser", None)
    if parser is None:
        return "composite"
    defaults = parser.defaults()
    for section in parser.sections():
        if not section.startswith(("composite:", "composit:")):
            continue
        own = {k: v for k, v in parser.items(section, raw=True) if k not in defaults}
        if all(own.get(key) == value for key, value in local_conf.items()):
            return str(section)
    return "composite"
