"""``openapi_document``: the whole OpenAPI 3.1 document of the API inside an app."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from apistack.introspect import API, describe_apis
from apistack.openapi.paths import PathsBuilder
from apistack.openapi.schemas import fault_name, fault_response, version_range
from apistack.resource.versions import APIVersionRequest

__all__ = ["OPENAPI_VERSION", "OpenAPIError", "openapi_document"]

OPENAPI_VERSION = "3.1.0"


class OpenAPIError(ValueError):
    """The app cannot be described (no router in it, or a microversion it does not serve)."""


def _servers(apis: Iterable[API]) -> list[dict[str, Any]]:
    servers: list[dict[str, Any]] = []
    for api in apis:
        note = "legacy v2: the minimum microversion, no version headers" if api.legacy_v2 else ""
        servers.append({"url": api.mount or "/", "description": note or "the API"})
        if api.project_prefix:
            servers.append(
                {
                    "url": f"{api.mount}/{{project_id}}",
                    "description": "the same API under the caller's project id",
                    "variables": {"project_id": {"default": "project"}},
                }
            )
    return servers


def _pick(apis: Sequence[API]) -> tuple[API, list[API]]:
    """The API to describe, and the mounts serving the very same routes."""
    main = next((a for a in apis if not a.legacy_v2 and a.settings.versioned), apis[0])

    def shape(api: API) -> set[tuple[str, str]]:
        return {(r.method, r.path[len(api.mount) :]) for r in api.routes}

    same = [a for a in apis if shape(a) == shape(main)]
    return main, same


def openapi_document(app: object, microversion: str | None = None) -> dict[str, Any]:
    """Describe the API inside a loaded paste app (or a built router) as OpenAPI 3.1.

    :param app: a WSGI app containing a router (a URL map, a filter pipeline or the router).
    :param microversion: describe only what this microversion serves (``"2.19"``); the
        whole range when None.
    :returns: the document, as JSON-ready data.
    :raises OpenAPIError: when ``app`` has no router, or ``microversion`` is malformed or
        outside the API's range.
    """
    apis = describe_apis(app)
    if not apis:
        raise OpenAPIError("no router found in the app")
    main, mounts = _pick(apis)
    settings = main.settings
    version = _requested(microversion, main)
    builder = PathsBuilder(main, version)
    title = f"{settings.service_type} API"
    info: dict[str, Any] = {"title": title, "version": _version_text(main, version)}
    paths = builder.paths()
    document: dict[str, Any] = {
        "openapi": OPENAPI_VERSION,
        "info": info,
        "servers": _servers(mounts),
        "paths": paths,
        "components": {
            "responses": {fault_name(c): fault_response(c) for c in sorted(builder.faults)},
            "securitySchemes": {
                "token": {"type": "apiKey", "in": "header", "name": "X-Auth-Token",
                          "description": "A Keystone token (noauth: 'user:project')."}
            }
        },
    }  # fmt: skip
    if settings.versioned:
        info["x-openstack"] = version_range(settings.min_version, settings.max_version)
    return document


def _requested(microversion: str | None, api: API) -> APIVersionRequest | None:
    if microversion is None:
        return None
    settings = api.settings
    try:
        version = APIVersionRequest(microversion)
    except ValueError as exc:
        raise OpenAPIError(str(exc)) from None
    if not settings.versioned or not version.matches(settings.min_version, settings.max_version):
        raise OpenAPIError(
            f"microversion {microversion} is outside the API's range "
            f"{settings.min_version or '-'} to {settings.max_version or '-'}"
        )
    return version


def _version_text(api: API, version: APIVersionRequest | None) -> str:
    if version is not None:
        return version.get_string()
    low, high = api.settings.min_version, api.settings.max_version
    return f"{low}-{high}" if low is not None else "unversioned"
