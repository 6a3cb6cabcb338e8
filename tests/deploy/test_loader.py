"""``apistack.deploy``: finding the ini, app names, globals, and one-line load errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from apistack.deploy import ConfigNotFound, Loader, LoadError, PasteAppNotFound, find_config

REPO = Path(__file__).resolve().parents[2]
API_PASTE = REPO / "paste-examples" / "api-paste.ini"
VERSIONS_INI = REPO / "paste-examples" / "versions-only.ini"


def test_a_relative_name_is_found_in_the_config_directories(tmp_path: Path) -> None:
    etc = tmp_path / "etc"
    etc.mkdir()
    (etc / "api-paste.ini").write_text(VERSIONS_INI.read_text())
    assert find_config("api-paste.ini", [tmp_path / "none", etc]) == etc / "api-paste.ini"


def test_a_missing_relative_name_lists_the_places_searched(tmp_path: Path) -> None:
    with pytest.raises(ConfigNotFound) as caught:
        find_config("nope.ini", [tmp_path])
    assert str(caught.value).startswith("config file not found: nope.ini (searched ")
    assert str(tmp_path) in str(caught.value)


def test_a_missing_absolute_path_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigNotFound, match=f"config file not found: {tmp_path}/x.ini$"):
        find_config(str(tmp_path / "x.ini"))


def test_a_missing_app_lists_the_apps_the_file_has() -> None:
    with pytest.raises(PasteAppNotFound) as caught:
        Loader(str(API_PASTE)).load_app("osapi_compte")
    message = str(caught.value)
    assert message.startswith(f"no app 'osapi_compte' in {API_PASTE} (apps: osapi_compute, ")
    assert "oscomputeversions" in message and "\n" not in message


def test_a_global_no_section_reads_is_refused() -> None:
    with pytest.raises(LoadError) as caught:
        Loader(str(API_PASTE), {"auth_stratgy": "keystone"})
    message = str(caught.value)
    assert message.startswith(f"no section of {API_PASTE} reads the global 'auth_stratgy'")
    assert "auth_strategy" in message


def test_globals_the_file_or_apistack_factories_read_are_accepted() -> None:
    Loader(str(VERSIONS_INI), {"auth_strategy": "noauth2", "link_prefix": "https://x"})
    Loader(str(API_PASTE), {"compute_max_version": "2.5"})


def test_an_auth_strategy_naming_no_pipeline_is_one_line() -> None:
    with pytest.raises(LoadError) as caught:
        Loader(str(API_PASTE), {"auth_strategy": "nokeystone"}).load_app("osapi_compute")
    message = str(caught.value)
    assert "the pipeline for auth_strategy 'nokeystone' is missing" in message
    assert "(pipelines: keystone, noauth2)" in message and "\n" not in message


def test_a_missing_file_named_by_a_global_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "authtoken.conf"
    conf = {"auth_strategy": "keystone", "authtoken_config_file": str(missing)}
    with pytest.raises(LoadError) as caught:
        Loader(str(API_PASTE), conf).load_app("osapi_compute")
    assert str(caught.value) == (
        f"cannot load app 'osapi_compute' from {API_PASTE}: the file named by the global "
        f"'authtoken_config_file' does not exist: {missing}"
    )


def test_an_ini_that_is_not_an_ini(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ini"
    bad.write_text("not an ini\n")
    with pytest.raises(LoadError, match="MissingSectionHeaderError"):
        Loader(str(bad))
