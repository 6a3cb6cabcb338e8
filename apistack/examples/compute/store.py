"""Where the example compute service keeps its servers: ``ServerStore``'s SQLite form.

``SQLiteServerStore`` uses the standard library's sqlite3 with one file under a state
directory, in WAL mode, with a busy timeout. Each thread of each process opens its own
connection (a connection opened before a fork is never reused by the child), and nothing is
cached in memory, so several gunicorn workers see one consistent store and servers survive a
restart.

Every statement a request runs is a fixed string with positional parameters: sqlite3 keeps
each one prepared in its per-connection statement cache, so no SQL is built or parsed per
request. Rows are read by position; a plain list reads only the three columns it shows.

Fork rule (SQLite's own): no connection may be open in a process when it forks, or the child's
locks are miscounted and a WAL can be deleted under another writer. The constructor leaves no
connection open, connections open lazily on first use, and gunicorn's arbiter (which builds the
app once to check it) never serves, so ``apistack serve`` keeps the rule; ``close()`` releases a
thread's connection for anyone else who must fork.
"""

from __future__ import annotations

import functools
import json
import operator
import os
import sqlite3
import threading
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any

from apistack.examples.compute.records import ScanFilter, ServerRecord, ServerStore
from apistack.process import process_id
from apistack.resource.results import serialize_json

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
# Above every seq SQLite can hand out (an INTEGER PRIMARY KEY is a signed 64-bit integer).
_AFTER_LAST = 2**63 - 1

_COLUMNS = tuple(f.name for f in fields(ServerRecord) if f.name != "seq")
_JSON_COLUMNS = frozenset({"metadata", "addresses"})
_SELECT = f"SELECT seq, {', '.join(_COLUMNS)} FROM servers"
_GET = f"{_SELECT} WHERE id = ?"
_LIST_ALL = f"{_SELECT} ORDER BY seq DESC"
_LIST_PROJECT = f"{_SELECT} WHERE project_id = ? ORDER BY seq DESC"
# A page: the rows below a seq, newest first; the project's (on its index) or everyone's.
_PAGE = "WHERE seq < ? ORDER BY seq DESC LIMIT ?"
_PROJECT_PAGE = "WHERE project_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?"
# What a plain list shows (id, name), and what its filters read too (status, locked):
# sqlite3 costs about 0.13 us per column of every row, so a list reads only these.
_SUMMARY = "SELECT seq, id, name FROM servers"
_FILTERED_SUMMARY = "SELECT seq, id, name, status, locked FROM servers"
_RECORD_PAGES = (f"{_SELECT} {_PAGE}", f"{_SELECT} {_PROJECT_PAGE}")
_SUMMARY_PAGES = (f"{_SUMMARY} {_PAGE}", f"{_SUMMARY} {_PROJECT_PAGE}")
_FILTERED_SUMMARY_PAGES = (
    f"{_FILTERED_SUMMARY} {_PAGE}",
    f"{_FILTERED_SUMMARY} {_PROJECT_PAGE}",
)
_COLUMN_SET = frozenset(_COLUMNS)
_JSON_INDEXES = tuple(1 + _COLUMNS.index(name) for name in sorted(_JSON_COLUMNS))
_LOCKED_INDEX = 1 + _COLUMNS.index("locked")
_INSERT = (
    f"INSERT INTO servers ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' for _ in _COLUMNS)})"
)
_DELETE = "DELETE FROM servers WHERE id = ?"
# seq is the rowid: a new row gets the largest seq so far plus one, so the newest server still
# has the largest (AUTOINCREMENT would also update sqlite_sequence on every insert, a fifth of
# its cost, only to never reuse the seq of a newest server deleted meanwhile).
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS servers (
    seq INTEGER PRIMARY KEY,
    {", ".join(f"{name} {'TEXT' if name != 'power_state' else 'INTEGER'}" for name in _COLUMNS)}
);
CREATE UNIQUE INDEX IF NOT EXISTS servers_id ON servers (id);
CREATE INDEX IF NOT EXISTS servers_project ON servers (project_id, seq);
"""
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


def _dump_json(value: Any) -> str:
    # apistack's response encoder: json.dumps's text, without building an encoder per call.
    return serialize_json(value).decode("ascii")


def _column_value(name: str, value: Any) -> Any:
    """:returns: ``value`` of field ``name`` as its column stores it."""
    if name in _JSON_COLUMNS:
        return "{}" if value == {} else _dump_json(value)
    return int(value) if name == "locked" else value


# Reads every field in one C call, in column order.
_FIELDS: Callable[[ServerRecord], tuple[Any, ...]] = operator.attrgetter(*_COLUMNS)
_VALUE_JSON_INDEXES = tuple(index - 1 for index in _JSON_INDEXES)


def _to_values(record: ServerRecord) -> list[Any]:
    """:returns: the record's columns in ``_COLUMNS`` order (for ``_INSERT``)."""
    values = list(_FIELDS(record))
    for index in _VALUE_JSON_INDEXES:
        value = values[index]
        values[index] = "{}" if value == {} else _dump_json(value)
    values[_LOCKED_INDEX - 1] = int(values[_LOCKED_INDEX - 1])
    return values


