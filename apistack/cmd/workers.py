"""apistack's gunicorn workers: gunicorn's ``sync`` and ``gthread`` with three changes.

- The errors gunicorn answers by itself (a bad request line or header, 414, 431, 501, a 500
  escaping the app) are apistack's JSON faults with an ``x-openstack-request-id``, not HTML.
- A worker dies with its master (Linux ``PR_SET_PDEATHSIG``): an orphaned worker would keep
  serving, and holding the port, after the master was killed.
- ``ThreadWorker`` gives a client ``apistack_client_timeout`` seconds to send its request line
  and headers, and as long again to send the body the head announced; then the connection is
  shut down. A thread is otherwise held as long as a client trickles bytes, and gunicorn's
  worker timeout never fires in a threaded worker (its main thread keeps reporting in), so a
  few slow clients could stop a worker for good. The body's clock stops once the body has
  been received; an application that answers without reading the body it was sent has until
  then too (apistack's and nova's ``Resource`` read it first).
- ``ThreadWorker`` closes a connection that a response ended on a thread of its own
  (``apistack.cmd.lingering``): gunicorn drains it for up to 2 s on its main loop, where a client
  that neither reads nor closes stopped the whole worker.

Named by ``apistack serve`` (``--worker-class gthread`` / ``sync``); importable by gunicorn.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import ssl
import time
from typing import Any

from gunicorn.http import errors  # type: ignore[import-untyped]
from gunicorn.workers.gthread import TConn  # type: ignore[import-untyped]
from gunicorn.workers.gthread import ThreadWorker as _GThreadWorker
from gunicorn.workers.sync import SyncWorker as _GSyncWorker  # type: ignore[import-untyped]

from apistack.cmd.launcher import die_with_parent
from apistack.cmd.lingering import LingeringCloser
from apistack.deploy import logging_request_id
from apistack.filters.request_id import generate_request_id
from apistack.resource.faults import default_message, fault_response

__all__ = [
    "SyncWorker",
    "ThreadWorker",
    "body_outstanding",
    "fault_bytes",
    "status_for_parse_error",
]

LOG = logging.getLogger("apistack.serve")

# gunicorn's parse errors that are not a plain 400, most specific first.
_STATUSES: tuple[tuple[type[BaseException], int], ...] = (
    (errors.InvalidResponseHeader, 500),
    (errors.InvalidResponseHeaderName, 500),
    (errors.LimitRequestLine, 414),
    (errors.LimitRequestHeaders, 431),
    (errors.UnsupportedTransferCoding, 501),
    (errors.ExpectationFailed, 417),
    (errors.ForbiddenProxyRequest, 403),
    (errors.ConfigurationProblem, 500),
    (errors.ParseException, 400),
    (ssl.SSLError, 400),
)


def status_for_parse_error(exc: BaseException) -> int:
    """:returns: the status for an error gunicorn met outside the app (500 if unknown)."""
    for cls, status in _STATUSES:
        if isinstance(exc, cls):
            return status
    return 500


def fault_bytes(status: int, message: str, request_id: str) -> bytes:
    """:returns: a whole HTTP/1.1 response: the JSON fault for ``status``, connection closed."""
    response = fault_response(status, message, {"x-openstack-request-id": request_id})
    lines = [f"HTTP/1.1 {response.status}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in response.headerlist]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + response.body


class _FaultingWorker:
    """What both workers share; mixed in before gunicorn's class."""

    ppid: int
    log: Any

    def init_process(self) -> None:
        """gunicorn's hook in the new worker: tie its life to the master's, then run."""
        die_with_parent(self.ppid)
        super().init_process()  # type: ignore[misc]

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        """Answer an error gunicorn met itself with a JSON fault (gunicorn's answer is HTML)."""
        status = status_for_parse_error(exc)
        request_id = generate_request_id()
        with logging_request_id(request_id):
            if status >= 500:
                uri = getattr(req, "uri", None) or "(no URI read)"
                LOG.error("error handling request %s", uri, exc_info=exc)
                message = default_message(status)
            else:
                LOG.warning("invalid request from %s: %s", addr[0] if addr else "-", exc)
                message = str(exc) or default_message(status)
            try:
                client.sendall(fault_bytes(status, message, request_id))
            except OSError:
                LOG.debug("the client left before its fault was sent")


