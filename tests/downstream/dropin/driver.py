"""Run one service's API in-process and print what it answers (executed by the service's venv).

``python driver.py SERVICE VARIANT INI WORKDIR REQUESTS OUT``: configures nova or cinder the way
its own WSGI entry does (config file, sqlite database, fake RPC transport), loads ``INI`` with
``paste.deploy``, sends every request of the JSON list ``REQUESTS`` through the built app and
writes one JSON result per request to ``OUT``: status, headers, body, the request-log lines and
the probes' request contexts. The test process compares two such runs (shipped ini, ini with
apistack's filters); the service's global ``CONF`` never touches the test process.
"""

from __future__ import annotations

import io
import json
import logging
import sys
import warnings
from pathlib import Path
from typing import Any

warnings.simplefilter("ignore")

REQUEST_LOGGERS = ("nova.api.openstack.requestlog", "apistack.request_log")


class Captured(logging.Handler):
    """Keeps the request-log lines and the names of exceptions logged while a request runs."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name in REQUEST_LOGGERS:
            self.lines.append(record.getMessage())
        elif record.exc_info and record.levelno >= logging.ERROR:
            self.errors.append(f"{record.name}: {record.exc_info[0].__name__}")


def nova_setup(workdir: Path) -> str:
    conf = workdir / "nova.conf"
    conf.write_text(
        "[DEFAULT]\ntransport_url = fake:/\n"
        "[api]\nauth_strategy = noauth2\n"
        f"[database]\nconnection = sqlite:///{workdir}/main.db\n"
        f"[api_database]\nconnection = sqlite:///{workdir}/api.db\n"
        "[oslo_middleware]\nmax_request_body_size = 1000\n"
        # the admin token's context is is_admin without roles: the legacy rules let it manage
        "[oslo_policy]\nenforce_new_defaults = false\nenforce_scope = false\n"
    )
    from nova import config, objects
    from nova.db import migration

    config.parse_args(
        ["nova-api"], default_config_files=[str(conf)], configure_db=True, init_rpc=True
    )
    objects.register_all()
    migration.db_sync(database="api")
    migration.db_sync(database="main")
    return "osapi_compute"


def cinder_setup(workdir: Path) -> str:
    conf = workdir / "cinder.conf"
    conf.write_text(
        "[DEFAULT]\ntransport_url = fake:/\nauth_strategy = noauth\n"
        f"state_path = {workdir}\n"
        f"[database]\nconnection = sqlite:///{workdir}/cinder.db\n"
        "[oslo_middleware]\nmax_request_body_size = 1000\n"
        f"[oslo_concurrency]\nlock_path = {workdir}/locks\n"
    )
    from cinder import objects
    from oslo_config import cfg

    objects.register_all()
    from cinder import rpc
    from cinder.common import config
    from cinder.db import migration

    cfg.CONF([], project="cinder", default_config_files=[str(conf)])
    config.set_middleware_defaults()
    rpc.init(cfg.CONF)
    migration.db_sync()
    return "osapi_volume"


SETUPS = {"nova": nova_setup, "cinder": cinder_setup}


def make_environ(spec: dict[str, Any]) -> dict[str, Any]:
    import webob

    request = webob.Request.blank(spec["path"], method=spec.get("method", "GET"))
    request.environ["REMOTE_ADDR"] = "127.0.0.1"
    for name, value in spec.get("headers", {}).items():
        request.headers[name] = value
    body = spec.get("body")
    if body is not None:
        data = body.encode("latin-1")
        request.environ["wsgi.input"] = io.BytesIO(data)
        if spec.get("chunked"):
            request.environ.pop("CONTENT_LENGTH", None)
            request.environ["HTTP_TRANSFER_ENCODING"] = "chunked"
        else:
            request.environ["CONTENT_LENGTH"] = str(len(data))
    return request.environ


def call(app: Any, environ: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        answer["status"] = status
        answer["headers"] = [list(pair) for pair in headers]
        return lambda data: None

    try:
        body = b"".join(app(environ, start_response))
    except Exception as exc:  # an escape is a result to compare, not a crash of the driver
        return {"status": "escaped", "headers": [], "body": type(exc).__name__}
    answer["body"] = body.decode("latin-1")
    return answer


def run(app: Any, specs: list[dict[str, Any]], handler: Captured) -> list[dict[str, Any]]:
    results = []
    for spec in specs:
        handler.lines.clear()
        handler.errors.clear()
        result = call(app, make_environ(spec))
        result["name"] = spec["name"]
        result["log"] = list(handler.lines)
        result["errors"] = list(handler.errors)
        results.append(result)
    return results


def probe_context(ini: str, probe: dict[str, Any]) -> dict[str, Any]:
    """Run the probe's filter sections in front of an app that records the request context."""
    from paste.deploy import loadfilter

    seen: dict[str, Any] = {}
    key = probe["key"]

    def context_app(environ: dict[str, Any], start_response: Any) -> Any:
        context = environ.get(key)
        seen["context"] = None if context is None else context.to_dict()
        seen["class"] = None if context is None else type(context).__name__
        seen["catalog"] = getattr(context, "service_catalog", None)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b""]

    app: Any = context_app
    for name in reversed(probe["filters"]):
        app = loadfilter(f"config:{ini}", name=name)(app)
    answer = call(app, make_environ(probe))
    return {"name": probe["name"], "status": answer["status"], **seen}


def main(service: str, ini: str, workdir: str, requests_file: str, out: str) -> None:
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    handler = Captured()
    root.addHandler(handler)
    name = SETUPS[service](Path(workdir))
    root.setLevel(logging.INFO)
    from paste.deploy import loadapp

    app = loadapp(f"config:{ini}", name=name)
    plan = json.loads(Path(requests_file).read_text())
    report = {
        "requests": run(app, plan["requests"], handler),
        "probes": [probe_context(ini, probe) for probe in plan.get("probes", [])],
    }
    Path(out).write_text(json.dumps(report, indent=1, sort_keys=True))


if __name__ == "__main__":
    main(*sys.argv[1:])
