"""The whole compute stack against a bare app, in process and served by gunicorn (issue 6).

Targets:
- in process: ``paste-examples/api-paste.ini`` (noauth2 pipeline + router + Resource) answering
  ``GET /v2.1/servers/{id}`` costs at most 4x a bare ``webob.dec.wsgify`` app returning the
  same JSON body; measured with request_log's INFO line on (written to /dev/null) and off
  (its logger at WARNING);
- served: gunicorn, 2 workers, the same settings for both apps; the stack's throughput is at
  least 60% of the bare app's, with one keep-alive load generator (wrk) in the same run; and a
  30-second run at 64 connections has zero errors.

The machine has 2 cores: ``wrk -t1`` competes with the two workers for them, so the served
figures are throughput of the whole box, not of gunicorn alone. Figures are medians of
repeats, baseline and subject interleaved; compare ratios, not absolute numbers.

Run: ``.venv/bin/python benchmarks/stack_bench.py [--in-process] [--served]`` (both parts by
default; the served part needs Debian's wrk: see ``_wrk.ensure_wrk``).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import webob
import webob.dec
from paste.deploy import loadapp, loadfilter

from apistack.apps.urlmap import URLMap
from apistack.examples.compute.routes import compute_settings
from apistack.resource import Controller
from apistack.router import APIRouter

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the tests package: its ServedStack runs apistack serve
sys.path.insert(0, str(HERE))
from _wrk import ensure_wrk, run_wrk  # noqa: E402

from tests.functional.conftest import ServedStack  # noqa: E402

INI = HERE.parent / "paste-examples" / "api-paste.ini"
BARE_INI = HERE / "bare-app.ini"
TOKEN = {"X-Auth-Token": "demo:demo"}
IMAGE = "70a599e0-31e7-49b7-b260-868f441e862b"
NUMBER, REPEAT = 1000, 11
# Both servers: 2 workers, gthread (keep-alive; sync closes every connection), 4 threads each.
SERVE_OPTIONS = ["--worker-class", "gthread", "--threads", "4"]
WORKERS = 2
WRK_CONNECTIONS, WRK_SECONDS, WRK_REPEAT = 32, 6, 5
LONG_CONNECTIONS, LONG_SECONDS = 64, 30
SETTINGS = compute_settings()


# In process --------------------------------------------------------------------------------


def _request(app: Any, method: str, path: str, body: Any = None) -> webob.Response:
    req = webob.Request.blank(path, method=method, headers=TOKEN)
    if body is not None:
        req.json_body = body
    return req.get_response(app)


def _verdict(met: bool) -> str:
    return "meets" if met else "MISSES"


def _stack_and_path() -> tuple[Any, str]:
    """:returns: the loaded stack and the path of a server created (and settled) in it."""
    app = loadapp(f"config:{INI}", name="osapi_compute")
    server = {"server": {"name": "bench", "flavorRef": "1", "imageRef": IMAGE}}
    created = _request(app, "POST", "/v2.1/servers", server)
    assert created.status_int == 202, created.body
    path = f"/v2.1/servers/{created.json_body['server']['id']}"
    assert _request(app, "GET", path).json_body["server"]["status"] == "ACTIVE"
    return app, path


class _ConstantServers(Controller):
    """``show`` returns a fixed view: what router + Resource cost without the example's work."""

    view: ClassVar[dict[str, Any]] = {}

    def show(self, req: Any, id: str) -> dict[str, Any]:
        return self.view


def _seconds_per_call(func: Callable[[], Any]) -> float:
    start = time.perf_counter()
    for _ in range(NUMBER):
        func()
    return (time.perf_counter() - start) / NUMBER


def _layers(app: Any, path: str, body: bytes) -> dict[str, Callable[[], Any]]:
    """:returns: the callables measured: the bare app, the stack built up layer by layer from
    the same ini (inner layers mounted at ``/v2.1`` as the URL map does), and the full stack."""

    @webob.dec.wsgify
    def bare(req: webob.Request) -> webob.Response:
        return webob.Response(body=body, content_type="application/json", charset=None)

    ini = f"config:{INI}"
    noauth = loadfilter(ini, name="noauth")
    constant = type("ConstantServers", (_ConstantServers,), {"view": json.loads(body)})
    framework = noauth(
        APIRouter((("/servers/{id}", {"GET": [constant, "show"]}),), settings=SETTINGS)
    )
    inner: Any = noauth(loadapp(ini, name="osapi_compute_app_v21"))
    routed = inner
    for name in ("sizelimit", "request_log", "faultwrap", "request_id"):
        inner = loadfilter(ini, name=name)(inner)
    sub_path = path[len("/v2.1") :]

    def mounted(wsgi: Any) -> Callable[[], Any]:
        environ = {"SCRIPT_NAME": "/v2.1"}
        return lambda: webob.Request.blank(sub_path, environ, headers=TOKEN).get_response(wsgi)

    url_map = URLMap([("/v2.1", inner)])
    layers = {
        "bare": lambda: _request(bare, "GET", path),
        "framework": mounted(framework),
        "router": mounted(routed),
        "filters": mounted(inner),
        "urlmap": lambda: _request(url_map, "GET", path),
        "off": lambda: _request(app, "GET", path),
    }
    for name, call in layers.items():
        assert call().body == body, name
    return layers


