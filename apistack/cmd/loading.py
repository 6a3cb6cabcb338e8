"""Loading a paste app for the command line, with one-line errors instead of tracebacks.

Globals given on the command line (``--global KEY=VALUE``) override the ini's ``[DEFAULT]``
values (``paste.deploy.loadapp`` lets the file win), so ``--global auth_strategy=keystone``
switches a file that sets ``noauth2``. Interpolations such as ``%(key)s`` see the override.
"""

from __future__ import annotations

import configparser
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from paste.deploy.loadwsgi import APP, ConfigLoader

__all__ = ["CommandError", "config_path", "load_app", "load_context", "parse_globals"]

# What a bad ini, a missing section or a missing entry point raise inside PasteDeploy (and what
# a factory raises for a bad option): shown as one line, never as a traceback.
_LOAD_ERRORS = (
    OSError,
    configparser.Error,
    LookupError,
    ImportError,
    ValueError,
    TypeError,
    AttributeError,
)


class CommandError(Exception):
    """A user error the command reports in one line (exit status 2)."""


def parse_globals(pairs: Iterable[str]) -> dict[str, str]:
    """:returns: ``{key: value}`` from ``KEY=VALUE`` strings.

    :raises CommandError: for an item without ``=``.
    """
    result: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise CommandError(f"--global expects KEY=VALUE, not {pair!r}")
        result[key.strip()] = value
    return result


def config_path(ini: str) -> Path:
    """:returns: the absolute path of ``ini``.

    :raises CommandError: when the file does not exist.
    """
    path = Path(ini).expanduser().resolve()
    if not path.is_file():
        raise CommandError(f"config file not found: {ini}")
    return path


def _context(ini: str, name: str, global_conf: dict[str, str] | None) -> Any:
    loader = ConfigLoader(str(config_path(ini)))
    overrides = dict(global_conf or {})
    loader.update_defaults(overrides, overwrite=True)
    return loader.get_context(APP, name, overrides)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


def load_app(ini: str, name: str, global_conf: dict[str, str] | None = None) -> Any:
    """Load the app ``name`` from ``ini`` as ``paste.deploy.loadapp`` does, with ``global_conf``
    overriding ``[DEFAULT]``.

    :raises CommandError: naming what is wrong (file, section, entry point, option).
    """
    try:
        return _context(ini, name, global_conf).create()
    except _LOAD_ERRORS as exc:
        raise CommandError(f"cannot load app {name!r} from {ini}: {_one_line(exc)}") from exc


def load_context(ini: str, name: str, global_conf: dict[str, str] | None = None) -> Any:
    """:returns: PasteDeploy's loader context for app ``name`` (not built).

    :raises CommandError: as ``load_app``.
    """
    try:
        return _context(ini, name, global_conf)
    except _LOAD_ERRORS as exc:
        raise CommandError(f"cannot read app {name!r} from {ini}: {_one_line(exc)}") from exc


def resolve(context: Any, name: str, object_type: Any = APP) -> Any:
    """:returns: the context of section ``name`` next to ``context``.

    :raises CommandError: when it cannot be found.
    """
    try:
        return context.loader.get_context(object_type, name, global_conf=context.global_conf)
    except _LOAD_ERRORS as exc:
        raise CommandError(f"cannot read {name!r}: {_one_line(exc)}") from exc
