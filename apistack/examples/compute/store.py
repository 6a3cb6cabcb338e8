"""Where the example compute service keeps its servers: ``ServerStore``'s SQLite form.

``SQLiteServerStore`` uses the standard library's sqlite3 with one file under a state
directory, in WAL mode, with a busy timeout. Each thread of each process opens its own
connection (a connection opened before a fork is never reused by the child), and nothing is
cached in memory, so several gunicorn workers see one consistent store and servers survive a
restart.

Every statement is a fixed text from ``server_table`` (kept prepared by sqlite3's statement
cache); a plain list reads only the two columns it shows.

Fork rule (SQLite's own): no connection may be open in a process when it forks, or the child's
locks are miscounted and a WAL can be deleted under another writer. The constructor leaves no
connection open, connections open lazily on first use, and gunicorn's arbiter (which builds the
app once to check it) never serves, so ``apistack serve`` keeps the rule; ``close()`` releases a
thread's connection for anyone else who must fork.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from apistack.examples.compute.records import ScanFilter, ServerRecord, ServerStore
from apistack.examples.compute.server_table import (
    AFTER_LAST,
    COLUMNS,
    DELETE,
    FILTERED_SUMMARY_PAGES,
    GET,
    INSERT,
    LIST_ALL,
    LIST_PROJECT,
    RECORD_PAGES,
    SCHEMA,
    SEQ_OF,
    SUMMARY_PAGES,
    column_value,
    from_row,
    summary,
    to_values,
    update_sql,
)
from apistack.process import process_id

# ScanFilter, ServerRecord and ServerStore are re-exported: this module was their home before
# records.py, and code written against it keeps working.
__all__ = [
    "DEFAULT_STATE_DIR",
    "STATE_DIR_ENV",
    "SQLiteServerStore",
    "ScanFilter",
    "ServerRecord",
    "ServerStore",
    "resolve_state_dir",
]

#: environment variable naming the state directory when no option does.
STATE_DIR_ENV = "APISTACK_STATE_DIR"
DEFAULT_STATE_DIR = ".state"
_BUSY_TIMEOUT_MS = 10_000

# WAL: readers never wait for the writer, so several workers read while one writes.
# synchronous=NORMAL: in WAL mode a commit then needs no fsync (only checkpoints do); a power
# loss may drop the last commits but never corrupts the file, the right trade for an example.
_PRAGMAS = (
    f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
)


def resolve_state_dir(state_dir: str | os.PathLike[str] | None = None) -> Path:
    """:returns: ``state_dir``, else ``$APISTACK_STATE_DIR``, else ``./.state``."""
    chosen = state_dir or os.environ.get(STATE_DIR_ENV) or DEFAULT_STATE_DIR
    return Path(chosen).expanduser().resolve()


class SQLiteServerStore:
    """``ServerStore`` in ``<state_dir>/<filename>``.

    :param state_dir: the directory (created if missing); see ``resolve_state_dir``.
    :param filename: the database file name.
    """

    def __init__(
        self, state_dir: str | os.PathLike[str] | None = None, filename: str = "compute.sqlite"
    ) -> None:
        directory = resolve_state_dir(state_dir)
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / filename
        self._local = threading.local()
        # A short-lived connection: nothing stays open here, so a process that builds the app
        # and then forks (gunicorn's arbiter) hands no connection to its workers.
        # executescript commits by itself; IF NOT EXISTS makes concurrent workers harmless.
        setup = self._open()
        try:
            setup.executescript(SCHEMA)
        finally:
            setup.close()

    def _open(self) -> sqlite3.Connection:
        # isolation_level=None: autocommit, so each statement is its own transaction and
        # sqlite3 sends no BEGIN of its own.
        # Rows are plain tuples, read by position (see from_row); only a filtered scan
        # asks for sqlite3.Row, whose columns ScanFilter reads by name.
        conn = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        for pragma in _PRAGMAS:
            conn.execute(pragma)
        return conn

    def close(self) -> None:
        """Close this thread's connection (a process must do so before it forks)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None and getattr(self._local, "pid", None) == process_id():
            conn.close()
        self._local.conn = None

    def _connection(self) -> sqlite3.Connection:
        pid = process_id()
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None or getattr(self._local, "pid", None) != pid:
            conn = self._open()
            self._local.conn, self._local.pid = conn, pid
        return conn

    def add(self, record: ServerRecord) -> ServerRecord:
        """Insert a new server; :returns: the record as stored."""
        # One statement is its own transaction (autocommit): no BEGIN/COMMIT round trips, and
        # a lone statement takes the write lock at once, so it cannot deadlock upgrading.
        cursor = self._connection().execute(INSERT, to_values(record))
        record.seq = int(cursor.lastrowid or 0)
        return record

    def get(self, server_id: str) -> ServerRecord | None:
        """See ``ServerStore.get``."""
        found = self._connection().execute(GET, (server_id,)).fetchone()
        return from_row(found) if found is not None else None

    def list(self, project_id: str | None) -> list[ServerRecord]:
        """See ``ServerStore.list``: one indexed query, the project's or every server."""
        conn = self._connection()
        if project_id is None:
            rows = conn.execute(LIST_ALL)
        else:
            rows = conn.execute(LIST_PROJECT, (project_id,))
        return [from_row(row) for row in rows.fetchall()]

    def scan(
        self,
        project_id: str | None,
        before_seq: int | None = None,
        batch: int = 64,
        where: ScanFilter | None = None,
    ) -> Iterator[ServerRecord]:
        """See ``ServerStore.scan``: indexed range queries on ``(project_id, seq)``, each
        starting below the last row read (no cursor stays open between batches); ``where``
        is checked on the row, before a record is built."""
        return map(from_row, self._rows(RECORD_PAGES, project_id, before_seq, batch, where))

    def scan_summaries(
        self,
        project_id: str | None,
        before_seq: int | None = None,
        batch: int = 64,
        where: ScanFilter | None = None,
    ) -> Iterator[tuple[str, str]]:
        """See ``ServerStore.scan_summaries``: ``scan`` reading two columns (five with
        ``where``), not 22."""
        if where is None:
            # The (id, name) rows are the summaries; a seq is looked up only to read on
            # past a full batch.
            return self._rows(SUMMARY_PAGES, project_id, before_seq, batch, None, self._seq_of)
        pages = FILTERED_SUMMARY_PAGES
        return map(summary, self._rows(pages, project_id, before_seq, batch, where))

    def _seq_of(self, rows: Sequence[Any], before: int) -> int:
        """:returns: the seq of the last of ``rows`` (id first) that is still stored, or
        ``before`` (the batch's own bound) when none is: either way, exactly the rows not yet
        read lie below it, whatever was deleted meanwhile."""
        conn = self._connection()
        for row in reversed(rows):
            found = conn.execute(SEQ_OF, (row[0],)).fetchone()
            if found is not None:
                return int(found[0])
        return before

    def _rows(
        self,
        pages: tuple[str, str],
        project_id: str | None,
        before_seq: int | None,
        batch: int,
        where: ScanFilter | None,
        seq_of: Callable[[Sequence[Any], int], int] | None = None,
    ) -> Iterator[Any]:
        """:returns: the rows that ``scan`` describes, read with ``pages`` (every project's
        page query and one project's), each selecting ``seq`` first unless ``seq_of`` finds
        the seq below which the next batch starts."""
        cursor = self._connection().cursor()
        if where is not None:
            cursor.row_factory = sqlite3.Row
        page_all, page_project = pages

        def read(before: int) -> list[Any]:
            if project_id is None:
                return cursor.execute(page_all, (before, batch)).fetchall()
            return cursor.execute(page_project, (project_id, before, batch)).fetchall()

        before = before_seq if before_seq is not None else AFTER_LAST
        rows = read(before)
        if len(rows) < batch:  # the usual page: one batch, iterated with no generator between
            return iter(rows) if where is None else filter(where.passes, rows)
        return _batches(rows, before, read, seq_of or _first_column, where)

    def update(
        self,
        server_id: str,
        changes: Mapping[str, Any],
        only_if_status: Collection[str] | None = None,
    ) -> ServerRecord | None:
        """See ``ServerStore.update``: one ``UPDATE`` guarded by the status (atomic on its
        own), then a read."""
        unknown = set(changes).difference(COLUMNS)
        if unknown:
            raise KeyError(f"not server fields: {sorted(unknown)}")
        names = tuple(changes)
        params = [column_value(name, changes[name]) for name in names]
        params.append(server_id)
        statuses = -1
        if only_if_status is not None:
            allowed = tuple(only_if_status)
            statuses = len(allowed)
            params.extend(allowed)
        cursor = self._connection().execute(update_sql(names, statuses), params)
        return self.get(server_id) if cursor.rowcount else None

    def delete(self, server_id: str) -> bool:
        """Delete a server; :returns: whether it existed."""
        return self._connection().execute(DELETE, (server_id,)).rowcount > 0


def _first_column(rows: Sequence[Any], before: int) -> int:
    """:returns: the seq of the last of ``rows``, selected first."""
    return int(rows[-1][0])


def _batches(
    rows: list[Any],
    before: int,
    read: Callable[[int], list[Any]],
    seq_of: Callable[[Sequence[Any], int], int],
    where: ScanFilter | None,
) -> Iterator[Any]:
    """:returns: ``rows`` (a full batch, read below ``before``) and then the next batches
    ``read`` below what ``seq_of`` finds, each read only when the one before is used up."""
    batch = len(rows)
    while True:
        yield from rows if where is None else filter(where.passes, rows)
        if len(rows) < batch:
            return
        before = seq_of(rows, before)
        rows = read(before)
