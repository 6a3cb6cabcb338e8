"""The harness itself: Keystone answers, is provisioned, and its catalog can be edited."""

from __future__ import annotations

import urllib.request

import pytest
from keystoneauth1 import session
from keystoneauth1.identity import v3

from tests.keystone.harness import Keystone

pytestmark = pytest.mark.keystone


def test_keystone_answers_version_document(keystone: Keystone) -> None:
    with urllib.request.urlopen(keystone.url, timeout=10) as response:
        body = response.read().decode()
    assert response.status == 200
    assert '"id": "v3.' in body


def test_env_file_exports_admin_credentials(keystone: Keystone) -> None:
    exported = dict(
        line.removeprefix("export ").split("=", 1)
        for line in keystone.env_file.read_text().splitlines()
    )
    assert exported["OS_AUTH_URL"] == keystone.url
    assert exported["OS_USERNAME"] == "admin"
    assert exported["KS_DEMO_USER"] == keystone.member.username


def test_every_provisioned_user_can_get_a_token(keystone: Keystone) -> None:
    for creds in (keystone.admin, keystone.member, keystone.other_member, keystone.service):
        assert keystone.token(creds)


def test_catalog_finds_compute_endpoint_through_keystoneauth(keystone: Keystone) -> None:
    # The way the openstack CLI finds the API: password auth, then the catalog.
    keystone.register_compute("http://127.0.0.1:1/v2.1", "http://127.0.0.1:2/v2.1")
    keystone.register_compute("http://127.0.0.1:3/v2.1")  # re-registering moves it
    member = keystone.member
    auth = v3.Password(
        auth_url=keystone.url,
        username=member.username,
        password=member.password,
        project_name=member.project_name,
        user_domain_id=member.user_domain_id,
        project_domain_id=member.project_domain_id,
    )
    client = session.Session(auth=auth)

    public = client.get_endpoint(service_type="compute", interface="public")
    internal = client.get_endpoint(service_type="compute", interface="internal")

    assert public == "http://127.0.0.1:3/v2.1"
    assert internal == "http://127.0.0.1:3/v2.1"


def test_revoked_token_no_longer_validates(keystone: Keystone) -> None:
    token = keystone.token()
    keystone.revoke(token)
    admin_token = keystone.token(keystone.admin)
    status, _, _ = keystone.identity.call(
        "GET", "/auth/tokens", headers={"X-Auth-Token": admin_token, "X-Subject-Token": token}
    )
    assert status == 404


def test_stopped_keystone_refuses_connections_and_restarts(running_keystone: Keystone) -> None:
    token = running_keystone.token()
    running_keystone.stop()
    assert not running_keystone.running
    with pytest.raises(OSError):
        urllib.request.urlopen(running_keystone.url, timeout=5)

    running_keystone.start()

    # Same database and fernet keys: tokens issued before the restart still work.
    admin_token = running_keystone.token(running_keystone.admin)
    status, _, _ = running_keystone.identity.call(
        "GET", "/auth/tokens", headers={"X-Auth-Token": admin_token, "X-Subject-Token": token}
    )
    assert status == 200
