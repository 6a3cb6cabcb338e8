"""Deploying an apistack service: loading its paste app and setting up its logging.

The library side of ``apistack serve`` and of the WSGI entry module ``apistack.wsgi``: both
load apps and configure logging through here, so a deployment behaves the same whichever
server runs it. Nothing here imports a WSGI server.
"""

from apistack.deploy.loader import (
    FACTORY_GLOBALS,
    ConfigNotFound,
    Loader,
    LoadError,
    PasteAppNotFound,
    config_dirs,
    find_config,
    load_app,
    load_context,
    parse_globals,
    resolve,
)
from apistack.deploy.log_batching import BatchedStreamHandler
from apistack.deploy.logs import (
    RequestIdLogFilter,
    configure_logging,
    log_handler,
    logging_request_id,
    track_requests,
)

__all__ = [
    "FACTORY_GLOBALS",
    "BatchedStreamHandler",
    "ConfigNotFound",
    "LoadError",
    "Loader",
    "PasteAppNotFound",
    "RequestIdLogFilter",
    "config_dirs",
    "configure_logging",
    "find_config",
    "load_app",
    "load_context",
    "log_handler",
    "logging_request_id",
    "parse_globals",
    "resolve",
    "track_requests",
]
