"""The example compute API's route list, in nova's ``ROUTE_LIST`` shape, and its settings.

Each entry is ``(path, {METHOD: [controller_factory, action]})``; ``('', '/')`` is the redirect
from the API root without a slash, as in nova. The router builds one controller per factory.

``make_routes(state_dir)`` binds the servers controllers to a state directory; ``ROUTES`` uses
the default (``$APISTACK_STATE_DIR``, else ``./.state``).
"""

from __future__ import annotations

from typing import Any

from apistack.environ import DEFAULT_CONTEXT_KEY
from apistack.examples.compute.flavors import FlavorExtraSpecsController, FlavorsController
from apistack.examples.compute.servers import ServersController
from apistack.examples.compute.versions import VersionsController
from apistack.examples.compute.views import MAX_LIMIT
from apistack.resource import APISettings, APIVersionRequest
from apistack.resource.json_encoders import DEFAULT_JSON_ENCODER
from apistack.router import APIRouter, RouterConfigError

__all__ = [
    "DEFAULT_MAX_VERSION",
    "HIGHEST_MAX_VERSION",
    "LEGACY_HEADER",
    "ROUTES",
    "RouteList",
    "app_factory",
    "compute_settings",
    "make_routes",
]

#: the default maximum microversion: ``locked`` (2.9) and ``description`` (2.19) both on.
DEFAULT_MAX_VERSION = "2.19"
#: the highest maximum the example supports: from 2.26 clients expect ``tags`` on servers.
HIGHEST_MAX_VERSION = "2.25"
LEGACY_HEADER = "X-OpenStack-Nova-API-Version"
_HIGHEST_MAX_LIMIT = 100_000

RouteList = tuple[tuple[str, Any], ...]


def compute_settings(
    max_version: str = DEFAULT_MAX_VERSION,
    context_key: str = DEFAULT_CONTEXT_KEY,
    json_encoder: str = DEFAULT_JSON_ENCODER,
) -> APISettings:
    """:returns: the example API's settings: microversions 2.1 to ``max_version``, bodies
    written by ``json_encoder`` (see ``APISettings``).

    :raises ValueError: when ``max_version`` is not a version in ``[2.1, 2.25]``, or for an
        unknown ``json_encoder``.
    """
    high = APIVersionRequest(max_version)
    if not high.matches(APIVersionRequest("2.1"), APIVersionRequest(HIGHEST_MAX_VERSION)):
        raise ValueError(
            f"max_version {max_version} is outside 2.1-{HIGHEST_MAX_VERSION}, the range the "
            "example compute API implements"
        )
    return APISettings(
        "compute",
        "2.1",
        high,
        legacy_header=LEGACY_HEADER,
        context_key=context_key,
        json_encoder=json_encoder,
    )


def make_routes(state_dir: str | None = None, max_limit: int = MAX_LIMIT) -> RouteList:
    """:returns: the route list, with servers stored under ``state_dir`` (see
    ``apistack.examples.compute.store.resolve_state_dir``) and server pages of at most
    ``max_limit`` servers."""
    servers: type[ServersController] = ServersController
    if state_dir is not None or max_limit != MAX_LIMIT:
        bound = {"state_dir": state_dir, "max_limit": max_limit}
        servers = type("ServersController", (ServersController,), bound)
    return (
        ("", "/"),
        ("/", {"GET": [VersionsController, "show"]}),
        ("/versions/{id}", {"GET": [VersionsController, "show"]}),
        ("/flavors", {"GET": [FlavorsController, "index"]}),
        ("/flavors/detail", {"GET": [FlavorsController, "detail"]}),
        ("/flavors/{id}", {"GET": [FlavorsController, "show"]}),
        ("/flavors/{flavor_id}/os-extra_specs", {"GET": [FlavorExtraSpecsController, "index"]}),
        (
            "/flavors/{flavor_id}/os-extra_specs/{id}",
            {"GET": [FlavorExtraSpecsController, "show"]},
        ),
        ("/servers", {"GET": [servers, "index"], "POST": [servers, "create"]}),
        ("/servers/detail", {"GET": [servers, "detail"]}),
        (
            "/servers/{id}",
            {"GET": [servers, "show"], "PUT": [servers, "update"], "DELETE": [servers, "delete"]},
        ),
        ("/servers/{id}/action", {"POST": [servers, "action"]}),
    )


ROUTES: RouteList = make_routes()


def app_factory(global_conf: dict[str, str], **local_conf: str) -> Any:
    """Paste ``app_factory`` for the example API: ``egg:apistack#router`` plus the example's
    own options.

    Keys: ``state_dir`` (where the SQLite file lives; the global ``state_dir`` when the
    section has none), ``max_version`` (2.1 to 2.25), ``max_limit`` (the most servers a list
    page holds, nova's ``[api] max_limit``; default 1000), ``context_key`` and
    ``json_encoder`` (``json``, the default, or ``orjson``); any other key is an error naming
    it.
    """
    known = {"state_dir", "max_version", "max_limit", "context_key", "json_encoder"}
    unknown = sorted(set(local_conf) - known)
    if unknown:
        raise RouterConfigError(
            f"unknown option(s) {', '.join(unknown)} for the example compute API; "
            f"known: {', '.join(sorted(known))}"
        )
    try:
        settings = compute_settings(
            local_conf.get("max_version", DEFAULT_MAX_VERSION),
            local_conf.get("context_key", DEFAULT_CONTEXT_KEY),
            local_conf.get("json_encoder", DEFAULT_JSON_ENCODER),
        )
    except ValueError as exc:
        raise RouterConfigError(str(exc)) from None
    # PasteDeploy drops a section's key that is also a [DEFAULT] key (api-paste.ini has
    # ``state_dir = %(state_dir)s``), so the global is where a --global state_dir arrives.
    state_dir = local_conf.get("state_dir") or global_conf.get("state_dir") or None
    return APIRouter(make_routes(state_dir, _max_limit(local_conf)), settings=settings)


def _max_limit(local_conf: dict[str, str]) -> int:
    raw = local_conf.get("max_limit", str(MAX_LIMIT)).strip()
    if (
        not (raw.isascii() and raw.isdigit() and len(raw) < 7)
        or not 0 < int(raw) <= _HIGHEST_MAX_LIMIT
    ):
        raise RouterConfigError(
            f"max_limit: {raw!r} is not a whole number from 1 to {_HIGHEST_MAX_LIMIT}"
        )
    return int(raw)
