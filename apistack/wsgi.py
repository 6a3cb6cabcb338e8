"""The WSGI entry module: ``application`` for uWSGI, gunicorn or mod_wsgi.

Configured from the environment, as nova's ``nova.wsgi.osapi_compute`` is:

``APISTACK_PASTE_CONFIG``
    the paste ini (required; a relative name is also searched in ``~/.apistack``, ``~``,
    ``/etc/apistack`` and ``/etc``).
``APISTACK_PASTE_APP``
    the app name in it (default ``osapi_compute``).
``APISTACK_PASTE_GLOBALS``
    paste globals, ``KEY=VALUE`` pairs separated by spaces or commas
    (``auth_strategy=keystone authtoken_config_file=/etc/x.conf``).
``APISTACK_LOG_LEVEL``
    the level of the log written to stderr (default ``INFO``); every line of a request
    carries its request id. ``none`` leaves logging to the server.

When ``APISTACK_PASTE_CONFIG`` is set, ``application`` is built as the module is imported
(``uwsgi --module apistack.wsgi:application`` reads the module's namespace directly); otherwise
on first access, so importing the module needs no environment. A service ships its own module
instead, with its own defaults::

    # myservice/wsgi/api.py
    from apistack.wsgi import init_application

    application = init_application("myservice-paste.ini", "osapi_myservice")

A deployment mistake is one line on stderr (the same text ``apistack serve`` prints) and a
``LoadError``, which stops the server from starting.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

from apistack.deploy import Loader, LoadError, configure_logging, parse_globals, track_requests

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

__all__ = ["DEFAULT_APP", "init_application"]

DEFAULT_APP = "osapi_compute"
CONFIG_VAR = "APISTACK_PASTE_CONFIG"
APP_VAR = "APISTACK_PASTE_APP"
GLOBALS_VAR = "APISTACK_PASTE_GLOBALS"
LOG_LEVEL_VAR = "APISTACK_LOG_LEVEL"


def _environment_globals(environ: Mapping[str, str]) -> dict[str, str]:
    items = re.split(r"[\s,]+", environ.get(GLOBALS_VAR, ""))
    return parse_globals(item for item in items if item)


def _setup_logging(environ: Mapping[str, str]) -> None:
    level = environ.get(LOG_LEVEL_VAR, "INFO").strip() or "INFO"
    if level.lower() == "none":
        return
    try:
        configure_logging(level)
    except ValueError:
        raise LoadError(f"{LOG_LEVEL_VAR}: unknown log level {level!r}") from None


def init_application(
    config: str | None = None,
    name: str | None = None,
    global_conf: Mapping[str, str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> WSGIApplication:
    """Configure logging and load the app a WSGI server will call.

    The environment variables of the module docstring override the arguments, so one service
    module serves every deployment.

    :param config: the paste ini when ``APISTACK_PASTE_CONFIG`` is not set.
    :param name: the app name when ``APISTACK_PASTE_APP`` is not set.
    :param global_conf: paste globals; ``APISTACK_PASTE_GLOBALS`` adds to and overrides them.
    :param environ: where the variables are read (``os.environ``).
    :returns: the app, wrapped so that log lines carry the request id.
    :raises LoadError: for every mistake ``apistack serve`` reports, after writing it to stderr.
    """
    environ = os.environ if environ is None else environ
    try:
        ini = environ.get(CONFIG_VAR) or config
        if not ini:
            raise LoadError(f"{CONFIG_VAR} is not set: it names the paste ini to serve")
        app_name = environ.get(APP_VAR) or name or DEFAULT_APP
        globals_ = {**(global_conf or {}), **_environment_globals(environ)}
        _setup_logging(environ)
        app = Loader(ini, globals_).load_app(app_name)
    except LoadError as exc:
        # Servers print the traceback of a failed import; the line to read comes first.
        print(f"apistack: error: {exc}", file=sys.stderr, flush=True)
        raise
    logging.getLogger(__name__).info("serving %r from %s", app_name, ini)
    return track_requests(app)


_application: WSGIApplication | None = None


def __getattr__(name: str) -> WSGIApplication:
    # Without the environment at import, ``application`` is built on first access: importing
    # the module (docs, tests, a service's own entry module) needs no environment.
    global _application
    if name != "application":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if _application is None:
        _application = init_application()
    return _application


if os.environ.get(CONFIG_VAR):
    application = init_application()
