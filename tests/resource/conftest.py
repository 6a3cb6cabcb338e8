"""Helpers to drive a Resource in-process, as the router would."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import webob

from apistack.resource import APISettings, Resource

NOVA = APISettings(
    service_type="compute",
    min_version="2.1",
    max_version="2.104",
    legacy_header="X-OpenStack-Nova-API-Version",
)

Call = Callable[..., webob.Response]


def call_resource(
    resource: Resource,
    method: str = "GET",
    action: str = "index",
    *,
    headers: dict[str, str] | None = None,
    body: bytes | str | dict[str, Any] | None = None,
    content_type: str | None = "application/json",
    environ: dict[str, Any] | None = None,
    **path_vars: str,
) -> webob.Response:
    """Send one request to ``resource`` with routing args as the router would set them."""
    req = webob.Request.blank("/v2.1/things", method=method, headers=headers or {})
    if body is not None:
        raw = json.dumps(body).encode() if isinstance(body, dict) else body
        req.body = raw.encode() if isinstance(raw, str) else raw
        if content_type is None:
            del req.content_type
        else:
            req.environ["CONTENT_TYPE"] = content_type
    req.environ["wsgiorg.routing_args"] = ((), {"action": action, **path_vars})
    req.environ.update(environ or {})
    return req.get_response(resource)


@pytest.fixture
def call() -> Call:
    return call_resource


def fault(response: webob.Response) -> tuple[str, int, str]:
    """:returns: the fault's name, code and message, asserting the fault shape."""
    assert response.headers["Content-Type"] == "application/json; charset=UTF-8"
    body = response.json
    assert len(body) == 1, body
    name, detail = next(iter(body.items()))
    assert detail["code"] == response.status_int
    return name, detail["code"], detail["message"]
