"""Cached virtualenvs for the tests that drive real downstream code (Keystone, cinder, nova).

A venv lives under the cache root (``APISTACK_CACHE`` in the environment, default the project's
ignored ``.cache/``) and carries a stamp of what was installed: the pip arguments and the
interpreter. When either changes the venv is rebuilt; otherwise it is reused as it is. The venv's
content never depends on the checkout that asked for it, so several checkouts may share one cache
root (a lock file keeps two of them from building the same venv at once). Code from the checkout
(apistack itself) reaches such a venv through ``PYTHONPATH`` at run time, not by installing it.

An install failure raises :class:`InstallError` with the tail of pip's log; callers let it fail
the test, never skip, so CI cannot pass without having run them.
"""

from __future__ import annotations

import configparser
import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class InstallError(RuntimeError):
    """A cached venv could not be built; the message holds the failing command's output tail."""


def cache_root() -> Path:
    """:returns: where cached venvs live (``APISTACK_CACHE``, default ``<project>/.cache``)"""
    return Path(os.environ.get("APISTACK_CACHE", PROJECT_ROOT / ".cache"))


def project_requirements() -> list[str]:
    """:returns: apistack's own ``install_requires`` from ``setup.cfg``, for a venv that runs
    apistack from the checkout through ``PYTHONPATH``"""
    parser = configparser.ConfigParser()
    parser.read(PROJECT_ROOT / "setup.cfg")
    return [line.strip() for line in parser["options"]["install_requires"].splitlines() if line]


def clean_env(**extra: str) -> dict[str, str]:
    """:returns: this process's environment without its Python and pip overrides, plus ``extra``
    (a subprocess in another venv must not see the test venv's ``PYTHONPATH`` or ``PIP_TARGET``)"""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PIP_TARGET"))}
    env.update(extra)
    return env


def run_logged(argv: Sequence[str], log: Path, **kwargs: object) -> None:
    """Run ``argv`` with its output appended to ``log``.

    :raises InstallError: on a non-zero exit, with the last 25 lines of ``log``
    """
    with log.open("a") as out:
        out.write(f"$ {' '.join(argv)}\n")
        out.flush()
        result = subprocess.run(
            list(argv), stdout=out, stderr=subprocess.STDOUT, env=clean_env(), **kwargs
        )  # type: ignore[call-overload]
    if result.returncode != 0:
        tail = "".join(log.read_text().splitlines(keepends=True)[-25:])
        raise InstallError(f"{argv[0]} {argv[1]} failed (exit {result.returncode}):\n{tail}")


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if missing) for the ``with`` block."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _stamp(python: str, pip_args: Sequence[str]) -> str:
    version = subprocess.run(
        [python, "-c", "import sys; print(sys.version)"], capture_output=True, text=True
    ).stdout.strip()
    return json.dumps({"pip_spec": list(pip_args), "python": version}, sort_keys=True)


def ensure_venv(
    venv: Path,
    pip_args: Sequence[str],
    *,
    python: str = sys.executable,
    after_install: Callable[[Path, Path], None] | None = None,
) -> tuple[Path, dict[str, float]]:
    """Make sure ``venv`` holds what ``pip install *pip_args`` gives; rebuild when the stamp
    differs.

    :param venv: the venv's directory (usually ``cache_root() / NAME``)
    :param pip_args: the arguments to ``pip install`` (specs, ``-c`` constraint files, ...)
    :param python: the interpreter the venv is made from
    :param after_install: called as ``after_install(venv, log)`` once pip has finished, for
        one-off set-up kept in the venv (Keystone's template database, say)
    :returns: the venv's path and the seconds spent per step (empty when all was cached)
    :raises InstallError: when a step fails
    """
    timings: dict[str, float] = {}
    with locked(venv.with_name(venv.name + ".lock")):
        stamp_file, wanted = venv / ".apistack-stamp", _stamp(python, pip_args)
        if stamp_file.is_file() and stamp_file.read_text() == wanted:
            return venv, timings
        shutil.rmtree(venv, ignore_errors=True)
        log = venv.with_name(venv.name + "-install.log")
        log.write_text("")
        started = time.perf_counter()
        run_logged([python, "-m", "venv", str(venv)], log)
        run_logged([str(venv / "bin" / "pip"), "install", "-q", *pip_args], log)
        timings["pip install"] = time.perf_counter() - started
        if after_install is not None:
            started = time.perf_counter()
            after_install(venv, log)
            timings["set-up"] = time.perf_counter() - started
        stamp_file.write_text(wanted)
    return venv, timings
