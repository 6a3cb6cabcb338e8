"""The long schemathesis run: the served example API against its own OpenAPI documents.

``python -m tests.openapi.served --examples 200 --seed 1`` starts ``apistack serve`` on
``paste-examples/api-paste.ini`` (noauth2, microversions up to the example's highest), and for
the whole-range document and each microversion's document sends up to ``--examples``
generated requests per operation, valid and invalid. It prints each document's size and
operation count, the requests sent and every failed check, and exits 1 when a check failed.
``make fuzz-openapi`` runs it (``make fuzz`` too); the bounded run is
``tests/functional/test_openapi_served.py``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from apistack.deploy import load_app
from apistack.examples.compute.routes import HIGHEST_MAX_VERSION
from apistack.openapi import openapi_document
from tests.functional.conftest import API_PASTE, ServedStack
from tests.openapi.fuzz import Outcome, drive, known_resources


def _microversions() -> list[str | None]:
    highest = int(HIGHEST_MAX_VERSION.split(".")[1])
    return [None, *(f"2.{minor}" for minor in range(1, highest + 1))]


def _run(stack: ServedStack, app: object, examples: int, seed: int) -> int:
    failures = 0
    for microversion in _microversions():
        document = openapi_document(app, microversion)
        size = len(json.dumps(document, separators=(",", ":")))
        operations = sum(len(item) for item in document["paths"].values())
        outcome: Outcome = drive(
            document, stack.url + "/v2.1", max_examples=examples, seed=seed,
            microversion=microversion, known=known_resources(stack.url),
        )  # fmt: skip
        name = microversion or "whole range"
        print(f"{name}: document {size} bytes, {operations} operations; {outcome.summary()}")
        for failure in outcome.failures:
            print(f"  FAILED {failure}")
        failures += len(outcome.failures)
        sys.stdout.flush()
    return failures


def main(argv: list[str] | None = None) -> int:
    """Run; :returns: 0 when every check passed, else 1."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--examples", type=int, default=200, help="examples per operation")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="apistack-openapi-") as base:
        globals_ = {"compute_max_version": HIGHEST_MAX_VERSION}
        env = {"APISTACK_STATE_DIR": str(Path(base) / "state"), "HOME": base}
        app = load_app(str(API_PASTE), "osapi_compute", {**globals_, "state_dir": base})
        stack = ServedStack(API_PASTE, "osapi_compute", globals_, 2, Path(base) / "log", env)
        stack.start()
        try:
            failures = _run(stack, app, args.examples, args.seed)
        finally:
            stack.stop()
    print(f"{failures} failed checks")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
