"""A seeded, bounded fuzz run over the whole in-process example stack.

``paste-examples/api-paste.ini`` (noauth2) is loaded once with a temporary state directory
holding a few servers; Hypothesis then sends ``FUZZ_EXAMPLES`` requests (environment variable,
default 3,000) drawn from ``tests.fuzz.strategies`` and checks ``tests.fuzz.properties`` on
every answer. The run is derandomized, so it is the same on every machine; a failure is shrunk
to a minimal request. ``make fuzz`` runs the long version against the served stack
(``tests/fuzz/served.py``).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import webob
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from paste.deploy import loadapp

from tests.fuzz.properties import problems
from tests.fuzz.strategies import FuzzRequest, requests

API_PASTE = Path(__file__).resolve().parents[2] / "paste-examples" / "api-paste.ini"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3000"))
IMG = "70a599e0-31e7-49b7-b260-868f441e862b"


def send(app: Any, request: FuzzRequest) -> tuple[int, dict[str, str], bytes]:
    """Send ``request`` to the WSGI ``app`` in-process, as a server would pass it."""
    req = webob.Request.blank(request.target, method=request.method)
    for name, value in request.headers:
        req.headers[name] = value
    if request.body is not None:
        req.body = request.body
    response = req.get_response(app)
    headers = {name.lower(): value for name, value in response.headerlist}
    return response.status_int, headers, response.body


def _create(app: Any, project: str, name: str) -> str:
    server = {"name": name, "flavorRef": "1", "imageRef": IMG}
    body = json.dumps({"server": server}).encode()
    headers = (("X-Auth-Token", f"alice:{project}"), ("Content-Type", "application/json"))
    status, _headers, answer = send(app, FuzzRequest("POST", "/v2.1/servers", headers, body))
    assert status == 202, answer
    return str(json.loads(answer)["server"]["id"])


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, tuple[str, ...]]]:
    state_dir = tmp_path_factory.mktemp("fuzz-state")
    app = loadapp(
        f"config:{API_PASTE}", name="osapi_compute", global_conf={"state_dir": str(state_dir)}
    )
    ids = [
        _create(app, project, name) for project in ("proj", "other") for name in ("vm", "aaaa!")
    ]
    logging.disable(logging.CRITICAL)  # the run would log thousands of request lines
    try:
        yield app, tuple(ids)
    finally:
        logging.disable(logging.NOTSET)


@cache
def _strategy(ids: tuple[str, ...]) -> st.SearchStrategy[FuzzRequest]:
    return requests(ids)  # built once: Hypothesis validates a new strategy object on each use


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_any_request_gets_a_fault_never_a_5xx(
    stack: tuple[Any, tuple[str, ...]], data: st.DataObject
) -> None:
    app, ids = stack
    request = data.draw(_strategy(ids), label="request")
    status, headers, body = send(app, request)
    assert not problems(request, status, headers, body), (status, body[:300])
