"""``@extends`` hooks, ``register_extensions``, ``default_settings`` and the lineage surface
(``Controller.api_version``, string bounds, foreign version objects, mixins)."""

from __future__ import annotations

from typing import Any

import pytest
import webob

from apistack.resource import (
    APISettings,
    APIVersionRequest,
    Controller,
    Fault,
    Resource,
    ResponseObject,
    action,
    extends,
    response,
)
from apistack.resource.exceptions import VersionNotFoundForAPIMethod
from apistack.resource.versions import request_version

from .conftest import NOVA, Call, fault


def v(version: str) -> dict[str, str]:
    return {"OpenStack-API-Version": f"compute {version}"}


class Volumes(Controller):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def show(self, req: Any, id: str) -> dict[str, Any]:
        self.calls.append("show")
        return {"volume": {"id": id}}

    @response(202)
    def create(self, req: Any, body: Any) -> dict[str, Any]:
        return {"volume": dict(body["volume"])}

    @action("os-extend")
    def _extend(self, req: Any, id: str, body: Any) -> None:
        self.calls.append("extend")


class Decorating(Controller):
    """Post-processing: adds a field, one versioned hook, and an action hook."""

    def __init__(self, log: list[str]) -> None:
        super().__init__()
        self.log = log

    @extends
    def show(self, req: Any, resp_obj: ResponseObject, id: str) -> None:
        self.log.append(f"post show {resp_obj.code}")
        resp_obj.obj["volume"]["extra"] = True
        resp_obj["X-Extended"] = "yes"

    @Controller.api_version("2.50")
    @extends
    def create(self, req: Any, resp_obj: ResponseObject, body: Any) -> None:
        resp_obj.obj["volume"]["new"] = True

    @extends(action="os-extend")
    def _extended(self, req: Any, resp_obj: ResponseObject, id: str, body: Any) -> None:
        self.log.append("post extend")


class Guarding(Controller):
    """Pre-processing generators: one may answer before the method runs."""

    def __init__(self, log: list[str]) -> None:
        super().__init__()
        self.log = log

    @extends
    def show(self, req: Any, id: str) -> Any:
        self.log.append("pre show")
        if id == "forbidden":
            yield Fault(403, "not yours")
            return
        resp_obj = yield
        self.log.append(f"after show {resp_obj.obj['volume']['id']}")

    @action("os-detach")
    def _detach(self, req: Any, id: str, body: Any) -> Any:
        return webob.Response(status=202)


@pytest.fixture
def built() -> tuple[Resource, Volumes, list[str]]:
    volumes, log = Volumes(), []
    resource = Resource(volumes, NOVA)
    resource.register_extensions(Decorating(log))
    resource.register_extensions(Guarding(log))
    return resource, volumes, log


def test_post_extension_changes_the_response(call: Call, built: Any) -> None:
    resource, volumes, log = built
    answer = call(resource, "GET", "show", id="7")
    assert answer.status_int == 200
    assert answer.json == {"volume": {"id": "7", "extra": True}}
    assert answer.headers["X-Extended"] == "yes"
    # pre hooks in registration order; post hooks in reverse (generator first, then plain)
    assert log == ["pre show", "after show 7", "post show 200"]
    assert volumes.calls == ["show"]


def test_pre_extension_answers_before_the_method(call: Call, built: Any) -> None:
    resource, volumes, log = built
    answer = call(resource, "GET", "show", id="forbidden")
    assert fault(answer) == ("forbidden", 403, "not yours")
    assert volumes.calls == []
    assert log == ["pre show"]


def test_versioned_post_extension_is_skipped_outside_its_range(call: Call, built: Any) -> None:
    resource, _, _ = built
    body = {"volume": {"size": 1}}
    old = call(resource, "POST", "create", body=body, headers=v("2.1"))
    assert (old.status_int, old.json) == (202, {"volume": {"size": 1}})
    new = call(resource, "POST", "create", body=body, headers=v("2.60"))
    assert new.json == {"volume": {"size": 1, "new": True}}


def test_action_extensions_and_extension_actions(call: Call, built: Any) -> None:
    resource, volumes, log = built
    extend = call(resource, "POST", "action", id="1", body={"os-extend": {"new_size": 2}})
    assert extend.status_int == 200
    assert volumes.calls == ["extend"] and log == ["post extend"]
    detach = call(resource, "POST", "action", id="1", body={"os-detach": {}})
    assert detach.status_int == 202


def test_controller_registries_list_extensions() -> None:
    assert Decorating.wsgi_extensions == [
        ("show", None),
        ("create", None),
        ("_extended", "os-extend"),
    ]
    assert Guarding.wsgi_actions == {"os-detach": "_detach"}


class VolumeResource(Resource):
    default_settings = APISettings(service_type="volume", min_version="3.0", max_version="3.71")


