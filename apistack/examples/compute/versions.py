"""The version document inside the API: ``GET /`` and ``GET /versions/{id}`` under ``/v2.1``.

Unlike the ``egg:apistack#versions`` app in front of authentication, this runs inside the
API, so it reports the API's own microversion range (from ``req.api_settings``).
"""

from __future__ import annotations

from typing import Any

from apistack.apps.version_config import VersionInfo
from apistack.apps.versions import version_document
from apistack.environ import vendor_media_type
from apistack.resource import Controller, Fault, Request, expected_errors

__all__ = ["VersionsController", "compute_versions"]

_MEDIA_TYPE = vendor_media_type("compute") + ";version="


def compute_versions(req: Request) -> dict[str, VersionInfo]:
    """:returns: the compute versions by id, v2.1 with the API's microversion range."""
    settings = req.api_settings
    low, high = settings.min_version, settings.max_version
    return {
        "v2.0": VersionInfo(
            "v2.0", "DEPRECATED", "", "", "2025-07-04T12:00:00Z", (_MEDIA_TYPE + "2",), "v2"
        ),
        "v2.1": VersionInfo(
            "v2.1",
            "CURRENT",
            high.get_string() if high else "",
            low.get_string() if low else "",
            "2013-07-23T11:33:21Z",
            (_MEDIA_TYPE + "2.1",),
            "v2.1",
        ),
    }


class VersionsController(Controller):
    """``show``: the version document (``v2.0`` for legacy ``/v2`` requests)."""

    @expected_errors(404)
    def show(self, req: Request, id: str = "v2.1") -> dict[str, Any]:
        """:returns: ``{"version": {...}}``; 404 for an unknown id."""
        version_id = "v2.0" if req.is_legacy_v2() else id
        info = compute_versions(req).get(version_id)
        if info is None:
            raise Fault(404, "Version not found")
        return version_document(info, req.application_url + "/")
