"""Lingering closes off the gthread worker's main loop.

After a response that ends its connection, gunicorn closes the socket as RFC 9112 (section 9.6)
asks: it half-closes (FIN), then reads and discards what the client still sends until the client
closes too, for at most 2 s or 64 KiB, so that unread bytes do not make the kernel answer with a
reset that could cut the response short. gunicorn 27's gthread worker does that waiting on its
main thread, the one that accepts connections and hands kept-alive ones to the threads: a client
that sends ``Connection: close`` and then neither reads nor closes stops the whole worker for
2 s, and five such connections held it for 9.8 s in a measurement (probe latency 0.01 s before).

``LingeringCloser`` does the same close with one selector on a thread of its own, for every
socket at once, so the main loop only half-closes and hands the socket over.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import socket
import threading
import time

from apistack.process import process_id

__all__ = ["DRAIN_LIMIT", "LINGER_SECONDS", "LingeringCloser"]

#: how long a half-closed connection is drained at most (gunicorn's ``close_graceful``).
LINGER_SECONDS = 2.0
#: how many bytes are drained from it at most (the same).
DRAIN_LIMIT = 65536


class LingeringCloser:
    """Half-closes sockets, drains them until the peer closes (or the limits), then closes
    them: on a daemon thread started in the process that first uses it.

    :param seconds: the longest a socket is drained.
    :param limit: the most bytes drained from one socket.
    """

    def __init__(self, seconds: float = LINGER_SECONDS, limit: int = DRAIN_LIMIT) -> None:
        self.seconds, self.limit = seconds, limit
        self._lock = threading.Lock()
        self._handed: list[socket.socket] = []
        self._pid = 0
        self._wake_fd = -1

    def close(self, sock: socket.socket) -> None:
        """Half-close ``sock`` now and close it once drained; never blocks."""
        try:
            sock.shutdown(socket.SHUT_WR)
            sock.setblocking(False)
        except OSError:  # the peer is gone already: nothing to drain
            _close(sock)
            return
        with self._lock:
            if self._pid != process_id():  # first use in this process (a worker is forked)
                self._start()
            self._handed.append(sock)
            wake = self._wake_fd
        with contextlib.suppress(OSError):  # a full pipe already wakes the thread
            os.write(wake, b"\0")

    def _start(self) -> None:
        read_fd, write_fd = os.pipe()
        os.set_blocking(read_fd, False)
        os.set_blocking(write_fd, False)
        self._pid, self._wake_fd, self._handed = process_id(), write_fd, []
        name = "apistack-lingering-close"
        threading.Thread(target=self._run, args=(read_fd,), name=name, daemon=True).start()

    def _run(self, wake: int) -> None:
        selector = selectors.DefaultSelector()
        selector.register(wake, selectors.EVENT_READ)
        draining: dict[socket.socket, list[float]] = {}  # socket -> [deadline, bytes drained]
        while True:
            now = time.monotonic()
            timeout = max(0.0, min(d for d, _ in draining.values()) - now) if draining else None
            for key, _events in selector.select(timeout):
                if key.fileobj == wake:
                    with contextlib.suppress(OSError):
                        os.read(wake, 4096)
                    self._take(selector, draining)
                else:
                    self._drain(selector, draining, key.fileobj)  # type: ignore[arg-type]
            now = time.monotonic()
            for sock in [s for s, (deadline, _) in draining.items() if deadline <= now]:
                self._finish(selector, draining, sock)

    def _take(
        self, selector: selectors.BaseSelector, draining: dict[socket.socket, list[float]]
    ) -> None:
        with self._lock:
            handed, self._handed = self._handed, []
        deadline = time.monotonic() + self.seconds
        for sock in handed:
            try:
                selector.register(sock, selectors.EVENT_READ)
            except (OSError, ValueError):  # closed meanwhile
                _close(sock)
                continue
            draining[sock] = [deadline, 0]

    def _drain(
        self,
        selector: selectors.BaseSelector,
        draining: dict[socket.socket, list[float]],
        sock: socket.socket,
    ) -> None:
        while True:
            try:
                data = sock.recv(4096)
            except (BlockingIOError, InterruptedError):
                return  # drained for now
            except OSError:
                data = b""
            if not data:  # the peer closed (or broke the connection): done
                break
            draining[sock][1] += len(data)
            if draining[sock][1] >= self.limit:
                break
        self._finish(selector, draining, sock)

    @staticmethod
    def _finish(
        selector: selectors.BaseSelector,
        draining: dict[socket.socket, list[float]],
        sock: socket.socket,
    ) -> None:
        with contextlib.suppress(KeyError, ValueError):
            selector.unregister(sock)
        draining.pop(sock, None)
        _close(sock)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.close()
