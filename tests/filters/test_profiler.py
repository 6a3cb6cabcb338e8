"""``egg:apistack#profiler``: nothing at all until enabled; enabled, it needs osprofiler."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import webob
from paste.deploy import loadapp

from apistack.filters import FilterConfigError, Profiler
from tests.filters.apps import one_filter_ini


def app(environ: dict[str, object], start_response: object) -> list[bytes]:
    return webob.Response("ok")(environ, start_response)  # type: ignore[arg-type]


def test_disabled_it_hands_back_the_app_itself() -> None:
    assert Profiler.factory({}, enabled="false", hmac_keys="")(app) is app
    assert Profiler.factory({})(app) is app


@pytest.mark.parametrize("name", ["profiler", "osprofiler"])
def test_both_entry_points_load_from_an_ini(tmp_path: Path, name: str) -> None:
    app = loadapp(f"config:{one_filter_ini(tmp_path, name)}")
    assert webob.Request.blank("/").get_response(app).status_int == 200
    assert not isinstance(app, Profiler)


def test_a_bad_option_names_the_filter() -> None:
    with pytest.raises(FilterConfigError, match="option 'enabeld': unknown option"):
        Profiler.factory({}, enabeld="true")


@pytest.mark.skipif(
    importlib.util.find_spec("osprofiler") is not None, reason="osprofiler is installed here"
)
def test_enabled_without_osprofiler_says_how_to_install_it() -> None:
    make = Profiler.factory({}, enabled="true", hmac_keys="k")
    with pytest.raises(FilterConfigError, match=r"osprofiler is not installed \(pip install"):
        make(app)
