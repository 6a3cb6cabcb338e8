"""Validating a 20-field server-create body: a validator built once vs one built per request.

nova builds a jsonschema validator on every request (``jsonschema.validators.extend`` plus a
new ``FormatChecker`` and validator instance); apistack builds it once, when the decorator is
applied. Both are measured here in the same run, as the median of several repeats, and the
ratio is printed. Run: ``.venv/bin/python benchmarks/validation_bench.py``.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import jsonschema
import jsonschema.validators

from apistack.resource.validation import parameter_types, validator_for
from apistack.resource.validation import validators as _validators
from apistack.resource.validation.formats import FORMAT_CHECKER, StringFormatChecker

REPEATS = 7
ITERATIONS = 300

_network = {
    "type": "object",
    "properties": {
        "uuid": parameter_types.uuid,
        "port": {"type": ["string", "null"], "format": "uuid"},
        "fixed_ip": {"type": "string", "format": "ipv4"},
        "tag": parameter_types.tag,
    },
    "additionalProperties": False,
}
_server = {
    "name": parameter_types.name,
    "description": parameter_types.description,
    "imageRef": parameter_types.uuid,
    "flavorRef": {"type": ["string", "integer"], "minLength": 1},
    "adminPass": {"type": "string"},
    "metadata": parameter_types.metadata,
    "networks": {"type": "array", "items": _network},
    "security_groups": {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 255}},
            "additionalProperties": False,
        },
    },
    "user_data": {"type": "string", "format": "base64", "maxLength": 65535},
    "availability_zone": {"type": "string", "minLength": 1, "maxLength": 255},
    "key_name": parameter_types.name,
    "config_drive": parameter_types.boolean,
    "min_count": parameter_types.positive_integer,
    "max_count": parameter_types.positive_integer,
    "return_reservation_id": parameter_types.boolean,
    "accessIPv4": {"type": "string", "format": "ipv4"},
    "accessIPv6": {"type": "string", "format": "ipv6"},
    "tags": parameter_types.tags,
    "hostname": {"type": "string", "minLength": 1, "maxLength": 63},
    "trusted_image_certificates": {
        "type": ["array", "null"],
        "items": {"type": "string", "minLength": 1},
    },
}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "server": {
            "type": "object",
            "properties": _server,
            "required": ["name", "flavorRef"],
            "additionalProperties": False,
        }
    },
    "required": ["server"],
    "additionalProperties": False,
}
BODY: dict[str, Any] = {
    "server": {
        "name": "web-01",
        "description": "Front-end web server",
        "imageRef": "70a599e0-31e7-49b7-b260-868f441e862b",
        "flavorRef": "1",
        "adminPass": "s3cret",
        "metadata": {"role": "web", "owner": "ops"},
        "networks": [{"uuid": "ff608d40-75e9-48cb-b745-77bb55b5eaf2", "fixed_ip": "10.0.0.5"}],
        "security_groups": [{"name": "default"}, {"name": "web"}],
        "user_data": "IyEvYmluL3NoCmVjaG8gaGVsbG8K",
        "availability_zone": "nova",
        "key_name": "ops-key",
        "config_drive": True,
        "min_count": "1",
        "max_count": 2,
        "return_reservation_id": "false",
        "accessIPv4": "192.0.2.10",
        "accessIPv6": "2001:db8::10",
        "tags": ["web", "prod"],
        "hostname": "web-01",
        "trusted_image_certificates": None,
    }
}
assert len(BODY["server"]) == 20


def per_request_validation() -> None:
    """What nova does for every request."""
    cls = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
        jsonschema.Draft202012Validator,
        {"minimum": _validators._minimum, "maximum": _validators._maximum},
    )
    checker = StringFormatChecker(())
    checker.checkers = dict(FORMAT_CHECKER.checkers)
    error = next(cls(SCHEMA, format_checker=checker).iter_errors(BODY), None)
    assert error is None, error


_CACHED = validator_for(SCHEMA)


def cached_validation() -> None:
    """What apistack does for every request."""
    _CACHED.validate(BODY)


def measure(func: Callable[[], None]) -> float:
    """:returns: the median seconds per call over ``REPEATS`` runs of ``ITERATIONS`` calls."""
    samples = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _ in range(ITERATIONS):
            func()
        samples.append((time.perf_counter() - start) / ITERATIONS)
    return statistics.median(samples)


def main() -> None:
    per_request_validation()
    cached_validation()
    # Interleave the two so that noise from other processes hits both alike.
    baseline, subject = [], []
    for _ in range(3):
        baseline.append(measure(per_request_validation))
        subject.append(measure(cached_validation))
    base, cached = statistics.median(baseline), statistics.median(subject)
    print(f"20-field server create body, median of {REPEATS}x{ITERATIONS} calls, 3 rounds")
    print(f"  validator built per request (nova): {base * 1e6:9.1f} us/request")
    print(f"  validator built once (apistack):    {cached * 1e6:9.1f} us/request")
    print(f"  ratio: {base / cached:.1f}x faster")


if __name__ == "__main__":
    main()
