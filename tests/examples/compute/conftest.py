"""Drive the example compute controllers in-process through ``Resource`` (no router yet)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import webob
from oslo_context.context import RequestContext

from apistack.examples.compute import (
    FlavorExtraSpecsController,
    FlavorsController,
    ServersController,
    SQLiteServerStore,
    VersionsController,
    compute_settings,
)
from apistack.resource import Resource

Call = Callable[..., webob.Response]


class ComputeAPI:
    """One Resource per controller, as a router would build them, sharing one store."""

    def __init__(self, state_dir: Path, max_version: str = "2.19") -> None:
        settings = compute_settings(max_version)
        self.store = SQLiteServerStore(state_dir)
        self.resources = {
            "servers": Resource(ServersController(self.store), settings),
            "flavors": Resource(FlavorsController(), settings),
            "extra_specs": Resource(FlavorExtraSpecsController(), settings),
            "versions": Resource(VersionsController(), settings),
        }

    def call(
        self,
        resource: str,
        action: str,
        path: str = "/",
        method: str = "GET",
        body: Any = None,
        user: str = "alice",
        project: str = "proj1",
        admin: bool = False,
        version: str | None = None,
        **path_vars: str,
    ) -> webob.Response:
        req = webob.Request.blank(path, base_url="http://api.test/v2.1", method=method)
        if body is not None:
            req.body = json.dumps(body).encode()
            req.content_type = "application/json"
        if version:
            req.headers["OpenStack-API-Version"] = f"compute {version}"
        req.environ["openstack.context"] = RequestContext(
            user_id=user, project_id=project, is_admin=admin
        )
        req.environ["wsgiorg.routing_args"] = ((), {"action": action, **path_vars})
        return req.get_response(self.resources[resource])

    def create(self, name: str = "vm1", **kwargs: Any) -> str:
        server = {
            "name": name,
            "flavorRef": "1",
            "imageRef": "70a599e0-31e7-49b7-b260-868f441e862b",
        }
        response = self.call("servers", "create", "/servers", "POST", {"server": server}, **kwargs)
        assert response.status_int == 202, response.body
        return str(json.loads(response.body)["server"]["id"])


@pytest.fixture
def api(tmp_path: Path) -> ComputeAPI:
    return ComputeAPI(tmp_path / "state")
