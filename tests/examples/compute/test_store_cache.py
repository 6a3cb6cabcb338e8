"""The store's read cache: a commit by anyone is seen by the very next read, in this process or
another; a torn or missing WAL-index header means a query; nothing stale survives close or fork.

Each test first makes the cache hold the server, so each fails if a commit stops retiring it.
"""

from __future__ import annotations

import ctypes
import itertools
import json
import multiprocessing
import subprocess
import sys
import threading
import time
from pathlib import Path

from apistack.examples.compute.read_cache import CommittedRows
from apistack.examples.compute.store import ServerRecord, SQLiteServerStore
from apistack.examples.compute.store_pages import CACHED_PAGE_ROWS
from apistack.examples.compute.wal_index import HEADER_SIZE, INDEX_VERSION, WalIndexHeader
from tests.examples.compute.conftest import ComputeAPI

_ELSEWHERE = """
import sys
from apistack.examples.compute.store import SQLiteServerStore
store = SQLiteServerStore(sys.argv[1])
if sys.argv[2] == "delete":
    assert store.delete(sys.argv[3])
else:
    assert store.update(sys.argv[3], {"name": sys.argv[2]}) is not None
"""


def _record(server_id: str, name: str = "n") -> ServerRecord:
    return ServerRecord(server_id, name, "p", "u", "1", "img", "t", "t")


def _in_another_process(store: SQLiteServerStore, *args: str) -> None:
    """Rename (or ``delete``) a server of ``store``'s database from a fresh interpreter."""
    command = [sys.executable, "-c", _ELSEWHERE, str(store.path.parent), *args]
    subprocess.run(command, check=True, timeout=60)


def _name(store: SQLiteServerStore, server_id: str) -> str | None:
    record = store.get(server_id)
    return None if record is None else record.name


def test_unchanged_server_is_answered_without_a_query(tmp_path: Path) -> None:
    store = SQLiteServerStore(tmp_path)
    store.add(_record("a"))
    assert _name(store, "a") == "n"
    statements: list[str] = []
    store._connection().set_trace_callback(statements.append)
    first, second = store.get("a"), store.get("a")
    assert first == second and first is not second  # a new record on every hit
    assert statements == []
    assert _name(store, "missing") is None
    assert statements and all("WHERE id = 'missing'" in sql for sql in statements)


def test_a_commit_in_another_process_is_seen_by_the_next_get(tmp_path: Path) -> None:
    store = SQLiteServerStore(tmp_path)
    store.add(_record("a"))
    store.add(_record("b"))
    assert (_name(store, "a"), _name(store, "b")) == ("n", "n")
    _in_another_process(store, "renamed", "a")
    assert _name(store, "a") == "renamed"
    _in_another_process(store, "delete", "b")
    assert store.get("b") is None


def test_update_and_delete_through_another_connection_are_seen(tmp_path: Path) -> None:
    store, other = SQLiteServerStore(tmp_path), SQLiteServerStore(tmp_path)
    store.add(_record("a"))
    assert _name(store, "a") == "n"
    assert other.update("a", {"name": "changed"}) is not None
    assert _name(store, "a") == "changed"
    assert other.delete("a")
    assert store.get("a") is None


def test_list_pages_see_every_commit(tmp_path: Path) -> None:
    store, other = SQLiteServerStore(tmp_path), SQLiteServerStore(tmp_path)
    for server_id in ("a", "b"):
        store.add(_record(server_id))

    def listed() -> list[tuple[str, str]]:
        pages = list(store.scan_summaries("p", batch=10))
        assert pages == [(r.id, r.name) for r in store.scan("p", batch=10)]
        return pages

    assert listed() == [("b", "n"), ("a", "n")]
    statements: list[str] = []
    store._connection().set_trace_callback(statements.append)
    assert listed() == [("b", "n"), ("a", "n")] and statements == []  # both pages kept
    other.add(_record("c"))
    assert listed() == [("c", "n"), ("b", "n"), ("a", "n")]
    assert other.update("b", {"name": "renamed"}) is not None
    _in_another_process(store, "delete", "a")
    assert listed() == [("c", "n"), ("b", "renamed")]
    assert len(statements) == 4  # two queries per list after each change, none before


def test_actions_and_settling_are_seen_by_show(tmp_path: Path) -> None:
    api = ComputeAPI(tmp_path / "state")
    server_id = api.create()

    def status() -> str:
        response = api.call("servers", "show", f"/servers/{server_id}", id=server_id)
        return str(json.loads(response.body)["server"]["status"])

    def act(body: dict[str, object]) -> None:
        path = f"/servers/{server_id}/action"
        assert api.call("servers", "action", path, "POST", body, id=server_id).status_int == 202

    assert status() == "ACTIVE"  # settled from BUILD by this read
    assert status() == "ACTIVE"
    act({"os-stop": None})
    assert status() == "SHUTOFF"
    act({"os-start": None})
    assert status() == "ACTIVE"
    act({"reboot": {"type": "HARD"}})
    record = api.store.get(server_id)
    assert record is not None and record.status == "HARD_REBOOT"
    assert status() == "ACTIVE"


