"""Each 500 and stall the first fuzzing campaign found (issue 13), replayed on the in-process
stack: every one is now a 4xx JSON fault (or a normal answer), with a request id."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.fuzz.properties import problems
from tests.fuzz.strategies import FuzzRequest
from tests.fuzz.test_fuzz_stack import send, stack  # noqa: F401  (the module fixture)

IMG = "70a599e0-31e7-49b7-b260-868f441e862b"
HUGE = "1" * 5000
TOKEN = ("X-Auth-Token", "alice:proj")
JSON = ("Content-Type", "application/json")


def _create(extra: str, prefix: str = "/v2.1", whole: str | None = None) -> FuzzRequest:
    valid = f'"name": "x", "flavorRef": "1", "imageRef": "{IMG}"'
    body = whole if whole is not None else f'{{"server": {{{valid}{extra}}}}}'
    return FuzzRequest("POST", f"{prefix}/servers", (TOKEN, JSON), body.encode())


def _get(target: str, *headers: tuple[str, str]) -> FuzzRequest:
    return FuzzRequest("GET", target, (TOKEN, *headers))


STANDARD, LEGACY = "OpenStack-API-Version", "X-OpenStack-Nova-API-Version"
CASES = {
    "standard header, 5000 digits": (_get("/v2.1/servers", (STANDARD, "compute 2." + HUGE)), 400),
    "legacy header, 5000 digits": (_get("/v2.1/servers", (LEGACY, "2." + HUGE)), 400),
    "versions document, 5000 digits": (_get("/v2.1/", (STANDARD, "compute 2." + HUGE)), 400),
    "legacy v2, no body": (FuzzRequest("POST", "/v2/servers", (TOKEN, JSON)), 400),
    "legacy v2, null": (_create("", "/v2", "null"), 400),
    "legacy v2, no flavorRef": (_create("", "/v2", '{"server": {"name": "x"}}'), 400),
    "legacy v2, min_count abc": (_create(', "min_count": "abc"', "/v2"), 400),
    "legacy v2, name list": (_create(', "name": ["x"]', "/v2"), 400),
    "legacy v2, empty name": (_create(', "name": ""', "/v2"), 400),
    "legacy v2, bad IP": (_create(', "accessIPv4": "not-an-ip"', "/v2"), 400),
    "legacy v2, unknown key relaxed": (_create(', "bogus": 1', "/v2"), 202),
    "versions app, /%FF": (FuzzRequest("GET", "/%FF"), 400),
    "router, /v2.1/servers/%FF": (_get("/v2.1/servers/%FF"), 400),
    "query, ?name=%FF": (_get("/v2.1/servers?name=%FF"), 400),
    "query on a method without a query schema": (_get("/v2.1/flavors/1?x=%C3"), 400),
    "min_count 1e400": (_create(', "min_count": 1e400'), 400),
    "lone surrogate in name": (_create(', "name": "\\ud800"'), 400),
    "lone surrogate in key_name": (_create(', "key_name": "\\udfff"'), 400),
    "name filter a{4294967296}": (_get("/v2.1/servers?name=a%7B4294967296%7D"), 200),
    "name filter, 1000 (": (_get("/v2.1/servers?name=" + "(" * 1000), 200),
    "name filter (a+)+$": (_get("/v2.1/servers?name=(a%2B)%2B%24"), 200),
    "min_count of 5000 digits": (_create(f', "min_count": "{HUGE}"'), 403),
    "limit of 5000 digits": (_get(f"/v2.1/servers?limit={HUGE}"), 200),
}


@pytest.mark.parametrize(("request_", "status"), CASES.values(), ids=list(CASES))
def test_known_cause_is_answered(
    stack: tuple[Any, tuple[str, ...]],
    request_: FuzzRequest,
    status: int,
) -> None:
    app, _ids = stack
    answer_status, headers, body = send(app, request_)
    assert answer_status == status, body[:300]
    assert not problems(request_, answer_status, headers, body)
    if status == 202:
        assert "bogus" not in json.dumps(json.loads(body))
