"""The filters' options for oslo-config-generator (entry point ``oslo.config.opts``).

Each filter's options are listed in a group named ``apistack_<filter>``. A filter loaded by paste
reads that group from the service's config file (``oslo_config_project``, as oslo.middleware;
see ``apistack.filters.service_config``); code that builds filters itself can pass its
``ConfigOpts`` to ``Filter.from_oslo_config(app, conf, group)``.
"""

from __future__ import annotations

from oslo_config import cfg

from apistack.filters.base import Filter
from apistack.filters.faultwrap import FaultWrap
from apistack.filters.keystone_context import KeystoneContext
from apistack.filters.legacy_v2 import LegacyV2
from apistack.filters.noauth import NoAuth
from apistack.filters.profiler import Profiler
from apistack.filters.request_id import RequestId
from apistack.filters.request_log import RequestLog
from apistack.filters.sizelimit import SizeLimit

__all__ = ["FILTERS", "group_name", "list_opts"]

#: every filter class, outermost first as in nova's pipeline.
FILTERS: tuple[type[Filter], ...] = (
    RequestId,
    FaultWrap,
    RequestLog,
    SizeLimit,
    Profiler,
    NoAuth,
    KeystoneContext,
    LegacyV2,
)


def group_name(filter_class: type[Filter]) -> str:
    """:returns: the oslo.config group of a filter's options (``apistack_<entry point>``)."""
    return filter_class.oslo_group()


def list_opts() -> list[tuple[str, list[cfg.Opt]]]:
    """:returns: ``(group, options)`` for every filter that has options."""
    return [(group_name(cls), cls.oslo_opts()) for cls in FILTERS if cls.options]
