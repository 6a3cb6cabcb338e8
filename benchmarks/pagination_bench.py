"""Server list pages on a large project against the same pages on a small one, same run.

Run: ``.venv/bin/python benchmarks/pagination_bench.py``. Target (issue 13): ``GET
/servers?limit=10`` (and ``/servers/detail?limit=10``) on a project of 20,000 servers within 2x
of the same request on a project of 10, through the whole in-process example stack
(paste-examples/api-paste.ini). Also printed, for information: the first page without
``limit`` (``max_limit``, 1,000 servers) and a ``name`` filter that matches nothing, which
must read the whole project (the worst case of a filtered page).

The store keeps small pages in its read cache until the next commit, so a page asked for twice
is not read twice: the target lines are measured with that cache off (every page an indexed
query, as after any write), the cached page is printed for information.
"""

from __future__ import annotations

import functools
import logging
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import webob
from paste.deploy import loadapp

sys.path.insert(0, str(Path(__file__).parent))
from _timing import line, per_call

from apistack.examples.compute import server_base
from apistack.examples.compute.store import ServerRecord, SQLiteServerStore

ROOT = Path(__file__).resolve().parent.parent
INI = ROOT / "paste-examples" / "api-paste.ini"
LARGE, SMALL = 20_000, 10


def fill(state_dir: Path, count: int) -> None:
    store = SQLiteServerStore(state_dir)
    for i in range(count):
        now = "2026-01-01T00:00:00Z"
        record = ServerRecord(
            str(uuid.uuid4()), f"vm-{i}", "bench", "u", "1", "img", now, now, status="ACTIVE"
        )
        store.add(record)
    store.close()


def stack(state_dir: Path) -> Any:
    return loadapp(
        f"config:{INI}", name="osapi_compute", global_conf={"state_dir": str(state_dir)}
    )


@contextmanager
def uncached() -> Iterator[None]:
    """Stacks loaded inside build stores whose read cache is off (``cache_size=0``)."""
    server_base.SQLiteServerStore = functools.partial(  # type: ignore[misc]
        SQLiteServerStore, cache_size=0
    )
    try:
        yield
    finally:
        server_base.SQLiteServerStore = SQLiteServerStore  # type: ignore[misc]


def getter(app: Any, path: str) -> Any:
    def one() -> None:
        req = webob.Request.blank(path, headers={"X-Auth-Token": "u:bench"})
        response = req.get_response(app)
        assert response.status_int == 200, response.body[:200]

    return one


def main() -> None:
    logging.disable(logging.INFO)
    with tempfile.TemporaryDirectory() as tmp:
        small_dir, large_dir = Path(tmp, "small"), Path(tmp, "large")
        fill(small_dir, SMALL)
        fill(large_dir, LARGE)
        with uncached():
            small, large = stack(small_dir), stack(large_dir)
        print(f"servers in one project: {SMALL} (baseline) and {LARGE}; read cache off")
        bases = {}
        for path in ("/v2.1/servers?limit=10", "/v2.1/servers/detail?limit=10"):
            base = bases[path] = per_call(getter(small, path), 200)
            big = per_call(getter(large, path), 200)
            print(line(f"GET {path}, {LARGE} servers", big, base, "target: <= 2x"))
        plain = "/v2.1/servers?limit=10"
        cached = per_call(getter(stack(large_dir), plain), 200)
        print(line(f"GET {plain}, {LARGE}, read cache on", cached, bases[plain], "information"))
        base = per_call(getter(small, "/v2.1/servers/detail"), 20, repeat=5)
        full = per_call(getter(large, "/v2.1/servers/detail"), 5, repeat=3)
        print(line("GET /v2.1/servers/detail (max_limit 1000 page)", full, base, "information"))
        path = "/v2.1/servers?name=%5Enomatch%24&limit=10"
        scan = per_call(getter(large, path), 5, repeat=3)
        print(line(f"GET ?name=^nomatch$ (reads all {LARGE})", scan, base, "information"))


if __name__ == "__main__":
    main()
