"""Where the example compute service keeps its servers: ``ServerStore``'s SQLite form.

``SQLiteServerStore`` uses the standard library's sqlite3 with one file under a state
directory, in WAL mode. Each thread of each process has its own connection
(``store_connections``, which also states the fork rule the store keeps), so several gunicorn
workers see one consistent store and servers survive a restart.

``get`` answers from a read cache (``read_cache``) keyed by the database's committed state,
read from the WAL-index without a system call (``wal_index``): a commit by any process is seen
by the next read anywhere, and an unchanged server costs no query. Everything else queries.

Every statement is a fixed text from ``server_table`` (kept prepared by sqlite3's statement
cache); a plain list reads only the two columns it shows. Every statement runs to completion
(``fetchall``, or ``fetchone`` on the unique id), so no read transaction outlives a call: a query
always starts from the state committed when it runs, which the read cache relies on.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import Any

from apistack.examples.compute.read_cache import DEFAULT_SIZE, CommittedRows
from apistack.examples.compute.records import ScanFilter, ServerRecord, ServerStore
from apistack.examples.compute.server_table import (
    COLUMNS,
    DELETE,
    FILTERED_SUMMARY_PAGES,
    GET,
    INSERT,
    LIST_ALL,
    LIST_PROJECT,
    RECORD_PAGES,
    SCHEMA,
    SUMMARY_PAGES,
    column_value,
    from_row,
    summary,
    to_values,
    update_sql,
)
from apistack.examples.compute.store_connections import ThreadConnections
from apistack.examples.compute.store_pages import PAGES_KEPT, PageReader

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


def resolve_state_dir(state_dir: str | os.PathLike[str] | None = None) -> Path:
    """:returns: ``state_dir``, else ``$APISTACK_STATE_DIR``, else ``./.state``."""
    chosen = state_dir or os.environ.get(STATE_DIR_ENV) or DEFAULT_STATE_DIR
    return Path(chosen).expanduser().resolve()


class SQLiteServerStore:
    """``ServerStore`` in ``<state_dir>/<filename>``.

    :param state_dir: the directory (created if missing); see ``resolve_state_dir``.
    :param filename: the database file name.
    :param cache_size: the most rows ``get`` keeps per process (0: none, every ``get``
        queries).
    """

    def __init__(
        self,
        state_dir: str | os.PathLike[str] | None = None,
        filename: str = "compute.sqlite",
        cache_size: int = DEFAULT_SIZE,
    ) -> None:
        directory = resolve_state_dir(state_dir)
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / filename
        self._cache = CommittedRows(cache_size)
        pages = CommittedRows(PAGES_KEPT if cache_size > 0 else 0)
        self._connections = ThreadConnections(self.path, self._forget)
        self._pages = PageReader(self._connections, pages)
        # A short-lived connection: nothing stays open here, so a process that builds the app
        # and then forks (gunicorn's arbiter) hands no connection to its workers.
        # executescript commits by itself; IF NOT EXISTS makes concurrent workers harmless.
        setup = self._connections.open()
        try:
            setup.executescript(SCHEMA)
        finally:
            setup.close()

    def close(self) -> None:
        """Close this thread's connection (a process must do so before it forks)."""
        self._connections.close()

    def _forget(self) -> None:
        # A connection has just opened, maybe on a new -shm file whose headers repeat old
        # ones: nothing read before may be served (see wal_index).
        self._cache.clear()
        self._pages.forget()

    def _connection(self) -> sqlite3.Connection:
        return self._connections.current().conn

    def add(self, record: ServerRecord) -> ServerRecord:
        """Insert a new server; :returns: the record as stored."""
        # One statement is its own transaction (autocommit): no BEGIN/COMMIT round trips, and
        # a lone statement takes the write lock at once, so it cannot deadlock upgrading.
        cursor = self._connection().execute(INSERT, to_values(record))
        record.seq = int(cursor.lastrowid or 0)
        return record

    def get(self, server_id: str) -> ServerRecord | None:
        """See ``ServerStore.get``: from the read cache while nothing has been committed since
        the server was last read, else one indexed query."""
        link = self._connections.current()
        header = link.committed()  # before the query: it sees this state or a later one
        if header is not None:
            row = self._cache.get(server_id, header)
            if row is not None:
                return from_row(row)
        found = link.conn.execute(GET, (server_id,)).fetchone()
        if found is None:
            return None
        if header is not None:
            self._cache.keep(server_id, header, found)
        return from_row(found)

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
        return map(from_row, self._pages.rows(RECORD_PAGES, project_id, before_seq, batch, where))

    def scan_summaries(
        self,
        project_id: str | None,
        before_seq: int | None = None,
        batch: int = 64,
        where: ScanFilter | None = None,
    ) -> Iterator[tuple[str, str]]:
        """See ``ServerStore.scan_summaries``: ``scan`` reading two columns (five with
        ``where``), not 22."""
        pages = self._pages
        if where is None:
            # The (id, name) rows are the summaries; a seq is looked up only to read on
            # past a full batch.
            return pages.rows(SUMMARY_PAGES, project_id, before_seq, batch, None, summaries=True)
        queries = FILTERED_SUMMARY_PAGES
        return map(summary, pages.rows(queries, project_id, before_seq, batch, where))

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
