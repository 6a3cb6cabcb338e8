"""Loading a paste app: finding the ini, checking the globals, one-line errors.

Used by the ``apistack`` command and by the WSGI entry module (``apistack.wsgi``), so both
report the same mistakes the same way: every failure is a ``LoadError`` whose message is one
line naming the file, the section or the global at fault.

As nova's ``wsgi.Loader``, a relative ini name that is not found from the current directory is
searched in the standard config directories (``~/.<project>``, ``~``, ``/etc/<project>``,
``/etc``), and an app name the file lacks is reported with the names it does have.

Globals given by the caller (``--global KEY=VALUE``, ``APISTACK_PASTE_GLOBALS``) override the
ini's ``[DEFAULT]`` values (``paste.deploy.loadapp`` lets the file win), so
``auth_strategy=keystone`` switches a file that sets ``noauth2``; interpolations such as
``%(key)s`` see the override. A global that no section reads is refused: a misspelt
``auth_stratgy`` would otherwise silently leave the file's strategy in force.
"""

from __future__ import annotations

import configparser
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from paste.deploy.loadwsgi import APP, ConfigLoader

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

__all__ = [
    "FACTORY_GLOBALS",
    "ConfigNotFound",
    "LoadError",
    "Loader",
    "PasteAppNotFound",
    "config_dirs",
    "find_config",
    "load_app",
    "load_context",
    "parse_globals",
    "resolve",
]

#: Globals apistack's own factories read from paste's ``global_conf`` (not through ``%()s``).
FACTORY_GLOBALS = frozenset({"auth_strategy", "not_found_app", "link_prefix", "state_dir"})

# The section kinds ``loadapp`` can build an app from.
_APP_PREFIXES = ("app:", "application:", "composite:", "composit:", "pipeline:")

# What a bad ini, a missing section or entry point, or a factory's bad option raise inside
# PasteDeploy: shown as one line, never as a traceback.
_LOAD_ERRORS = (
    OSError,
    configparser.Error,
    LookupError,
    ImportError,
    ValueError,
    TypeError,
    AttributeError,
)


class LoadError(Exception):
    """A deployment mistake, reported in one line (the CLI exits with status 2)."""


class ConfigNotFound(LoadError):
    """The paste ini is not where it was said to be, nor in the config directories."""


class PasteAppNotFound(LoadError):
    """The paste ini has no app of the requested name."""


def parse_globals(pairs: Iterable[str]) -> dict[str, str]:
    """:returns: ``{key: value}`` from ``KEY=VALUE`` strings.

    :raises LoadError: for an item without ``=`` or with an empty key.
    """
    result: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise LoadError(f"a global is KEY=VALUE, not {pair!r}")
        result[key.strip()] = value
    return result


def config_dirs(project: str = "apistack") -> list[Path]:
    """:returns: where a relative ini name is searched, in order (oslo.config's list)."""
    home = Path("~").expanduser()
    return [home / f".{project}", home, Path("/etc") / project, Path("/etc")]


def find_config(name: str, search_dirs: Sequence[Path] | None = None) -> Path:
    """:returns: the absolute path of the ini ``name``.

    :param name: an absolute path, or a name relative to the current directory or to one of
        ``search_dirs`` (default ``config_dirs()``).
    :raises ConfigNotFound: naming the places looked at.
    """
    path = Path(name).expanduser()
    if path.is_file():
        return path.resolve()
    if path.is_absolute():
        raise ConfigNotFound(f"config file not found: {name}")
    dirs = list(config_dirs() if search_dirs is None else search_dirs)
    for directory in dirs:
        if (directory / path).is_file():
            return (directory / path).resolve()
    searched = ", ".join(str(d) for d in [Path.cwd(), *dirs])
    raise ConfigNotFound(f"config file not found: {name} (searched {searched})")


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


