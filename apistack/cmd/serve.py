"""``apistack serve``: nova-api's start path, served by gunicorn.

One ini can hold several APIs (nova's ``enabled_apis``), each served on its own address, port
and worker count (``--api NAME=[HOST:]PORT[/WORKERS]``, repeatable; without it ``--name`` on
``--host``/``--port``/``--workers``). An API that is not in the ini is skipped with a warning;
when none is left the command fails with "No APIs were started".

Everything a user can get wrong is checked before any process is forked, and reported in one
line: what ``serve_options`` checks, a bad gunicorn setting, and everything ``apistack.deploy``
checks when the apps are loaded. gunicorn itself is
imported only when serving starts, so the rest of the CLI works without it.
"""

from __future__ import annotations

import argparse
import logging

from apistack.cmd.serve_options import (
    APIBinding,
    ServeOptions,
    check_port_free,
    check_tls,
    options_from_args,
)
from apistack.deploy import Loader, LoadError, PasteAppNotFound, configure_logging
from apistack.deploy.log_batching import DEFAULT_INTERVAL

__all__ = ["add_arguments", "loadable_apis", "run", "serve"]

HELP = "serve one or more apps of the ini with gunicorn"
LOG = logging.getLogger("apistack.serve")

#: How long ``serve`` waits for a port in use to become free before giving up.
BIND_RETRY_SECONDS = 2.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``serve``'s options to its sub-parser."""
    _listen_arguments(parser)
    _http_arguments(parser)
    add = parser.add_argument
    add("--certfile", help="serve HTTPS with this certificate (PEM)")
    add("--keyfile", help="the certificate's private key (PEM)")
    add("--ca-certs", help="require client certificates signed by this CA bundle (PEM)")
    add(
        "--gunicorn",
        dest="settings",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="any other gunicorn setting, by its name (repeatable): --gunicorn backlog=64",
    )
    add("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="the stderr log's level (INFO shows one line per request)")  # fmt: skip
    add("--log-batch-interval", type=float, default=DEFAULT_INTERVAL, metavar="SECONDS",
        help="write lines below WARNING in batches, at most this long after they were "
        f"logged (default {DEFAULT_INTERVAL:g}; 0 writes each line at once)")  # fmt: skip


def _listen_arguments(parser: argparse.ArgumentParser) -> None:
    add = parser.add_argument
    add("--host", default="127.0.0.1", help="the address of --name's API")
    add("--port", type=int, default=8774, help="the port of --name's API")
    add("--workers", type=int, default=1, help="worker processes per API")
    add(
        "--api",
        dest="apis",
        action="append",
        default=[],
        metavar="NAME=[HOST:]PORT[/WORKERS]",
        help="serve app NAME on its own port (repeatable; replaces --name/--port)",
    )
    add(
        "--worker-class",
        default="gthread",
        help="gunicorn's worker class: gthread (default; threads, keep-alive, slow clients "
        "cut off) or sync (one request at a time, no keep-alive)",
    )
    add("--threads", type=int, default=16, help="threads per gthread worker (default 16)")
    add("--worker-timeout", type=int, default=30, metavar="SECONDS",
        help="a worker silent this long is restarted (default 30, as gunicorn)")  # fmt: skip


def _http_arguments(parser: argparse.ArgumentParser) -> None:
    add = parser.add_argument
    add(
        "--keepalive",
        type=int,
        default=5,
        metavar="SECONDS",
        help="how long an idle kept-alive connection is held (0 closes each one)",
    )
    add(
        "--client-timeout",
        type=int,
        default=30,
        metavar="SECONDS",
        help="time a client has to send its request line and headers, and again its body "
        "(default 30)",
    )
    add(
        "--tcp-keepidle",
        type=int,
        default=600,
        metavar="SECONDS",
        help="idle time before TCP keep-alive probes (default 600, as nova; 0: off)",
    )
    add(
        "--max-header-line",
        type=int,
        default=16384,
        metavar="BYTES",
        help="the largest header line (default 16384, as nova's max_header_line)",
    )
    add(
        "--max-request-line",
        type=int,
        default=8190,
        metavar="BYTES",
        help="the largest request line (default and maximum 8190)",
    )
    add("--max-header-fields", type=int, default=100,
        help="the most header fields (default 100)")  # fmt: skip


def loadable_apis(options: ServeOptions) -> tuple[APIBinding, ...]:
    """Load each API once (a bad ini fails here, in one line, not in every worker).

    :returns: the APIs that loaded; one the ini lacks is skipped with a warning (nova's
        "enabled_apis includes bad values").
    :raises LoadError: for any other loading error, or when no API is left.
    """
    loader = Loader(options.ini, options.global_conf)
    started = []
    for api in options.apis:
        try:
            loader.load_app(api.name)
        except PasteAppNotFound as exc:
            if len(options.apis) == 1:
                raise
            LOG.warning("%s; skipping it", exc)
            continue
        started.append(api)
    if not started:
        raise LoadError(f"No APIs were started: none of the --api names is in {options.ini}")
    return tuple(started)


def serve(options: ServeOptions) -> None:
    """Serve ``options.apis`` until stopped (SIGTERM, SIGINT).

    :raises LoadError: for every mistake listed in the module docstring, and when gunicorn is
        not installed.
    """
    try:
        from apistack.cmd import gunicorn_app
    except ImportError as exc:
        raise LoadError(
            f"apistack serve needs gunicorn ({exc}): pip install 'apistack[serve]'"
        ) from None
    check_tls(options)
    gunicorn_app.check_settings(options)
    configure_logging(options.log_level, batch_interval=options.log_batch_interval)
    apis = loadable_apis(options)
    for api in apis:
        check_port_free(api.host, api.port)
    if len(apis) == 1:
        gunicorn_app.run(options, apis[0])
        return
    from apistack.cmd.launcher import run_each

    status = run_each(apis, lambda api: gunicorn_app.run(options, api))
    if status:
        raise SystemExit(status)


def run(args: argparse.Namespace, global_conf: dict[str, str]) -> None:
    """The command: serve what the parsed command line asks for."""
    serve(options_from_args(args, global_conf))
