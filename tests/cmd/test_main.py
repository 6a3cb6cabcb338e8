"""The ``apistack`` command: routes, pipeline, and one-line errors with exit status 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from apistack.cmd.main import main

REPO = Path(__file__).resolve().parents[2]
VERSIONS_INI = str(REPO / "paste-examples" / "versions-only.ini")

STACK_INI = """
[DEFAULT]
auth_strategy = noauth2

[composite:osapi_compute]
use = egg:apistack#urlmap
/ = versions
/v2.1/+ = api

[app:versions]
use = config:{versions}#oscomputeversions

[composite:api]
paste.composite_factory = tests.cmd.fakes:strategy_factory
noauth2 = outer inner router
keystone = outer router

[filter:outer]
paste.filter_factory = tests.cmd.fakes:wrapper_factory

[filter:inner]
paste.filter_factory = tests.cmd.fakes:wrapper_factory

[app:router]
paste.app_factory = tests.cmd.fakes:router_factory

[pipeline:piped]
pipeline = outer router
"""


@pytest.fixture
def stack_ini(tmp_path: Path) -> str:
    path = tmp_path / "stack.ini"
    path.write_text(STACK_INI.format(versions=VERSIONS_INI))
    return str(path)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_routes_prints_method_path_controller_action_versions(
    capsys: pytest.CaptureFixture[str], stack_ini: str
) -> None:
    code, out, _err = _run(capsys, "routes", stack_ini)
    assert code == 0
    rows = [line.split() for line in out.splitlines()]
    assert rows[0] == ["GET", "/v2.1", "->", "/", "redirect", "*"]
    assert rows[1] == ["GET", "/v2.1/", "VersionsController", "show", "*"]
    assert rows[2] == ["GET", "/v2.1/servers/{id}", "ServersController", "show", "*"]
    assert rows[3][:3] == ["POST", "/v2.1/servers/{id}/action", "ServersController"]
    assert "os-stop," in rows[3] and "reboot)" in rows[3]


def test_routes_without_a_router_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = _run(capsys, "routes", VERSIONS_INI)
    assert code == 2
    assert (
        err.strip() == f"apistack: error: no router found in app 'osapi_compute' of {VERSIONS_INI}"
    )


def test_pipeline_lists_mounts_and_the_chosen_strategy(
    capsys: pytest.CaptureFixture[str], stack_ini: str
) -> None:
    code, out, _err = _run(capsys, "pipeline", stack_ini)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "osapi_compute (composite egg:apistack#urlmap)"
    assert lines[1].startswith("  /v2.1/+ -> api (composite tests.cmd.fakes:strategy_factory)")
    assert lines[2:6] == [
        "    [auth_strategy = noauth2]",
        "    outer (filter tests.cmd.fakes:wrapper_factory)",
        "    inner (filter tests.cmd.fakes:wrapper_factory)",
        "    router (app tests.cmd.fakes:router_factory)",
    ]
    assert lines[6] == "  / -> versions (app egg:apistack#versions)"


def test_pipeline_follows_the_auth_strategy_global(
    capsys: pytest.CaptureFixture[str], stack_ini: str
) -> None:
    _code, out, _err = _run(capsys, "pipeline", stack_ini, "--global", "auth_strategy=keystone")
    assert "inner" not in out and "[auth_strategy = keystone]" in out


def test_pipeline_section(capsys: pytest.CaptureFixture[str], stack_ini: str) -> None:
    _code, out, _err = _run(capsys, "pipeline", stack_ini, "--name", "piped")
    assert out.splitlines() == [
        "piped (pipeline)",
        "  filter tests.cmd.fakes:wrapper_factory",
        "  app tests.cmd.fakes:router_factory",
    ]


@pytest.mark.parametrize("command", ["routes", "pipeline", "serve"])
@pytest.mark.parametrize(
    ("ini_text", "name", "expected"),
    [
        (None, "osapi_compute", "config file not found"),
        ("this is not an ini\n", "osapi_compute", "MissingSectionHeaderError"),
        ("[app:x]\nuse = egg:apistack#versions\n", "osapi_compute", "'osapi_compute'"),
        ("[app:osapi_compute]\nuse = egg:apistack#nope\n", "osapi_compute", "nope"),
        ("[app:osapi_compute]\nuse = egg:apistack#versions\nmode = list\n", "osapi_compute",
         "versions"),
    ],
)  # fmt: skip
def test_user_errors_are_one_line_with_status_2(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    command: str,
    ini_text: str | None,
    name: str,
    expected: str,
) -> None:
    path = tmp_path / "bad.ini"
    if ini_text is not None:
        path.write_text(ini_text)
    code, _out, err = _run(capsys, command, str(path), "--name", name)
    if command == "pipeline" and "mode = list" in (ini_text or ""):
        assert code == 0  # reading the pipeline builds nothing, so a bad option is not seen
        return
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("apistack: error: ")
    assert expected in err
    assert "Traceback" not in err


def test_bad_global_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = _run(capsys, "pipeline", VERSIONS_INI, "--global", "novalue")
    assert code == 2 and "KEY=VALUE" in err
