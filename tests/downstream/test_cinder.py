"""cinder 29.0.0's own API unit tests pass with its wsgi, extensions and router modules replaced
by the adapters in ``tests/downstream/cinder/`` (see ``cinder_suite.py`` for how it runs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.downstream.cinder_suite import ADAPTER_DIR, EXCLUSIONS_FILE, compare, read_exclusions

pytestmark = pytest.mark.downstream

#: the share of the baseline's passing tests that must pass with the adapters
REQUIRED_RATIO = 0.97
#: the adapters' budget: non-blank lines of code, tests' helpers excluded
ADAPTER_BUDGET = 250


def adapter_lines() -> int:
    """Non-blank lines of the adapters (what the pre-stop hook counts)."""
    files = [p for p in ADAPTER_DIR.rglob("*.py") if not p.name.startswith("test_")]
    files = [p for p in files if p.name != "conftest.py"]
    return sum(1 for p in files for line in p.read_text().splitlines() if line.strip())


def test_adapters_fit_their_budget() -> None:
    assert adapter_lines() <= ADAPTER_BUDGET


def test_every_exclusion_names_its_readme_bullet() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for test_id, reason in read_exclusions(EXCLUSIONS_FILE).items():
        assert reason, f"{test_id}: no reason given"
        bullet = reason.split(":", 1)[0].strip()
        assert bullet in readme, f"{test_id}: README has no bullet {bullet!r}"


def test_cinder_api_suite_passes_with_the_adapters(tmp_path: Path) -> None:
    comparison, base, adapted = compare(tmp_path)
    print(comparison.summary())
    print(f"baseline run {base.seconds:.0f}s (0: cached), adapted run {adapted.seconds:.0f}s")
    assert len(base.passed()) > 1900, "the baseline itself broke"
    assert comparison.regressions == []
    assert comparison.kept_ratio >= REQUIRED_RATIO
    stale = set(comparison.excluded) & comparison.adapted_passed
    assert not stale, f"excluded tests that pass now (drop them from the list): {sorted(stale)}"
