"""Loading a paste app for the command line, with one-line errors instead of tracebacks."""

from __future__ import annotations

import configparser
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from paste.deploy import loadapp
from paste.deploy.loadwsgi import APP, loadcontext

__all__ = ["CommandError", "config_uri", "load_app", "load_context", "parse_globals"]

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


def config_uri(ini: str) -> str:
    """:returns: ``config:<absolute path>``.

    :raises CommandError: when the file does not exist.
    """
    path = Path(ini).expanduser().resolve()
    if not path.is_file():
        raise CommandError(f"config file not found: {ini}")
    return f"config:{path}"


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


def load_app(ini: str, name: str, global_conf: dict[str, str] | None = None) -> Any:
    """Load the app ``name`` from ``ini`` as ``paste.deploy.loadapp`` does.

    :raises CommandError: naming what is wrong (file, section, entry point, option).
    """
    uri = config_uri(ini)
    try:
        return loadapp(uri, name=name, global_conf=dict(global_conf or {}))
    except _LOAD_ERRORS as exc:
        raise CommandError(f"cannot load app {name!r} from {ini}: {_one_line(exc)}") from exc


def load_context(ini: str, name: str, global_conf: dict[str, str] | None = None) -> Any:
    """:returns: PasteDeploy's loader context for app ``name`` (not built).

    :raises CommandError: as ``load_app``.
    """
    uri = config_uri(ini)
    try:
        return loadcontext(APP, uri, name=name, global_conf=dict(global_conf or {}))
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
