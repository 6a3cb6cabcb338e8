"""Cached venvs for deployment tests, and apistack's package metadata for them.

- ``bare``: apistack's own requirements only (no gunicorn), to prove the CLI works without it;
- ``uwsgi``: the same plus uWSGI, which compiles on install (so it is cached).

apistack itself runs there from this checkout through ``PYTHONPATH`` (see
``tests/venv_cache.py``). Paste's ``egg:apistack#...`` entry points need the distribution's
metadata too: ``write_metadata`` writes a ``dist-info`` from ``setup.cfg`` into a directory the
test puts on the path as well.
"""

from __future__ import annotations

import configparser
from pathlib import Path

from tests.venv_cache import PROJECT_ROOT, cache_root, ensure_venv, project_requirements

SPECS: dict[str, tuple[str, ...]] = {"bare": (), "uwsgi": ("uwsgi>=2.0.20",)}


def deploy_venv(name: str) -> Path:
    """:param name: a key of :data:`SPECS`.
    :returns: the venv ``deploy-NAME`` under the cache root, built on first use.
    :raises tests.venv_cache.InstallError: when pip fails (the test errors, never skips).
    """
    venv, _ = ensure_venv(cache_root() / f"deploy-{name}", [*SPECS[name], *project_requirements()])
    return venv


def write_metadata(directory: Path) -> Path:
    """Write ``apistack-<version>.dist-info`` (name, version, entry points) from ``setup.cfg``.

    :returns: ``directory``, to be put on ``PYTHONPATH`` beside the checkout.
    """
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(PROJECT_ROOT / "setup.cfg")
    version = parser["metadata"]["version"]
    info = directory / f"apistack-{version}.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: apistack\nVersion: {version}\n")
    lines = []
    for group, entries in parser["options.entry_points"].items():
        lines.append(f"[{group}]")
        lines.extend(entry.strip() for entry in entries.splitlines() if entry.strip())
        lines.append("")
    (info / "entry_points.txt").write_text("\n".join(lines))
    return directory