def body_outstanding(body: Any) -> bool:
    """:returns: whether gunicorn's request ``body`` still has bytes to receive: its length
    reader has some left, or its chunked reader has not reached the last chunk."""
    reader = getattr(body, "reader", None)
    if reader is None:
        return False
    length = getattr(reader, "length", None)
    if isinstance(length, int):
        return length > 0
    return getattr(reader, "parser", None) is not None


_CLOSER = LingeringCloser()


class _Connection(TConn):  # type: ignore[misc]
    """gunicorn's connection, whose lingering close is left to ``_CLOSER``."""

    def close(self, graceful: bool = False) -> None:
        """Close now, or (``graceful``) half-close now and drain on the closer's thread."""
        if graceful:
            _CLOSER.close(self.sock)
        else:
            super().close()


class SyncWorker(_FaultingWorker, _GSyncWorker):  # type: ignore[misc]
    """gunicorn's ``sync`` worker with JSON faults and no orphans."""


class ThreadWorker(_FaultingWorker, _GThreadWorker):  # type: ignore[misc]
    """gunicorn's ``gthread`` worker with JSON faults, no orphans, and a request-head deadline."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.client_timeout = float(getattr(self.cfg, "apistack_client_timeout", 30) or 0)
        # Connections still receiving a request: id -> (deadline, connection, the request's
        # gunicorn Body once its head is read, else None). No lock: each thread adds and pops
        # its own entry, and CPython's dict item assignment, pop and values() copy are each
        # atomic, which is all murder_pending needs (three lock round trips per request were
        # measurable in a busy worker).
        self._reading: dict[int, tuple[float, Any, Any]] = {}

    def enqueue_req(self, conn: Any) -> None:
        """Hand ``conn`` to a thread, as gunicorn does, once it closes as ``_Connection``."""
        if type(conn) is TConn:
            # gunicorn makes the connection in accept(); its class is swapped rather than
            # accept() copied (both classes have the same attributes).
            conn.__class__ = _Connection
        super().enqueue_req(conn)

    def handle(self, conn: Any) -> Any:
        """Read and serve one request of ``conn``, under the head deadline."""
        if self.client_timeout > 0:
            self._reading[id(conn)] = (time.monotonic() + self.client_timeout, conn, None)
        try:
            return super().handle(conn)
        finally:
            self._reading.pop(id(conn), None)

    def handle_request(self, req: Any, conn: Any) -> Any:
        """The head is read: a new deadline for the body it announced, if any."""
        body = getattr(req, "body", None)
        if self.client_timeout > 0 and body_outstanding(body):
            self._reading[id(conn)] = (time.monotonic() + self.client_timeout, conn, body)
        else:
            self._reading.pop(id(conn), None)
        return super().handle_request(req, conn)

    def murder_pending(self) -> None:
        """Run about once a second by the main loop: also cut off slow request heads and
        bodies."""
        super().murder_pending()
        now = time.monotonic()
        late = [
            (conn, body)
            for deadline, conn, body in list(self._reading.values())
            if deadline <= now and (body is None or body_outstanding(body))
        ]
        for conn, _body in late:
            self._reading.pop(id(conn), None)
        for conn, body in late:
            LOG.warning("closing a connection from %s: no complete request %s within %g s",
                        conn.client[0] if conn.client else "-",
                        "head" if body is None else "body", self.client_timeout)  # fmt: skip
            # The raw socket's shutdown (not SSLSocket's, which would drop its state under the
            # reading thread): the blocked recv returns, and gunicorn closes quietly.
            with contextlib.suppress(OSError):
                socket.socket.shutdown(conn.sock, socket.SHUT_RDWR)
