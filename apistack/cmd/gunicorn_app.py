"""gunicorn, used as a library, serving one API of a paste ini.

Imported only when ``apistack serve`` starts serving (it imports gunicorn). Each worker loads
its own copy of the app (no preloading), so per-process resources such as SQLite connections
are never shared across a fork. The app is wrapped by ``track_requests`` so every log line of
a request carries its id.
"""

from __future__ import annotations

import socket
import ssl
from typing import TYPE_CHECKING, Any

from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]
from gunicorn.config import Config  # type: ignore[import-untyped]

from apistack.deploy import LoadError, load_app, track_requests

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

    from apistack.cmd.serve_options import APIBinding, ServeOptions

__all__ = ["PasteApplication", "check_settings", "gunicorn_settings", "run", "tcp_keepalive"]

# Our subclasses of gunicorn's workers: JSON faults for the errors gunicorn answers itself,
# workers that leave with their master, and (gthread) a deadline on the request head.
WORKER_CLASSES = {
    "sync": "apistack.cmd.workers.SyncWorker",
    "gthread": "apistack.cmd.workers.ThreadWorker",
}


def gunicorn_settings(options: ServeOptions, api: APIBinding) -> dict[str, Any]:
    """:returns: gunicorn's settings, by name, for serving ``api``."""
    settings: dict[str, Any] = {
        "bind": f"[{api.host}]:{api.port}" if ":" in api.host else f"{api.host}:{api.port}",
        "workers": api.workers,
        "worker_class": WORKER_CLASSES.get(options.worker_class, options.worker_class),
        # gunicorn quietly swaps a sync worker given threads for its own gthread.
        "threads": 1 if options.worker_class == "sync" else options.threads,
        "keepalive": options.keepalive,
        "timeout": options.worker_timeout,
        "graceful_timeout": 5,
        "limit_request_line": options.max_request_line,
        "limit_request_field_size": options.max_header_line,
        "limit_request_fields": options.max_header_fields,
        "preload_app": False,
        "proc_name": f"apistack {api.name}",
        # gunicorn 27's control socket would be a file in $HOME shared by every server.
        "control_socket_disable": True,
        # Read by apistack's worker classes (gunicorn ignores what it does not know).
        "apistack_client_timeout": options.client_timeout,
    }
    if options.certfile:
        settings.update(certfile=options.certfile, keyfile=options.keyfile or options.certfile)
    if options.ca_certs:
        # As nova: a CA file means clients must present a certificate it signed.
        settings.update(ca_certs=options.ca_certs, cert_reqs=ssl.CERT_REQUIRED)
    settings.update(options.settings)
    return settings


def check_settings(options: ServeOptions) -> None:
    """Apply the settings to a scratch gunicorn ``Config``.

    :raises LoadError: for an unknown setting, a value gunicorn rejects, or a worker class
        that cannot be imported (gunicorn would print a traceback in every worker).
    """
    cfg = Config()
    for key, value in gunicorn_settings(options, options.apis[0]).items():
        if key.startswith("apistack_"):
            continue
        if key not in cfg.settings:
            raise LoadError(f"--gunicorn {key}: gunicorn has no such setting")
        try:
            cfg.set(key, value)
        except Exception as exc:  # gunicorn's validators raise ValueError, TypeError, ...
            raise LoadError(f"gunicorn setting {key}={value!r}: {exc}") from None
    try:
        cfg.worker_class  # noqa: B018 - importing the class is the check
    except Exception:
        raise LoadError(f"unknown gunicorn worker class: {options.worker_class}") from None


def tcp_keepalive(listeners: Any, idle: int) -> None:
    """Turn on TCP keep-alive on the listening sockets (accepted sockets inherit it on Linux),
    as nova does: a peer that vanished without a FIN is then noticed and its socket freed."""
    for listener in listeners:
        sock = getattr(listener, "sock", listener)
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            continue
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        if hasattr(socket, "TCP_KEEPIDLE"):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, idle)


class PasteApplication(BaseApplication):  # type: ignore[misc]
    """A gunicorn application whose WSGI app is a paste app.

    :param options: what to serve.
    :param api: which API of the ini, and where.
    """

    def __init__(self, options: ServeOptions, api: APIBinding) -> None:
        self.serve_options, self.api = options, api
        super().__init__()

    def load_config(self) -> None:
        """gunicorn's hook: apply the settings (checked by ``check_settings``)."""
        for key, value in gunicorn_settings(self.serve_options, self.api).items():
            if key in self.cfg.settings:
                self.cfg.set(key, value)
        self.cfg.apistack_client_timeout = self.serve_options.client_timeout
        idle = self.serve_options.tcp_keepidle
        if idle > 0 and "post_fork" not in self.serve_options.settings:
            # gunicorn's hook in each new worker, once it has its listening sockets: the
            # master's, or (reuse_port) the worker's own, which the master never sees.
            self.cfg.set("post_fork", lambda arbiter, worker: tcp_keepalive(worker.sockets, idle))

    def load(self) -> WSGIApplication:
        """gunicorn's hook, called in each worker: load the paste app."""
        options = self.serve_options
        try:
            return track_requests(load_app(options.ini, self.api.name, options.global_conf))
        except LoadError as exc:  # loaded once in the master already; only a race gets here
            raise SystemExit(f"apistack: error: {exc}") from None


def run(options: ServeOptions, api: APIBinding) -> None:
    """Serve ``api`` in this process until gunicorn's master is stopped."""
    PasteApplication(options, api).run()
