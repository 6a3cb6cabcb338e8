"""The long fuzz run (``make fuzz``): many seeded requests against ``apistack serve``.

Run: ``.venv/bin/python -m tests.fuzz.served [--requests 50000] [--workers 2] [--seed 13]
[--in-process]``. It serves ``paste-examples/api-paste.ini`` (noauth2) with gunicorn on a
free 127.0.0.1 port and a temporary state directory, creates a few servers, sends the
requests Hypothesis draws from ``tests.fuzz.strategies`` over one keep-alive connection
(reconnecting when the server closes it), then a few raw-socket probes (a chunked body cut
short). It prints the counts by status, the properties broken (``tests.fuzz.properties``,
with an example of each), and the slowest requests. Exit status 1 when any property broke.
``--in-process`` sends the same requests to the stack in this process instead (no timing).
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import logging
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from tests.functional.conftest import API_PASTE, ServedStack
from tests.fuzz.probes import cut_chunked_body
from tests.fuzz.properties import problems
from tests.fuzz.strategies import FuzzRequest, requests
from tests.fuzz.test_fuzz_stack import send

Sender = Callable[[FuzzRequest], tuple[int, dict[str, str], bytes]]
IMG = "70a599e0-31e7-49b7-b260-868f441e862b"
# How a kept-alive connection the server closed while idle fails the next request.
_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class HTTPSender:
    """Sends ``FuzzRequest``s over one keep-alive connection, reconnecting when needed.

    A kept-alive connection the server closed while idle (gunicorn's ``keepalive``) fails
    the next request at once: that request is sent again on a new connection, as HTTP
    clients do. A request unanswered on a new connection (its worker killed, the connection
    dropped) is recorded as status 0 and not sent again.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def __call__(self, request: FuzzRequest) -> tuple[int, dict[str, str], bytes]:
        reused = self.conn.sock is not None
        try:
            return self._send(request)
        except (http.client.HTTPException, OSError) as exc:
            self.conn.close()
            if not (reused and isinstance(exc, _STALE)):
                return 0, {}, b""
        try:
            return self._send(request)
        except (http.client.HTTPException, OSError):
            self.conn.close()
            return 0, {}, b""

    def _send(self, request: FuzzRequest) -> tuple[int, dict[str, str], bytes]:
        conn = self.conn
        conn.putrequest(request.method, request.target, skip_accept_encoding=True)
        for name, value in request.headers:
            conn.putheader(name, value.encode("latin-1"))
        if request.body is not None:
            conn.putheader("Content-Length", str(len(request.body)))
        conn.endheaders(request.body)
        response = conn.getresponse()
        body = response.read()  # also for HEAD (b""): http.client needs it before the next request
        if response.will_close:
            conn.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body


class Tally:
    """Counts by status, broken properties with a first example each, slowest requests."""

    def __init__(self) -> None:
        self.statuses: collections.Counter[int] = collections.Counter()
        self.broken: collections.Counter[str] = collections.Counter()
        self.examples: dict[str, str] = {}
        self.slowest: list[tuple[float, str]] = []

    def record(
        self, request: FuzzRequest, answer: tuple[int, dict[str, str], bytes], took: float
    ) -> None:
        status, headers, body = answer
        self.statuses[status] += 1
        for problem in problems(request, status, headers, body):
            key = f"{problem} [gunicorn's own page]" if body.startswith(b"<html>") else problem
            self.broken[key] += 1
            self.examples.setdefault(key, f"{request.describe()} -> {body[:200]!r}")
        if len(self.slowest) < 5 or took > self.slowest[-1][0]:
            self.slowest = sorted([*self.slowest, (took, request.describe())], reverse=True)[:5]
        total = sum(self.statuses.values())
        if total % 5000 == 0:
            print(f"... {total} requests, 5xx so far: {self._five()}", file=sys.stderr, flush=True)

    def _five(self) -> int:
        return sum(n for s, n in self.statuses.items() if s >= 500)

    def report(self, timed: bool) -> None:
        total = sum(self.statuses.values())
        print(f"requests: {total}")
        print("by status: " + ", ".join(f"{s}: {n}" for s, n in sorted(self.statuses.items())))
        print(f"5xx: {self._five()}")
        for problem, count in self.broken.most_common():
            print(f"BROKEN {count:6d} x {problem}\n    e.g. {self.examples[problem][:600]}")
        if timed:
            for took, described in self.slowest:
                print(f"slow {took * 1000:9.1f} ms  {described[:300]}")


def run(sender: Sender, ids: tuple[str, ...], count: int, chosen_seed: int, tally: Tally) -> None:
    """Send ``count`` drawn requests through ``sender`` and record each answer in ``tally``."""
    strategy = requests(ids)

    @seed(chosen_seed)
    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def one(data: st.DataObject) -> None:
        request = data.draw(strategy)
        start = time.perf_counter()
        answer = sender(request)
        tally.record(request, answer, time.perf_counter() - start)

    one()


def create_servers(sender: Sender) -> tuple[str, ...]:
    """Create two servers in each of two projects; :returns: their ids."""
    ids = []
    for project in ("proj", "other"):
        for name in ("vm", "aaaaaaaaaaaaaaaaaaaaaaaaaaaa!"):
            body = json.dumps({"server": {"name": name, "flavorRef": "1", "imageRef": IMG}})
            headers = (("X-Auth-Token", f"alice:{project}"), ("Content-Type", "application/json"))
            status, _h, answer = sender(
                FuzzRequest("POST", "/v2.1/servers", headers, body.encode())
            )
            assert status == 202, answer
            ids.append(str(json.loads(answer)["server"]["id"]))
    return tuple(ids)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--in-process", action="store_true")
    args = parser.parse_args(argv)
    # A stopped run still stops its server (the finally below): SIGTERM raises SystemExit.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    tally = Tally()
    with tempfile.TemporaryDirectory() as state_dir:
        if args.in_process:
            from paste.deploy import loadapp

            app = loadapp(
                f"config:{API_PASTE}", name="osapi_compute", global_conf={"state_dir": state_dir}
            )
            logging.disable(logging.CRITICAL)
            sender: Sender = lambda request: send(app, request)  # noqa: E731
            run(sender, create_servers(sender), args.requests, args.seed, tally)
        else:
            served = ServedStack(
                API_PASTE, "osapi_compute", {"state_dir": state_dir}, args.workers,
                Path(state_dir) / "serve.log",
            )  # fmt: skip
            served.start()
            try:
                sender = HTTPSender(served.port)
                run(sender, create_servers(sender), args.requests, args.seed, tally)
                for probe in (cut_chunked_body,):
                    probe_request, answer, took = probe(served.port)
                    tally.record(probe_request, answer, took)
                    print(f"probe {probe.__name__}: {answer[0]} {answer[2][:120]!r}")
            finally:
                served.stop()
                print(f"server log: {_count_tracebacks(Path(state_dir) / 'serve.log')}")
    tally.report(timed=not args.in_process)
    return 1 if tally.broken else 0


def _count_tracebacks(log: Path) -> str:
    text = log.read_text(errors="replace") if log.exists() else ""
    return f"{text.count('Traceback')} tracebacks, {text.count(' ERROR ')} ERROR lines"


if __name__ == "__main__":
    sys.exit(main())
