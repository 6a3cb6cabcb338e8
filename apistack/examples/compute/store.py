"""Where the example compute service keeps its servers: ``ServerStore``'s SQLite form.

``SQLiteServerStore`` uses the standard library's sqlite3 with one file under a state
directory, in WAL mode, with a busy timeout. Each thread of each process opens its own
connection (a connection opened before a fork is never reused by the child), and nothing is
cached in memory, so several gunicorn workers see one consistent store and servers survive a
restart.

Fork rule (SQLite's own): no connection may be open in a process when it forks, or the child's
locks are miscounted and a WAL can be deleted under another writer. The constructor leaves no
connection open, connections open lazily on first use, and gunicorn's arbiter (which builds the
app once to check it) never serves, so ``apistack serve`` keeps the rule; ``close()`` releases a
thread's connection for anyone else who must fork.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from apistack.examples.compute.records import ScanFilter, ServerRecord, ServerStore
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
_INHERITED: list[sqlite3.Connection] = []
# Above every seq SQLite can hand out (an INTEGER PRIMARY KEY is a signed 64-bit integer).
_AFTER_LAST = 2**63 - 1


_COLUMNS = tuple(f.name for f in fields(ServerRecord) if f.name != "seq")
_JSON_COLUMNS = frozenset({"metadata", "addresses"})
# Every read selects the columns in this order, so rows are read by position. The statements
# are fixed strings: sqlite3 keeps each one prepared in its per-connection statement cache.
_SELECT = f"SELECT seq, {', '.join(_COLUMNS)} FROM servers"
_GET = f"{_SELECT} WHERE id = ?"
_LIST_ALL = f"{_SELECT} ORDER BY seq DESC"
_LIST_PROJECT = f"{_SELECT} WHERE project_id = ? ORDER BY seq DESC"
_JSON_INDEXES = tuple(1 + _COLUMNS.index(name) for name in sorted(_JSON_COLUMNS))
_LOCKED_INDEX = 1 + _COLUMNS.index("locked")
_INSERT = (
    f"INSERT INTO servers ({', '.join(_COLUMNS)}) "
    f"VALUES ({', '.join(f':{name}' for name in _COLUMNS)})"
)
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


def resolve_state_dir(state_dir: str | os.PathLike[str] | None = None) -> Path:
    """:returns: ``state_dir``, else ``$APISTACK_STATE_DIR``, else ``./.state``."""
    chosen = state_dir or os.environ.get(STATE_DIR_ENV) or DEFAULT_STATE_DIR
    return Path(chosen).expanduser().resolve()


def _to_row(record: ServerRecord) -> dict[str, Any]:
    # Field by field: dataclasses.asdict deep-copies every value only for json.dumps to read.
    row = {name: getattr(record, name) for name in _COLUMNS}
    for name in _JSON_COLUMNS:
        row[name] = json.dumps(row[name])
    row["locked"] = int(record.locked)
    return row


_scan_json: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def _json_column(text: str) -> Any:
    """``json.loads`` of what ``_to_row`` stored, without its three Python-level wrappers
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
        conn = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
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
            conn = sqlite3.connect(
                self.path, timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None
            )
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            self._local.conn, self._local.pid = conn, pid
        return conn

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self._connection()
        # IMMEDIATE takes the write lock up front, so two workers never deadlock upgrading.
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def add(self, record: ServerRecord) -> ServerRecord:
        """Insert a new server; :returns: the record as stored."""
        # One statement is its own transaction (autocommit): no BEGIN/COMMIT round trips, and
        # a lone INSERT takes the write lock at once, so it cannot deadlock upgrading.
        cursor = self._connection().execute(_INSERT, _to_row(record))
        record.seq = int(cursor.lastrowid or 0)
        return record

    def get(self, server_id: str) -> ServerRecord | None:
        """See ``ServerStore.get``."""
        row = self._connection().execute(_GET, (server_id,))
        found = row.fetchone()
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
        conn = self._connection()
        scope = "seq < :before" + ("" if project_id is None else " AND project_id = :project")
        query = f"{_SELECT} WHERE {scope} ORDER BY seq DESC LIMIT :batch"
        before = before_seq if before_seq is not None else _AFTER_LAST
        while True:
            params = {"before": before, "project": project_id, "batch": batch}
            rows = conn.execute(query, params).fetchall()
            yield from (_from_row(row) for row in rows if where is None or where.passes(row))
            if len(rows) < batch:
                return
            before = int(rows[-1]["seq"])

    def update(
        self,
        server_id: str,
        changes: Mapping[str, Any],
        only_if_status: Collection[str] | None = None,
    ) -> ServerRecord | None:
        """See ``ServerStore.update``: one ``UPDATE`` guarded by the status, then a read."""
        unknown = set(changes) - set(_COLUMNS)
        if unknown:
            raise KeyError(f"not server fields: {sorted(unknown)}")
        row = _to_row(ServerRecord(**{**asdict(self._blank()), **changes}))
        values: dict[str, Any] = {name: row[name] for name in changes}
        assignments = ", ".join(["seq = seq", *(f"{name} = :{name}" for name in values)])
        where = "id = :_id"
        if only_if_status is not None:
            statuses = {f"_s{i}": status for i, status in enumerate(only_if_status)}
            where += f" AND status IN ({', '.join(':' + key for key in statuses) or 'NULL'})"
            values.update(statuses)
        with self._transaction() as conn:
            cursor = conn.execute(
                f"UPDATE servers SET {assignments} WHERE {where}", {**values, "_id": server_id}
            )
        return self.get(server_id) if cursor.rowcount else None

    def delete(self, server_id: str) -> bool:
        """Delete a server; :returns: whether it existed."""
        with self._transaction() as conn:
            cursor = conn.execute("DELETE FROM servers WHERE id = ?", (server_id,))
        return cursor.rowcount > 0

    @staticmethod
    def _blank() -> ServerRecord:
        return ServerRecord("", "", "", "", "", "", "", "")