def _measure(layers: dict[str, Callable[[], Any]]) -> dict[str, float]:
    """:returns: the median seconds per call of each layer, and of the full stack with the
    request log on (``on``); layers interleaved so drifting machine load hits all alike."""
    logger = logging.getLogger("apistack.request_log")
    logger.propagate = False
    logger.addHandler(logging.FileHandler(os.devnull))
    runs: dict[str, list[float]] = {name: [] for name in [*layers, "on"]}
    for _ in range(REPEAT):
        logger.setLevel(logging.WARNING)
        for name, call in layers.items():
            runs[name].append(_seconds_per_call(call))
        logger.setLevel(logging.INFO)
        runs["on"].append(_seconds_per_call(layers["off"]))
    logger.setLevel(logging.WARNING)
    return {name: statistics.median(values) for name, values in runs.items()}


def in_process() -> None:
    """Print the in-process figures: bare app, stack with the request log off and on, and the
    cost of each layer."""
    app, path = _stack_and_path()
    body = _request(app, "GET", path).body
    median = _measure(_layers(app, path, body))
    bare = median["bare"]
    print(f"In process, GET {path} ({len(body)}-byte body), median of {REPEAT} x {NUMBER}:")
    print(f"  bare webob.dec.wsgify app (same body)         {bare * 1e6:7.1f} us")
    for label, key in (
        ("full stack, request_log off (WARNING)", "off"),
        ("full stack, request_log on (INFO, /dev/null)", "on"),
    ):
        print(
            f"  {label:<45} {median[key] * 1e6:7.1f} us  {median[key] / bare:5.2f}x bare"
            f"  ({_verdict(median[key] / bare <= 4)} <= 4x)"
        )
    print("  where the time goes (request_log off):")
    steps = (
        ("noauth + router + Resource, constant dict", "framework", "bare"),
        ("+ the example's show (SQLite read, view)", "router", "framework"),
        ("+ request_id faultwrap request_log sizelimit", "filters", "router"),
        ("+ URL map", "urlmap", "filters"),
        ("+ oslo.middleware cors, http_proxy_to_wsgi", "off", "urlmap"),
    )
    for label, key, previous in steps:
        added = median[key] - (0.0 if previous == "bare" else median[previous])
        print(
            f"    {label:<45} {added * 1e6:+7.1f} us  (cumulative {median[key] / bare:5.2f}x bare)"
        )


# Served ------------------------------------------------------------------------------------


def _server_body(stack: ServedStack) -> tuple[str, bytes]:
    """Create a server over HTTP; :returns: its path and the body GET answers for it."""

    def fetch(path: str, data: Any = None) -> bytes:
        body = None if data is None else json.dumps(data).encode()
        headers = {**TOKEN, "Content-Type": "application/json"}
        request = urllib.request.Request(stack.url + path, data=body, headers=headers)
        with urllib.request.urlopen(request, timeout=10) as response:
            return bytes(response.read())

    server = {"server": {"name": "bench", "flavorRef": "1", "imageRef": IMAGE}}
    created = json.loads(fetch("/v2.1/servers", server))
    path = f"/v2.1/servers/{created['server']['id']}"
    fetch(path)  # BUILD -> ACTIVE, so every measured GET is a pure read
    return path, fetch(path)


