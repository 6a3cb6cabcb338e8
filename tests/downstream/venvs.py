"""The downstream services' cached venvs: what each installs, by name.

Every venv also gets apistack's own requirements, so apistack runs there from this checkout
through ``PYTHONPATH`` (see :mod:`tests.venv_cache`). Changing a spec rebuilds that venv on the
next run.
"""

from __future__ import annotations

from pathlib import Path

from tests.venv_cache import cache_root, ensure_venv, project_requirements

#: cinder's release under test, with what its own unit tests import.
CINDER = (
    "cinder==29.0.0",
    "ddt",
    "fixtures",
    "oslotest",
    "stestr",
    "testscenarios",
    "testtools",
)
#: nova's last release with noauth2, and a current one.
NOVA_31 = ("nova==31.3.1",)
NOVA_34 = ("nova==34.0.0",)

SPECS: dict[str, tuple[str, ...]] = {"cinder": CINDER, "nova-31": NOVA_31, "nova-34": NOVA_34}


def downstream_venv(name: str) -> Path:
    """:param name: a key of :data:`SPECS`
    :returns: the venv ``downstream-NAME`` under the cache root, built on first use
    :raises tests.venv_cache.InstallError: when pip fails (the test errors, never skips)"""
    venv, _ = ensure_venv(
        cache_root() / f"downstream-{name}", [*SPECS[name], *project_requirements()]
    )
    return venv
