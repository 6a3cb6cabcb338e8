"""Run cinder's own API unit tests, with cinder's files and with apistack's adapters.

Each run works on its own copy of the cached venv's ``cinder`` package (the venv itself is
never changed): the baseline copy as installed, the adapted copy with the modules of
``tests/downstream/cinder/`` in place of cinder's (see ``ADAPTERS``). Both copies get
``etc/cinder/resource_filters.json`` beside the package, where cinder's tests look for it.
The tests run under stestr at concurrency 2; the subunit stream gives one status per test id.

The baseline depends only on the venv, so its results are cached next to it, keyed by the
venv's stamp; the adapted run always runs. ``python -m tests.downstream.cinder_suite`` runs
both and prints the comparison.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tests.downstream.venvs import downstream_venv
from tests.venv_cache import PROJECT_ROOT, clean_env

HERE = Path(__file__).resolve().parent
ADAPTER_DIR = HERE / "cinder"
#: adapter file -> the cinder module file it replaces
ADAPTERS = {
    "wsgi.py": "cinder/api/openstack/wsgi.py",
    "extensions.py": "cinder/api/extensions.py",
    "router.py": "cinder/api/v3/router.py",
}
#: test ids that assert what apistack deliberately does differently, with the README bullet
EXCLUSIONS_FILE = HERE / "cinder_exclusions.txt"
TEST_PATH = "./cinder/tests/unit/api"
CONCURRENCY = 2
#: bump when the way the baseline is run changes, so a cached baseline is not reused
RUN_FORMAT = "stestr-c2-1"


@dataclass
class SuiteRun:
    """One run's statuses by test id, and how long it took (0 when read from the cache)."""

    statuses: dict[str, str]
    seconds: float

    def passed(self) -> set[str]:
        """:returns: the ids of the tests that passed."""
        return {test for test, status in self.statuses.items() if status == "success"}


def site_packages(venv: Path) -> Path:
    """:returns: the venv's site-packages directory."""
    return next((venv / "lib").glob("python3*/site-packages"))


def prepare_tree(venv: Path, dest: Path, adapted: bool) -> Path:
    """Copy cinder into ``dest`` (adapters in place when ``adapted``); :returns: ``dest``."""
    shutil.copytree(
        site_packages(venv) / "cinder", dest / "cinder", ignore=shutil.ignore_patterns("*.pyc")
    )
    filters = dest / "etc" / "cinder"
    filters.mkdir(parents=True)
    shutil.copy(venv / "etc" / "cinder" / "resource_filters.json", filters)
    (dest / ".stestr.conf").write_text(f"[DEFAULT]\ntest_path={TEST_PATH}\ntop_dir=./\n")
    if adapted:
        for adapter, target in ADAPTERS.items():
            shutil.copy(ADAPTER_DIR / adapter, dest / target)
    return dest


def run_suite(venv: Path, tree: Path) -> SuiteRun:
    """Run cinder's API tests in ``tree`` (apistack from this checkout on ``PYTHONPATH``).

    :raises RuntimeError: when stestr reports no test at all (the run itself broke).
    """
    started = time.perf_counter()
    argv = [str(venv / "bin" / "python"), "-m", "stestr", "run"]
    argv += ["--concurrency", str(CONCURRENCY), "--subunit"]
    with (tree / "subunit.bin").open("wb") as out, (tree / "stderr.log").open("wb") as err:
        env = clean_env(PYTHONPATH=str(PROJECT_ROOT))
        subprocess.run(argv, cwd=tree, stdout=out, stderr=err, env=env)
    seconds = time.perf_counter() - started
    with (tree / "subunit.bin").open("rb") as stream:
        # subunit2csv exits 1 when a test failed; its table is what counts
        table = subprocess.run(
            [str(venv / "bin" / "subunit2csv")], stdin=stream, capture_output=True
        ).stdout.decode()
    statuses = {row["test"]: row["status"] for row in csv.DictReader(io.StringIO(table))}
    if not statuses:
        tail = (tree / "stderr.log").read_text(errors="replace")[-3000:]
        raise RuntimeError(f"cinder's test run reported no tests:\n{tail}")
    return SuiteRun(statuses, seconds)


def _baseline_key(venv: Path) -> str:
    stamp = (venv / ".apistack-stamp").read_text()
    return hashlib.sha256(f"{stamp}\n{RUN_FORMAT}".encode()).hexdigest()


def baseline(venv: Path, workdir: Path) -> SuiteRun:
    """:returns: the baseline run, from the cache beside the venv when its key matches."""
    cache = venv.with_name(venv.name + "-baseline.json")
    key = _baseline_key(venv)
    if cache.is_file():
        saved = json.loads(cache.read_text())
        if saved.get("key") == key:
            return SuiteRun(saved["statuses"], 0.0)
    run = run_suite(venv, prepare_tree(venv, workdir / "baseline", adapted=False))
    cache.write_text(json.dumps({"key": key, "statuses": run.statuses, "seconds": run.seconds}))
    return run


def read_exclusions(path: Path = EXCLUSIONS_FILE) -> dict[str, str]:
    """:returns: ``{test id: reason}`` from lines ``<test id>  # <README bullet>``."""
    found: dict[str, str] = {}
    for line in path.read_text().splitlines():
        test, _, reason = line.partition("#")
        if test.strip():
            found[test.strip()] = reason.strip()
    return found


@dataclass
class Comparison:
    """The adapted run measured against the baseline, test id by test id."""

    base_passed: set[str]
    adapted_passed: set[str]
    excluded: Mapping[str, str]

    @property
    def regressions(self) -> list[str]:
        """Baseline passes that fail with the adapters and are not excluded."""
        lost = self.base_passed - self.adapted_passed
        return sorted(test for test in lost if test not in self.excluded)

    @property
    def kept_ratio(self) -> float:
        """The share of baseline passes that also pass with the adapters."""
        return len(self.base_passed & self.adapted_passed) / max(1, len(self.base_passed))

    def summary(self) -> str:
        """:returns: the counts, for the test's output and the report."""
        lost = self.base_passed - self.adapted_passed
        return (
            f"baseline passes {len(self.base_passed)}; adapted passes "
            f"{len(self.adapted_passed)}; baseline passes kept {self.kept_ratio:.2%}; "
            f"lost {len(lost)} ({len(lost & set(self.excluded))} excluded, "
            f"{len(self.regressions)} regressions)"
        )


def compare(workdir: Path) -> tuple[Comparison, SuiteRun, SuiteRun]:
    """Build or reuse the venv, run both variants in ``workdir``; :returns: the comparison
    and the two runs."""
    venv = downstream_venv("cinder")
    base = baseline(venv, workdir)
    adapted = run_suite(venv, prepare_tree(venv, workdir / "adapted", adapted=True))
    result = Comparison(base.passed(), adapted.passed(), read_exclusions())
    return result, base, adapted


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/cinder-suite")
    shutil.rmtree(target, ignore_errors=True)
    comparison, base_run, adapted_run = compare(target)
    print(comparison.summary())
    print(f"baseline {base_run.seconds:.0f}s (0 = cached), adapted {adapted_run.seconds:.0f}s")
    for test in comparison.regressions:
        print("REGRESSION", test)
