"""What the Keystone pipeline costs: harness setup time and per-request latency.

Prints, from one run: the harness's setup steps (install, start, provisioning), then median
per-request latencies, each as a ratio to a baseline measured in the same run:

1. an in-process echo app behind nothing (the baseline), apistack's ``noauth`` filter,
   keystonemiddleware's ``auth_token`` with a cached token, and with a token it has never
   seen (one validation round trip to Keystone);
2. ``GET /v2.1/servers/{id}`` through ``paste-examples/api-paste.ini`` loaded in-process,
   keystone strategy with a cached token against the noauth2 strategy (the baseline);
3. the same request over HTTP to both strategies served by ``apistack serve`` (gunicorn, one
   worker each; a new connection per request, as the sync worker closes them).

Usage::

    python benchmarks/keystone_bench.py [--cold] [--repeats N] [--requests N]

``--cold`` first installs Keystone into a throw-away venv (no pip cache) to time a CI-like
first run; without it the project's cached ``.cache/keystone-venv`` is used (or built).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import webob
from paste.deploy import loadfilter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests package

from apistack.deploy import load_app
from tests.functional.conftest import ServedStack
from tests.keystone import install
from tests.keystone.harness import Keystone, run_keystone
from tests.keystone.pipeline import authtoken_app, echo_app
from tests.keystone.stack import (
    PASTE_INI,
    call_api,
    keystone_globals,
    server_body,
    write_authtoken_conf,
)

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication


Cases = dict[str, tuple["WSGIApplication", Callable[[], dict[str, str]], int, str]]


def per_request_ms(
    app: WSGIApplication, make_headers: Callable[[], dict[str, str]], n: int, path: str = "/"
) -> float:
    """:returns: the median latency in ms of ``n`` requests (headers built outside the timer)"""
    samples = []
    for _ in range(n):
        request = webob.Request.blank(path, headers=make_headers())
        started = time.perf_counter()
        response = request.get_response(app)
        samples.append(time.perf_counter() - started)
        assert response.status_int == 200, response.status
    return statistics.median(samples) * 1000


def noauth_app(directory: Path) -> WSGIApplication | None:
    """:returns: apistack's noauth filter around the echo app, if this checkout provides it"""
    names = {ep.name for ep in metadata.entry_points(group="paste.filter_factory")}
    if "noauth" not in names:
        return None
    ini = directory / "noauth-paste.ini"
    ini.write_text("[filter:noauth]\nuse = egg:apistack#noauth\n")
    app: WSGIApplication = loadfilter(f"config:{ini}", name="noauth")(echo_app)
    return app


def cold_install() -> None:
    """Time a first install the way CI meets it: empty venv, no pip cache."""
    with tempfile.TemporaryDirectory() as scratch:
        os.environ.update(KS_VENV=f"{scratch}/venv", PIP_NO_CACHE_DIR="1")
        started = time.perf_counter()
        _, steps = install.ensure_installed()
        for step, seconds in steps.items():
            print(f"cold {step}: {seconds:.1f} s")
        print(f"cold install total: {time.perf_counter() - started:.1f} s")
        del os.environ["KS_VENV"], os.environ["PIP_NO_CACHE_DIR"]


def run_cases(cases: Cases, repeats: int) -> dict[str, float]:
    """Run every case ``repeats`` times, interleaved so load changes hit every case alike.

    :returns: each case's median of its per-repeat medians, in ms
    """
    for app, headers, _, path in cases.values():
        per_request_ms(app, headers, 5, path)  # warm caches
    results: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeats):
        for name, (app, headers, n, path) in cases.items():
            results[name].append(per_request_ms(app, headers, n, path))
    return {name: statistics.median(values) for name, values in results.items()}


def report(title: str, medians: dict[str, float], baseline: str) -> None:
    print(f"\n{title}:")
    for name, median in medians.items():
        ratio = median / medians[baseline]
        print(f"  {name:34s} {median:8.3f} ms  x{ratio:6.2f} {baseline}")


def echo_cases(keystone: Keystone, scratch: Path, args: argparse.Namespace) -> Cases:
    """Case set 1: the echo app behind nothing, noauth, and auth_token."""
    authtoken = authtoken_app(keystone, scratch)
    cached = keystone.token()
    fresh = [keystone.token() for _ in range(args.repeats * 20 + 5)]
    cases: Cases = {
        "no auth (baseline)": (echo_app, dict, args.requests, "/"),
        "auth_token, cached token": (
            authtoken,
            lambda: {"X-Auth-Token": cached},
            args.requests,
            "/",
        ),
        "auth_token, new token": (authtoken, lambda: {"X-Auth-Token": fresh.pop()}, 20, "/"),
    }
    noauth = noauth_app(scratch)
    if noauth is not None:
        cases["apistack noauth"] = (
            noauth,
            lambda: {"X-Auth-Token": "demo:demo"},
            args.requests,
            "/",
        )
    return cases


