"""``etc/apistack/apistack.conf.sample`` is what oslo-config-generator prints today.

The sample is generated from the filters' ``Option`` declarations (``oslo.config.opts`` entry
point ``apistack``); an option added, renamed or re-documented without regenerating the sample
fails here. Regenerate with ``make sample-config``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GENERATOR_CONF = ROOT / "etc" / "apistack" / "apistack-config-generator.conf"
SAMPLE = ROOT / "etc" / "apistack" / "apistack.conf.sample"


def test_sample_config_is_in_sync(tmp_path: Path) -> None:
    fresh = tmp_path / "apistack.conf.sample"
    generator = [sys.executable, "-m", "oslo_config.generator"]
    subprocess.run(
        [*generator, "--config-file", str(GENERATOR_CONF), "--output-file", str(fresh)],
        check=True,
        cwd=ROOT,
    )
    assert SAMPLE.read_text() == fresh.read_text(), "run `make sample-config` and commit it"


def test_sample_config_lists_every_filter_group() -> None:
    from apistack.filters.opts import list_opts

    text = SAMPLE.read_text()
    for group, opts in list_opts():
        assert f"[{group}]" in text
        for opt in opts:
            assert f"#{opt.name} =" in text
