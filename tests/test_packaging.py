"""What a release carries: the sdist and the wheel built from this tree.

The wheel must hold the license, ``py.typed`` and the example deployment (``paste-examples/``
under ``<prefix>/share/apistack/``, so pip-install users can serve it); the sdist must hold
everything a clone needs to build, test and document apistack. Both are built with setuptools'
PEP 517 hooks (no network, no build isolation): the sdist from a copy of the tree, the wheel
from the unpacked sdist, as pip builds it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import apistack

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(
    path.name for path in (ROOT / "paste-examples").iterdir() if path.suffix in (".ini", ".sample")
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Build the sdist and the wheel from a copy of the tracked (and new, unignored) files."""
    tmp = tmp_path_factory.mktemp("release")
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\0")
    tree = tmp / "tree"
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, tree / name)
    sdist = build("sdist", tree, tmp / "dist")
    with tarfile.open(sdist) as archive:  # the wheel is built from the sdist, as pip does
        archive.extractall(tmp / "unpacked", filter="data")
    unpacked = tmp / "unpacked" / sdist.name.removesuffix(".tar.gz")
    return {"sdist": sdist, "wheel": build("wheel", unpacked, tmp / "dist")}


def build(kind: str, tree: Path, dist: Path) -> Path:
    """:returns: the artifact setuptools' ``build_<kind>`` hook made (one process each: the
    hooks share distutils state within a process)."""
    script = (
        "import sys; from setuptools import build_meta; "
        f"print('ARTIFACT', build_meta.build_{kind}(sys.argv[1]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(dist)],
        cwd=tree,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    [line] = [line for line in out.splitlines() if line.startswith("ARTIFACT ")]
    return dist / line.split()[1]


def test_artifacts_carry_the_one_version(built: dict[str, Path]) -> None:
    prefix = f"apistack-{apistack.__version__}"
    assert built["sdist"].name == f"{prefix}.tar.gz"
    assert built["wheel"].name.startswith(f"{prefix}-py3-none-any")


def test_wheel_holds_license_typing_and_examples(built: dict[str, Path]) -> None:
    names = set(zipfile.ZipFile(built["wheel"]).namelist())
    dist_info = f"apistack-{apistack.__version__}.dist-info"
    assert {f"{dist_info}/licenses/LICENSE", f"{dist_info}/LICENSE"} & names
    assert "apistack/py.typed" in names
    data = f"apistack-{apistack.__version__}.data/data/share/apistack"
    for example in EXAMPLES:
        assert f"{data}/paste-examples/{example}" in names
    assert f"{data}/apistack.conf.sample" in names
    assert not [name for name in names if name.startswith("tests/")]


def test_sdist_holds_what_a_clone_needs(built: dict[str, Path]) -> None:
    with tarfile.open(built["sdist"]) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    expected = {
        "LICENSE",
        "README.md",
        "Makefile",
        "doc/source/conf.py",
        "doc/source/index.rst",
        "etc/apistack/apistack-config-generator.conf",
        "etc/apistack/apistack.conf.sample",
        "tests/test_readme.py",
        *(f"paste-examples/{example}" for example in EXAMPLES),
    }
    assert expected <= names, sorted(expected - names)
    assert any(name.startswith("releasenotes/notes/") for name in names)
