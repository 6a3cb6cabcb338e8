"""What ``stack_bench.py`` measures against: constant controllers, plain WSGI callers, startup.

``ConstantServers`` answers show, list and create with fixed bodies (the example's own answers,
captured first) behind the same decorators as the example's ``ServersController``, so the
example minus the constant controller is the example's own work (store and views). The
example ini with its app swapped for that controller is the pipeline at its cheapest.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from oslo_config import cfg
from oslo_middleware import cors as oslo_cors

from apistack.examples.compute import schemas
from apistack.examples.compute.routes import compute_settings
from apistack.resource import Controller, expected_errors, response, validation
from apistack.router import APIRouter

#: The compute app line of the example ini, swapped for ``constant_app_factory``.
EXAMPLE_APP_LINE = "paste.app_factory = apistack.examples.compute.routes:app_factory"
CONSTANT_APP_LINE = "paste.app_factory = _stack_parts:constant_app_factory"


class ConstantServers(Controller):
    """The example's servers show/index/create decorators around fixed answers."""

    views: ClassVar[dict[str, Any]] = {}

    @expected_errors(404)
    def show(self, req: Any, id: str) -> Any:
        return self.views["show"]

    @expected_errors((400, 403))
    @validation.query_schema(schemas.servers_query)
    def index(self, req: Any) -> Any:
        return self.views["index"]

    @response(202)
    @expected_errors((400, 403))
    @validation.schema(schemas.create, "2.0", "2.0")
    @validation.schema(schemas.create, "2.1", "2.18")
    @validation.schema(schemas.create_v219, "2.19")
    def create(self, req: Any, body: Any) -> Any:
        return self.views["create"]


def constant_router(max_version: str = "2.19", json_encoder: str = "json") -> APIRouter:
    """:returns: a router with ``/servers`` and ``/servers/{id}`` on ``ConstantServers``,
    writing bodies with ``json_encoder`` (as the example's ini section says)."""
    routes = (
        ("/servers", {"GET": [ConstantServers, "index"], "POST": [ConstantServers, "create"]}),
        ("/servers/{id}", {"GET": [ConstantServers, "show"]}),
    )
    return APIRouter(routes, settings=compute_settings(max_version, json_encoder=json_encoder))


def constant_app_factory(global_conf: dict[str, str], **local_conf: str) -> APIRouter:
    """Paste ``app_factory`` standing in for the example's (same keys, constant answers)."""
    return constant_router(
        local_conf.get("max_version") or "2.19", local_conf.get("json_encoder") or "json"
    )


def constant_ini(example: Path, target: Path) -> Path:
    """Write the example ini with its compute app replaced by ``constant_app_factory``."""
    text = example.read_text()
    if EXAMPLE_APP_LINE not in text:
        raise SystemExit(f"{example} no longer has the line {EXAMPLE_APP_LINE!r}")
    target.write_text(text.replace(EXAMPLE_APP_LINE, CONSTANT_APP_LINE))
    return target


def allowing(cors: Any, origin: str = "https://dashboard.example.org") -> Any:
    """:returns: a filter of the class of ``cors`` (oslo's or apistack's) around the same app,
    allowing ``origin`` with credentials and two exposed headers (a private ``ConfigOpts``)."""
    conf = cfg.ConfigOpts()
    conf([], project="stack-bench")
    conf.register_opts(oslo_cors.OPTS, group="cors")
    conf.set_override("allowed_origin", [origin], group="cors")
    conf.set_override("expose_headers", ["X-OpenStack-Request-ID", "X-Subject-Token"], "cors")
    return type(cors)(cors.application, conf)


def plain_app(environ: Any, start_response: Any) -> list[bytes]:
    """The cheapest WSGI app: what a filter measured around it adds is the filter's cost."""
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "2")])
    return [b"{}"]


def _ignore_start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
    return None


def direct(app: Any, environ: dict[str, Any]) -> Callable[[], Any]:
    """:returns: a call of ``app`` with a fresh copy of ``environ``, its body read and closed."""

    def call() -> None:
        body = app(dict(environ), _ignore_start)
        for _chunk in body:
            pass
        close = getattr(body, "close", None)
        if close is not None:
            close()

    return call


_STARTUP = """
import sys, time
start, cpu = time.perf_counter(), time.process_time()
from paste.deploy import loadapp
loadapp({uri!r}, name="osapi_compute")
elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
print(elapsed, cpu, "keystoneauth1" in sys.modules, "keystonemiddleware" in sys.modules)
"""


def startup(ini: Path, env: dict[str, str], runs: int = 5) -> dict[str, Any]:
    """Import and build the example stack in fresh processes.

    :returns: ``seconds`` and ``cpu`` (median wall and CPU time of import + build, timed
        inside the process; CPU time is what a loaded machine inflates least), ``python``
        (median of an empty interpreter's whole run, for scale), whether ``keystoneauth1`` and
        ``keystonemiddleware`` were imported, and ``largest``: the largest cumulative imports
        that ``python -X importtime`` reports for one more run.
    """
    code = _STARTUP.format(uri=f"config:{ini}")
    seconds, cpu, empty = [], [], []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        ).stdout.split()
        seconds.append(float(out[0]))
        cpu.append(float(out[1]))
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], env=env, check=True)
        empty.append(time.perf_counter() - start)
    timed = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    rows = re.findall(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", timed.stderr)
    top = sorted(((int(us), name) for us, indent, name in rows if len(indent) <= 1), reverse=True)
    return {
        "seconds": statistics.median(seconds),
        "cpu": statistics.median(cpu),
        "python": statistics.median(empty),
        "keystoneauth1": out[2] == "True",
        "keystonemiddleware": out[3] == "True",
        "largest": top[:8],
    }
