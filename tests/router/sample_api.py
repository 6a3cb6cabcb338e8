"""A tiny API used by the route-list, stevedore and paste tests (importable by dotted path)."""

from __future__ import annotations

from typing import Any

from apistack.resource import APISettings, Controller, action, response
from apistack.router import controller_factory


class ServersController(Controller):
    def index(self, req: Any) -> dict[str, Any]:
        return {"servers": [], "version": req.api_version_request.get_string()}

    def show(self, req: Any, id: str) -> dict[str, Any]:
        return {"server": {"id": id}}


class PauseController(Controller):
    @response(202)
    @action("pause")
    def pause(self, req: Any, id: str, body: Any) -> None:
        return None


class FlavorsController(Controller):
    def index(self, req: Any) -> dict[str, Any]:
        return {"flavors": []}


CALLS: list[APISettings] = []


def counting_factory(settings: APISettings) -> Any:
    """A plain ``f(settings) -> WSGI app`` factory that records each call."""
    from apistack.resource import Resource

    CALLS.append(settings)
    return Resource(FlavorsController(), settings)


servers = controller_factory(ServersController, sub_controllers=(PauseController,))

ROUTES = (
    ("", "/"),
    ("/servers", {"GET": [servers, "index"]}),
    ("/servers/{id}", {"GET": [servers, "show"]}),
    ("/servers/{id}/action", {"POST": [servers, "action"]}),
    ("/flavors", {"GET": [counting_factory, "index"]}),
    ("/flavors/detail", {"GET": [counting_factory, "index"]}),
)

EXTENSION_ROUTES = (("/os-things", {"GET": [FlavorsController, "index"]}),)


def extension_callable() -> Any:
    return (("/os-callable", {"GET": [FlavorsController, "index"]}),)


BROKEN_ROUTES = (("/os-broken", {"GET": "not a pair"}),)
