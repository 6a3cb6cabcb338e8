"""Stand-ins for the router and the auth-strategy pipeline composite (written elsewhere)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from apistack.examples.compute import ServersController, VersionsController
from apistack.resource import Resource


@dataclass
class Entry:
    method: str
    path: str
    action: str
    app: Any
    redirect_to: str | None = None


class StandInRouter:
    """Follows the router contract: ``route_table`` entries."""

    def __init__(self) -> None:
        servers = Resource(ServersController(store=object()))  # type: ignore[arg-type]
        versions = Resource(VersionsController())
        self.route_table = [
            Entry("GET", "", "", None, redirect_to="/"),
            Entry("GET", "/", "show", versions),
            Entry("GET", "/servers/{id}", "show", servers),
            Entry("POST", "/servers/{id}/action", "action", servers),
        ]

    def __call__(self, environ: Any, start_response: Any) -> Iterable[bytes]:
        start_response("204 No Content", [])
        return [b""]


class Wrapper:
    """A filter in oslo.middleware's style: the next app is ``.application``."""

    def __init__(self, application: Any) -> None:
        self.application = application

    def __call__(self, environ: Any, start_response: Any) -> Iterable[bytes]:
        return self.application(environ, start_response)  # type: ignore[no-any-return]


def router_factory(global_conf: dict[str, str], **local: str) -> StandInRouter:
    return StandInRouter()


def wrapper_factory(global_conf: dict[str, str], **local: str) -> Any:
    return Wrapper


def strategy_factory(loader: Any, global_conf: dict[str, str], **local: str) -> Any:
    names = local[global_conf.get("auth_strategy", "keystone")].split()
    app = loader.get_app(names[-1])
    for name in reversed(names[:-1]):
        app = loader.get_filter(name)(app)
    return app
