"""A small volume service: the service-author guide's running example.

The guide includes this file piece by piece; ``tests/test_doc_examples.py`` serves it through
``APIRouter`` and checks every behaviour the guide describes, so the guide cannot drift from
the code.
"""

from __future__ import annotations

import uuid
from typing import Any

import webob.exc

from apistack.resource import (
    Controller,
    NotFound,
    Request,
    ResponseObject,
    action,
    api_version,
    expected_errors,
    response,
    validation,
)
from apistack.resource.validation import parameter_types
from apistack.router import controller_factory

# -- schemas ------------------------------------------------------------------------------

CREATE = {
    "type": "object",
    "properties": {
        "volume": {
            "type": "object",
            "properties": {
                "name": parameter_types.name,
                "size": {"type": "integer", "minimum": 1, "maximum": 1024},
            },
            "required": ["name", "size"],
            "additionalProperties": False,
        }
    },
    "required": ["volume"],
    "additionalProperties": False,
}

# 3.5 adds an optional description: a new schema for a new version range.
CREATE_V35 = {
    **CREATE,
    "properties": {
        "volume": {
            **CREATE["properties"]["volume"],
            "properties": {
                **CREATE["properties"]["volume"]["properties"],
                "description": parameter_types.description,
            },
        }
    },
}

EXTEND = {
    "type": "object",
    "properties": {
        "extend": {
            "type": "object",
            "properties": {"new_size": {"type": "integer", "minimum": 1}},
            "required": ["new_size"],
            "additionalProperties": False,
        }
    },
    "required": ["extend"],
    "additionalProperties": False,
}

ATTACH = {
    "type": "object",
    "properties": {"attach": {"type": "object", "properties": {}, "additionalProperties": False}},
    "required": ["attach"],
    "additionalProperties": False,
}

INDEX_QUERY = {
    "type": "object",
    "properties": {"name": {"type": "array", "items": {"type": "string"}, "maxItems": 1}},
    "additionalProperties": True,  # unknown parameters are dropped, not rejected
}

# -- the controller -----------------------------------------------------------------------

VOLUMES: dict[str, dict[str, Any]] = {}


def find(volume_id: str) -> dict[str, Any]:
    """The storage layer raises domain exceptions, never HTTP ones.

    :returns: the stored volume.
    :raises NotFound: when there is none.
    """
    try:
        return VOLUMES[volume_id]
    except KeyError:
        raise NotFound(f"Volume {volume_id} could not be found.") from None


def find_or_404(volume_id: str) -> dict[str, Any]:
    """The controller's side: a domain error becomes the HTTP error ``@expected_errors`` lists.

    :raises webob.exc.HTTPNotFound: rendered as the ``itemNotFound`` fault.
    """
    try:
        return find(volume_id)
    except NotFound as exc:
        raise webob.exc.HTTPNotFound(explanation=exc.message) from exc


class VolumesController(Controller):
    """``/volumes``: list, show, create, delete, and the ``extend`` action."""

    @expected_errors(())
    @validation.query_schema(INDEX_QUERY)
    def index(self, req: Request) -> dict[str, Any]:
        wanted = req.GET.get("name")
        volumes = [v for v in VOLUMES.values() if wanted in (None, v["name"])]
        return {"volumes": volumes}

    # Overloading: one name, disjoint version ranges; each request runs the implementation
    # whose range holds its microversion.
    @api_version("3.0", "3.4")
    @expected_errors(404)
    def show(self, req: Request, id: str) -> dict[str, Any]:
        volume = find_or_404(id)
        return {"volume": {"id": id, "name": volume["name"], "size": volume["size"]}}

    @api_version("3.5")  # a second implementation of show, on purpose
    @expected_errors(404)
    def show(self, req: Request, id: str) -> dict[str, Any]:  # noqa: F811
        return {"volume": find_or_404(id)}

    @response(202)
    @expected_errors(400)
    @validation.schema(CREATE, "3.0", "3.4")
    @validation.schema(CREATE_V35, "3.5")
    def create(self, req: Request, body: dict[str, Any]) -> ResponseObject:
        volume = {"id": str(uuid.uuid4()), "description": None, **body["volume"]}
        VOLUMES[volume["id"]] = volume
        return ResponseObject({"volume": volume}, headers={"Location": volume["id"]})

    @response(204)
    @expected_errors((404, 409))
    def delete(self, req: Request, id: str) -> None:
        if find_or_404(id).get("attached"):
            raise webob.exc.HTTPConflict(explanation="Volume is attached.")
        del VOLUMES[id]

    @api_version("3.2")  # a gate: the action is 404 below 3.2
    @response(202)
    @expected_errors((400, 404))
    @action("extend")
    @validation.schema(EXTEND)
    def _extend(self, req: Request, id: str, body: dict[str, Any]) -> None:
        find_or_404(id)["size"] = body["extend"]["new_size"]


class VolumeAttachController(Controller):
    """Another controller's actions on the same resource (nova's sub-controllers)."""

    @response(202)
    @expected_errors(404)
    @action("attach")
    @validation.schema(ATTACH)
    def _attach(self, req: Request, id: str, body: dict[str, Any]) -> None:
        find_or_404(id)["attached"] = True


# -- the route list -----------------------------------------------------------------------

volumes = controller_factory(VolumesController, sub_controllers=(VolumeAttachController,))

ROUTES = (
    ("/volumes", {"GET": [volumes, "index"], "POST": [volumes, "create"]}),
    ("/volumes/{id}", {"GET": [volumes, "show"], "DELETE": [volumes, "delete"]}),
    ("/volumes/{id}/action", {"POST": [volumes, "action"]}),
)
