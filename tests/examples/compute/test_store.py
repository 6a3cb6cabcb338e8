"""The SQLite store: WAL, several processes writing at once, atomic status changes."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from pathlib import Path

import pytest

from apistack.examples.compute.store import (
    STATE_DIR_ENV,
    ScanFilter,
    ServerRecord,
    SQLiteServerStore,
    resolve_state_dir,
)


def _record(server_id: str, project: str = "p") -> ServerRecord:
    return ServerRecord(server_id, "n", project, "u", "1", "img", "t", "t")


def _writer(state_dir: str, prefix: str, count: int) -> None:
    store = SQLiteServerStore(state_dir)
    for i in range(count):
        store.add(_record(f"{prefix}-{i}"))


def test_wal_mode_and_round_trip(tmp_path: Path) -> None:
    store = SQLiteServerStore(tmp_path)
    record = _record("a")
    record.metadata = {"k": "v"}
    store.add(record)
    assert store.get("a") == record
    mode = sqlite3.connect(store.path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_a_new_store_opens_while_another_connection_writes_to_it(tmp_path: Path) -> None:
    # Two workers booting on a new database: one creates the tables (holding the write lock)
    # while the other switches the file to WAL, which SQLite refuses at once, not after its
    # busy timeout. The store waits for the write instead of failing to boot.
    path = tmp_path / "compute.sqlite"
    writer = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    writer.execute("CREATE TABLE other (x)")
    writer.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.3, writer.execute, ("COMMIT",))
    release.start()
    try:
        store = SQLiteServerStore(tmp_path)
    finally:
        release.join()
        writer.close()
    store.add(_record("a"))
    assert store.get("a") is not None
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_several_processes_write_one_store(tmp_path: Path) -> None:
    parent = SQLiteServerStore(tmp_path)
    parent.add(_record("parent"))
    parent.close()  # SQLite's rule: no connection open across a fork (see the store module)
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=_writer, args=(str(tmp_path), f"w{i}", 40)) for i in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [w.exitcode for w in workers] == [0, 0, 0]
    assert len(parent.list(None)) == 121


def test_update_only_if_status_is_atomic(tmp_path: Path) -> None:
    store = SQLiteServerStore(tmp_path)
    store.add(_record("a"))
    assert store.update("a", {"status": "ACTIVE"}, only_if_status=("SHUTOFF",)) is None
    changed = store.update("a", {"status": "ACTIVE"}, only_if_status=("BUILD",))
    assert changed is not None and changed.status == "ACTIVE"
    assert store.update("missing", {"status": "ACTIVE"}) is None
    with pytest.raises(KeyError):
        store.update("a", {"colour": "red"})


def test_list_is_scoped_and_newest_first(tmp_path: Path) -> None:
    store = SQLiteServerStore(tmp_path)
    for server_id, project in (("a", "p1"), ("b", "p2"), ("c", "p1")):
        store.add(_record(server_id, project))
    assert [r.id for r in store.list("p1")] == ["c", "a"]
    assert store.delete("a") and not store.delete("a")


def test_state_dir_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(STATE_DIR_ENV, str(tmp_path / "env"))
    assert resolve_state_dir() == tmp_path / "env"
    assert resolve_state_dir(tmp_path / "opt") == tmp_path / "opt"
    monkeypatch.delenv(STATE_DIR_ENV)
    monkeypatch.chdir(tmp_path)
    assert resolve_state_dir() == tmp_path / ".state"


def test_scan_reads_in_batches_below_the_marker_and_filters_rows(tmp_path: Path) -> None:
    store = SQLiteServerStore(tmp_path)
    for i in range(10):
        project = "p" if i % 2 else "q"
        store.add(ServerRecord(f"s{i}", f"name{i}", project, "u", "1", "img", "t", "t"))
    store.update("s7", {"status": "ACTIVE", "locked": True})
    newest_first = [r.id for r in store.scan("p", batch=2)]
    assert newest_first == ["s9", "s7", "s5", "s3", "s1"]
    below = store.get("s7")
    assert below is not None
    assert [r.id for r in store.scan("p", below.seq, batch=3)] == ["s5", "s3", "s1"]
    assert [r.id for r in store.scan(None, batch=4)][:3] == ["s9", "s8", "s7"]
    active = ScanFilter(status="ACTIVE", locked=True)
    assert [r.id for r in store.scan("p", batch=2, where=active)] == ["s7"]
    named = ScanFilter(name=lambda name: name.endswith("3"))
    assert [r.id for r in store.scan(None, where=named)] == ["s3"]


def test_summaries_are_the_scan_s_ids_and_names(tmp_path: Path) -> None:
    store = SQLiteServerStore(tmp_path)
    for i in range(7):
        store.add(ServerRecord(f"s{i}", f"name{i}", "p" if i % 2 else "q", "u", "1", "", "t", "t"))
    store.update("s5", {"status": "ACTIVE", "locked": True})
    for project, before, batch in (("p", None, 2), (None, None, 3), ("q", 5, 1), (None, 2, 64)):
        records = [(r.id, r.name) for r in store.scan(project, before, batch)]
        assert list(store.scan_summaries(project, before, batch)) == records
    active = ScanFilter(status="ACTIVE", locked=True)
    assert list(store.scan_summaries("p", batch=1, where=active)) == [("s5", "name5")]
    named = ScanFilter(name=lambda name: name in {"name2", "name6"})
    assert list(store.scan_summaries(None, where=named)) == [("s6", "name6"), ("s2", "name2")]


def test_update_writes_only_the_named_fields(tmp_path: Path) -> None:
    store = SQLiteServerStore(tmp_path)
    record = _record("a")
    record.metadata = {"k": "v"}
    store.add(record)
    changed = store.update("a", {"addresses": {"net": [{"addr": "10.0.0.9"}]}, "locked": True})
    assert changed is not None
    assert changed.addresses == {"net": [{"addr": "10.0.0.9"}]} and changed.locked is True
    assert (changed.metadata, changed.name, changed.seq) == ({"k": "v"}, "n", record.seq)
    assert store.update("a", {"status": "X"}, only_if_status=()) is None
    assert store.update("a", {}) == changed


def test_summaries_read_on_past_rows_deleted_meanwhile(tmp_path: Path) -> None:
    cases = (
        (["s6"], ["s7", "s6", "s5", "s4", "s3", "s2", "s1", "s0"]),  # the batch's last row
        (["s7", "s6"], ["s7", "s6", "s5", "s4", "s3", "s2", "s1", "s0"]),  # the whole batch
        (["s6", "s5"], ["s7", "s6", "s4", "s3", "s2", "s1", "s0"]),  # and the next unread row
    )
    for case, (gone, expected) in enumerate(cases):
        store = SQLiteServerStore(tmp_path / str(case))
        for i in range(8):
            store.add(_record(f"s{i}"))
        summaries = store.scan_summaries("p", batch=2)
        first = [next(summaries)[0], next(summaries)[0]]
        for server_id in gone:
            store.delete(server_id)
        assert first + [server_id for server_id, _name in summaries] == expected
