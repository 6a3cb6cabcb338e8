"""Test controllers for the validation tests, and helpers to call them through a Resource."""

from __future__ import annotations

import copy
import json
from typing import Any

import webob

from apistack.resource import (
    APISettings,
    Controller,
    Resource,
    ResponseObject,
    action,
    api_version,
    expected_errors,
    response,
)
from apistack.resource.validation import (
    parameter_types,
    query_schema,
    response_body_schema,
    schema,
)

SETTINGS = APISettings(min_version="2.1", max_version="2.90")

thing_create = {
    "type": "object",
    "properties": {
        "thing": {
            "type": "object",
            "properties": {
                "name": parameter_types.name,
                "size": parameter_types.positive_integer,
                "metadata": parameter_types.metadata,
            },
            "required": ["name"],
            "additionalProperties": False,
        }
    },
    "required": ["thing"],
    "additionalProperties": False,
}
thing_create_v20 = copy.deepcopy(thing_create)
thing_create_v20["properties"]["thing"]["properties"]["legacy_flag"] = parameter_types.boolean
thing_create_v210 = copy.deepcopy(thing_create)
thing_create_v210["properties"]["thing"]["properties"]["tag"] = parameter_types.tag

index_query = {
    "type": "object",
    "properties": {**parameter_types.pagination, "name": parameter_types.common_query_param},
    "patternProperties": {"^x-": parameter_types.common_query_param},
    "additionalProperties": True,
}
index_query_strict = copy.deepcopy(index_query)
index_query_strict["additionalProperties"] = False

thing_response = {
    "type": "object",
    "properties": {
        "thing": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "id": parameter_types.uuid},
            "required": ["name"],
            "additionalProperties": False,
        }
    },
    "required": ["thing"],
    "additionalProperties": False,
}
create_response = copy.deepcopy(thing_response)
create_response["properties"]["echo"] = {"type": "object"}
list_response = {
    "type": "object",
    "properties": {"things": {"type": "array"}, "query": {"type": "object"}},
    "required": ["things"],
    "additionalProperties": False,
}
reboot_schema = {
    "type": "object",
    "properties": {
        "reboot": {
            "type": "object",
            "properties": {"type": {"enum": ["SOFT", "HARD"]}},
            "required": ["type"],
            "additionalProperties": False,
        }
    },
    "required": ["reboot"],
    "additionalProperties": False,
}
null_response = {"type": "null"}

THING_ID = "0b7e1f6e-4b8e-4a59-9f4a-5f3c1f1b2c3d"


class ThingsController(Controller):
    """Plain methods with schemas; api_version gates and overloads above them."""

    @expected_errors(())
    @query_schema(index_query_strict, "2.75")
    @query_schema(index_query, "2.0", "2.74")
    @response_body_schema(list_response)
    def index(self, req: Any) -> dict[str, Any]:
        return {"things": [], "query": req.GET.dict_of_lists()}

    @response(201)
    @expected_errors(400)
    @schema(thing_create_v20, "2.0", "2.0")
    @schema(thing_create, "2.1", "2.9")
    @schema(thing_create_v210, "2.10")
    @response_body_schema(create_response)
    def create(self, req: Any, body: dict[str, Any]) -> dict[str, Any]:
        return {"thing": {"name": body["thing"]["name"], "id": THING_ID}, "echo": body}

    @schema(thing_create)
    @response_body_schema(thing_response)
    @expected_errors(400)
    def update(self, req: Any, id: str, body: dict[str, Any]) -> ResponseObject:
        if body["thing"]["name"] == "bad-response":
            return ResponseObject({"thing": {"name": 5}})
        return ResponseObject({"thing": {"name": body["thing"]["name"]}}, code=200)

    @api_version("2.1", "2.19")
    @query_schema({"type": "object", "additionalProperties": True})
    @response_body_schema(thing_response)
    def show(self, req: Any, id: str) -> webob.Response:
        if id == "bad":
            return webob.Response(json_body={"thing": {"name": None}})
        return webob.Response(json_body={"thing": {"name": "old"}})

    @api_version("2.20")  # type: ignore[no-redef]
    @query_schema({"type": "object", "additionalProperties": True})
    @response_body_schema(thing_response)
    def show(self, req: Any, id: str) -> dict[str, Any]:
        return {"thing": {"name": "new", "id": THING_ID}}

    @response(204)
    @query_schema({"type": "object", "additionalProperties": True})
    @response_body_schema(null_response)
    def delete(self, req: Any, id: str) -> None:
        return None

    @action("reboot")
    @response(202)
    @expected_errors((400, 404))
    @schema(reboot_schema)
    @response_body_schema(null_response)
    def _reboot(self, req: Any, id: str, body: dict[str, Any]) -> None:
        return None


class ThingActionsController(Controller):
    """A sub-controller contributing versioned action overloads."""

    @api_version("2.1", "2.49")
    @expected_errors(400)
    @action("rename")
    @schema(
        {
            "type": "object",
            "properties": {"rename": {"type": "string", "format": "name"}},
            "required": ["rename"],
            "additionalProperties": False,
        }
    )
    @response_body_schema({"type": "object", "additionalProperties": True})
    def _rename(self, req: Any, id: str, body: dict[str, Any]) -> dict[str, Any]:
        return {"renamed": body["rename"]}

    @api_version("2.50")  # type: ignore[no-redef]
    @action("rename")
    @expected_errors(400)
    @schema(
        {
            "type": "object",
            "properties": {"rename": {"type": "string", "maxLength": 5}},
            "required": ["rename"],
            "additionalProperties": False,
        }
    )
    @response_body_schema({"type": "object", "additionalProperties": True})
    def _rename(self, req: Any, id: str, body: dict[str, Any]) -> dict[str, Any]:
        return {"renamed_new": body["rename"]}


def make_resource(response_validation: str = "warn") -> Resource:
    settings = APISettings(
        min_version="2.1", max_version="2.90", response_validation=response_validation
    )  # type: ignore[arg-type]
    return Resource(ThingsController(), settings, sub_controllers=[ThingActionsController()])


def call(
    app: Resource,
    method: str,
    action_name: str,
    *,
    body: Any = None,
    query: str = "",
    version: str | None = None,
    legacy: bool = False,
    raw_query: bytes | None = None,
    **path_vars: str,
) -> webob.Response:
    """Call ``app`` as the router would, for the routed ``action_name``."""
    req = webob.Request.blank("/things" + (f"?{query}" if query else ""), method=method)
    if raw_query is not None:
        req.environ["QUERY_STRING"] = raw_query.decode("latin-1")
    req.environ["wsgiorg.routing_args"] = ((), {"action": action_name, **path_vars})
    if version:
        req.headers["OpenStack-API-Version"] = f"compute {version}"
    if legacy:
        req.environ["openstack.legacy_v2"] = True
    if body is not None:
        req.body = json.dumps(body).encode()
        req.content_type = "application/json"
    return req.get_response(app)


def fault_message(resp: webob.Response) -> str:
    """:returns: the message of a JSON fault response."""
    (detail,) = resp.json_body.values()
    return str(detail["message"])
