"""The pipeline stages as paste filters, outermost first as in nova's api-paste.ini.

``[cors http_proxy_to_wsgi] request_id -> faultwrap -> request_log -> sizelimit -> (noauth |
authtoken keystone_context) -> [legacy_v2] -> app``. Each class works without Paste; each is also
a ``paste.filter_factory`` entry point of the same name (plus nova's section name as an alias),
and ``pipeline`` is the composite that picks a pipeline by ``auth_strategy``. ``CORS`` and
``HTTPProxyToWSGI`` are oslo.middleware's classes, configured as oslo's, answering in plain WSGI.
"""

from apistack.filters.base import Filter, FilterConfigError, Option
from apistack.filters.cors import CORS
from apistack.filters.faultwrap import FaultWrap
from apistack.filters.http_proxy_to_wsgi import HTTPProxyToWSGI
from apistack.filters.keystone_context import KeystoneContext
from apistack.filters.legacy_v2 import LegacyV2
from apistack.filters.noauth import NoAuth
from apistack.filters.pipeline import PipelineConfigError, pipeline_factory
from apistack.filters.profiler import Profiler
from apistack.filters.request_id import RequestId
from apistack.filters.request_log import RequestLog
from apistack.filters.sizelimit import SizeLimit

__all__ = [
    "CORS",
    "FaultWrap",
    "Filter",
    "FilterConfigError",
    "HTTPProxyToWSGI",
    "KeystoneContext",
    "LegacyV2",
    "NoAuth",
    "Option",
    "PipelineConfigError",
    "Profiler",
    "RequestId",
    "RequestLog",
    "SizeLimit",
    "pipeline_factory",
]
