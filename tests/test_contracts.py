"""The paste contracts a user relies on: every entry point the installed distribution declares
loads and builds, and every ini in ``paste-examples/`` loads and answers a request.

Entry points are read from the installed ``apistack`` distribution (what PasteDeploy itself
reads), so a line added to setup.cfg without a working factory, or an ini that stops loading,
fails here.
"""

from __future__ import annotations

import configparser
import json
from collections.abc import Iterator
from importlib.metadata import EntryPoint, distribution
from pathlib import Path
from typing import Any

import pytest
import webob
import webob.dec
from paste.deploy import loadapp, loadfilter

from apistack.deploy import load_app

EXAMPLES = Path(__file__).resolve().parents[1] / "paste-examples"
TOKEN = {"X-Auth-Token": "demo:demo"}

PASTE_ENTRY_POINTS = sorted(
    (ep for ep in distribution("apistack").entry_points if ep.group.startswith("paste.")),
    key=lambda ep: (ep.group, ep.name),
)

# The smallest ini each composite and app entry point needs, as "[main section] + others";
# the section under test is always ``main``; ``trivial`` is ``trivial_app_factory`` below.
TRIVIAL = "[app:trivial]\npaste.app_factory = tests.test_contracts:trivial_app_factory\n"
INI_FOR: dict[tuple[str, str], tuple[str, str]] = {
    ("paste.composite_factory", "pipeline"): (
        "[DEFAULT]\nauth_strategy = noauth2\n\n"
        "[composite:main]\nuse = egg:apistack#pipeline\nnoauth2 = request_id trivial\n\n"
        "[filter:request_id]\nuse = egg:apistack#request_id\n\n" + TRIVIAL,
        "/",
    ),
    ("paste.composite_factory", "urlmap"): (
        "[composite:main]\nuse = egg:apistack#urlmap\n/v1 = trivial\n\n" + TRIVIAL,
        "/v1/things",
    ),
    ("paste.app_factory", "versions"): (
        "[app:main]\nuse = egg:apistack#versions\nversions = v1.0\nv1.0.status = CURRENT\n"
        "v1.0.min_version = 1.1\nv1.0.version = 1.5\nv1.0.updated = 2025-01-01T00:00:00Z\n",
        "/",
    ),
    ("paste.app_factory", "router"): (
        "[app:main]\nuse = egg:apistack#router\n"
        "route_list = apistack.examples.compute.routes:ROUTES\nmin_version = 2.1\n"
        "max_version = 2.5\nlegacy_header = X-OpenStack-Nova-API-Version\n",
        "/flavors",
    ),
}

# Filters that need an option to build (oslo's cors refuses to run without an origin source).
FILTER_OPTIONS = {"cors": "oslo_config_project = apistack-contract\n"}


@webob.dec.wsgify
def trivial_app(req: webob.Request) -> webob.Response:
    """Answers 200 ``{"ok": true}`` to anything."""
    return webob.Response(json_body={"ok": True})


def trivial_app_factory(global_conf: dict[str, str], **local_conf: str) -> Any:
    """Paste ``app_factory`` for ``trivial_app``."""
    return trivial_app


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    # The example compute API keeps its SQLite file here, never in the working tree.
    state = tmp_path / "state"
    monkeypatch.setenv("APISTACK_STATE_DIR", str(state))
    yield state


def _ask(app: Any, path: str) -> webob.Response:
    response = webob.Request.blank(path, headers=TOKEN).get_response(app)
    assert response.status_int < 500, response.body
    assert b"Traceback" not in response.body
    return response


def _ep_id(ep: EntryPoint) -> str:
    return f"{ep.group}:{ep.name}"


def test_the_distribution_declares_paste_entry_points() -> None:
    groups = {ep.group for ep in PASTE_ENTRY_POINTS}
    assert groups == {"paste.filter_factory", "paste.composite_factory", "paste.app_factory"}


