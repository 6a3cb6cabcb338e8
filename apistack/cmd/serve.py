"""``apistack serve``: nova-api's start path, served by gunicorn.

One ini can hold several APIs (nova's ``enabled_apis``), each served on its own address, port
and worker count (``--api NAME=[HOST:]PORT[/WORKERS]``, repeatable; without it ``--name`` on
``--host``/``--port``/``--workers``). An API that is not in the ini is skipped with a warning;
when none is left the command fails with "No APIs were started".

Everything a user can get wrong is checked here, before any process is forked, and reported in
one line: a bad port, a port in use (after a short retry), a missing TLS file, a bad gunicorn
setting, and everything ``apistack.deploy`` checks when the apps are loaded. gunicorn itself is
imported only when serving starts, so the rest of the CLI works without it.
"""

from __future__ import annotations

import argparse
import errno
import logging
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

from apistack.deploy import Loader, LoadError, PasteAppNotFound, configure_logging

__all__ = ["APIBinding", "ServeOptions", "add_arguments", "options_from_args", "run", "serve"]

HELP = "serve one or more apps of the ini with gunicorn"
LOG = logging.getLogger("apistack.serve")

#: How long ``serve`` waits for a port in use to become free before giving up.
BIND_RETRY_SECONDS = 2.0


@dataclass(frozen=True)
class APIBinding:
    """One API of the ini and where it listens (nova's ``<name>_listen``, ``_listen_port``,
    ``_workers``)."""

    name: str
    host: str
    port: int
    workers: int


@dataclass(frozen=True)
class ServeOptions:
    """Everything ``serve`` needs; the CLI builds it with ``options_from_args``.

    :param ini: the paste ini (a relative name is also searched in the config directories).
    :param apis: the APIs to serve.
    :param global_conf: paste globals overriding the ini's ``[DEFAULT]``.
    :param worker_class: ``gthread`` (the default: threads, keep-alive, slow clients cut off
        after ``client_timeout``), ``sync``, or any gunicorn worker class.
    :param threads: threads per gthread worker.
    :param keepalive: seconds an idle kept-alive connection is held (0: close each one).
    :param client_timeout: seconds a client has to send a whole request line and headers.
    :param worker_timeout: seconds a silent worker lives before gunicorn restarts it.
    :param max_header_line: the largest header line in bytes (nova's ``max_header_line``).
    :param max_request_line: the largest request line in bytes (at most 8190).
    :param max_header_fields: the most header fields a request may have.
    :param certfile: the server certificate (PEM); TLS is on when it is given.
    :param keyfile: its private key.
    :param ca_certs: CA bundle; when given, clients must present a certificate it signed.
    :param log_level: the level of the log written to stderr.
    :param settings: more gunicorn settings by name (``{"backlog": "64"}``), applied last.
    """

    ini: str
    apis: tuple[APIBinding, ...]
    global_conf: dict[str, str] = field(default_factory=dict)
    worker_class: str = "gthread"
    threads: int = 16
    keepalive: int = 5
    client_timeout: int = 30
    worker_timeout: int = 60
    max_header_line: int = 16384
    max_request_line: int = 8190
    max_header_fields: int = 100
    certfile: str | None = None
    keyfile: str | None = None
    ca_certs: str | None = None
    log_level: str = "INFO"
    settings: dict[str, str] = field(default_factory=dict)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``serve``'s options to its sub-parser."""
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
        help="time a client has to send its request line and headers (default 30)",
    )
    add(
        "--worker-timeout",
        type=int,
        default=60,
        metavar="SECONDS",
        help="a worker silent this long is restarted (default 60)",
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
    add("--max-header-fields", type=int, default=100, help="the most header fields (100)")
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


def _port(text: str, what: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise LoadError(f"{what}: the port must be a number, not {text!r}") from None
    if not 1 <= port <= 65535:
        raise LoadError(f"{what}: port {port} is out of range (1-65535)")
    return port


def parse_api(spec: str, host: str, workers: int) -> APIBinding:
    """:returns: the binding of ``NAME=[HOST:]PORT[/WORKERS]``.

    :raises LoadError: for a malformed spec, a bad port or a worker count below 1.
    """
    name, sep, where = spec.partition("=")
    if not sep or not name or not where:
        raise LoadError(f"--api expects NAME=[HOST:]PORT[/WORKERS], not {spec!r}")
    where, _slash, count = where.partition("/")
    api_host, _colon, port = where.rpartition(":")
    if count and not count.isdigit():
        raise LoadError(f"--api {spec}: the worker count must be a number, not {count!r}")
    binding = APIBinding(name, api_host or host, _port(port, f"--api {spec}"),
                         int(count) if count else workers)  # fmt: skip
    if binding.workers < 1:
        raise LoadError(f"--api {spec}: the worker count must be at least 1")
    return binding


def options_from_args(args: argparse.Namespace, global_conf: dict[str, str]) -> ServeOptions:
    """:returns: the options the parsed command line asks for.

    :raises LoadError: for a value out of range.
    """
    if args.workers < 1 or args.threads < 1:
        raise LoadError("--workers and --threads must be at least 1")
    if args.apis:
        apis = tuple(parse_api(spec, args.host, args.workers) for spec in args.apis)
    else:
        apis = (APIBinding(args.name, args.host, _port(str(args.port), "--port"), args.workers),)
    settings = {}
    for pair in args.settings:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise LoadError(f"--gunicorn expects KEY=VALUE, not {pair!r}")
        settings[key.strip()] = value
    return ServeOptions(
        ini=args.ini, apis=apis, global_conf=global_conf, worker_class=args.worker_class,
        threads=args.threads, keepalive=args.keepalive, client_timeout=args.client_timeout,
        worker_timeout=args.worker_timeout, max_header_line=args.max_header_line,
        max_request_line=args.max_request_line, max_header_fields=args.max_header_fields,
        certfile=args.certfile, keyfile=args.keyfile, ca_certs=args.ca_certs,
        log_level=args.log_level, settings=settings,
    )  # fmt: skip


def check_tls(options: ServeOptions) -> None:
    """:raises LoadError: for a missing TLS file, or a key or CA without a certificate."""
    files = {"--certfile": options.certfile, "--keyfile": options.keyfile,
             "--ca-certs": options.ca_certs}  # fmt: skip
    for flag, path in files.items():
        if path and not Path(path).is_file():
            raise LoadError(f"{flag}: file not found: {path}")
    if (options.keyfile or options.ca_certs) and not options.certfile:
        raise LoadError("serving HTTPS needs --certfile (and --keyfile unless the key is in it)")


def check_port_free(host: str, port: int, wait: float = BIND_RETRY_SECONDS) -> None:
    """Bind ``host:port`` as gunicorn will, retrying for ``wait`` seconds.

    :raises LoadError: when the port stays in use, or the address cannot be bound.
    """
    deadline = time.monotonic() + wait
    while True:
        try:
            family = socket.AF_INET6 if ":" in host else socket.AF_INET
            with socket.socket(family, socket.SOCK_STREAM) as sock:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sock.bind((host, port))
            return
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise LoadError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
            if time.monotonic() >= deadline:
                raise LoadError(
                    f"cannot listen on {host}:{port}: address already in use"
                    f" (retried for {wait:g} s)"
                ) from None
            time.sleep(0.25)


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
    configure_logging(options.log_level)
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
