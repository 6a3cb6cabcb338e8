"""Where a filter built by paste reads the service's own config file, as oslo.middleware does.

Paste keys win; then the service's oslo.config file; then the constructor's defaults (oslo's
``ConfigurableMiddleware`` has the same order: a paste key is ``set_override`` on the conf).

The file is the one ``oslo_config_project`` names (with ``oslo_config_file`` and
``oslo_config_program``, paste keys of the section or the ini's globals), parsed into a
``ConfigOpts`` of apistack's own exactly as oslo.middleware parses it. Without
``oslo_config_project`` it is the process's ``cfg.CONF``, once the service has parsed it: nova's
and cinder's API entry points parse their file before they load paste, so a filter swapped into
their ini reads ``nova.conf`` as oslo's filters do. apistack only reads that object (it registers
its options there, as oslo's filters do) and never overrides a value in it.

A filter reads its own group, ``[apistack_<entry point>]`` (what ``oslo-config-generator
--namespace apistack`` lists), and, for an option it shares with oslo.middleware, oslo's group
(``[oslo_middleware] max_request_body_size``); its own group wins when both are set.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from oslo_config import cfg

if TYPE_CHECKING:
    from apistack.filters.base import Filter

__all__ = ["CONFIG_FILE_KEYS", "config_file_values", "service_config"]

#: paste keys naming the service's config file (oslo.middleware's names).
CONFIG_FILE_KEYS = frozenset({"oslo_config_project", "oslo_config_file", "oslo_config_program"})

_UNSET = frozenset({cfg.Locations.opt_default, cfg.Locations.set_default})


@functools.lru_cache(maxsize=16)
def _parsed(project: str, config_file: str | None, program: str | None) -> cfg.ConfigOpts:
    # One parse per file, shared by every filter of the ini that names it.
    conf = cfg.ConfigOpts()
    conf(
        [],
        project=project,
        prog=program,
        default_config_files=[config_file] if config_file else None,
        validate_default_values=True,
    )
    return conf


def service_config(paste_conf: Mapping[str, Any]) -> cfg.ConfigOpts | None:
    """:param paste_conf: the section's keys merged over the ini's globals.
    :returns: the service's parsed config, or None when there is none to read.
    :raises oslo_config.cfg.ConfigFilesNotFoundError: when ``oslo_config_file`` is missing.
    """
    project = paste_conf.get("oslo_config_project")
    if project:
        return _parsed(
            str(project),
            paste_conf.get("oslo_config_file") or None,
            paste_conf.get("oslo_config_program") or None,
        )
    if "config_file" in cfg.CONF:  # registered when the service has parsed its CONF
        return cfg.CONF
    return None


def _is_set(conf: cfg.ConfigOpts, name: str, group: str) -> bool:
    where = conf.get_location(name, group)
    return where is not None and where.location not in _UNSET


def config_file_values(filter_class: type[Filter], conf: cfg.ConfigOpts) -> dict[str, Any]:
    """:returns: the options of ``filter_class`` that ``conf``'s files set, as keyword
    arguments (its own group first, then the option's oslo.middleware twin)."""
    group = filter_class.oslo_group()
    conf.register_opts(filter_class.oslo_opts(), group=group)
    values: dict[str, Any] = {}
    for option in filter_class.options:
        if _is_set(conf, option.name, group):
            values[option.name] = conf[group][option.name]
        elif option.oslo_twin is not None:
            twin_group, twin = option.oslo_twin
            conf.register_opt(twin, group=twin_group)
            if _is_set(conf, twin.dest, twin_group):
                values[option.name] = conf[twin_group][twin.dest]
    return values
