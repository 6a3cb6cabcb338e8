"""auth_token in api-paste.ini really takes its settings from ``authtoken_config_file``.

The ini's ``[filter:authtoken]`` holds no credentials, only ``oslo_config_project`` and
``oslo_config_file``; keystonemiddleware (``_common/config.py``) then parses that file into a
private ``ConfigOpts``. These load the example ini in-process with ``apistack``'s loader.
"""

from __future__ import annotations

import configparser
from pathlib import Path
from typing import Any

import pytest
import webob
from oslo_config import cfg

from apistack.deploy import LoadError, load_app
from tests.keystone.harness import Keystone
from tests.keystone.stack import PASTE_INI, keystone_globals, write_authtoken_conf

SAMPLE = PASTE_INI.with_name("keystone_authtoken.conf.sample")


def load(conf: Path, state_dir: Path) -> Any:
    return load_app(str(PASTE_INI), "osapi_compute", keystone_globals(conf, state_dir))


def get_servers(app: Any, token: str) -> webob.Response:
    return webob.Request.blank("/v2.1/servers", headers={"X-Auth-Token": token}).get_response(app)


@pytest.mark.keystone
def test_service_credentials_come_from_the_conf_file(keystone: Keystone, tmp_path: Path) -> None:
    right = load(write_authtoken_conf(keystone, tmp_path / "right.conf"), tmp_path)
    wrong = load(write_authtoken_conf(keystone, tmp_path / "wrong.conf", "nope"), tmp_path)
    token = keystone.token(keystone.member)

    assert get_servers(right, token).status_int == 200
    # auth_token cannot authenticate its service user: Keystone is unusable to it.
    refused = get_servers(wrong, token)
    assert refused.status_int == 503
    assert list(refused.json) == ["serviceUnavailable"]


def test_a_missing_conf_file_stops_the_api_at_load(tmp_path: Path) -> None:
    absent = tmp_path / "absent.conf"
    with pytest.raises(LoadError) as caught:
        load(absent, tmp_path)
    assert str(caught.value).endswith(
        f"the file named by the global 'authtoken_config_file' does not exist: {absent}"
    )
    assert isinstance(caught.value.__cause__, cfg.ConfigFilesNotFoundError)


def test_the_sample_documents_every_option_the_tests_use(tmp_path: Path) -> None:
    class Named:  # only what write_authtoken_conf reads
        url = "http://127.0.0.1:1/v3"
        service = Keystone.service

    used = configparser.ConfigParser()
    used.read(write_authtoken_conf(Named, tmp_path / "used.conf"))  # type: ignore[arg-type]
    sample = configparser.ConfigParser()
    sample.read(SAMPLE)

    assert set(used["keystone_authtoken"]) <= set(sample["keystone_authtoken"])


def test_the_sample_loads_as_the_apis_authtoken_conf(tmp_path: Path) -> None:
    app = load(SAMPLE, tmp_path)  # nothing is contacted until a token arrives

    unauthenticated = webob.Request.blank("/v2.1/servers").get_response(app)

    assert unauthenticated.status_int == 401
    assert unauthenticated.headers["WWW-Authenticate"] == 'Keystone uri="http://127.0.0.1:5000/v3"'
