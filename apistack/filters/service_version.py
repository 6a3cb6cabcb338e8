"""The microversion an inner Resource negotiated, as the outer filters can see it.

apistack's ``Resource`` stores it under ``VERSION_KEY``. nova's and cinder's own ``Resource``
store it as the ``api_version_request`` attribute of their WebOb ``Request``, which WebOb keeps
in ``environ['webob.adhoc_attrs']``; it lives on after the request has been answered, so
``request_log`` and ``faultwrap`` read it there when apistack's filters front a service's own
``Resource``. Each answers ``get_string()``; apistack's and nova's say ``is_null()``, cinder's
is false when null.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from apistack.environ import STANDARD_VERSION_HEADER, VERSION_KEY

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

__all__ = ["ADHOC_ATTRS_KEY", "foreign_version_headers", "negotiated_version"]

#: where WebOb keeps attributes set on a ``Request`` (nova's ``api_version_request``).
ADHOC_ATTRS_KEY = "webob.adhoc_attrs"
_SERVICE_ATTRIBUTE = "api_version_request"


def _service_version(environ: WSGIEnvironment) -> Any:
    attributes = environ.get(ADHOC_ATTRS_KEY)
    return attributes.get(_SERVICE_ATTRIBUTE) if isinstance(attributes, dict) else None


def negotiated_version(environ: WSGIEnvironment) -> str | None:
    """:returns: the request's negotiated microversion (``"2.53"``), or None when none was."""
    version = environ.get(VERSION_KEY)
    if version is None:
        version = _service_version(environ)
    if version is None:
        return None
    try:
        null = version.is_null() if hasattr(version, "is_null") else not version
        return None if null else str(version.get_string())
    except (AttributeError, TypeError, ValueError):  # something else under that name
        return None


def foreign_version_headers(
    environ: WSGIEnvironment, service_type: str, legacy_header: str | None
) -> list[tuple[str, str]]:
    """The version headers a service's own ``Fault`` adds, for a fault apistack builds when
    the version came from the service's ``Resource`` (none when apistack's negotiated it, since
    ``fault_response`` adds those).

    :param service_type: the ``OpenStack-API-Version`` service (``compute``, ``volume``).
    :param legacy_header: nova's ``X-OpenStack-Nova-API-Version``, or None (cinder has none).
    :returns: the headers, each named in its own ``Vary`` header as nova sends them.
    """
    if environ.get(VERSION_KEY) is not None:
        return []
    version = negotiated_version(environ)
    if version is None:
        return []
    headers = [(STANDARD_VERSION_HEADER, f"{service_type} {version}")]
    if legacy_header:
        headers.append((legacy_header, version))
    headers.extend(("Vary", name) for name, _value in list(headers))
    return headers
