"""``URLMap``: nova's version-prefix URL map, and its paste factory ``egg:apistack#urlmap``.

A mount is a path prefix and a WSGI app. A request goes to the longest prefix it matches:

- ``/v2.1`` matches ``/v2.1`` and anything below ``/v2.1/``;
- ``/v2.1/+`` (the wildcard) matches only when something follows the slash (``/v2.1/x``,
  not ``/v2.1`` or ``/v2.1/``), and mounts its app at ``/v2.1``;
- ``/`` matches everything, but is only used when nothing else (not even a ``version=``
  media-type parameter) chose an app.

A ``version=X`` parameter on the request's ``Content-Type``, or on the best JSON entry of its
``Accept``, selects the app mounted at ``/vX`` when the path itself only matched ``/``; that
app gets ``/vX`` appended to ``SCRIPT_NAME`` and the path unchanged (nova's behaviour:
``GET /foo`` with ``Accept: application/json;version=2.1`` answers the v2.1 version document).
A ``.json`` path suffix fixes the response media type to ``application/json``.

Deliberate differences from nova: no ``domain``/``port`` mount syntax (one map serves every
host name), and a miss is the JSON 404 fault rather than Paste's HTML page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from apistack.environ import (
    BEST_CONTENT_TYPE_KEY,
    DEFAULT_SERVICE_TYPE,
    JSON_MEDIA_TYPE,
    vendor_media_type,
)
from apistack.faults import fault_response

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["Mount", "URLMap", "URLMapConfigError", "parse_media_range", "urlmap_factory"]

_WILDCARD = "/+"
_VERSIONED_TYPES = frozenset({JSON_MEDIA_TYPE, vendor_media_type(DEFAULT_SERVICE_TYPE)})


class URLMapConfigError(ValueError):
    """A mount path is not usable (it must start with ``/``)."""


@dataclass(frozen=True)
class Mount:
    """One entry of the map.

    :param path: the prefix as configured (``/v2.1/+``), for display.
    :param prefix: the normalised prefix the app is mounted at (``/v2.1``; ``''`` for ``/``).
    :param wildcard: whether something must follow ``prefix + '/'``.
    :param app: the WSGI app.
    """

    path: str
    prefix: str
    wildcard: bool
    app: WSGIApplication

    @property
    def head(self) -> str:
        """What a path below this mount starts with: ``prefix + '/'``."""
        return self.prefix + "/"

    def matches(self, path_info: str) -> bool:
        """:returns: whether a request for ``path_info`` belongs to this mount."""
        return _first_match(((self.prefix, self.head, self.wildcard, self),), path_info) is self


_MountTest = tuple[str, str, bool, Mount]


def _first_match(tests: tuple[_MountTest, ...], path_info: str) -> Mount | None:
    """:returns: the first mount of ``tests`` (prefix, head, wildcard, mount) that
    ``path_info`` belongs to: below a wildcard's head, or at or below a plain prefix."""
    for prefix, head, wildcard, mount in tests:
        if wildcard:
            if path_info.startswith(head) and len(path_info) > len(head):
                return mount
        elif not prefix or path_info == prefix or path_info.startswith(head):
            return mount
    return None


def _mount(path: str, app: WSGIApplication) -> Mount:
    text = path.strip()
    if not text.startswith("/"):
        raise URLMapConfigError(f"urlmap: mount path {path!r} must start with '/'")
    wildcard = text.endswith(_WILDCARD)
    prefix = text[: -len(_WILDCARD)] if wildcard else text
    return Mount(text, prefix.rstrip("/"), wildcard, app)


def parse_media_range(value: str) -> tuple[str, dict[str, str]]:
    """Split one media range (``application/json;version=2.1;q=0.5``).

    :returns: the lower-cased type and its parameters (names lower-cased).
    """
    media, *params = value.split(";")
    parsed: dict[str, str] = {}
    for param in params:
        name, sep, val = param.partition("=")
        if sep:
            parsed[name.strip().lower()] = val.strip().strip('"')
    return media.strip().lower(), parsed


def _quality(params: Mapping[str, str]) -> float:
    try:
        return float(params.get("q", "1"))
    except ValueError:
        return 0.0