def served(tmp: Path) -> None:
    """Print the served figures: throughput of stack vs bare, then the long 64-connection run."""
    wrk = ensure_wrk()
    if wrk is None:
        print("Served figures skipped: wrk is not installed (see the line above).")
        return
    env = {"APISTACK_STATE_DIR": str(tmp / "state"), "PYTHONPATH": str(HERE), "HOME": str(tmp)}

    def start(ini: Path, name: str, globals_: dict[str, str]) -> ServedStack:
        log = tmp / f"{name}.log"
        stack = ServedStack(ini, name, globals_, WORKERS, log, env, SERVE_OPTIONS)
        stack.start()
        return stack

    subject = start(INI, "osapi_compute", {})
    bare: ServedStack | None = None
    try:
        path, body = _server_body(subject)
        (tmp / "body.json").write_bytes(body)
        bare = start(BARE_INI, "main", {"body_file": str(tmp / "body.json")})
        _compare(wrk, path, {"bare": bare, "stack": subject})
        _long_run(wrk, path, subject)
    finally:
        subject.stop()
        if bare is not None:
            bare.stop()


def _connection_split(stack: ServedStack) -> str:
    """:returns: how many client connections each worker holds, e.g. ``"9+7"``.

    gthread keeps a connection on the worker that accepted it; when one worker wins the race
    for all of wrk's connections at start, the other idles and throughput halves.
    """
    counts = []
    for pid in stack.worker_pids():
        fds = Path(f"/proc/{pid}/fd")
        links = [os.readlink(fds / fd) for fd in os.listdir(fds)]
        counts.append(sum(link.startswith("socket:") for link in links) - 1)  # the listener
    return "+".join(str(count) for count in counts)


def _balanced(split: str) -> bool:
    return "0" not in split.split("+")


def _compare(wrk: str, path: str, stacks: dict[str, ServedStack]) -> None:
    """Interleave wrk runs on both apps until each has ``WRK_REPEAT`` runs in which every
    worker served (at most three times as many attempts); compare their medians."""
    runs: dict[str, list[tuple[float, str]]] = {label: [] for label in stacks}
    for _ in range(3 * WRK_REPEAT):
        for label, stack in stacks.items():
            if sum(_balanced(split) for _, split in runs[label]) >= WRK_REPEAT:
                continue
            split = functools.partial(_connection_split, stack)
            result = run_wrk(wrk, stack.url + path, WRK_CONNECTIONS, WRK_SECONDS, split)
            assert result.non_2xx_3xx == 0, f"{label}: {result}"
            runs[label].append((result.requests_per_second, result.note))
    print(
        f"Served: gunicorn, {WORKERS} workers, {' '.join(SERVE_OPTIONS)}; wrk -t1 "
        f"-c{WRK_CONNECTIONS} -d{WRK_SECONDS}s, keep-alive, interleaved; wrk shares the 2 cores "
        "with the workers. Each run: req/s (client connections per worker, mid-run):"
    )
    medians = {}
    for label, results in runs.items():
        shown = ", ".join(f"{rps:.0f} ({split})" for rps, split in results)
        print(f"  {label:<6} runs: {shown}")
        balanced = [rps for rps, split in results if _balanced(split)]
        medians[label] = statistics.median(balanced or [rps for rps, _ in results])
        print(
            f"  {label:<6} median of {len(balanced)} runs where both workers served: "
            f"{medians[label]:.0f} req/s"
        )
    ratio = medians["stack"] / medians["bare"]
    print(f"  stack / bare  {ratio:5.0%}   ({_verdict(ratio >= 0.6)} >= 60%)")


def _long_run(wrk: str, path: str, stack: ServedStack) -> None:
    split = functools.partial(_connection_split, stack)
    result = run_wrk(wrk, stack.url + path, LONG_CONNECTIONS, LONG_SECONDS, split)
    errors = sum(result.socket_errors.values()) + result.non_2xx_3xx
    print(f"Long run: wrk -t1 -c{LONG_CONNECTIONS} -d{LONG_SECONDS}s on the stack's GET server:")
    print(
        f"  {result.requests} requests, {result.requests_per_second:.0f} req/s "
        f"(connections per worker {result.note}), "
        f"non-2xx/3xx {result.non_2xx_3xx}, socket errors {result.socket_errors} "
        f"-> {errors} errors ({_verdict(errors == 0)} zero errors)"
    )


def main() -> None:
    """Run both parts; ``--in-process`` or ``--served`` runs one."""
    parts = set(sys.argv[1:]) or {"--in-process", "--served"}
    with tempfile.TemporaryDirectory(prefix="stack-bench-") as tmp:
        os.environ["APISTACK_STATE_DIR"] = str(Path(tmp) / "in-process")
        if "--in-process" in parts:
            in_process()
            print()
        if "--served" in parts:
            served(Path(tmp))


if __name__ == "__main__":
    main()
