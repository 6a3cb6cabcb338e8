"""The one table from exceptions to HTTP statuses, and how an answered error is logged.

Every layer that answers or reports an exception asks the same ``ErrorTable``: ``faultwrap``
(escaped exceptions), ``request_log`` (the status it logs), ``Resource`` and the versions app.
The decision, in order:

1. a WebOb HTTP error (a ``Fault`` included) keeps its status;
2. an exception declaring an integer ``code`` from 400 to 599 gets it;
3. the table: the status of the most specific class in the exception's MRO (as falcon's
   ``add_error_handler``); by default keystoneauth1's connection errors are 503 and an escaped
   ``UnicodeDecodeError`` (undecodable input) a 400;
4. anything else is a 500: a bug, logged with its traceback.

``faultwrap`` is where a deployment configures the table (``exception_statuses``); it puts its
table on the environ, so the layers inside it answer and log with the same one.

Entries may name classes by import path. A path whose module is not imported yet is resolved
when that module appears in ``sys.modules``: an exception of a class cannot exist before its
module is imported, so the default table does not import keystoneauth1 for stacks that never
load it.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import sys
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeAlias

import webob.exc

from apistack.environ import ERROR_TABLE_KEY, REQUEST_ID_KEY, request_uri
from apistack.faults import Fault, declared_status, fault_for_exception

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

__all__ = [
    "DEFAULT_ERROR_TABLE",
    "DEFAULT_EXCEPTION_STATUSES",
    "ErrorTable",
    "ExceptionStatuses",
    "error_table",
    "exception_status_table",
    "mapped_status",
    "status_for_exception",
]

#: keystoneauth1's ``ConnectionError`` is the base of ``ConnectFailure``, ``ConnectTimeout``,
#: ``SSLError`` and ``UnknownConnectionError``: the identity service cannot be reached.
#: A ``UnicodeDecodeError`` that escapes is a URL or body that is not UTF-8 (nova's and cinder's
#: own Resource decode both), the client's mistake: a 400, as cinder's faultwrap answers it.
DEFAULT_EXCEPTION_STATUSES = (
    "keystoneauth1.exceptions.connection:ConnectionError=503",
    "builtins:UnicodeDecodeError=400",
)

#: A table as the constructor takes it: a mapping, or paste's ``module:Class=503`` strings.
ExceptionStatuses: TypeAlias = "Mapping[Any, int] | Iterable[str]"


def _split_path(path: str) -> tuple[str, str]:
    module_name, _, attr = path.rpartition(":") if ":" in path else path.rpartition(".")
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


def _pairs(spec: ExceptionStatuses) -> list[tuple[Any, int]]:
    if isinstance(spec, Mapping):
        raw: list[tuple[Any, Any]] = list(spec.items())
    else:
        entries = spec.split() if isinstance(spec, str) else spec
        raw = [entry.rpartition("=")[::2] for entry in entries]
    pairs = []
    for key, status in raw:
        try:
            code = int(status)
        except ValueError:
            raise ValueError(f"{key!r}: status {status!r} is not an integer") from None
        if not 400 <= code <= 599:
            raise ValueError(f"{key!r}: status {code} is not from 400 to 599")
        pairs.append((key, code))
    return pairs


def _deferrable(key: object) -> bool:
    """A path whose module is not imported yet, in a package that is installed."""
    if not isinstance(key, str):
        return False
    module_name, _ = _split_path(key)
    if not module_name or module_name in sys.modules:
        return False
    try:
        return importlib.util.find_spec(module_name.partition(".")[0]) is not None
    except (ImportError, ValueError):
        return False


def exception_status_table(spec: ExceptionStatuses) -> dict[type[BaseException], int]:
    """Resolve an exception-to-status table now, importing every path it names.

    :param spec: a mapping of exception classes (or ``module:Class`` / ``module.Class`` paths)
        to statuses, or paste's form, strings ``module:Class=503``.
    :returns: the table keyed by class.
    :raises ValueError: for an entry that does not import, is not an exception class, or whose
        status is not an integer from 400 to 599.
    """
    return {_exception_class(key): code for key, code in _pairs(spec)}


class ErrorTable:
    """Exception classes to HTTP statuses, looked up along the exception's MRO.

    :param statuses: the entries (see :func:`exception_status_table`);
        :data:`DEFAULT_EXCEPTION_STATUSES` by default.
    :raises ValueError: for an entry that cannot be resolved (a path into a package that is
        installed but not imported yet is checked when its module is imported).
    """

    def __init__(self, statuses: ExceptionStatuses = DEFAULT_EXCEPTION_STATUSES) -> None:
        self.classes: dict[type[BaseException], int] = {}
        self._deferred: dict[str, int] = {}
        for key, code in _pairs(statuses):
            if _deferrable(key):
                self._deferred[key] = code
            else:
                self.classes[_exception_class(key)] = code

    def _resolve_deferred(self) -> None:
        # The class goes into the table before its path leaves the deferred ones, so a
        # thread of a threaded worker never sees it in neither (it may resolve it twice).
        for path in [p for p in self._deferred if _split_path(p)[0] in sys.modules]:
            code = self._deferred.get(path)
            if code is None:
                continue
            try:
                self.classes[_exception_class(path)] = code
            except ValueError:
                logging.getLogger(__name__).warning("error table: %s is not an exception", path)
            self._deferred.pop(path, None)

    def mapped(self, exc: BaseException) -> int | None:
        """:returns: the status the table gives the most specific class of ``exc``, or None
        (also when ``exc`` declares its own integer ``code``, which always wins)."""
        if self._deferred:
            self._resolve_deferred()
        return _lookup(exc, self.classes)

    def status(self, exc: BaseException) -> int:
        """:returns: the HTTP status answered for ``exc`` (see the module docstring)."""
        if isinstance(exc, webob.exc.HTTPException):
            return fault_for_exception(exc).code
        return declared_status(exc) or self.mapped(exc) or 500

    def fault(self, exc: BaseException) -> Fault:
        """:returns: the ``Fault`` answered for ``exc``; it leaks nothing ``exc`` does not
        mark ``safe``."""
        return fault_for_exception(exc, self.mapped(exc))

    def answer(
        self, logger: logging.Logger, environ: WSGIEnvironment, exc: BaseException
    ) -> Fault:
        """:returns: the ``Fault`` answered for ``exc``, logged (see :meth:`log`) when it is
        a 5xx, so a server error is never answered silently."""
        fault = self.fault(exc)
        if fault.code >= 500:
            self.log(logger, environ, exc)
        return fault

    def log(self, logger: logging.Logger, environ: WSGIEnvironment, exc: BaseException) -> int:
        """Log ``exc`` once, as answered for the request in ``environ``.

        A client error is an INFO line, an HTTP 5xx or a mapped exception a WARNING, and
        anything else (a bug) an ERROR with its traceback; each names the request id.

        :returns: the status answered.
        """
        code = self.status(exc)
        where = f"{environ.get('REQUEST_METHOD', '-')} {request_uri(environ)}"
        request_id = environ.get(REQUEST_ID_KEY, "-")
        if code < 500 or isinstance(exc, webob.exc.HTTPException):
            level = logging.INFO if code < 500 else logging.WARNING
            logger.log(level, "%s returned with HTTP %s (request %s)", where, code, request_id)
        elif self.mapped(exc) is not None:
            name = type(exc).__name__
            msg = "%s returned HTTP %s for %s (request %s): %s"
            logger.warning(msg, where, code, name, request_id, exc)
        else:
            msg = "Caught error in %s, returned HTTP %s (request %s): %s"
            logger.error(msg, where, code, request_id, exc, exc_info=exc)
        return code


#: the table used where no ``faultwrap`` put one on the environ.
DEFAULT_ERROR_TABLE = ErrorTable()


def error_table(environ: WSGIEnvironment) -> ErrorTable:
    """:returns: the table of the ``faultwrap`` around this request, else the default."""
    table = environ.get(ERROR_TABLE_KEY)
    return table if isinstance(table, ErrorTable) else DEFAULT_ERROR_TABLE


def status_for_exception(exc: BaseException, table: ErrorTable | None = None) -> int:
    """:returns: the HTTP status ``table`` (the default table when None) answers for ``exc``."""
    return (table or DEFAULT_ERROR_TABLE).status(exc)


def mapped_status(
    exc: BaseException, statuses: Mapping[type[BaseException], int] | ErrorTable | None
) -> int | None:
    """:returns: the status ``statuses`` gives the most specific class of ``exc``, or None
    (also when ``exc`` declares its own integer ``code``, which always wins)."""
    if isinstance(statuses, ErrorTable):
        return statuses.mapped(exc)
    return _lookup(exc, statuses or {})


def _lookup(exc: BaseException, classes: Mapping[type[BaseException], int]) -> int | None:
    if not classes or isinstance(getattr(exc, "code", None), int):
        return None
    for cls in type(exc).__mro__:
        if cls in classes:
            return classes[cls]
    return None