def test_readers_never_see_a_write_older_than_one_completed_before_they_began(
    tmp_path: Path,
) -> None:
    """Writers rename their server to a growing number and publish each number once its
    update returns; a reader notes the published number before each read and must read at
    least that number."""
    store = SQLiteServerStore(tmp_path)
    servers = [f"s{i}" for i in range(2)]
    for server_id in servers:
        store.add(_record(server_id, "0"))
    done: dict[str, int] = dict.fromkeys(servers, 0)
    stop = threading.Event()
    errors: list[str] = []

    def write(server_id: str) -> None:
        number = 0
        while not stop.is_set():
            number += 1
            store.update(server_id, {"name": str(number)})
            done[server_id] = number

    def read(server_id: str) -> None:
        while not stop.is_set():
            floor = done[server_id]
            record = store.get(server_id)
            if record is None or int(record.name) < floor:
                errors.append(f"{server_id}: read {record and record.name} after {floor}")
        store.close()

    threads = [threading.Thread(target=write, args=(s,)) for s in servers]
    threads += [threading.Thread(target=read, args=(servers[i % 2],)) for i in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    stop.set()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert all(number > 10 for number in done.values()), done


def test_a_torn_header_means_a_query(tmp_path: Path) -> None:
    """A commit writes header copy 1, then copy 0: a reader between the two sees the old
    copy 0. Put the database in that state after the server was cached: the store must
    not trust copy 0 alone."""
    store = SQLiteServerStore(tmp_path)
    store.add(_record("a"))
    assert _name(store, "a") == "n"
    header = WalIndexHeader.open(store.path)
    assert header is not None
    old = header.read()
    assert old is not None
    _in_another_process(store, "renamed", "a")
    new = header.read()
    assert new is not None and new != old
    ctypes.memmove(header._copies, old, HEADER_SIZE)  # copy 0 back to the old state
    assert header.read() is None
    assert _name(store, "a") == "renamed"


def test_header_reading(tmp_path: Path) -> None:
    assert WalIndexHeader.open(tmp_path / "absent.sqlite") is None
    copy = INDEX_VERSION.to_bytes(4, sys.byteorder) + bytes(range(HEADER_SIZE - 4))
    memory = ctypes.create_string_buffer(copy * 2, 2 * HEADER_SIZE)
    header = WalIndexHeader(memory)
    assert header.read() == copy
    memory[HEADER_SIZE + 9] = b"\xff"  # copy 1 differs: a commit is under way
    assert header.read() is None
    other = (INDEX_VERSION + 1).to_bytes(4, sys.byteorder) + copy[4:]
    assert WalIndexHeader(ctypes.create_string_buffer(other * 2, 2 * HEADER_SIZE)).read() is None


def test_the_cache_is_bounded() -> None:
    rows = CommittedRows(2)
    for key in ("a", "b", "c"):
        rows.keep(key, b"h", (key,))
    assert len(rows) <= 2 and rows.get("c", b"h") == ("c",)
    assert rows.get("c", b"other") is None
    unkept = CommittedRows(0)
    unkept.keep("a", b"h", ("a",))
    assert len(unkept) == 0 and unkept.get("a", b"h") is None


def test_only_small_pages_are_kept(tmp_path: Path) -> None:
    store = SQLiteServerStore(tmp_path)
    for i in range(CACHED_PAGE_ROWS + 1):
        store.add(_record(f"s{i}"))
    statements: list[str] = []
    store._connection().set_trace_callback(statements.append)
    for _ in range(2):
        assert len(list(store.scan_summaries("p", batch=1000))) == CACHED_PAGE_ROWS + 1
        small = store.scan_summaries("p", batch=CACHED_PAGE_ROWS)
        assert len(list(itertools.islice(small, CACHED_PAGE_ROWS))) == CACHED_PAGE_ROWS
    assert len(statements) == 2 + 1  # the big page both times, the small one once


def test_nothing_stale_survives_close(tmp_path: Path) -> None:
    """When the last connection closes, SQLite deletes the -shm file; the next one starts a
    new file whose first header repeats the last new file's. A row read there must not be
    served once another process has changed it in between."""
    store = SQLiteServerStore(tmp_path)
    store.add(_record("a"))
    store.close()
    assert _name(store, "a") == "n"  # read on a fresh -shm file, before any commit to it
    store.close()
    _in_another_process(store, "renamed", "a")
    assert _name(store, "a") == "renamed"


def _child_reads(store: SQLiteServerStore, answer: multiprocessing.SimpleQueue[object]) -> None:
    # The parent changed the server after forking, while the child holds the parent's
    # cached row and thread state.
    answer.put(_name(store, "a"))


def test_nothing_stale_survives_fork(tmp_path: Path) -> None:
    store = SQLiteServerStore(tmp_path)
    store.add(_record("a"))
    store.close()
    assert _name(store, "a") == "n"
    store.close()  # SQLite's rule: nothing open across a fork
    ctx = multiprocessing.get_context("fork")
    answer: multiprocessing.SimpleQueue[object] = ctx.SimpleQueue()
    _in_another_process(store, "renamed", "a")
    child = ctx.Process(target=_child_reads, args=(store, answer))
    child.start()
    child.join(60)
    assert child.exitcode == 0
    assert answer.get() == "renamed"
