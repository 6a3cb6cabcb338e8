"""Drive a served API from its OpenAPI document with schemathesis, seeded and bounded.

``drive(document, base_url, ...)`` generates requests for every operation from the document
(valid data, then invalid data), sends them over HTTP and checks each response: no 5xx, a
documented status and content type, a body that matches its documented schema, and invalid
data rejected with a 4xx. It returns what it sent and what failed, so the bounded run in
``make test`` and the long run in ``make fuzz-openapi`` share one driver.
"""

from __future__ import annotations

import collections
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import hypothesis.errors
import schemathesis
from hypothesis import HealthCheck
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.functional.wire import create_server

TOKEN = "fuzz:fuzz"
POSITIVE_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
NEGATIVE_CHECKS = [*POSITIVE_CHECKS, negative_data_rejection]


@dataclass
class Outcome:
    """What a run sent and saw."""

    requests: int = 0
    statuses: collections.Counter[int] = field(default_factory=collections.Counter)
    failures: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """:returns: one line: requests, statuses, failures."""
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(self.statuses.items()))
        return (
            f"{self.requests} requests ({statuses}); {len(self.failures)} failures; "
            f"{len(self.skipped)} operation modes with nothing to generate"
        )


def _run_operation(
    operation: Any,
    mode: GenerationMode,
    target: tuple[str, dict[str, str]],
    settings: hypothesis.settings,
    seed: int,
    outcome: Outcome,
    path_values: Mapping[str, str] | None = None,
) -> None:
    checks = NEGATIVE_CHECKS if mode is GenerationMode.NEGATIVE else POSITIVE_CHECKS
    label = f"{mode.value} {operation.method.upper()} {operation.path}"
    if path_values:
        label += f" {dict(path_values)}"
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_values)

    @hypothesis.given(case=strategy)
    @settings
    @hypothesis.seed(seed)
    def send(case: Any) -> None:
        base_url, headers = target
        response = case.call(base_url=base_url, headers=headers, timeout=30)
        outcome.requests += 1
        outcome.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=checks)
        except (Exception, FailureGroup) as exc:  # a failed check: record it, go on
            detail = str(exc).strip().splitlines()[:40]
            outcome.failures.append(f"{label}: {' | '.join(detail)}")

    try:
        send()
    except hypothesis.errors.Unsatisfiable:
        outcome.skipped.append(label)  # nothing in the operation can be made invalid


def _negatable(document: dict[str, Any], operation: Any) -> bool:
    """Whether the operation has a body or query parameters that invalid data can break."""
    item = document["paths"][operation.path][operation.method.lower()]
    query = [p for p in item.get("parameters", []) if p.get("in") == "query"]
    return "requestBody" in item or bool(query)


def drive(
    document: dict[str, Any],
    base_url: str,
    *,
    max_examples: int,
    seed: int,
    microversion: str | None = None,
    modes: Iterable[GenerationMode] = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE),
    known: Mapping[str, Mapping[str, str]] | None = None,
) -> Outcome:
    """Send up to ``max_examples`` generated requests per operation and mode.

    :param document: the OpenAPI document.
    :param base_url: the server URL the document's paths are relative to.
    :param max_examples: hypothesis examples per operation and mode.
    :param seed: the seed, so a run is repeatable.
    :param microversion: sent in ``OpenStack-API-Version`` with every request.
    :param known: path parameter values of resources that exist, by path template
        (``{"/servers/{id}": {"id": ...}}``): each such operation (but ``DELETE``) is also
        driven with them, so it reaches its success codes, not only 404s.
    :returns: the requests sent, their statuses and the failed checks.
    """
    # The token is sent by the driver, not generated: noauth answers a request without one
    # with nova's 204 token reply, which no OpenAPI security scheme can describe.
    config = SchemathesisConfig.from_dict({"generation": {"with-security-parameters": False}})
    schema = schemathesis.openapi.from_dict(json.loads(json.dumps(document)), config=config)
    headers = {"X-Auth-Token": TOKEN}
    if microversion is not None:
        headers["OpenStack-API-Version"] = f"compute {microversion}"
    settings = hypothesis.settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
    )
    outcome = Outcome()
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in modes:
            if mode is GenerationMode.NEGATIVE and not _negatable(document, operation):
                # Only untyped path strings: Hypothesis would search seconds for an invalid
                # value before giving up.
                outcome.skipped.append(f"{mode.value} {operation.method.upper()} {operation.path}")
                continue
            target = (base_url, headers)
            _run_operation(operation, mode, target, settings, seed, outcome)
            values = (known or {}).get(operation.path)
            if values and operation.method.upper() != "DELETE":
                _run_operation(operation, mode, target, settings, seed, outcome, values)
    return outcome


def known_resources(server_url: str) -> dict[str, dict[str, str]]:
    """Create a server for the fuzz token's project on the served example.

    :param server_url: ``http://127.0.0.1:PORT``.
    :returns: path parameter values that exist, for :func:`drive`'s ``known``.
    """
    server = create_server(server_url, TOKEN, "fuzzed")
    return {
        "/servers/{id}": {"id": server},
        "/servers/{id}/action": {"id": server},
        "/flavors/{id}": {"id": "1"},
        "/flavors/{flavor_id}/os-extra_specs": {"flavor_id": "1"},
        "/flavors/{flavor_id}/os-extra_specs/{id}": {"flavor_id": "1"},
        "/versions/{id}": {"id": "v2.1"},
    }
