"""Router benchmark: apistack's compiled matcher against Routes 2.5.1 on a nova-sized table.

Run: ``.venv/bin/python benchmarks/router_bench.py``. Every figure is measured in this run,
baseline and subject side by side, and printed with its ratio and the issue's target. Each
request's time is the best of several batches (noise on a shared machine only adds time);
medians and p99s are taken across the request mix.

Retired (issue 16): "the first match costs at most 2x a steady-state match". A single call
right after a build runs on cold CPU caches whatever the router does; the first-match figures
are still printed, with the controls that show this, but carry no target.
"""

from __future__ import annotations

import gc
import importlib.metadata
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import routes.middleware
import webob.dec
import webob.exc

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from apistack.router import ProjectMapper, RouteMatcher, Router
from tests.router import nova_reference, nova_routes


def trivial_app(environ: Any, start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


class App:
    """A distinct trivial WSGI app per controller factory."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, environ: Any, start_response: Any) -> list[bytes]:
        return trivial_app(environ, start_response)


def tables(paths: list[tuple[str, dict[str, str]]]) -> tuple[Any, ProjectMapper, Any]:
    apps: dict[str, App] = {}

    def factory_for(name: str) -> str:
        apps.setdefault(name, App(name))
        return name

    route_list = nova_routes.route_list(paths, factory_for)
    mapper = nova_reference.declare(ProjectMapper(), route_list, apps)
    return nova_reference.nova_mapper(route_list, apps), mapper, (route_list, apps)


def request_mix(
    paths: list[tuple[str, dict[str, str]]], count: int = 1000, seed: int = 5
) -> list[tuple[str, str, bool]]:
    """90% hits (half under a project id), 10% misses; ``(path, method, is_hit)``."""
    rng = random.Random(seed)
    mix = []
    for _ in range(count):
        template, methods = rng.choice(paths)
        parts = [
            str(rng.getrandbits(64)) if part.startswith("{") else part
            for part in template.split("/")
        ]
        path = "/".join(parts)
        if rng.random() < 0.5:
            path = "/3f2a9c0d1e4b4c5d" + path
        method = rng.choice(sorted(methods))
        if rng.random() < 0.1:
            path = rng.choice([path + "/nope", "/nope" + path, path + "/", path.upper()])
            mix.append((path, method, False))
        else:
            mix.append((path, method, True))
    return mix


def per_call(func: Callable[[], Any], number: int, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            func()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def timings(match: Callable[[str, str], Any], mix: list[Any], number: int) -> list[float]:
    return [per_call(lambda p=p, m=m: match(p, m), number) for p, m, _ in mix]


def interleaved(
    match: Callable[[str, str], Any], mix: list[Any], number: int, rounds: int
) -> list[float]:
    """Each request's best batch over ``rounds`` passes through the whole mix.

    ``timings`` runs a request's batches back to back, so a few milliseconds of load from a
    neighbour (this machine is shared) can slow all of one request's batches and land it in
    the p99; spreading the batches over whole passes lets the minimum filter that out.
    """
    best = [float("inf")] * len(mix)
    for _ in range(rounds):
        for index, (path, method, _) in enumerate(mix):
            batch = per_call(lambda p=path, m=method: match(p, m), number, repeat=1)
            best[index] = min(best[index], batch)
    return best


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def us(seconds: float) -> str:
    return f"{seconds * 1e6:8.2f} us"


def verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


def bench_matching() -> None:
    reference, mapper, _ = tables(nova_routes.NOVA_PATHS)
    matcher = RouteMatcher(mapper.declarations)
    mix = request_mix(nova_routes.NOVA_PATHS)
    ours = timings(matcher.match, mix, 200)
    theirs = timings(lambda p, m: reference.routematch(p, {"REQUEST_METHOD": m}), mix, 5)
    hits = [t for t, (_, _, hit) in zip(ours, mix, strict=True) if hit]
    misses = [t for t, (_, _, hit) in zip(ours, mix, strict=True) if not hit]
    ours_median, routes_median = statistics.median(ours), statistics.median(theirs)
    speedup = routes_median / ours_median
    print(f"table: {len(matcher.routes)} compiled routes ({len(reference.matchlist)} in Routes)")
    print(f"match median      ours {us(ours_median)}  Routes {us(routes_median)}")
    print(f"  speed-up vs Routes      {speedup:6.1f}x  (target >= 35x: {verdict(speedup >= 35)})")
    print(f"  vs Falcon's ~1.5 us     {'beaten' if ours_median < 1.5e-6 else 'not beaten'}")
    p99 = pct(ours, 0.99)
    print(
        f"match p99         ours {us(p99)}  p99/median {p99 / ours_median:4.2f}"
        f"  (target <= 2: {verdict(p99 / ours_median <= 2)})"
    )
    rounds = interleaved(matcher.match, mix, 200, 5)
    p99_r, median_r = pct(rounds, 0.99), statistics.median(rounds)
    print(
        f"  interleaved, best of 5 rounds: median {us(median_r)}  p99 {us(p99_r)}  p99/median"
        f" {p99_r / median_r:4.2f}  (target <= 2: {verdict(p99_r / median_r <= 2)})"
    )
    miss_ratio = statistics.median(misses) / statistics.median(hits)
    print(
        f"misses median {us(statistics.median(misses))}  hits median "
        f"{us(statistics.median(hits))}  miss/hit {miss_ratio:4.2f}"
        f"  (target <= 1: {verdict(miss_ratio <= 1)})"
    )
    routes_misses = [t for t, item in zip(theirs, mix, strict=True) if not item[2]]
    print(f"  Routes misses median {us(statistics.median(routes_misses))}")


def bench_growth() -> None:
    medians = {}
    for pairs in (100, 1600):
        reference, mapper, _ = tables(nova_routes.synthetic_paths(pairs))
        matcher = RouteMatcher(mapper.declarations)
        mix = request_mix(nova_routes.synthetic_paths(pairs), count=400)
        medians[pairs] = statistics.median(timings(matcher.match, mix, 200))
        routes_median = statistics.median(
            timings(lambda p, m, r=reference: r.routematch(p, {"REQUEST_METHOD": m}), mix[:100], 3)
        )
        print(f"growth {pairs:5d} pairs   ours {us(medians[pairs])}  Routes {us(routes_median)}")
    growth = medians[1600] / medians[100]
    print(f"  100 -> 1600 cost ratio  {growth:4.2f}  (target <= 1.5: {verdict(growth <= 1.5)})")


FIRST_PATH = "/3f2a9c0d/servers/abc/metadata/key"


def bench_build() -> None:
    _, mapper, (route_list, apps) = tables(nova_routes.NOVA_PATHS)
    builds, firsts = [], []
    for _ in range(15):
        gc.collect()
        start = time.perf_counter()
        matcher = RouteMatcher(mapper.declarations)
        built = time.perf_counter()
        matcher.match(FIRST_PATH, "GET")
        builds.append(built - start)
        firsts.append(time.perf_counter() - built)
    steady = per_call(lambda: matcher.match(FIRST_PATH, "GET"), 2000)
    routes_cold = []
    for _ in range(3):
        start = time.perf_counter()
        reference = nova_reference.declare(nova_reference.NovaProjectMapper(), route_list, apps)
        reference.create_regs()  # what Routes does lazily on the first request
        reference.routematch(FIRST_PATH, {"REQUEST_METHOD": "GET"})
        routes_cold.append(time.perf_counter() - start)
    total = statistics.median(builds) + statistics.median(firsts)
    print(
        f"build {us(statistics.median(builds))}  first match {us(statistics.median(firsts))}"
        f"  total {total * 1e3:5.2f} ms  (target <= 5 ms: {verdict(total <= 5e-3)})"
    )
    first_ratio = statistics.median(firsts) / steady
    print(
        f"  first/steady match      {first_ratio:4.2f}  (no target: issue 16 retired"
        ' "first match at most 2x steady state"; one call right after the build vs a warm'
        " loop measures the CPU caches warming up, not our work: see the controls below)"
    )
    print(
        f"  Routes connect + lazy compile + first match"
        f" {statistics.median(routes_cold) * 1e3:6.2f} ms"
        f"  ratio {statistics.median(routes_cold) / total:5.1f}x"
    )
    bench_first_match(mapper, steady)


def bench_first_match(mapper: ProjectMapper, steady: float) -> None:
    """Separate a router's own first-match work from the CPU warming up again.

    Any single call right after 2-3 ms of other work (here, the build) runs on cold CPU
    caches, however often that code ran before. Two controls, both measured in this run:
    the same call on a router that has already served 2000 matches, timed in the same spot
    right after a build (alternating with the fresh router); and a fresh router's first
    match once the shared matching code has just run on another router.
    """
    used = RouteMatcher(mapper.declarations)
    for _ in range(2000):
        used.match(FIRST_PATH, "GET")
    fresh_firsts, used_firsts, warm_firsts, seconds = [], [], [], []
    for repeat in range(30):
        gc.collect()
        matcher = RouteMatcher(mapper.declarations)
        probe = used if repeat % 2 else matcher
        start = time.perf_counter()
        probe.match(FIRST_PATH, "GET")
        (used_firsts if repeat % 2 else fresh_firsts).append(time.perf_counter() - start)
        if repeat % 2:
            start = time.perf_counter()
            matcher.match(FIRST_PATH, "GET")
            warm_firsts.append(time.perf_counter() - start)
            start = time.perf_counter()
            matcher.match(FIRST_PATH, "GET")
            seconds.append(time.perf_counter() - start)
    fresh, old = statistics.median(fresh_firsts), statistics.median(used_firsts)
    print(
        f"  one call right after a build: fresh router {us(fresh)}, router that served 2000"
        f" {us(old)}  fresh/used {fresh / old:4.2f}  (no first-request work: <= ~1)"
    )
    warm, second = statistics.median(warm_firsts), statistics.median(seconds)
    print(
        f"  matching code warm: fresh router's first {us(warm)}, its second {us(second)}"
        f"  first/steady {warm / steady:4.2f}"
    )
    print(
        f"  first/second (both timed as one call) {warm / second:4.2f}  (informative, no target)"
    )


def bench_memory() -> None:
    reference_mapper, mapper, _ = tables(nova_routes.NOVA_PATHS)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    matcher = RouteMatcher(mapper.declarations)
    ours = tracemalloc.get_traced_memory()[0] - before
    before = tracemalloc.get_traced_memory()[0]
    _, _, (route_list, apps) = tables(nova_routes.NOVA_PATHS)
    reference = nova_reference.nova_mapper(route_list, apps)
    theirs = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    print(
        f"table memory ours {ours / 1024:7.1f} KiB  Routes (+ its declarations) "
        f"{theirs / 1024:7.1f} KiB  (target <= 1 MiB: {verdict(ours <= 1 << 20)})"
    )
    del matcher, reference, reference_mapper


class NovaStyleRouter:
    """nova.api.wsgi.Router: wsgify around routes.middleware.RoutesMiddleware."""

    def __init__(self, mapper: Any) -> None:
        self.map = mapper
        self._router = routes.middleware.RoutesMiddleware(self._dispatch, self.map)

    @webob.dec.wsgify  # type: ignore[misc]
    def __call__(self, req: Any) -> Any:
        return self._router

    @staticmethod
    @webob.dec.wsgify  # type: ignore[misc]
    def _dispatch(req: Any) -> Any:
        match = req.environ["wsgiorg.routing_args"][1]
        if not match:
            return webob.exc.HTTPNotFound()
        return match["controller"]


def bench_wsgi() -> None:
    reference, mapper, _ = tables(nova_routes.NOVA_PATHS)
    ours, nova = Router(mapper), NovaStyleRouter(reference)
    mix = [item for item in request_mix(nova_routes.NOVA_PATHS, 300) if item[2]]

    def caller(app: Any) -> Callable[[str, str], Any]:
        def call(path: str, method: str) -> Any:
            environ = {
                "REQUEST_METHOD": method,
                "PATH_INFO": path,
                "SCRIPT_NAME": "",
                "QUERY_STRING": "",
                "SERVER_NAME": "localhost",
                "SERVER_PORT": "80",
                "wsgi.url_scheme": "http",
            }
            return b"".join(app(environ, lambda status, headers, exc_info=None: None))

        return call

    ours_median = statistics.median(timings(caller(ours), mix, 100))
    nova_median = statistics.median(timings(caller(nova), mix, 5))
    ratio = nova_median / ours_median
    print(
        f"WSGI dispatch     ours {us(ours_median)}  nova-style {us(nova_median)}"
        f"  {ratio:5.1f}x  (target >= 15x: {verdict(ratio >= 15)})"
    )


if __name__ == "__main__":
    print(f"Python {sys.version.split()[0]}, Routes {importlib.metadata.version('Routes')}")
    bench_matching()
    bench_growth()
    bench_build()
    bench_memory()
    bench_wsgi()