def _accept_version(accept: str) -> str | None:
    """The ``version`` parameter of the best JSON entry of an ``Accept`` header."""
    entries = [parse_media_range(part) for part in accept.split(",") if part.strip()]
    candidates = [
        (media, params)
        for media, params in entries
        if media in _VERSIONED_TYPES and _quality(params) > 0
    ]
    if not candidates:
        return None
    # sorted() is stable: among equal qualities the header's order decides, as RFC 7231 says.
    _media, params = sorted(candidates, key=lambda entry: -_quality(entry[1]))[0]
    return params.get("version")


class URLMap:
    """Dispatch to the app whose mount prefix matches the request path.

    :param mounts: ``{path: app}`` or ``(path, app)`` pairs; paths as described in the
        module docstring.
    :param not_found_app: the app answering requests no mount claims; the JSON 404 fault
        when None.
    :raises URLMapConfigError: for a path that does not start with ``/``.
    """

    def __init__(
        self,
        mounts: Mapping[str, WSGIApplication] | Iterable[tuple[str, WSGIApplication]],
        not_found_app: WSGIApplication | None = None,
    ) -> None:
        pairs = mounts.items() if isinstance(mounts, Mapping) else mounts
        built = [_mount(path, app) for path, app in pairs]
        # Longest prefix first; at equal length the wildcard (more specific) wins.
        self.mounts: tuple[Mount, ...] = tuple(
            sorted(built, key=lambda m: (-len(m.prefix), not m.wildcard))
        )
        self._by_prefix = {m.prefix: m for m in reversed(self.mounts) if not m.wildcard}
        # What match() tests, unpacked once: a method call per mount was most of its cost.
        self._tests: tuple[_MountTest, ...] = tuple(
            (m.prefix, m.head, m.wildcard, m) for m in self.mounts
        )
        self.not_found_app = not_found_app

    def match(self, path_info: str) -> Mount | None:
        """:returns: the mount serving ``path_info`` by path alone, or None."""
        return _first_match(self._tests, path_info)

    def _header_mount(self, environ: WSGIEnvironment) -> Mount | None:
        for version in (self._content_type_version(environ), self._accept_version(environ)):
            if version:
                mount = self._by_prefix.get("/v" + version)
                if mount is not None:
                    return mount
        return None

    @staticmethod
    def _content_type_version(environ: WSGIEnvironment) -> str | None:
        raw = environ.get("CONTENT_TYPE")
        if not raw:
            return None
        media, params = parse_media_range(raw)
        return params.get("version") if media in _VERSIONED_TYPES else None

    @staticmethod
    def _accept_version(environ: WSGIEnvironment) -> str | None:
        raw = environ.get("HTTP_ACCEPT")
        return _accept_version(raw) if raw else None

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path_info = environ.get("PATH_INFO", "")
        if path_info.endswith(".json"):
            environ[BEST_CONTENT_TYPE_KEY] = JSON_MEDIA_TYPE
        mount = self.match(path_info)
        if mount is not None and mount.prefix:
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + mount.prefix
            environ["PATH_INFO"] = path_info[len(mount.prefix) :]
            return mount.app(environ, start_response)
        by_header = self._header_mount(environ)
        if by_header is not None:
            # nova's header strategies: the version app sees the path as it was sent.
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + by_header.prefix
            return by_header.app(environ, start_response)
        if mount is not None:
            return mount.app(environ, start_response)
        if self.not_found_app is not None:
            return self.not_found_app(environ, start_response)
        return fault_response(404, environ=environ)(environ, start_response)


def urlmap_factory(loader: Any, global_conf: dict[str, str], **local_conf: str) -> URLMap:
    """Paste ``composite`` factory: every key is a mount path, every value an app name.

    ``not_found_app`` (local, or global) names the app for misses.

    :raises URLMapConfigError: for a key that is neither a path nor ``not_found_app``.
    """
    not_found_name = local_conf.pop("not_found_app", None) or global_conf.get("not_found_app")
    not_found = loader.get_app(not_found_name, global_conf=global_conf) if not_found_name else None
    mounts = [
        (path, loader.get_app(name, global_conf=global_conf)) for path, name in local_conf.items()
    ]
    return URLMap(mounts, not_found_app=not_found)
