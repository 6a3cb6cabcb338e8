"""schemathesis drives the served example API from its own OpenAPI document (bounded and
seeded: a few hundred requests); ``make fuzz-openapi`` is the long run."""

from __future__ import annotations

import pytest

from apistack.deploy import load_app
from apistack.openapi import openapi_document
from tests.functional.conftest import API_PASTE, ServedStack
from tests.openapi.fuzz import drive, known_resources

EXAMPLES = 6
SEED = 20261201


@pytest.mark.parametrize("microversion", ["2.1", "2.19", None])
def test_the_served_api_conforms_to_its_document(
    compute_stack: ServedStack, microversion: str | None, tmp_path: object
) -> None:
    app = load_app(str(API_PASTE), "osapi_compute", {"state_dir": str(tmp_path)})
    document = openapi_document(app, microversion)
    outcome = drive(
        document,
        compute_stack.url + "/v2.1",
        max_examples=EXAMPLES,
        seed=SEED,
        microversion=microversion,
        known=known_resources(compute_stack.url),
    )
    print(outcome.summary())
    assert outcome.failures == [], "\n".join(outcome.failures)
    assert outcome.requests >= 50
    assert not [code for code in outcome.statuses if code >= 500]
    assert outcome.statuses[202] and outcome.statuses[200]  # existing servers were reached