_scan_json: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def _json_column(text: str) -> Any:
    """``json.loads`` of what ``_to_values`` stored, without its three Python-level wrappers
    (most of the cost of parsing a short document)."""
    try:
        value, end = _scan_json(text, 0)
    except (StopIteration, ValueError):  # not a document that starts at 0: let json say why
        return json.loads(text)
    return value if end == len(text) else json.loads(text)


def _from_row(row: sqlite3.Row | tuple[Any, ...]) -> ServerRecord:
    """:returns: the record of a row selected with ``_SELECT`` (``seq``, then ``_COLUMNS``),
    built by position: no dict of 22 names per row."""
    values = list(row)
    for index in _JSON_INDEXES:
        text = values[index]
        # Most servers have no metadata: skip the parser for the empty object.
        values[index] = {} if not text or text == "{}" else _json_column(text)
    values[_LOCKED_INDEX] = bool(int(values[_LOCKED_INDEX] or 0))
    record = ServerRecord(*values[1:])
    record.seq = values[0]
    return record


#: ``(id, name)`` of a row selected with ``_SUMMARY`` or ``_FILTERED_SUMMARY``, in C.
_summary: Callable[[Any], tuple[str, str]] = operator.itemgetter(1, 2)


@functools.lru_cache(maxsize=256)
def _update_sql(names: tuple[str, ...], statuses: int) -> str:
    """:returns: the ``UPDATE`` of ``names``, guarded by ``statuses`` status placeholders
    (-1: no guard); one text per shape, so sqlite3's statement cache keeps it prepared."""
    assignments = ", ".join(["seq = seq", *(f"{name} = ?" for name in names)])
    where = "id = ?"
    if statuses >= 0:
        where += f" AND status IN ({', '.join('?' * statuses) or 'NULL'})"
    return f"UPDATE servers SET {assignments} WHERE {where}"


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
            setup.executescript(_SCHEMA)
        finally:
            setup.close()

    def _open(self) -> sqlite3.Connection:
        # isolation_level=None: autocommit, so each statement is its own transaction and
        # sqlite3 sends no BEGIN of its own.
        # Rows are plain tuples, read by position (see _from_row); only a filtered scan
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
        cursor = self._connection().execute(_INSERT, _to_values(record))
        record.seq = int(cursor.lastrowid or 0)
        return record

    def get(self, server_id: str) -> ServerRecord | None:
        """See ``ServerStore.get``."""
        found = self._connection().execute(_GET, (server_id,)).fetchone()
        return _from_row(found) if found is not None else None

    def list(self, project_id: str | None) -> list[ServerRecord]:
        """See ``ServerStore.list``: one indexed query, the project's or every server."""
        conn = self._connection()
        if project_id is None:
            rows = conn.execute(_LIST_ALL)
        else:
            rows = conn.execute(_LIST_PROJECT, (project_id,))
        return [_from_row(row) for row in rows.fetchall()]

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
        return map(_from_row, self._rows(_RECORD_PAGES, project_id, before_seq, batch, where))

    def scan_summaries(
        self,
        project_id: str | None,
        before_seq: int | None = None,
        batch: int = 64,
        where: ScanFilter | None = None,
    ) -> Iterator[tuple[str, str]]:
        """See ``ServerStore.scan_summaries``: ``scan`` reading three columns (five with
        ``where``), not 22."""
        pages = _SUMMARY_PAGES if where is None else _FILTERED_SUMMARY_PAGES
        return map(_summary, self._rows(pages, project_id, before_seq, batch, where))

    def _rows(
        self,
        pages: tuple[str, str],
        project_id: str | None,
        before_seq: int | None,
        batch: int,
        where: ScanFilter | None,
    ) -> Iterator[Any]:
        """:returns: the rows that ``scan`` describes, read with ``pages`` (every project's
        page query and one project's, each selecting ``seq`` first)."""
        cursor = self._connection().cursor()
        if where is not None:
            cursor.row_factory = sqlite3.Row
        page_all, page_project = pages
        before = before_seq if before_seq is not None else _AFTER_LAST
        while True:
            if project_id is None:
                rows = cursor.execute(page_all, (before, batch)).fetchall()
            else:
                rows = cursor.execute(page_project, (project_id, before, batch)).fetchall()
            if where is None:
                yield from rows
            else:
                yield from (row for row in rows if where.passes(row))
            if len(rows) < batch:
                return
            before = int(rows[-1][0])

    def update(
        self,
        server_id: str,
        changes: Mapping[str, Any],
        only_if_status: Collection[str] | None = None,
    ) -> ServerRecord | None:
        """See ``ServerStore.update``: one ``UPDATE`` guarded by the status (atomic on its
        own), then a read."""
        unknown = set(changes) - _COLUMN_SET
        if unknown:
            raise KeyError(f"not server fields: {sorted(unknown)}")
        names = tuple(changes)
        params = [_column_value(name, changes[name]) for name in names]
        params.append(server_id)
        statuses = -1
        if only_if_status is not None:
            allowed = tuple(only_if_status)
            statuses = len(allowed)
            params.extend(allowed)
        cursor = self._connection().execute(_update_sql(names, statuses), params)
        return self.get(server_id) if cursor.rowcount else None

    def delete(self, server_id: str) -> bool:
        """Delete a server; :returns: whether it existed."""
        return self._connection().execute(_DELETE, (server_id,)).rowcount > 0
