"""The ``apistack`` command in a venv without gunicorn: everything but ``serve`` works, and
``serve`` says how to install it.

The venv holds apistack's requirements only (``tests/functional/deploy_venvs.py``, cached);
apistack runs from this checkout with its metadata written beside it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.functional.deploy_venvs import deploy_venv, write_metadata
from tests.venv_cache import PROJECT_ROOT, clean_env

API_PASTE = str(PROJECT_ROOT / "paste-examples" / "api-paste.ini")


@pytest.fixture(scope="module")
def apistack(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """:returns: the bare venv's python, and the PYTHONPATH giving it apistack."""
    python = str(deploy_venv("bare") / "bin" / "python")
    check = [python, "-c", "import gunicorn"]
    assert subprocess.run(check, capture_output=True, check=False).returncode != 0
    return python, f"{PROJECT_ROOT}:{write_metadata(tmp_path_factory.mktemp('metadata'))}"


def _run(apistack: tuple[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    python, pythonpath = apistack
    env = clean_env(PYTHONPATH=pythonpath, HOME=str(Path("/nonexistent")))
    return subprocess.run([python, "-m", "apistack.cmd", *args], env=env, capture_output=True,
                          text=True, timeout=120, check=False)  # fmt: skip


def test_help_and_version(apistack: tuple[str, str]) -> None:
    done = _run(apistack, "--help")
    assert done.returncode == 0 and "serve" in done.stdout and "routes" in done.stdout
    assert _run(apistack, "--version").stdout.startswith("apistack 0.")


def test_routes_and_pipeline(apistack: tuple[str, str]) -> None:
    routes = _run(apistack, "routes", API_PASTE)
    assert routes.returncode == 0, routes.stderr
    assert "/v2.1/servers/{id}" in routes.stdout
    pipeline = _run(apistack, "pipeline", API_PASTE)
    assert pipeline.returncode == 0, pipeline.stderr
    assert "noauth (filter egg:apistack#noauth)" in pipeline.stdout


def test_serve_says_how_to_install_gunicorn(apistack: tuple[str, str]) -> None:
    done = _run(apistack, "serve", API_PASTE)
    assert done.returncode == 2
    assert done.stderr.startswith("apistack: error: apistack serve needs gunicorn (")
    assert done.stderr.rstrip().endswith("pip install 'apistack[serve]'")
    assert done.stderr.count("\n") == 1
