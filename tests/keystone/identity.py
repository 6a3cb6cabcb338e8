"""Talk to a running Keystone over its v3 REST API: tokens, revocation, users and the catalog.

Plain ``urllib`` on purpose: the harness must provision Keystone without importing it, and
without keystoneauth's discovery round trips, so setup stays fast and the only client under
test in the suites is the one the tests choose (keystonemiddleware or keystoneauth1).
"""

from __future__ import annotations

import dataclasses
import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any

REGION = "RegionOne"
INTERFACES = ("public", "internal", "admin")


@dataclasses.dataclass(frozen=True)
class Credentials:
    """A Keystone user scoped to one project, in the Default domain.

    :param username: the user's name
    :param password: the user's password
    :param project_name: the project the tokens are scoped to
    """

    username: str
    password: str
    project_name: str
    user_domain_id: str = "default"
    project_domain_id: str = "default"

    def auth_options(self) -> dict[str, str]:
        """:returns: the password-plugin options for paste or keystoneauth, without auth_url."""
        return {
            "auth_type": "password",
            "username": self.username,
            "password": self.password,
            "project_name": self.project_name,
            "user_domain_id": self.user_domain_id,
            "project_domain_id": self.project_domain_id,
        }


class IdentityError(RuntimeError):
    """Keystone answered a provisioning call with an unexpected status."""


class IdentityClient:
    """Admin-side calls against one Keystone ``/v3`` URL.

    :param url: Keystone's identity URL ending in ``/v3``
    :param admin: credentials of a user with the admin role on the admin project
    :param timeout: seconds to wait for each HTTP call
    """

    def __init__(self, url: str, admin: Credentials, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self.admin = admin
        self.timeout = timeout
        self._admin_token: str | None = None

    def call(
        self,
        method: str,
        path: str,
        body: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, dict[str, str], Any]:
        """Send one request; HTTP errors are returned, not raised.

        :returns: ``(status, headers, decoded JSON body or None)``
        """
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, raw, reply_headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, raw, reply_headers = error.code, error.read(), error.headers
        decoded = json.loads(raw) if raw.strip() else None
        return status, dict(reply_headers.items()), decoded

    def issue_token(self, creds: Credentials) -> str:
        """Authenticate with a password and return a project-scoped token.

        :raises IdentityError: when Keystone refuses the credentials
        """
        body = {
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {
                        "user": {
                            "name": creds.username,
                            "password": creds.password,
                            "domain": {"id": creds.user_domain_id},
                        }
                    },
                },
                "scope": {
                    "project": {
                        "name": creds.project_name,
                        "domain": {"id": creds.project_domain_id},
                    }
                },
            }
        }
        status, headers, reply = self.call("POST", "/auth/tokens?nocatalog", body)
        if status != 201:
            raise IdentityError(f"token for {creds.username}: HTTP {status} {reply}")
        return headers["X-Subject-Token"]

    def admin_call(
        self, method: str, path: str, body: Mapping[str, Any] | None = None
    ) -> tuple[int, Any]:
        """Send one request with the admin's token. :returns: ``(status, JSON body)``"""
        if self._admin_token is None:
            self._admin_token = self.issue_token(self.admin)
        status, _, reply = self.call(method, path, body, {"X-Auth-Token": self._admin_token})
        return status, reply

    def _ok(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> Any:
        status, reply = self.admin_call(method, path, body)
        if status >= 300:
            raise IdentityError(f"{method} {path}: HTTP {status} {reply}")
        return reply

    def revoke_token(self, token: str) -> None:
        """Revoke ``token`` (``DELETE /v3/auth/tokens``) as the admin."""
        if self._admin_token is None:
            self._admin_token = self.issue_token(self.admin)
        headers = {"X-Auth-Token": self._admin_token, "X-Subject-Token": token}
        status, _, reply = self.call("DELETE", "/auth/tokens", headers=headers)
        if status != 204:
            raise IdentityError(f"revoke: HTTP {status} {reply}")

    def find_id(self, kind: str, **filters: str) -> str | None:
        """:returns: the id of the first ``kind`` (project, user, role...) matching filters."""
        query = "&".join(f"{key}={value}" for key, value in filters.items())
        found = self._ok("GET", f"/{kind}s?{query}")[f"{kind}s"]
        return str(found[0]["id"]) if found else None

    def ensure(self, kind: str, name: str, **fields: Any) -> str:
        """Create ``kind`` named ``name`` unless it exists. :returns: its id"""
        existing = self.find_id(kind, name=name)
        if existing is not None:
            return existing
        created = self._ok("POST", f"/{kind}s", {kind: {"name": name, **fields}})
        return str(created[kind]["id"])

    def ensure_member(self, creds: Credentials, role: str) -> str:
        """Make ``creds`` a working user with ``role`` on its project. :returns: the user id"""
        project_id = self.ensure("project", creds.project_name, domain_id=creds.project_domain_id)
        user_id = self.ensure(
            "user",
            creds.username,
            domain_id=creds.user_domain_id,
            password=creds.password,
            default_project_id=project_id,
        )
        role_id = self.find_id("role", name=role) or self.ensure("role", role)
        self._ok("PUT", f"/projects/{project_id}/users/{user_id}/roles/{role_id}")
        return user_id

    def register_endpoint(self, service_type: str, name: str, urls: Mapping[str, str]) -> str:
        """Point the catalog's ``service_type`` endpoints at ``urls`` ({interface: url}).

        Creates the service and each endpoint when missing, updates the URL otherwise, so it can
        be called again when a server moves to another port.

        :returns: the service id
        """
        service_id = self.find_id("service", type=service_type)
        if service_id is None:
            service = {"type": service_type, "name": name, "enabled": True}
            service_id = str(self._ok("POST", "/services", {"service": service})["service"]["id"])
        current = self._ok("GET", f"/endpoints?service_id={service_id}")["endpoints"]
        by_interface = {endpoint["interface"]: endpoint["id"] for endpoint in current}
        for interface, url in urls.items():
            endpoint = {"url": url, "interface": interface, "region_id": REGION}
            if interface in by_interface:
                self._ok("PATCH", f"/endpoints/{by_interface[interface]}", {"endpoint": endpoint})
            else:
                endpoint["service_id"] = service_id
                self._ok("POST", "/endpoints", {"endpoint": endpoint})
        return service_id
