"""What ``apistack serve`` is asked to do, and the checks made before anything is forked.

``ServeOptions`` is the whole request (one ``APIBinding`` per API); ``options_from_args``
builds it from the command line. The checks report a user's mistake as a ``LoadError`` in one
line: a bad port or ``--api`` spec, a port still in use after a short retry, a missing TLS
file. Nothing here imports gunicorn.
"""

from __future__ import annotations

import argparse
import errno
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

from apistack.deploy import LoadError
from apistack.deploy.log_batching import DEFAULT_INTERVAL

__all__ = [
    "BIND_RETRY_SECONDS",
    "APIBinding",
    "ServeOptions",
    "check_port_free",
    "check_tls",
    "options_from_args",
    "parse_api",
]

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
    :param client_timeout: seconds a client has to send a whole request line and headers, and
        as long again for the body they announce.
    :param tcp_keepidle: seconds a connection is idle before TCP keep-alive probes start (nova's
        ``tcp_keepidle``), so dead peers are noticed; 0 turns TCP keep-alive off.
    :param worker_timeout: seconds a silent worker lives before gunicorn restarts it.
    :param max_header_line: the largest header line in bytes (nova's ``max_header_line``).
    :param max_request_line: the largest request line in bytes (at most 8190).
    :param max_header_fields: the most header fields a request may have.
    :param certfile: the server certificate (PEM); TLS is on when it is given.
    :param keyfile: its private key.
    :param ca_certs: CA bundle; when given, clients must present a certificate it signed.
    :param log_level: the level of the log written to stderr.
    :param log_batch_interval: seconds a line below WARNING may wait, to be written with
        others in one system call (0: each line at once).
    :param settings: more gunicorn settings by name (``{"backlog": "64"}``), applied last.
    """

    ini: str
    apis: tuple[APIBinding, ...]
    global_conf: dict[str, str] = field(default_factory=dict)
    worker_class: str = "gthread"
    threads: int = 16
    keepalive: int = 5
    client_timeout: int = 30
    tcp_keepidle: int = 600
    worker_timeout: int = 30
    max_header_line: int = 16384
    max_request_line: int = 8190
    max_header_fields: int = 100
    certfile: str | None = None
    keyfile: str | None = None
    ca_certs: str | None = None
    log_level: str = "INFO"
    log_batch_interval: float = DEFAULT_INTERVAL
    settings: dict[str, str] = field(default_factory=dict)


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
    if not 0 <= args.log_batch_interval <= 60:
        raise LoadError("--log-batch-interval must be from 0 to 60 seconds")
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
        tcp_keepidle=args.tcp_keepidle,
        worker_timeout=args.worker_timeout, max_header_line=args.max_header_line,
        max_request_line=args.max_request_line, max_header_fields=args.max_header_fields,
        certfile=args.certfile, keyfile=args.keyfile, ca_certs=args.ca_certs,
        log_level=args.log_level, log_batch_interval=args.log_batch_interval,
        settings=settings,
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