def test_default_settings_make_a_versioned_resource(call: Call) -> None:
    answer = call(VolumeResource(Volumes()), "GET", "show", id="1")
    assert answer.status_int == 200
    assert answer.headers["OpenStack-API-Version"] == "volume 3.0"


class Limits(Controller):
    def index(self, req: Any) -> dict[str, Any]:
        return {"new": req.api_version_request.matches(None, "3.38")}


def test_matches_takes_strings_and_none() -> None:
    version = APIVersionRequest("3.40")
    assert version.matches("3.1", None)
    assert not version.matches(None, "3.38")
    assert version.matches("3.40", "3.40")
    assert version.matches(None, None)


def test_controller_reads_string_bounds(call: Call) -> None:
    resource = VolumeResource(Limits())
    answer = call(resource, "GET", "index", headers={"OpenStack-API-Version": "volume 3.50"})
    assert answer.json == {"new": False}


class ForeignVersion:
    """A version object of another lineage (cinder's, manila's, nova's own class)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __bool__(self) -> bool:
        return True

    def get_string(self) -> str:
        return self.text


class Overloaded(Controller):
    @Controller.api_version("3.0", "3.9")
    def index(self, req: Any) -> str:
        return "old"

    @Controller.api_version("3.10")
    def index(self, req: Any) -> str:  # type: ignore[no-redef]
        return "new"


def test_direct_calls_dispatch_on_any_lineages_version() -> None:
    controller = Overloaded()
    req = webob.Request.blank("/")
    req.api_version_request = ForeignVersion("3.10")  # type: ignore[attr-defined]
    assert controller.index(req) == "new"
    req.api_version_request = ForeignVersion("3.2")  # type: ignore[attr-defined]
    assert controller.index(req=req) == "old"
    assert request_version((controller,), {"req": req}) == APIVersionRequest("3.2")


class Mixin:
    @Controller.api_version("3.5")
    def summary(self, req: Any) -> str:
        return "summary"

    @action("os-mixed")
    def _mixed(self, req: Any, id: str, body: Any) -> None:
        return None


class Mixed(Mixin, Controller):
    pass


def test_mixin_versioned_methods_and_actions_reach_the_controller() -> None:
    assert [m.name for m in Mixed.versioned_methods["summary"]] == ["summary"]
    assert Mixed.wsgi_actions == {"os-mixed": "_mixed"}
    req = webob.Request.blank("/")
    req.api_version_request = APIVersionRequest("3.4")  # type: ignore[attr-defined]
    with pytest.raises(VersionNotFoundForAPIMethod):
        Mixed().summary(req)


class Lineage(Controller):
    overlapping_versions = "newest"

    @Controller.api_version("3.1")
    def index(self, req: Any) -> str:
        return "3.1"

    @Controller.api_version("3.4")
    def index(self, req: Any) -> str:  # type: ignore[no-redef]
        return "3.4"


def test_lineage_rule_lets_the_newest_overlapping_range_win() -> None:
    req = webob.Request.blank("/")
    for version, expected in (("3.2", "3.1"), ("3.4", "3.4"), ("3.9", "3.4")):
        req.api_version_request = APIVersionRequest(version)  # type: ignore[attr-defined]
        assert Lineage().index(req) == expected


class ServiceError(Exception):
    """A service's own exception family (cinder's CinderException, say)."""

    code = 400


class ServiceVersionError(ServiceError):
    pass


class Service(Controller):
    version_error = ServiceVersionError

    def index(self, req: Any) -> str:
        return "plain text"

    def show(self, req: Any, id: str) -> dict[str, Any]:
        raise ServiceError(f"volume {id} is busy")

    @Controller.api_version("3.5")
    def detail(self, req: Any) -> dict[str, Any]:
        return {}


class ServiceResource(VolumeResource):
    client_errors = {ServiceVersionError: 404, ServiceError: None}


def test_service_errors_strings_and_version_errors(call: Call) -> None:
    resource = ServiceResource(Service())
    text = call(resource, "GET", "index")
    assert (text.status_int, text.content_type, text.text) == (200, "text/plain", "plain text")
    assert fault(call(resource, "GET", "show", id="v1")) == (
        "badRequest",
        400,
        "volume v1 is busy",
    )
    assert call(resource, "GET", "detail").status_int == 404  # the service's error, mapped
    req = webob.Request.blank("/")
    req.api_version_request = APIVersionRequest("3.1")  # type: ignore[attr-defined]
    with pytest.raises(ServiceVersionError):
        Service().detail(req)


def test_a_method_patched_after_the_resource_was_built_is_called(call: Call) -> None:
    controller = Volumes()
    resource = Resource(controller, NOVA)
    controller.show = lambda req, id: {"patched": id}  # type: ignore[method-assign]
    assert call(resource, "GET", "show", id="3").json == {"patched": "3"}
