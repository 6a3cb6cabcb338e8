"""Version discovery: the ``Versions`` app (``egg:apistack#versions``) and its documents.

Two modes, as nova mounts two apps:

- ``list`` (nova's ``Versions``, mounted at ``/``): ``GET /`` answers 200
  ``{"versions": [...]}`` sorted by id, each with a self link ``<base>/<path>/``; any other path
  answers 300 ``{"choices": [...]}`` whose links point at that path under each version. No
  microversion headers.
- ``document`` (nova's ``VersionsV2``, mounted at ``/v2.1`` and ``/v2``): every path answers
  200 ``{"version": {...}}`` for the configured ``document`` version, or for
  ``legacy_document`` when the ``legacy_v2`` filter marked the request. It sits before
  authentication. A microversioned document negotiates the request's microversion like the API
  would (none asked: the minimum) and answers with the ``OpenStack-API-Version`` headers, as
  nova does; a malformed or unsupported version gets nova's 400/406 fault. Legacy and
  unversioned documents carry no version headers.

``link_prefix`` rewrites every link as nova's ``[api] compute_link_prefix`` does.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from apistack.apps.version_config import VersionInfo, VersionsConfigError, parse_versions
from apistack.environ import DEFAULT_SERVICE_TYPE, JSON_MEDIA_TYPE, LEGACY_V2_KEY
from apistack.errors import error_table
from apistack.resource.negotiation import VersionNegotiator
from apistack.resource.request import Request
from apistack.resource.results import serialize_json, status_line
from apistack.resource.versions import APISettings
from apistack.url_encoding import url_encoding_fault

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

LOG = logging.getLogger(__name__)

__all__ = [
    "Versions",
    "apply_link_prefix",
    "version_document",
    "version_list_entry",
    "versions_factory",
]

DEFAULT_DESCRIBEDBY = "http://docs.openstack.org/"
_MODES = ("list", "document")
_OPTIONS = frozenset(
    {"mode", "document", "legacy_document", "link_prefix", "describedby", "service_type"}
    | {"legacy_header"}
)


def apply_link_prefix(url: str, prefix: str | None) -> str:
    """Rewrite ``url`` with ``prefix``'s scheme and host and prepend its path (nova's rule).

    :returns: ``url`` unchanged without a prefix, else the rewritten URL without a trailing
        slash.
    """
    if not prefix:
        return url
    parts = list(urlsplit(url))
    prefix_parts = urlsplit(prefix)
    parts[0], parts[1] = prefix_parts.scheme, prefix_parts.netloc
    parts[2] = prefix_parts.path.rstrip("/") + parts[2]
    return urlunsplit(parts).rstrip("/")


def version_list_entry(info: VersionInfo, base: str) -> dict[str, Any]:
    """:returns: the entry of ``info`` in the root list, its self link ``<base>/<path>/``."""
    return {
        "id": info.id,
        "status": info.status,
        "version": info.version,
        "min_version": info.min_version,
        "updated": info.updated,
        "links": [{"rel": "self", "href": f"{base}/{info.path}/"}],
    }


def version_document(
    info: VersionInfo, self_href: str, describedby: str | None = DEFAULT_DESCRIBEDBY
) -> dict[str, Any]:
    """:returns: the ``{"version": {...}}`` document of ``info`` (nova's ``VersionsV2``)."""
    links = [{"rel": "self", "href": self_href}]
    if describedby:
        links.append({"rel": "describedby", "type": "text/html", "href": describedby})
    return {
        "version": {
            "id": info.id,
            "status": info.status,
            "version": info.version,
            "min_version": info.min_version,
            "updated": info.updated,
            "links": links,
            "media-types": [{"base": JSON_MEDIA_TYPE, "type": t} for t in info.media_types],
        }
    }


def _choice(info: VersionInfo, base: str, path: str) -> dict[str, Any]:
    return {
        "id": info.id,
        "status": info.status,
        "links": [{"rel": "self", "href": "/".join([base, info.path, path.strip("/")])}],
        "media-types": [{"base": JSON_MEDIA_TYPE, "type": t} for t in info.media_types],
    }


class Versions:
    """The version discovery WSGI app; see the module docstring for the two modes.

    :param versions: the versions served.
    :param mode: ``list`` or ``document``.
    :param document: the id served in document mode (default: the CURRENT version).
    :param legacy_document: the id served to legacy v2 requests in document mode.
    :param link_prefix: nova's ``compute_link_prefix``.
    :param describedby: the ``describedby`` link of documents; None for none.
    :param service_type: the service type of the version headers.
    :param legacy_header: a per-service version header also sent (``X-OpenStack-Nova-...``).
    :raises VersionsConfigError: for a bad mode or an unknown document id.
    """

    def __init__(
        self,
        versions: Sequence[VersionInfo],
        mode: str = "list",
        document: str | None = None,
        legacy_document: str | None = None,
        link_prefix: str | None = None,
        describedby: str | None = DEFAULT_DESCRIBEDBY,
        service_type: str = DEFAULT_SERVICE_TYPE,
        legacy_header: str | None = None,
    ) -> None:
        if mode not in _MODES:
            raise VersionsConfigError(f"versions: mode must be list or document, not {mode!r}")
        self.versions = tuple(sorted(versions, key=lambda v: v.id))
        self.by_id = {v.id: v for v in self.versions}
        self.mode = mode
        current = [v.id for v in self.versions if v.status == "CURRENT"]
        self.document = self._known(document or (current or [self.versions[-1].id])[-1])
        self.legacy_document = self._known(legacy_document) if legacy_document else None
        self.link_prefix = link_prefix or None
        self.describedby = describedby or None
        self.service_type = service_type
        self.negotiator = self._negotiator(self.by_id[self.document], legacy_header)

    def _known(self, version_id: str) -> str:
        if version_id not in self.by_id:
            raise VersionsConfigError(f"versions: document {version_id!r} is not listed")
        return version_id

    def _negotiator(self, info: VersionInfo, legacy: str | None) -> VersionNegotiator | None:
        if self.mode != "document" or not info.microversioned:
            return None
        settings = APISettings(self.service_type, info.min_version, info.version, legacy)
        return VersionNegotiator(settings)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        bad_url = url_encoding_fault(environ)  # before the path is read as text, below
        if bad_url is not None:
            return bad_url(environ, start_response)
        req = Request(environ)
        try:
            code, body, headers = self._answer(req)
        except Exception as exc:  # the negotiator's 400/406, or a bug: a JSON fault either way
            fault = error_table(environ).answer(LOG, environ, exc)
            return fault.response_for(environ)(environ, start_response)
        payload = serialize_json(body)
        content_type = req.best_match_content_type(self.service_type)
        response_headers = [("Content-Type", content_type), ("Content-Length", str(len(payload)))]
        start_response(status_line(code), [*response_headers, *headers])
        return [payload]

    def _answer(self, req: Request) -> tuple[int, dict[str, Any], Sequence[tuple[str, str]]]:
        base = apply_link_prefix(req.application_url, self.link_prefix)
        if self.mode == "document":
            return self._document(req, base)
        if req.path_info in ("", "/"):
            return 200, {"versions": [version_list_entry(v, base) for v in self.versions]}, ()
        choices = [_choice(v, base, req.path_info) for v in self.versions]
        return 300, {"choices": choices}, ()

    def _document(
        self, req: Request, base: str
    ) -> tuple[int, dict[str, Any], Sequence[tuple[str, str]]]:
        legacy = bool(req.environ.get(LEGACY_V2_KEY))
        info = self.by_id[(legacy and self.legacy_document) or self.document]
        headers: Sequence[tuple[str, str]] = ()
        if self.negotiator is not None and not legacy:
            version = self.negotiator.negotiate(req.environ)
            headers = self.negotiator.response_headers(version)
        return 200, version_document(info, base + "/", self.describedby), headers


def versions_factory(global_conf: dict[str, str], **local_conf: str) -> Versions:
    """Paste ``app`` factory; options are ``Versions``'s keyword arguments plus the version
    keys of ``apistack.apps.version_config``.

    :raises VersionsConfigError: naming the bad key.
    """
    service_type = local_conf.get("service_type", DEFAULT_SERVICE_TYPE)
    versions = parse_versions(local_conf, _OPTIONS, service_type)
    describedby = local_conf.get("describedby", DEFAULT_DESCRIBEDBY).strip()
    link_prefix = local_conf.get("link_prefix") or global_conf.get("link_prefix")
    return Versions(
        versions,
        mode=local_conf.get("mode", "list").strip(),
        document=local_conf.get("document") or None,
        legacy_document=local_conf.get("legacy_document") or None,
        link_prefix=link_prefix or None,
        describedby=describedby or None,
        service_type=service_type,
        legacy_header=local_conf.get("legacy_header") or None,
    )
