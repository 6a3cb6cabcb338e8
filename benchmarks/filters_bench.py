"""What the filter chain costs per request, against a bare app measured in the same run.

Target (issue 4): the bare app behind all the filters of the noauth strategy costs at most 3x
the bare app. The bare app is a ``webob.dec.wsgify`` function returning a small JSON body. Each
filter's own overhead is the filter wrapped around the bare app, minus the bare app. Numbers
are medians of several repeats; the machine is shared, so compare ratios, not microseconds.

Run: ``.venv/bin/python benchmarks/filters_bench.py``
"""

from __future__ import annotations

import io
import logging
import statistics
import time
from collections.abc import Callable
from typing import Any

import webob
import webob.dec
from oslo_middleware.request_id import RequestId as OsloRequestId

from apistack.filters import (
    FaultWrap,
    KeystoneContext,
    LegacyV2,
    NoAuth,
    RequestId,
    RequestLog,
    SizeLimit,
)

NUMBER = 2000
REPEAT = 9

ENVIRON = {
    "REQUEST_METHOD": "GET",
    "SCRIPT_NAME": "",
    "PATH_INFO": "/v2.1/servers",
    "QUERY_STRING": "limit=10",
    "SERVER_NAME": "compute.example.org",
    "SERVER_PORT": "8774",
    "SERVER_PROTOCOL": "HTTP/1.1",
    "REMOTE_ADDR": "192.0.2.10",
    "wsgi.url_scheme": "http",
    "wsgi.version": (1, 0),
    "wsgi.multithread": False,
    "wsgi.multiprocess": True,
    "wsgi.run_once": False,
    "HTTP_HOST": "compute.example.org:8774",
    "HTTP_ACCEPT": "application/json",
    "HTTP_USER_AGENT": "python-novaclient",
    "HTTP_ACCEPT_ENCODING": "gzip, deflate",
    "HTTP_CONNECTION": "keep-alive",
    "HTTP_X_AUTH_TOKEN": "admin:admin",
    "HTTP_OPENSTACK_API_VERSION": "compute 2.1",
    "HTTP_X_OPENSTACK_REQUEST_ID": "req-0123abcd-0123-4567-89ab-0123456789ab",
}
KEYSTONE_HEADERS = {
    "HTTP_X_IDENTITY_STATUS": "Confirmed",
    "HTTP_X_USER_ID": "u1",
    "HTTP_X_PROJECT_ID": "p1",
    "HTTP_X_ROLES": "reader,member",
    "HTTP_X_SERVICE_CATALOG": '[{"type": "image", "endpoints": []}]',
}


@webob.dec.wsgify
def bare_app(req: webob.Request) -> webob.Response:
    return webob.Response(json_body={"servers": []})


def _start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
    return None


def caller(app: Any, extra: dict[str, str] | None = None) -> Callable[[], None]:
    template = {**ENVIRON, **(extra or {})}

    def call() -> None:
        environ = dict(template)
        environ["wsgi.input"] = io.BytesIO()
        b"".join(app(environ, _start_response))

    return call


def measure(subjects: dict[str, Callable[[], None]]) -> dict[str, float]:
    """Time every subject in each of ``REPEAT`` rounds, interleaved, so that drift on a shared
    machine hits baseline and subjects alike.

    :returns: the median seconds per call of each subject.
    """
    for func in subjects.values():
        for _ in range(300):
            func()
    runs: dict[str, list[float]] = {name: [] for name in subjects}
    for _ in range(REPEAT):
        for name, func in subjects.items():
            start = time.perf_counter()
            for _ in range(NUMBER):
                func()
            runs[name].append((time.perf_counter() - start) / NUMBER)
    return {name: statistics.median(times) for name, times in runs.items()}


def noauth_chain(app: Any) -> Any:
    """nova's order, noauth strategy, /v2 flavour (six of the seven filters)."""
    inner = SizeLimit(NoAuth(LegacyV2(app)))
    return RequestId(FaultWrap(RequestLog(inner)))


def keystone_chain(app: Any) -> Any:
    """nova's order, keystone strategy (authtoken's headers pre-set, authtoken not run)."""
    inner = SizeLimit(KeystoneContext(LegacyV2(app)))
    return RequestId(FaultWrap(RequestLog(inner)))


SINGLE = {
    "request_id": lambda app: RequestId(app),
    "faultwrap": lambda app: FaultWrap(app),
    "request_log": lambda app: RequestLog(app),
    "sizelimit": lambda app: SizeLimit(app),
    "noauth": lambda app: NoAuth(app),
    "keystone_context": lambda app: KeystoneContext(app),
    "legacy_v2": lambda app: LegacyV2(app),
    "(oslo_middleware RequestId, for comparison)": lambda app: OsloRequestId(app),
}


def configure_logging(info: bool) -> None:
    logger = logging.getLogger("apistack.request_log")
    logger.handlers[:] = [logging.StreamHandler(io.StringIO())] if info else []
    logger.propagate = False
    logger.setLevel(logging.INFO if info else logging.WARNING)


def run(info: bool) -> float:
    configure_logging(info)
    subjects = {"bare": caller(bare_app)}
    for name, wrap in SINGLE.items():
        extra = KEYSTONE_HEADERS if name == "keystone_context" else None
        subjects[name] = caller(wrap(bare_app), extra)
    subjects["noauth chain"] = caller(noauth_chain(bare_app))
    subjects["keystone chain"] = caller(keystone_chain(bare_app), KEYSTONE_HEADERS)
    times = measure(subjects)
    bare = times.pop("bare")
    label = "INFO lines written (formatted, to memory)" if info else "request log level WARNING"
    print(f"\n-- {label}")
    print(f"{'bare wsgify app':<46} {bare * 1e6:8.2f} us   1.00x")
    for name in SINGLE:
        print(f"  + {name:<42} {(times[name] - bare) * 1e6:+8.2f} us")
    for name in ("noauth chain", "keystone chain"):
        full = times[name]
        verdict = "meets" if full <= 3 * bare else "MISSES"
        label = f"{name} (6 filters)"
        print(f"{label:<46} {full * 1e6:8.2f} us  {full / bare:5.2f}x  ({verdict} <= 3x)")
    return times["noauth chain"] / bare


def main() -> None:
    logging.getLogger("apistack.filters.noauth").setLevel(logging.ERROR)  # its load warning
    print(
        f"median of {REPEAT} interleaved runs x {NUMBER} requests; overhead = with filter - bare"
    )
    run(info=False)
    ratio = run(info=True)
    print(f"\nnoauth chain with request lines written: {ratio:.2f}x the bare app (target <= 3x)")


if __name__ == "__main__":
    main()