def stack_apps(keystone: Keystone, scratch: Path) -> dict[str, tuple[WSGIApplication, str]]:
    """api-paste.ini in-process under both strategies. :returns: {strategy: (app, token)}"""
    conf = write_authtoken_conf(keystone, scratch / "keystone_authtoken.conf")
    noauth_globals = {"auth_strategy": "noauth2", "state_dir": str(scratch / "noauth")}
    return {
        "noauth2": (load_app(str(PASTE_INI), "osapi_compute", noauth_globals), "demo:demo"),
        "keystone": (
            load_app(str(PASTE_INI), "osapi_compute", keystone_globals(conf, scratch / "ks")),
            keystone.token(),
        ),
    }


def create_server(app: WSGIApplication, token: str) -> str:
    """:returns: the id of a server created through ``app``"""
    request = webob.Request.blank("/v2.1/servers", method="POST", json=server_body("bench"))
    request.headers["X-Auth-Token"] = token
    response = request.get_response(app)
    assert response.status_int == 202, response.text
    return str(response.json["server"]["id"])


def stack_cases(keystone: Keystone, scratch: Path, args: argparse.Namespace) -> Cases:
    """Case set 2: GET /v2.1/servers/{id} through the whole example stack, in-process."""
    cases: Cases = {}
    for strategy, (app, token) in stack_apps(keystone, scratch).items():
        path = f"/v2.1/servers/{create_server(app, token)}"
        cases[f"{strategy} stack, in-process"] = (
            app,
            lambda token=token: {"X-Auth-Token": token},
            args.requests,
            path,
        )
    return cases


def served_medians(
    keystone: Keystone, scratch: Path, args: argparse.Namespace
) -> dict[str, float]:
    """Case set 3: the same request over HTTP to both strategies served by gunicorn."""
    conf = write_authtoken_conf(keystone, scratch / "served_authtoken.conf")
    stacks = {
        "noauth2": (
            {"auth_strategy": "noauth2", "state_dir": str(scratch / "served-noauth")},
            "demo:demo",
        ),
        "keystone": (keystone_globals(conf, scratch / "served-ks"), keystone.token()),
    }
    served: dict[str, tuple[ServedStack, str, str]] = {}
    try:
        for strategy, (globals_, token) in stacks.items():
            stack = ServedStack(
                PASTE_INI, "osapi_compute", globals_, 1, scratch / f"{strategy}.log"
            )
            stack.start()
            served[strategy] = (stack, token, "")
            reply = call_api(stack.url, "POST", "/v2.1/servers", token, server_body("bench"))
            served[strategy] = (stack, token, f"/v2.1/servers/{reply.body['server']['id']}")
        results: dict[str, list[float]] = {f"{name} stack, served": [] for name in served}
        for _ in range(args.repeats):
            for name, (stack, token, path) in served.items():
                samples = []
                for _ in range(args.requests // 2):
                    started = time.perf_counter()
                    reply = call_api(stack.url, "GET", path, token)
                    samples.append(time.perf_counter() - started)
                    assert reply.status == 200, reply.body
                results[f"{name} stack, served"].append(statistics.median(samples) * 1000)
    finally:
        for stack, _, _ in served.values():
            stack.stop()
    return {name: statistics.median(values) for name, values in results.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cold", action="store_true")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    if args.cold:
        cold_install()
    started = time.perf_counter()
    with run_keystone() as keystone, tempfile.TemporaryDirectory() as scratch:
        print(
            f"harness ready (install cached or built, start, provision): "
            f"{time.perf_counter() - started:.1f} s"
        )
        for step, seconds in keystone.timings.items():
            print(f"  {step}: {seconds:.2f} s")
        echo = run_cases(echo_cases(keystone, Path(scratch), args), args.repeats)
        stack = run_cases(stack_cases(keystone, Path(scratch), args), args.repeats)
        served = served_medians(keystone, Path(scratch), args)
    note = f"median of {args.repeats} repeats"
    report(f"echo app, in-process WSGI ({note})", echo, "no auth (baseline)")
    report(
        f"GET /v2.1/servers/{{id}}, api-paste.ini in-process ({note})",
        stack,
        "noauth2 stack, in-process",
    )
    report(
        f"GET /v2.1/servers/{{id}}, served by gunicorn over HTTP ({note})",
        served,
        "noauth2 stack, served",
    )


if __name__ == "__main__":
    main()
