"""Every filter loads by name (and by nova's alias) through PasteDeploy and wraps an app."""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

import pytest
import webob
from paste.deploy import loadapp, loadfilter

from apistack.filters import (
    CORS,
    FaultWrap,
    HTTPProxyToWSGI,
    KeystoneContext,
    LegacyV2,
    NoAuth,
    Profiler,
    RequestId,
    RequestLog,
    SizeLimit,
)
from apistack.filters.opts import FILTERS
from tests.filters.apps import Recorder, one_filter_ini

NAMES = {
    "request_id": RequestId,
    "compute_req_id": RequestId,
    "faultwrap": FaultWrap,
    "sizelimit": SizeLimit,
    "request_log": RequestLog,
    "noauth": NoAuth,
    "noauth2": NoAuth,
    "keystone_context": KeystoneContext,
    "keystonecontext": KeystoneContext,
    "legacy_v2": LegacyV2,
    "legacy_v2_compatible": LegacyV2,
    "cors": CORS,
    "http_proxy_to_wsgi": HTTPProxyToWSGI,
}
# Options a filter needs to build: oslo's cors refuses to run without a source of origins.
OPTIONS = {"cors": "oslo_config_project = apistack-entry-points\n"}
# A disabled profiler is no filter at all (its factory hands back the app): tests/filters/
# test_profiler.py loads these two.
PASS_THROUGH = {"profiler", "osprofiler"}
# What a trivial app answers behind each filter, for a request with a noauth token.
EXPECTED_STATUS = {KeystoneContext: 401}


@pytest.mark.parametrize("name", sorted(NAMES))
def test_filter_loads_by_entry_point_and_wraps_an_app(tmp_path: Path, name: str) -> None:
    recorder = Recorder()
    ini = tmp_path / "filter.ini"
    ini.write_text(f"[filter:main]\nuse = egg:apistack#{name}\n{OPTIONS.get(name, '')}")
    app = loadfilter(f"config:{ini}", name="main")(recorder)
    cls = NAMES[name]
    assert type(app) is cls
    req = webob.Request.blank("/", headers={"X-Auth-Token": "alice"})
    assert req.get_response(app).status_int == EXPECTED_STATUS.get(cls, 200)


@pytest.mark.parametrize("name", sorted(NAMES))
def test_filter_loads_from_an_ini_use_line(tmp_path: Path, name: str) -> None:
    app = loadapp(f"config:{one_filter_ini(tmp_path, name, OPTIONS.get(name, ''))}")
    assert type(app) is NAMES[name]


def test_every_declared_entry_point_is_tested_and_matches_its_class() -> None:
    declared = {
        ep.name: ep
        for ep in entry_points(group="paste.filter_factory")
        if ep.module.startswith("apistack.")
    }
    assert set(declared) == set(NAMES) | PASS_THROUGH
    for name, ep in declared.items():
        assert ep.load().__self__ is NAMES.get(name, Profiler)
    assert {cls.name for cls in FILTERS} <= set(declared)
    [composite] = [
        ep for ep in entry_points(group="paste.composite_factory") if ep.name == "pipeline"
    ]
    assert composite.module == "apistack.filters.pipeline"