class Loader:
    """Loads apps by name from one paste ini, as nova's ``wsgi.Loader``.

    :param config_path: the ini (see ``find_config``).
    :param global_conf: globals overriding the ini's ``[DEFAULT]``.
    :param search_dirs: where a relative ``config_path`` is searched.
    :raises ConfigNotFound: when the ini is missing.
    :raises LoadError: when it is not an ini file, or a global is read by no section.
    """

    def __init__(
        self,
        config_path: str,
        global_conf: Mapping[str, str] | None = None,
        search_dirs: Sequence[Path] | None = None,
    ) -> None:
        self.config_path = find_config(config_path, search_dirs)
        self.global_conf = dict(global_conf or {})
        try:
            self._loader = ConfigLoader(str(self.config_path))
        except configparser.Error as exc:
            raise LoadError(f"cannot read {self.config_path}: {_one_line(exc)}") from exc
        self._check_globals()
        self._loader.update_defaults(dict(self.global_conf), overwrite=True)

    @property
    def parser(self) -> configparser.RawConfigParser:
        """The ini as PasteDeploy parsed it."""
        parser: configparser.RawConfigParser = self._loader.parser
        return parser

    def app_names(self) -> list[str]:
        """:returns: the names ``load_app`` accepts: the file's app, composite and pipeline
        sections, in file order."""
        return [
            section.partition(":")[2]
            for section in self.parser.sections()
            if section.startswith(_APP_PREFIXES)
        ]

    def _check_globals(self) -> None:
        read: set[str] = set(FACTORY_GLOBALS) | set(self.parser.defaults())
        for section in self.parser.sections():
            for _key, value in self.parser.items(section, raw=True):
                read.update(re.findall(r"%\(([^)]+)\)s", value))
        unread = sorted(key for key in self.global_conf if key.lower() not in read)
        if unread:
            known = ", ".join(sorted(read - {"here", "__file__"}))
            raise LoadError(
                f"no section of {self.config_path} reads the global {unread[0]!r}"
                f" (globals it reads: {known})"
            )

    def _require(self, name: str) -> None:
        names = self.app_names()
        if name not in names:
            raise PasteAppNotFound(
                f"no app {name!r} in {self.config_path} (apps: {', '.join(names) or 'none'})"
            )

    def load_context(self, name: str) -> Any:
        """:returns: PasteDeploy's loader context for app ``name`` (nothing is built).

        :raises PasteAppNotFound: when the file has no such app.
        :raises LoadError: naming what else is wrong.
        """
        self._require(name)
        try:
            return self._loader.get_context(APP, name, dict(self.global_conf))
        except _LOAD_ERRORS as exc:
            raise LoadError(
                f"cannot read app {name!r} from {self.config_path}: {_one_line(exc)}"
            ) from exc

    def load_app(self, name: str) -> WSGIApplication:
        """:returns: the WSGI app ``name``, built as ``paste.deploy.loadapp`` would.

        :raises PasteAppNotFound: when the file has no such app.
        :raises LoadError: naming the file, section, entry point, option or missing file.
        """
        context = self.load_context(name)
        try:
            app: WSGIApplication = context.create()
        except Exception as exc:  # a factory may raise anything; the deployer needs one line
            detail = self._missing_file(context.global_conf, exc) or _one_line(exc)
            raise LoadError(f"cannot load app {name!r} from {self.config_path}: {detail}") from exc
        return app

    @staticmethod
    def _missing_file(global_conf: Mapping[str, Any], exc: BaseException) -> str | None:
        # A usual cause of a factory's failure: a global naming a file that is not there
        # (keystonemiddleware's oslo_config_file says so in a 40-line traceback). Blamed only
        # when the error names that file, since an unused global may name a missing one too.
        said = f"{exc} {exc.__cause__ or ''} {exc.__context__ or ''}"
        for key, value in sorted(global_conf.items()):
            path = str(value)
            if key.endswith("_file") and path and path in said and not Path(path).exists():
                return f"the file named by the global {key!r} does not exist: {path}"
        return None


def load_app(ini: str, name: str, global_conf: Mapping[str, str] | None = None) -> WSGIApplication:
    """Load the app ``name`` from ``ini`` (see ``Loader``).

    :raises LoadError: naming what is wrong.
    """
    return Loader(ini, global_conf).load_app(name)


def load_context(ini: str, name: str, global_conf: Mapping[str, str] | None = None) -> Any:
    """:returns: PasteDeploy's loader context for app ``name`` of ``ini`` (not built).

    :raises LoadError: as ``load_app``.
    """
    return Loader(ini, global_conf).load_context(name)


def resolve(context: Any, name: str, object_type: Any = APP) -> Any:
    """:returns: the context of section ``name`` next to ``context``.

    :raises LoadError: when it cannot be found.
    """
    try:
        return context.loader.get_context(object_type, name, global_conf=context.global_conf)
    except _LOAD_ERRORS as exc:
        raise LoadError(f"cannot read {name!r}: {_one_line(exc)}") from exc
