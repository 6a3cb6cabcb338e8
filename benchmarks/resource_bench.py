"""Resource dispatch cost against a minimal WebOb app, measured in the same run.

Run: ``.venv/bin/python benchmarks/resource_bench.py``. Targets (issue 2): GET show at most
2.5x the minimal app, POST action at most 3x, defining a 50-method Controller and building its
Resource under 1 ms.
"""

from __future__ import annotations

import io
import json
import sys
import time
from pathlib import Path
from typing import Any

import webob
import webob.dec

sys.path.insert(0, str(Path(__file__).parent))
from _timing import line, per_call

from apistack.resource import APISettings, Controller, Resource, action

BODY = {
    "server": {"id": "4e1a7f3c-59c9-4b9a-8e0b-1a2b3c4d5e6f", "name": "vm1", "status": "ACTIVE"}
}
SETTINGS = APISettings("compute", "2.1", "2.104", "X-OpenStack-Nova-API-Version")


@webob.dec.wsgify
def minimal_app(req: webob.Request) -> webob.Response:
    return webob.Response(json_body=BODY)


class Servers(Controller):
    def show(self, req: Any, id: str) -> dict[str, Any]:
        return BODY

    @action("reboot")
    def _reboot(self, req: Any, id: str, body: Any) -> dict[str, Any]:
        return BODY


def environ(method: str, routing: dict[str, str], body: bytes = b"") -> dict[str, Any]:
    env = webob.Request.blank("/v2.1/servers/x", method=method).environ
    env["wsgiorg.routing_args"] = ((), routing)
    env["HTTP_OPENSTACK_API_VERSION"] = "compute 2.50"
    if body:
        env["CONTENT_TYPE"] = "application/json"
        env["CONTENT_LENGTH"] = str(len(body))
    return env


def requester(app: Any, template: dict[str, Any], body: bytes = b"") -> Any:
    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        return None

    def one() -> bytes:
        env = dict(template)
        env["wsgi.input"] = io.BytesIO(body)
        return b"".join(app(env, start_response))

    return one


def controller_source(methods: int) -> str:
    lines = ["class Big(Controller):"]
    for i in range(methods):
        if i % 5 == 0:
            lines += [f"    @action('act{i}')", "    @response(202)"]
        if i % 10 == 1:
            lines += [f"    @api_version('2.{i}')"]
        lines += [f"    def m{i}(self, req, id=None, body=None):", "        return {}"]
    return "\n".join(lines)


def define_and_build(code: Any) -> None:
    import apistack.resource as r

    namespace = {
        "Controller": r.Controller,
        "action": r.action,
        "response": r.response,
        "api_version": r.api_version,
        "__name__": "bench_controllers",
    }
    exec(code, namespace)
    Resource(namespace["Big"](), SETTINGS)


def main() -> None:
    resource = Resource(Servers(), SETTINGS)
    show = environ("GET", {"action": "show", "id": "x"})
    post_body = json.dumps({"reboot": {"type": "SOFT"}}).encode()
    post = environ("POST", {"action": "action", "id": "x"}, post_body)
    number = 20000

    base_get = per_call(requester(minimal_app, show), number)
    base_post = per_call(requester(minimal_app, post, post_body), number)
    get = per_call(requester(resource, show), number)
    act = per_call(requester(resource, post, post_body), number)

    code = compile(controller_source(50), "<bench>", "exec")
    start = time.perf_counter()
    define_and_build(code)
    first_build = time.perf_counter() - start
    build = per_call(lambda: define_and_build(code), 200)

    print("resource_bench: medians of 7 runs; baseline = webob.dec.wsgify app, same JSON body")
    print(line("minimal app GET (baseline)", base_get, base_get, "-"))
    print(line("Resource GET show", get, base_get, "target <= 2.5x"))
    print(line("minimal app POST (baseline)", base_post, base_post, "-"))
    print(line("Resource POST action (small body)", act, base_post, "target <= 3x"))
    print(
        f"{'define 50-method Controller + build Resource':<52} {build * 1e3:9.3f} ms"
        f"  (first: {first_build * 1e3:.3f} ms; target < 1 ms)"
    )


if __name__ == "__main__":
    main()
