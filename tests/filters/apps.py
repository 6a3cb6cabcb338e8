"""Small WSGI apps the filter tests wrap (importable by paste ``call:`` lines)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import webob
import webob.dec

from apistack.resource.faults import fault_response


class Recorder:
    """Answers 200 with a small JSON body and keeps the environ it was called with."""

    def __init__(self, reads_body: bool = False) -> None:
        self.environ: dict[str, Any] | None = None
        self.calls = 0
        self.reads_body = reads_body

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        self.environ = environ
        self.calls += 1
        body = b'{"ok": true}'
        if self.reads_body:
            body = json.dumps({"read": len(environ["wsgi.input"].read())}).encode()
        start_response(
            "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        )
        return [body]


@webob.dec.wsgify
def json_app(req: webob.Request) -> webob.Response:
    """The benchmark's bare app: a small JSON body; ``/missing`` answers a 404 fault."""
    if req.path_info.endswith("/missing"):
        return fault_response(404, "Nothing here.", environ=req.environ)
    if req.path_info.endswith("/boom"):
        raise ValueError("secret internal detail")
    return webob.Response(json_body={"servers": []})


def app_factory(global_conf: dict[str, Any], **local_conf: str) -> Any:
    """``paste.app_factory`` for ``json_app``."""
    return json_app


@webob.dec.wsgify
def context_app(req: webob.Request) -> webob.Response:
    """Reports what the filters left on the environ; ``/boom`` raises, POST reads the body."""
    if req.path_info.endswith("/boom"):
        raise ValueError("secret internal detail")
    context = req.environ.get("nova.context") or req.environ.get("openstack.context")
    return webob.Response(
        json_body={
            "user": getattr(context, "user_id", None),
            "legacy": req.environ.get("openstack.legacy_v2", False),
            "read": len(req.body) if req.method == "POST" else 0,
        }
    )


def context_app_factory(global_conf: dict[str, Any], **local_conf: str) -> Any:
    """``paste.app_factory`` for ``context_app``."""
    return context_app


def one_filter_ini(directory: Path, entry_point: str, options: str = "") -> Path:
    """:returns: an ini whose ``main`` pipeline is ``egg:apistack#<entry_point>`` (with the
    section lines ``options``) before ``json_app``."""
    ini = directory / "paste.ini"
    ini.write_text(
        f"[pipeline:main]\npipeline = stage app\n\n"
        f"[filter:stage]\nuse = egg:apistack#{entry_point}\n{options}\n"
        f"[app:app]\npaste.app_factory = tests.filters.apps:app_factory\n"
    )
    return ini
