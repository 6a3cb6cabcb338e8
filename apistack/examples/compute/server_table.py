"""The example's ``servers`` table: its schema, the fixed SQL texts the store runs, and the
conversions between a row and a ``ServerRecord``.

Every statement a request runs is one of these fixed strings with positional parameters, so
sqlite3 keeps each prepared in its per-connection statement cache and no SQL is built or parsed
per request. Rows are read by position (``seq`` first, then ``COLUMNS``), never by name.
"""

from __future__ import annotations

import functools
import json
import operator
from collections.abc import Callable, Sequence
from dataclasses import fields
from typing import Any

from apistack.examples.compute.records import ServerRecord
from apistack.resource.results import serialize_json

__all__ = [
    "AFTER_LAST",
    "COLUMNS",
    "DELETE",
    "FILTERED_SUMMARY_PAGES",
    "GET",
    "INSERT",
    "LIST_ALL",
    "LIST_PROJECT",
    "RECORD_PAGES",
    "SCHEMA",
    "SEQ_OF",
    "SUMMARY_PAGES",
    "column_value",
    "from_row",
    "summary",
    "to_values",
    "update_sql",
]

#: above every seq SQLite can hand out (an INTEGER PRIMARY KEY is a signed 64-bit integer).
AFTER_LAST = 2**63 - 1

COLUMNS = tuple(f.name for f in fields(ServerRecord) if f.name != "seq")
_JSON_COLUMNS = frozenset({"metadata", "addresses"})
SELECT = f"SELECT seq, {', '.join(COLUMNS)} FROM servers"
GET = f"{SELECT} WHERE id = ?"
LIST_ALL = f"{SELECT} ORDER BY seq DESC"
LIST_PROJECT = f"{SELECT} WHERE project_id = ? ORDER BY seq DESC"
# A page: the rows below a seq, newest first; the project's (on its index) or everyone's.
_PAGE = "WHERE seq < ? ORDER BY seq DESC LIMIT ?"
_PROJECT_PAGE = "WHERE project_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?"
# What a plain list shows (id, name), and what its filters read too (seq, status, locked):
# sqlite3 costs about 0.15 us per column of every row, so a list reads only these.
_SUMMARY = "SELECT id, name FROM servers"
_FILTERED_SUMMARY = "SELECT seq, id, name, status, locked FROM servers"
RECORD_PAGES = (f"{SELECT} {_PAGE}", f"{SELECT} {_PROJECT_PAGE}")
SUMMARY_PAGES = (f"{_SUMMARY} {_PAGE}", f"{_SUMMARY} {_PROJECT_PAGE}")
FILTERED_SUMMARY_PAGES = (
    f"{_FILTERED_SUMMARY} {_PAGE}",
    f"{_FILTERED_SUMMARY} {_PROJECT_PAGE}",
)
_JSON_INDEXES = tuple(1 + COLUMNS.index(name) for name in sorted(_JSON_COLUMNS))
_LOCKED_INDEX = 1 + COLUMNS.index("locked")
INSERT = f"INSERT INTO servers ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})"
DELETE = "DELETE FROM servers WHERE id = ?"
SEQ_OF = "SELECT seq FROM servers WHERE id = ?"
# seq is the rowid: a new row gets the largest seq so far plus one, so the newest server still
# has the largest (AUTOINCREMENT would also update sqlite_sequence on every insert, a fifth of
# its cost, only to never reuse the seq of a newest server deleted meanwhile).
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS servers (
    seq INTEGER PRIMARY KEY,
    {", ".join(f"{name} {'TEXT' if name != 'power_state' else 'INTEGER'}" for name in COLUMNS)}
);
CREATE UNIQUE INDEX IF NOT EXISTS servers_id ON servers (id);
CREATE INDEX IF NOT EXISTS servers_project ON servers (project_id, seq);
"""


def _json_text(value: Any) -> str:
    # apistack's response encoder: json.dumps's text, without building an encoder per call;
    # most servers have no metadata, so the empty object skips it.
    return "{}" if value == {} else serialize_json(value).decode("ascii")


def column_value(name: str, value: Any) -> Any:
    """:returns: ``value`` of field ``name`` as its column stores it."""
    if name in _JSON_COLUMNS:
        return _json_text(value)
    return int(value) if name == "locked" else value


# Reads every field in one C call, in column order.
_FIELDS: Callable[[ServerRecord], tuple[Any, ...]] = operator.attrgetter(*COLUMNS)
_VALUE_JSON_INDEXES = tuple(index - 1 for index in _JSON_INDEXES)


def to_values(record: ServerRecord) -> list[Any]:
    """:returns: the record's columns in ``COLUMNS`` order (for ``INSERT``)."""
    values = list(_FIELDS(record))
    for index in _VALUE_JSON_INDEXES:
        values[index] = _json_text(values[index])
    values[_LOCKED_INDEX - 1] = int(values[_LOCKED_INDEX - 1])
    return values


_scan_json: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def _json_column(text: str) -> Any:
    """``json.loads`` of what ``to_values`` stored, without its three Python-level wrappers
    (most of the cost of parsing a short document)."""
    try:
        value, end = _scan_json(text, 0)
    except (StopIteration, ValueError):  # not a document that starts at 0: let json say why
        return json.loads(text)
    return value if end == len(text) else json.loads(text)


def from_row(row: Sequence[Any]) -> ServerRecord:
    """:returns: the record of a row selected with ``SELECT`` (``seq``, then ``COLUMNS``),
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


#: ``(id, name)`` of a row selected with ``_FILTERED_SUMMARY``, in C.
summary: Callable[[Any], tuple[str, str]] = operator.itemgetter(1, 2)


@functools.lru_cache(maxsize=256)
def update_sql(names: tuple[str, ...], statuses: int) -> str:
    """:returns: the ``UPDATE`` of ``names``, guarded by ``statuses`` status placeholders
    (-1: no guard); one text per shape, so sqlite3's statement cache keeps it prepared."""
    assignments = ", ".join(["seq = seq", *(f"{name} = ?" for name in names)])
    where = "id = ?"
    if statuses >= 0:
        where += f" AND status IN ({', '.join('?' * statuses) or 'NULL'})"
    return f"UPDATE servers SET {assignments} WHERE {where}"
