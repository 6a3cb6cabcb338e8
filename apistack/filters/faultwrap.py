"""``faultwrap``: the outermost catch-all, turning any escaped exception into a JSON fault.

As nova's ``FaultWrapper``: the status is the exception's ``code`` (500 when it has none), the
message is WebOb's generic text for that status unless the exception is marked ``safe`` (then
``"<Class>: <message>"``), and the exception's ``headers`` are copied. A WebOb HTTP error (such
as a 413 raised while an inner app reads a too-large body) keeps its own status and text. The
fault carries the microversion headers when a version was negotiated, and an unexpected error
is logged once, with its traceback and the request id.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import webob.exc

from apistack.filters.base import Filter, request_uri
from apistack.filters.request_id import REQUEST_ID_KEY
from apistack.resource.faults import Fault, fault_for_exception

if TYPE_CHECKING:
    from _typeshed import OptExcInfo
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

__all__ = ["FaultWrap", "fault_for_escaped_exception"]

LOG = logging.getLogger(__name__)


def fault_for_escaped_exception(exc: Exception) -> Fault:
    """:returns: the fault nova's ``FaultWrapper`` would answer for ``exc``."""
    fault = fault_for_exception(exc)
    if isinstance(exc, (Fault, webob.exc.HTTPException)) or not getattr(exc, "safe", False):
        return fault
    return Fault(fault.code, f"{type(exc).__name__}: {fault.message}", fault.headers)


class FaultWrap(Filter):
    """Catches every exception the wrapped app raises and answers a JSON fault.

    :param application: the wrapped WSGI application.
    """

    name = "faultwrap"

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = False

        def track_start(
            status: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None
        ) -> Callable[[bytes], object]:
            nonlocal started
            started = True
            return start_response(status, headers, exc_info)

        try:
            return self.application(environ, track_start)
        except Exception as exc:
            fault = fault_for_escaped_exception(exc)
            self._log(environ, exc, fault.code)
            if started:
                # PEP 3333: replacing headers already given needs the exc_info.
                error = sys.exc_info()
                return fault.response_for(environ)(
                    environ, lambda s, h, e=None: start_response(s, h, error)
                )
            return fault.response_for(environ)(environ, start_response)

    @staticmethod
    def _log(environ: WSGIEnvironment, exc: Exception, code: int) -> None:
        where = f"{environ.get('REQUEST_METHOD', '-')} {request_uri(environ)}"
        request_id = environ.get(REQUEST_ID_KEY, "-")
        if isinstance(exc, webob.exc.HTTPException):
            LOG.info("%s returned with HTTP %s (request %s)", where, code, request_id)
            return
        LOG.error(
            "Caught error in %s, returned HTTP %s (request %s): %s",
            where,
            code,
            request_id,
            exc,
            exc_info=exc,
        )
