"""The filters' options, as oslo-config-generator lists them."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

from apistack.filters.opts import list_opts


def test_list_opts_groups_each_filters_options() -> None:
    groups = {group: [opt.name for opt in opts] for group, opts in list_opts()}
    assert groups["apistack_sizelimit"] == ["max_request_body_size"]
    assert groups["apistack_request_id"] == ["compat_headers", "context_key", "context_class"]
    assert groups["apistack_noauth"] == [
        "admin_user",
        "require_token",
        "admin_all",
        "project_in_url",
        "from_environ",
        "context_key",
        "context_class",
    ]
    assert groups["apistack_faultwrap"] == [
        "exception_statuses",
        "rewrite_errors",
        "service_type",
        "legacy_version_header",
        "request_id_headers",
    ]


def test_entry_point_is_list_opts() -> None:
    [ep] = [ep for ep in entry_points(group="oslo.config.opts") if ep.name == "apistack"]
    assert ep.load() is list_opts


def test_oslo_config_generator_writes_the_sample(tmp_path: Path) -> None:
    out = tmp_path / "apistack.conf.sample"
    generator = Path(sys.executable).with_name("oslo-config-generator")
    subprocess.run(
        [str(generator), "--namespace", "apistack", "--output-file", str(out)],
        check=True,
        capture_output=True,
    )
    sample = out.read_text()
    assert "[apistack_sizelimit]" in sample
    assert "#max_request_body_size = 114688" in sample
    assert "#compat_headers = x-compute-request-id" in sample
