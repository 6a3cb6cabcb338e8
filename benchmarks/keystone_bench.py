"""What the Keystone pipeline costs: harness setup time and per-request latency.

Prints, from one run: the harness's setup steps (install, start, provisioning), then the
median per-request latency of an in-process echo app behind

* nothing (the baseline),
* apistack's ``noauth`` filter, when this checkout has it (``egg:apistack#noauth``),
* keystonemiddleware's ``auth_token`` with a token it has already validated (cached),
* ``auth_token`` with a token it has never seen (one validation round trip to Keystone),

each as a ratio to the baseline. Usage::

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

from tests.keystone import install
from tests.keystone.harness import run_keystone
from tests.keystone.pipeline import authtoken_app, echo_app

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication


def per_request_ms(
    app: WSGIApplication, make_headers: Callable[[], dict[str, str]], n: int
) -> float:
    """:returns: the median latency in ms of ``n`` requests (headers built outside the timer)"""
    samples = []
    for _ in range(n):
        request = webob.Request.blank("/", headers=make_headers())
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
        authtoken = authtoken_app(keystone, Path(scratch))
        cached = keystone.token()
        fresh = [keystone.token() for _ in range(args.repeats * 20)]
        cases: dict[str, tuple[WSGIApplication, Callable[[], dict[str, str]], int]] = {
            "no auth (baseline)": (echo_app, dict, args.requests),
            "auth_token, cached token": (
                authtoken,
                lambda: {"X-Auth-Token": cached},
                args.requests,
            ),
            "auth_token, new token": (authtoken, lambda: {"X-Auth-Token": fresh.pop()}, 20),
        }
        noauth = noauth_app(Path(scratch))
        if noauth is not None:
            cases["apistack noauth"] = (noauth, dict, args.requests)
        per_request_ms(authtoken, lambda: {"X-Auth-Token": cached}, 5)  # warm the caches
        results: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.repeats):  # interleaved, so load changes hit every case alike
            for name, (app, headers, n) in cases.items():
                results[name].append(per_request_ms(app, headers, n))
    baseline = statistics.median(results["no auth (baseline)"])
    print(f"\nper-request latency, median of {args.repeats} repeats (in-process WSGI):")
    for name, values in results.items():
        median = statistics.median(values)
        print(f"  {name:28s} {median:8.3f} ms  x{median / baseline:7.1f} baseline")


if __name__ == "__main__":
    main()
