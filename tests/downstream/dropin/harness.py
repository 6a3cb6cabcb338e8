"""Swap apistack's filters into a service's shipped api-paste.ini, run both, compare.

``swap_filters`` rewrites only the named ``[filter:...]`` sections: their factory line becomes
``use = egg:apistack#<entry point>`` and the given keys are added. ``run_service`` runs the
driver in the service's cached venv (apistack from this checkout on ``PYTHONPATH``) and returns
its JSON report. ``differences`` lists, per request, each field that differs once the values
that vary between any two runs (request ids, uuids, timestamps, timings) are normalised.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tests.downstream.venvs import downstream_venv
from tests.venv_cache import PROJECT_ROOT, clean_env

DRIVER = Path(__file__).with_name("driver.py")

_SECTION = re.compile(r"^\[(?P<kind>\w+):(?P<name>[^\]]+)\]\s*$")
_FACTORY = re.compile(r"^\s*(paste\.filter_factory|use)\s*=")


def swap_filters(text: str, swaps: Mapping[str, Mapping[str, str]]) -> str:
    """:returns: ``text`` with each ``[filter:NAME]`` of ``swaps`` using ``swaps[NAME]``'s keys
    (``use`` first) instead of its factory line; everything else is kept as it is."""
    out: list[str] = []
    current: str | None = None
    seen: set[str] = set()
    for line in text.splitlines():
        header = _SECTION.match(line)
        if header:
            current = header["name"] if header["kind"] == "filter" else None
            out.append(line)
            if current in swaps:
                seen.add(current)
                out.extend(f"{key} = {value}" for key, value in swaps[current].items())
            continue
        if current in swaps and _FACTORY.match(line):
            continue
        out.append(line)
    missing = set(swaps) - seen
    if missing:
        raise ValueError(f"no [filter:...] section for {sorted(missing)}")
    return "\n".join(out) + "\n"


def run_service(
    venv_name: str, service: str, ini: Path, workdir: Path, plan: Mapping[str, Any]
) -> dict[str, Any]:
    """Run the driver for one ini in ``workdir``; :returns: its report."""
    workdir.mkdir(parents=True, exist_ok=True)
    plan_file, out = workdir / "plan.json", workdir / "report.json"
    plan_file.write_text(json.dumps(plan))
    python = downstream_venv(venv_name) / "bin" / "python"
    argv = [str(python), str(DRIVER), service, str(ini), str(workdir), str(plan_file), str(out)]
    result = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        env=clean_env(PYTHONPATH=str(PROJECT_ROOT)),
        cwd=workdir,
        timeout=600,
    )
    if result.returncode != 0:
        raise AssertionError(f"driver failed for {ini}:\n{result.stderr[-4000:]}")
    report: dict[str, Any] = json.loads(out.read_text())
    return report


_VARYING = (
    (re.compile(r"req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "req-ID"),
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "UUID"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?"), "TIMESTAMP"),
    (re.compile(r"time: \d+\.\d+"), "time: T"),
)


def normalise(value: Any) -> Any:
    """:returns: ``value`` with request ids, uuids, timestamps and timings replaced."""
    if isinstance(value, str):
        for pattern, replacement in _VARYING:
            value = pattern.sub(replacement, value)
        return value
    if isinstance(value, list):
        return [normalise(item) for item in value]
    if isinstance(value, dict):
        return {key: normalise(item) for key, item in value.items()}
    return value


def _body(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _header_map(pairs: list[list[str]]) -> dict[str, list[str]]:
    headers: dict[str, list[str]] = {}
    for name, value in pairs:
        headers.setdefault(name.lower(), []).append(value)
    return headers


def fields(result: Mapping[str, Any]) -> dict[str, Any]:
    """:returns: the compared fields of one result: status, each header, body, log."""
    out: dict[str, Any] = {"status": result["status"], "body": _body(result.get("body", ""))}
    for name, values in _header_map(result.get("headers", [])).items():
        out[f"header {name}"] = values
    out["log"] = result.get("log", [])
    # Which exceptions were logged, not by which logger (nova's faultwrap or apistack's).
    out["errors"] = [error.rpartition(": ")[2] for error in result.get("errors", [])]
    for key in ("context", "class", "catalog"):
        if key in result:
            out[key] = result[key]
    return normalise(out)


def differences(
    shipped: list[Mapping[str, Any]], swapped: list[Mapping[str, Any]]
) -> dict[str, dict[str, tuple[Any, Any]]]:
    """:returns: request name -> field -> (shipped value, swapped value), differing fields only."""
    found: dict[str, dict[str, tuple[Any, Any]]] = {}
    for left, right in zip(shipped, swapped, strict=True):
        assert left["name"] == right["name"]
        a, b = fields(left), fields(right)
        diff = {
            key: (a.get(key), b.get(key))
            for key in a.keys() | b.keys()
            if a.get(key) != b.get(key)
        }
        if diff:
            found[left["name"]] = diff
    return found
