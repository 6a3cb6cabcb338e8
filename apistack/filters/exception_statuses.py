"""The exception-to-status table faultwrap applies to exceptions that declare no ``code``.

An explicit table, not special cases: ``exception_status_table`` resolves the configured entries
(classes, import paths, or paste's ``module:Class=503`` strings) when the filter is built;
``mapped_status`` looks an exception up by the most specific class in its MRO.

An import path whose module is not imported yet is not imported for the table: its package is
checked to exist, and the class is looked up once its module has been imported by whoever
raises it (an exception of a class can only exist after its module ran). So the default
keystoneauth1 entry costs the noauth2 pipeline nothing, while the keystone pipeline, where
keystonemiddleware imports keystoneauth1, maps its errors as before.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import sys
from collections.abc import Iterable, Mapping
from typing import Any, TypeAlias

__all__ = [
    "DEFAULT_EXCEPTION_STATUSES",
    "ExceptionStatusTable",
    "ExceptionStatuses",
    "exception_status_table",
    "mapped_status",
]

LOG = logging.getLogger(__name__)

#: keystoneauth1's ``ConnectionError`` is the base of ``ConnectFailure``, ``ConnectTimeout``,
#: ``SSLError`` and ``UnknownConnectionError``: the identity service cannot be reached.
DEFAULT_EXCEPTION_STATUSES = ("keystoneauth1.exceptions.connection:ConnectionError=503",)

#: A table as the constructor takes it: a mapping, or paste's ``module:Class=503`` strings.
ExceptionStatuses: TypeAlias = "Mapping[str | type[BaseException], int] | Iterable[str]"


class ExceptionStatusTable(dict[type[BaseException], int]):
    """Exception classes to statuses, plus entries waiting for their module to be imported.

    :ivar pending: ``"module:Class"`` to ``(module, status)`` for entries whose module was not
        imported when the table was built.
    """

    def __init__(self) -> None:
        super().__init__()
        self.pending: dict[str, tuple[str, int]] = {}

    def resolve_loaded(self) -> None:
        """Move the pending entries whose module has been imported since into the table (one
        that names no exception class is dropped with a warning: this runs while an error is
        being answered)."""
        for key, (module_name, status) in list(self.pending.items()):
            if module_name in sys.modules:
                self.pending.pop(key, None)
                try:
                    self[_exception_class(key)] = status
                except ValueError as exc:
                    LOG.warning("exception_statuses entry dropped: %s", exc)


def _split_path(key: str) -> tuple[str, str]:
    module_name, _, attr = key.rpartition(":") if ":" in key else key.rpartition(".")
    return module_name, attr


def _exception_class(key: object) -> type[BaseException]:
    found = key
    if isinstance(key, str):
        module_name, attr = _split_path(key)
        try:
            found = getattr(importlib.import_module(module_name), attr)
        except (ImportError, AttributeError, ValueError):
            raise ValueError(f"cannot import exception class {key!r}") from None
    if not (isinstance(found, type) and issubclass(found, BaseException)):
        raise ValueError(f"{key!r} is not an exception class")
    return found


def _add(table: ExceptionStatusTable, key: object, code: int) -> None:
    """Add one entry; an import path whose module is not imported yet waits (see module doc)."""
    if isinstance(key, str):
        module_name, attr = _split_path(key)
        if module_name and attr and module_name not in sys.modules:
            package = module_name.partition(".")[0]
            try:
                exists = importlib.util.find_spec(package) is not None
            except (ImportError, ValueError):
                exists = False
            if not exists:
                raise ValueError(f"cannot import exception class {key!r}")
            table.pending[key] = (module_name, code)
            return
    table[_exception_class(key)] = code


def exception_status_table(spec: ExceptionStatuses) -> ExceptionStatusTable:
    """Resolve an exception-to-status table.

    :param spec: a mapping of exception classes (or ``module:Class`` / ``module.Class`` paths)
        to statuses, or paste's form, strings ``module:Class=503``.
    :returns: the table keyed by class (entries of modules not imported yet wait in
        ``pending``).
    :raises ValueError: for an entry that does not import (for a module not imported yet: whose
        top-level package is not installed), is not an exception class, or whose status is not
        an integer from 400 to 599.
    """
    if isinstance(spec, ExceptionStatusTable):
        return spec  # already resolved, waiting entries included
    if isinstance(spec, Mapping):
        pairs: list[tuple[Any, Any]] = list(spec.items())
    else:
        entries = spec.split() if isinstance(spec, str) else spec
        pairs = [entry.rpartition("=")[::2] for entry in entries]
    table = ExceptionStatusTable()
    for key, status in pairs:
        try:
            code = int(status)
        except ValueError:
            raise ValueError(f"{key!r}: status {status!r} is not an integer") from None
        if not 400 <= code <= 599:
            raise ValueError(f"{key!r}: status {code} is not from 400 to 599")
        _add(table, key, code)
    return table


def mapped_status(
    exc: BaseException, statuses: Mapping[type[BaseException], int] | None
) -> int | None:
    """:returns: the status ``statuses`` gives the most specific class of ``exc``, or None
    (also when ``exc`` declares its own integer ``code``, which always wins)."""
    if isinstance(statuses, ExceptionStatusTable) and statuses.pending:
        statuses.resolve_loaded()
    if not statuses or isinstance(getattr(exc, "code", None), int):
        return None
    for cls in type(exc).__mro__:
        if cls in statuses:
            return statuses[cls]
    return None
