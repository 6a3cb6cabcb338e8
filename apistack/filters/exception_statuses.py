"""The exception-to-status table faultwrap applies to exceptions that declare no ``code``.

An explicit table, not special cases: ``exception_status_table`` resolves the configured entries
(classes, import paths, or paste's ``module:Class=503`` strings) once, when the filter is built;
``mapped_status`` looks an exception up by the most specific class in its MRO.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from typing import Any, TypeAlias

__all__ = [
    "DEFAULT_EXCEPTION_STATUSES",
    "ExceptionStatuses",
    "exception_status_table",
    "mapped_status",
]

#: keystoneauth1's ``ConnectionError`` is the base of ``ConnectFailure``, ``ConnectTimeout``,
#: ``SSLError`` and ``UnknownConnectionError``: the identity service cannot be reached.
DEFAULT_EXCEPTION_STATUSES = ("keystoneauth1.exceptions.connection:ConnectionError=503",)

#: A table as the constructor takes it: a mapping, or paste's ``module:Class=503`` strings.
ExceptionStatuses: TypeAlias = "Mapping[str | type[BaseException], int] | Iterable[str]"


def _exception_class(key: object) -> type[BaseException]:
    found = key
    if isinstance(key, str):
        module_name, _, attr = key.rpartition(":") if ":" in key else key.rpartition(".")
        try:
            found = getattr(importlib.import_module(module_name), attr)
        except (ImportError, AttributeError, ValueError):
            raise ValueError(f"cannot import exception class {key!r}") from None
    if not (isinstance(found, type) and issubclass(found, BaseException)):
        raise ValueError(f"{key!r} is not an exception class")
    return found


def exception_status_table(spec: ExceptionStatuses) -> dict[type[BaseException], int]:
    """Resolve an exception-to-status table.

    :param spec: a mapping of exception classes (or ``module:Class`` / ``module.Class`` paths)
        to statuses, or paste's form, strings ``module:Class=503``.
    :returns: the table keyed by class.
    :raises ValueError: for an entry that does not import, is not an exception class, or whose
        status is not an integer from 400 to 599.
    """
    if isinstance(spec, Mapping):
        pairs: list[tuple[Any, Any]] = list(spec.items())
    else:
        entries = spec.split() if isinstance(spec, str) else spec
        pairs = [entry.rpartition("=")[::2] for entry in entries]
    table: dict[type[BaseException], int] = {}
    for key, status in pairs:
        try:
            code = int(status)
        except ValueError:
            raise ValueError(f"{key!r}: status {status!r} is not an integer") from None
        if not 400 <= code <= 599:
            raise ValueError(f"{key!r}: status {code} is not from 400 to 599")
        table[_exception_class(key)] = code
    return table


def mapped_status(
    exc: BaseException, statuses: Mapping[type[BaseException], int] | None
) -> int | None:
    """:returns: the status ``statuses`` gives the most specific class of ``exc``, or None
    (also when ``exc`` declares its own integer ``code``, which always wins)."""
    if not statuses or isinstance(getattr(exc, "code", None), int):
        return None
    for cls in type(exc).__mro__:
        if cls in statuses:
            return statuses[cls]
    return None
