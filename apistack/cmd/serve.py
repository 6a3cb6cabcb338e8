"""``apistack serve``: gunicorn, used as a library, serving a paste app.

The app is loaded once in the arbiter first, so a bad ini fails fast with one line; each
worker then loads its own copy (no preloading), so per-process resources such as SQLite
connections are never shared across a fork.
"""

from __future__ import annotations

from typing import Any

from apistack.cmd.loading import CommandError, load_app

__all__ = ["PasteApplication", "serve"]

try:
    from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]
    from gunicorn.util import load_class  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover - depends on the install
    BaseApplication = load_class = None


class PasteApplication(BaseApplication):  # type: ignore[misc]
    """A gunicorn application whose WSGI app is a paste app.

    :param ini: the paste ini path.
    :param name: the app name in the ini.
    :param global_conf: paste globals.
    :param options: gunicorn settings (``bind``, ``workers``...); unknown names are skipped.
    """

    def __init__(
        self, ini: str, name: str, global_conf: dict[str, str], options: dict[str, Any]
    ) -> None:
        self.ini, self.name, self.global_conf = ini, name, global_conf
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        """gunicorn's hook: apply the options gunicorn knows, skip the rest."""
        for key, value in self.options.items():
            if key in self.cfg.settings:
                self.cfg.set(key, value)

    def load(self) -> Any:
        """gunicorn's hook, called in each worker: load the paste app."""
        return load_app(self.ini, self.name, self.global_conf)


def serve(
    ini: str,
    name: str,
    host: str,
    port: int,
    workers: int,
    global_conf: dict[str, str],
    worker_class: str = "sync",
    threads: int = 1,
) -> None:
    """Serve app ``name`` of ``ini`` on ``host:port`` until gunicorn is stopped.

    :param worker_class: gunicorn's worker class; ``sync`` closes every connection,
        ``gthread`` keeps connections alive and runs ``threads`` threads per worker.
    :raises CommandError: when gunicorn is missing or the app does not load.
    """
    if BaseApplication is None:
        raise CommandError("apistack serve needs gunicorn: pip install 'apistack[serve]'")
    try:
        load_class(worker_class, section="gunicorn.workers")
    except RuntimeError:  # gunicorn's own error would be a traceback in every worker
        raise CommandError(f"unknown gunicorn worker class: {worker_class}") from None
    load_app(ini, name, global_conf)
    options: dict[str, Any] = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": worker_class,
        "threads": threads,
        "preload_app": False,
        "graceful_timeout": 5,
        "proc_name": f"apistack {name}",
        # gunicorn 27's control socket would be a file in $HOME shared by every server.
        "control_socket_disable": True,
    }
    PasteApplication(ini, name, global_conf, options).run()