@pytest.mark.parametrize("ep", PASTE_ENTRY_POINTS, ids=_ep_id)
def test_entry_point_imports_a_callable(ep: EntryPoint) -> None:
    assert callable(ep.load())


@pytest.mark.parametrize(
    "ep", [ep for ep in PASTE_ENTRY_POINTS if ep.group == "paste.filter_factory"], ids=_ep_id
)
def test_filter_entry_point_wraps_a_trivial_app(ep: EntryPoint, tmp_path: Path) -> None:
    ini = tmp_path / "filter.ini"
    ini.write_text(
        f"[filter:main]\nuse = egg:apistack#{ep.name}\n{FILTER_OPTIONS.get(ep.name, '')}"
    )
    app = loadfilter(f"config:{ini}", name="main")(trivial_app)
    response = _ask(app, "/")
    if response.status_int == 200:  # the filter passed the request on: the app answered
        assert json.loads(response.body) == {"ok": True}
    else:  # a filter that refuses (no identity headers) says so in JSON
        body = json.loads(response.body)
        [(_name, fault)] = body.items()
        assert fault["code"] == response.status_int


def test_every_composite_and_app_entry_point_has_a_contract_ini() -> None:
    declared = {
        (ep.group, ep.name) for ep in PASTE_ENTRY_POINTS if ep.group != "paste.filter_factory"
    }
    assert declared == set(INI_FOR)


@pytest.mark.parametrize("key", sorted(INI_FOR), ids=lambda key: f"{key[0]}:{key[1]}")
def test_composite_and_app_entry_points_build_from_a_tiny_ini(
    key: tuple[str, str], tmp_path: Path
) -> None:
    text, path = INI_FOR[key]
    ini = tmp_path / "contract.ini"
    ini.write_text(text)
    app = loadapp(f"config:{ini}", name="main")
    assert _ask(app, path).status_int == 200


def _entry_name(ini: Path) -> str:
    """The app a user serves: ``osapi_compute`` (nova's name) or ``main``, else the first."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ini)
    names = [s.split(":", 1)[1] for s in parser.sections() if ":" in s]
    for preferred in ("osapi_compute", "main"):
        if preferred in names:
            return preferred
    return names[0]


EXAMPLE_INIS = sorted(EXAMPLES.glob("*.ini"))


def test_the_examples_directory_has_inis() -> None:
    assert {"api-paste.ini", "versions-only.ini"} <= {ini.name for ini in EXAMPLE_INIS}


@pytest.mark.parametrize("ini", EXAMPLE_INIS, ids=lambda ini: ini.name)
def test_example_ini_loads_and_answers(ini: Path) -> None:
    app = loadapp(f"config:{ini}", name=_entry_name(ini))
    response = _ask(app, "/")
    assert response.content_type == "application/json"
    json.loads(response.body)


def test_api_paste_ini_serves_the_compute_api(state_dir: Path) -> None:
    app = loadapp(f"config:{EXAMPLES / 'api-paste.ini'}", name="osapi_compute")
    flavors = _ask(app, "/v2.1/flavors")
    assert flavors.status_int == 200
    assert json.loads(flavors.body)["flavors"][0]["name"] == "m1.tiny"
    created = webob.Request.blank(
        "/v2.1/servers",
        method="POST",
        headers={**TOKEN, "Content-Type": "application/json"},
        body=json.dumps({"server": {"name": "c", "flavorRef": "1", "imageRef": "i"}}).encode(),
    ).get_response(app)
    assert created.status_int == 202
    assert list(state_dir.glob("*.sqlite"))


def test_api_paste_ini_takes_state_dir_as_a_global(tmp_path: Path) -> None:
    # What `apistack serve ... --global state_dir=DIR` does (the ini's [DEFAULT] has it empty).
    elsewhere = tmp_path / "elsewhere"
    app = load_app(str(EXAMPLES / "api-paste.ini"), "osapi_compute", {"state_dir": str(elsewhere)})
    _ask(app, "/v2.1/servers")
    assert list(elsewhere.glob("*.sqlite"))
