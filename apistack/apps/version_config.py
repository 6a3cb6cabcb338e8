"""The version list a versions app serves (``VersionInfo``), and its paste-ini form.

In an ini, the versions are listed by id and each id's fields are keys prefixed by the id::

    versions = v2.0 v2.1
    v2.0.status = DEPRECATED
    v2.0.version =
    v2.0.min_version =
    v2.0.updated = 2025-07-04T12:00:00Z
    v2.1.status = CURRENT
    v2.1.min_version = 2.1
    v2.1.version = 2.19
    v2.1.updated = 2013-07-23T11:33:21Z

``<id>.path`` (the URL segment) defaults to the id without a trailing ``.0`` (``v2.0`` is
served at ``/v2``, as in nova); ``<id>.media_types`` (space separated) defaults to the
service's vendor JSON type with ``;version=<path without v>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from apistack.environ import DEFAULT_SERVICE_TYPE, vendor_media_type
from apistack.resource.versions import APIVersionRequest, InvalidAPIVersionString

__all__ = ["VERSION_FIELDS", "VersionInfo", "VersionsConfigError", "parse_versions"]

#: the per-version keys an ini may set (``<id>.<field>``).
VERSION_FIELDS = frozenset({"status", "version", "min_version", "updated", "media_types", "path"})
_STATUSES = frozenset({"CURRENT", "STABLE", "SUPPORTED", "DEPRECATED", "EXPERIMENTAL"})


class VersionsConfigError(ValueError):
    """A versions app option is missing or malformed; the message names the key."""


@dataclass(frozen=True)
class VersionInfo:
    """One API version as discovery documents describe it.

    :param id: ``v2.1``.
    :param status: ``CURRENT``, ``SUPPORTED``, ``DEPRECATED``, ...
    :param version: the maximum microversion, ``""`` for an unversioned API.
    :param min_version: the minimum microversion, ``""`` for an unversioned API.
    :param updated: an ISO 8601 timestamp.
    :param media_types: the vendor media types of the version.
    :param path: the URL segment the version is served at (``v2.1``).
    """

    id: str
    status: str
    version: str = ""
    min_version: str = ""
    updated: str = ""
    media_types: tuple[str, ...] = ()
    path: str = ""

    @property
    def microversioned(self) -> bool:
        """True when the version negotiates microversions."""
        return bool(self.version and self.min_version)


def _default_path(version_id: str) -> str:
    return version_id[: -len(".0")] if version_id.endswith(".0") else version_id


def _check_microversion(key: str, value: str) -> None:
    if value:
        try:
            APIVersionRequest(value)
        except InvalidAPIVersionString:
            raise VersionsConfigError(
                f"versions: {key} = {value!r} is not a microversion like 2.1"
            ) from None


def _one_version(version_id: str, conf: Mapping[str, str], service_type: str) -> VersionInfo:
    prefix = version_id + "."
    status = conf.get(prefix + "status", "").strip().upper()
    if status not in _STATUSES:
        raise VersionsConfigError(
            f"versions: {prefix}status must be one of {', '.join(sorted(_STATUSES))}"
        )
    version = conf.get(prefix + "version", "").strip()
    min_version = conf.get(prefix + "min_version", "").strip()
    _check_microversion(prefix + "version", version)
    _check_microversion(prefix + "min_version", min_version)
    if bool(version) != bool(min_version):
        raise VersionsConfigError(
            f"versions: set both {prefix}min_version and {prefix}version, or neither"
        )
    if version and APIVersionRequest(version) < APIVersionRequest(min_version):
        raise VersionsConfigError(f"versions: {prefix}version is below {prefix}min_version")
    path = conf.get(prefix + "path", _default_path(version_id)).strip("/ ")
    default_type = f"{vendor_media_type(service_type)};version={path[1:]}"
    types = conf.get(prefix + "media_types", default_type).split()
    return VersionInfo(
        id=version_id,
        status=status,
        version=version,
        min_version=min_version,
        updated=conf.get(prefix + "updated", "").strip(),
        media_types=tuple(types),
        path=path,
    )


def parse_versions(
    conf: Mapping[str, str], known_keys: frozenset[str], service_type: str = DEFAULT_SERVICE_TYPE
) -> tuple[VersionInfo, ...]:
    """Read the ``versions`` key and the per-version keys of a paste section.

    :param conf: the section's local options.
    :param known_keys: the other keys the section may hold (they are not errors).
    :param service_type: the service type in default media types.
    :returns: the versions, sorted by id.
    :raises VersionsConfigError: for a missing list, a bad field, or an unknown key.
    """
    ids = conf.get("versions", "").split()
    if not ids:
        raise VersionsConfigError("versions: the 'versions' key must list version ids")
    for key in conf:
        version_id, _dot, field = key.rpartition(".")
        if key in known_keys or key == "versions":
            continue
        if version_id not in ids or field not in VERSION_FIELDS:
            raise VersionsConfigError(f"versions: unknown option {key!r}")
    return tuple(sorted((_one_version(i, conf, service_type) for i in ids), key=lambda v: v.id))
