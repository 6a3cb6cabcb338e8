"""Reusable paste apps: the version-prefix URL map and the version discovery documents.

- ``egg:apistack#urlmap``: ``apistack.apps.urlmap.urlmap_factory`` (``paste.composite_factory``);
- ``egg:apistack#versions``: ``apistack.apps.versions.versions_factory`` (``paste.app_factory``).
"""

from apistack.apps.urlmap import URLMap, urlmap_factory
from apistack.apps.version_config import VersionInfo, VersionsConfigError
from apistack.apps.versions import Versions, versions_factory

__all__ = [
    "URLMap",
    "VersionInfo",
    "Versions",
    "VersionsConfigError",
    "urlmap_factory",
    "versions_factory",
]
