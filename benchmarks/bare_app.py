"""The served benchmark's baseline: a bare ``webob.dec.wsgify`` app answering a fixed JSON body.

``benchmarks/bare-app.ini`` serves it with ``apistack serve`` (the same gunicorn settings as the
compute stack); the body is read once from the file named by the ``body_file`` paste global.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import webob
import webob.dec


def app_factory(global_conf: dict[str, str], **local_conf: str) -> Any:
    """Paste ``app_factory``: the bare app answering the bytes of ``body_file``."""
    body = Path(local_conf.get("body_file") or global_conf["body_file"]).read_bytes()

    @webob.dec.wsgify
    def bare(req: webob.Request) -> webob.Response:
        return webob.Response(body=body, content_type="application/json", charset=None)

    return bare
