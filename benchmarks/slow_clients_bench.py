"""Slow clients against ``apistack serve``: how long do they stop service for everyone else?

Ten attacker connections each send a request line, then one header line every 5 seconds, and
never finish; one that is cut off reconnects at once (``--attack head``, the default). With
``--attack body`` each sends a whole ``POST`` head announcing 1,000 bytes, then one body byte
every 5 seconds. With ``--attack linger`` each sends a whole ``GET`` with ``Connection: close``,
then neither reads nor closes for 5 seconds, and starts again. Meanwhile a probe asks
``GET /v2.1/flavors/1`` every half second (2-second timeout). The figure is the longest time
without a successful probe ("outage"), and the share of probes answered.

Configurations, all measured in the same run:
- ``sync x1``: the old default of ``apistack serve`` (gunicorn's sync worker, one worker);
- ``gthread 2x4, no deadline``: what the issue measured (client timeout off);
- ``gthread 2x4, 30 s deadline``: the same threads, with apistack's request-head deadline;
- ``default``: ``apistack serve`` as shipped (apistack's gthread, 1 worker x 16 threads,
  ``--client-timeout 30``).

The target (issue 12): with the default worker class, 10 such connections stop service for no
longer than the client timeout. The ratio line compares each outage with the run's length.

Run: ``.venv/bin/python benchmarks/slow_clients_bench.py [--seconds 45] [--attack A]`` (A:
``head``, ``body`` or ``linger``).
"""

from __future__ import annotations

import argparse
import http.client
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the tests package: its ServedStack runs apistack serve
from tests.functional.conftest import API_PASTE, ServedStack  # noqa: E402

ATTACKERS = 10
TRICKLE_SECONDS = 5.0
PROBE_EVERY = 0.5
CONFIGS = {
    "sync x1 (old default)": ["--worker-class", "sync", "--workers", "1"],
    "gthread 2x4, no deadline": ["--worker-class", "gthread", "--workers", "2", "--threads",
                                 "4", "--client-timeout", "0"],
    "gthread 2x4, 30 s deadline": ["--worker-class", "gthread", "--workers", "2", "--threads",
                                   "4"],
    "default (gthread 1x16, 30 s deadline)": [],
}  # fmt: skip


# What each attack sends on a new connection, and then every TRICKLE_SECONDS (None: it closes
# the connection and starts again).
ATTACKS: dict[str, tuple[bytes, bytes | None]] = {
    "head": (b"GET /v2.1/flavors HTTP/1.1\r\nHost: slow\r\n", b"X-Trickle: 1\r\n"),
    "body": (
        b"POST /v2.1/servers HTTP/1.1\r\nHost: slow\r\nX-Auth-Token: demo:demo\r\n"
        b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{",
        b" ",
    ),
    "linger": (
        b"GET /v2.1/flavors/1 HTTP/1.1\r\nHost: slow\r\nX-Auth-Token: demo:demo\r\n"
        b"Connection: close\r\n\r\n",
        None,
    ),
}


def _attacker(port: int, stop: threading.Event, attack: str) -> None:
    opening, trickle = ATTACKS[attack]
    sock = None
    while not stop.is_set():
        try:
            if sock is None:
                sock = socket.create_connection(("127.0.0.1", port), timeout=5)
                sock.sendall(opening)
            stop.wait(TRICKLE_SECONDS)
            if trickle is None:
                raise ConnectionAbortedError  # this attack starts again on a new connection
            sock.sendall(trickle)
        except OSError:
            if sock is not None:
                sock.close()
            sock = None
    if sock is not None:
        sock.close()


def _probe(port: int) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/v2.1/flavors/1", headers={"X-Auth-Token": "demo:demo"})
        response = conn.getresponse()
        response.read()
        return response.status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


def measure(
    options: list[str], seconds: float, base: Path, attack: str = "head"
) -> tuple[float, float]:
    """:returns: (longest outage in seconds, share of probes answered) for one server."""
    stack = ServedStack(API_PASTE, "osapi_compute", {"state_dir": str(base)}, 1,
                        base / "serve.log", options=options)  # fmt: skip
    stack.start()
    stop = threading.Event()
    threads = [
        threading.Thread(target=_attacker, args=(stack.port, stop, attack))
        for _ in range(ATTACKERS)
    ]
    try:
        for thread in threads:
            thread.start()
        time.sleep(1)  # every attacker is connected
        answered, total, last_ok, outage = 0, 0, time.monotonic(), 0.0
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            started = time.monotonic()
            total += 1
            if _probe(stack.port):
                answered += 1
                last_ok = time.monotonic()
            outage = max(outage, time.monotonic() - last_ok)
            time.sleep(max(0.0, PROBE_EVERY - (time.monotonic() - started)))
        return outage, answered / total
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        stack.stop()


def main() -> None:
    """Measure every configuration and print one line each."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=45.0)
    parser.add_argument("--attack", choices=sorted(ATTACKS), default="head")
    args = parser.parse_args()
    seconds = args.seconds
    print(f"{ATTACKERS} slow connections ({args.attack}: every {TRICKLE_SECONDS:g} s), "
          f"probe every {PROBE_EVERY:g} s, {seconds:g} s per configuration")  # fmt: skip
    for label, options in CONFIGS.items():
        with tempfile.TemporaryDirectory() as base:
            outage, share = measure(options, seconds, Path(base), args.attack)
        print(f"{label:<40} longest outage {outage:5.1f} s  ({outage / seconds:4.2f}x the run)"
              f"  probes answered {share:6.1%}")  # fmt: skip


if __name__ == "__main__":
    main()
