"""The SQLite connections of the example's store: one per thread and process, each with the
database's WAL-index header that its reads are keyed by.

Each connection is in WAL mode (readers never wait for the writer, so several workers read while
one writes) with ``synchronous=NORMAL`` (a commit needs no fsync, only checkpoints do: a power
loss may drop the last commits but never corrupts the file, and a process crash loses nothing
committed) and a busy timeout.

Fork rule (SQLite's own): no connection may be open in a process when it forks, or the child's
locks are miscounted and a WAL can be deleted under another writer. Connections open lazily on
first use and belong to the process that opened them: a child never uses, closes or reads
through what its parent opened (a connection or a header), it opens its own. ``close()``
releases a thread's connection for anyone else who must fork.

The header (``wal_index.WalIndexHeader``) is found right after the connection has opened the
database, in SQLite's own mapping of the ``-shm`` file, which the open connection keeps mapped;
it is dropped before the connection closes. ``on_open`` runs each time a connection and its
header are made: the store drops there what it keyed by an earlier ``-shm`` file's headers.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from apistack.examples.compute.wal_index import WalIndexHeader
from apistack.process import process_id

__all__ = ["BUSY_TIMEOUT_MS", "Link", "ThreadConnections"]

BUSY_TIMEOUT_MS = 10_000
_PRAGMAS = (
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
    "PRAGMA synchronous = NORMAL",
)
_RETRY_SECONDS = 0.005  # between attempts to switch to WAL while another connection writes
# Connections a forked child inherited and must never close (see Link.close).
_INHERITED: list[sqlite3.Connection] = []


def _journal_mode_wal(conn: sqlite3.Connection) -> Any:
    """Ask for WAL mode, waiting up to the busy timeout while another connection writes.

    Switching a new database to WAL takes an exclusive lock, and SQLite answers "database is
    locked" at once, without its busy handler, when another connection holds the write lock
    (it could otherwise deadlock): two workers starting together on a new database, one
    creating the tables, failed to boot that way. Once one switch is done the mode is kept in
    the file, and later connections find it without a lock.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            return conn.execute("PRAGMA journal_mode = WAL").fetchone()
        except sqlite3.OperationalError as exc:
            if "database is locked" not in str(exc) or time.monotonic() >= deadline:
                raise
        time.sleep(_RETRY_SECONDS)


class Link:
    """One thread's connection, the process that opened it, and its WAL-index header (None
    when the database is not in WAL mode or SQLite's mapping of the ``-shm`` file is not
    found)."""

    __slots__ = ("conn", "header", "pid")

    def __init__(self, conn: sqlite3.Connection, header: WalIndexHeader | None) -> None:
        self.conn = conn
        self.header = header
        self.pid = process_id()

    def committed(self) -> bytes | None:
        """:returns: the database's committed-state header now, or None when unknown."""
        header = self.header
        return header.read() if header is not None else None

    def close(self) -> None:
        """Drop the header (first: SQLite may unmap it when the connection closes); close the
        connection if this process opened it, else keep it from ever being closed here."""
        self.header = None
        if self.pid == process_id():
            self.conn.close()
        else:
            # A parent's connection, inherited by fork: closing it (even by garbage
            # collection) would close descriptors of the database in this process, and that
            # drops this process's own POSIX locks on it, the new connection's included.
            _INHERITED.append(self.conn)


class ThreadConnections:
    """Connections to ``path``: one per thread, opened on first use, reopened after a fork.

    :param path: the database file.
    :param on_open: called after each new connection and header, before their first use.
    """

    def __init__(self, path: Path, on_open: Callable[[], None]) -> None:
        self.path = path
        self._on_open = on_open
        self._local = threading.local()

    def open(self) -> sqlite3.Connection:
        """:returns: a new connection in WAL mode, owned by the caller (no header)."""
        return self._connect()[0]

    def _connect(self) -> tuple[sqlite3.Connection, bool]:
        # isolation_level=None: autocommit, so each statement is its own transaction and
        # sqlite3 sends no BEGIN of its own. Rows are plain tuples, read by position.
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        for pragma in _PRAGMAS:
            conn.execute(pragma)
        # The mode SQLite actually chose: where WAL is refused, the reply names another.
        mode = _journal_mode_wal(conn)
        return conn, bool(mode) and str(mode[0]).lower() == "wal"

    def current(self) -> Link:
        """:returns: this thread's link, opened now if it has none in this process."""
        link: Link | None = getattr(self._local, "link", None)
        if link is None or link.pid != process_id():
            link = self._link()
        return link

    def _link(self) -> Link:
        stale: Link | None = getattr(self._local, "link", None)
        if stale is not None:
            stale.close()  # the parent's: its connection is left alone
        conn, wal = self._connect()
        # The journal_mode statement has read the database, so SQLite has mapped the -shm
        # file for this connection, and keeps it mapped while the connection is open.
        link = Link(conn, WalIndexHeader.open(self.path) if wal else None)
        self._local.link = link
        self._on_open()
        return link

    def close(self) -> None:
        """Close this thread's connection and drop its header (a process must do so before it
        forks)."""
        link: Link | None = getattr(self._local, "link", None)
        self._local.link = None
        if link is not None:
            link.close()
