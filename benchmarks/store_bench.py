"""The example store's read cache: ``get`` and a list page, with the cache against without it.

Run: ``.venv/bin/python benchmarks/store_bench.py``. Every figure is CPU time of this process
(``time.process_time``, all threads), the median of repeats, printed against ``get`` with the
cache off on one thread, measured in the same run. Four threads reading at once show what a
gunicorn gthread worker pays: each query releases the GIL around every SQLite step, so the
threads hand it to one another (a futex call and a context switch each time); a cache hit
reads the WAL-index header from memory and releases nothing. No target: issue 16's targets are
in ``stack_bench.py``; this says where the store's share of them comes from.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from apistack.examples.compute.store import ServerRecord, SQLiteServerStore

SERVERS, NUMBER, THREADS, REPEAT = 10, 5000, 4, 7
NOW = "2026-01-01T00:00:00Z"


def _filled(state_dir: Path) -> None:
    store = SQLiteServerStore(state_dir)
    for i in range(SERVERS):
        addresses = {"private": [{"version": 4, "addr": f"10.0.0.{i + 2}"}]}
        record = ServerRecord(f"s{i}", f"vm-{i}", "p", "u", "1", "img", NOW, NOW, "ACTIVE")
        record.addresses = addresses
        store.add(record)
    store.close()


def _cpu_per_call(call: Callable[[], object], threads: int) -> float:
    """:returns: the median CPU seconds per ``call``, ``threads`` threads calling at once."""

    def loop() -> None:
        for _ in range(NUMBER):
            call()

    runs = []
    for _ in range(REPEAT):
        workers = [threading.Thread(target=loop) for _ in range(threads)]
        start = time.process_time()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        runs.append((time.process_time() - start) / (NUMBER * threads))
    return statistics.median(runs)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="store-bench-") as tmp:
        _filled(Path(tmp))
        stores = {"off": SQLiteServerStore(tmp, cache_size=0), "on": SQLiteServerStore(tmp)}
        figures: dict[str, float] = {}
        for threads in (1, THREADS):
            for cache, store in stores.items():
                get: Callable[[], object] = lambda store=store: store.get("s3")  # noqa: E731
                figures[f"get, {threads} thread(s), cache {cache}"] = _cpu_per_call(get, threads)
        for cache, store in stores.items():

            def page(store: SQLiteServerStore = store) -> object:
                return list(store.scan_summaries("p", None, 1000))

            figures[f"list page of {SERVERS}, 1 thread, cache {cache}"] = _cpu_per_call(page, 1)
        baseline = figures["get, 1 thread(s), cache off"]
        print(f"CPU per call, median of {REPEAT} runs of {NUMBER} calls per thread:")
        for label, seconds in figures.items():
            print(f"  {label:<40} {seconds * 1e6:8.2f} us  {seconds / baseline:5.2f}x baseline")
        print("  (baseline: get, 1 thread, cache off)")


if __name__ == "__main__":
    main()
