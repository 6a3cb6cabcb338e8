"""The requests sent to each service twice (shipped ini and apistack's filters), as data.

Each request is a dict the driver understands: ``name``, ``method``, ``path``, ``headers``,
``body`` (text, latin-1 encoded on the wire, so ``"\\xff"`` is a non-UTF-8 byte) and
``chunked``. Probes name a chain of the ini's filter sections and the environ key the request
context is read from. Names are unique: the allowlist refers to them.
"""

from __future__ import annotations

import json
from typing import Any

Plan = dict[str, list[dict[str, Any]]]

SERVER = "8d7a46f2-0a5b-4f4c-9d8d-2b4b5b7f0a11"
VOLUME = "1b2e6f1c-7b70-4c2e-8e55-2bb2b5ad3e2a"
PUBLIC_KEY = (
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDx8nkQv/zgGgB4rMYmIf+6A4l6Rr+o/6lHBQdW5aZ2jg0S1R"
    "cgUmBYh1ngVxhkfUmZ+eiTmyqrYgTINtlE9eW+I/EwZ0HHzAFLETLsBr8mU6LENEUgGXsV7VmXmGCGsW4q3bq"
    "7UeHmFvoDnNuNEkRb9TkgZJmzDMY1OqvB8Iq1xw== generated-by-nova"
)
#: project ids are hex: both services' routes only accept ``[0-9a-f-]+`` in the path.
PROJECT = "6d656d6f"
OTHER = "0dd0dd"
BIG = "x" * 2000  # over the configured max_request_body_size (1000)


def req(
    name: str,
    path: str,
    method: str = "GET",
    token: str | None = f"demo:{PROJECT}",
    body: Any = None,
    chunked: bool = False,
    **headers: str,
) -> dict[str, Any]:
    """:returns: one request; ``body`` is JSON-encoded unless it is already text."""
    spec: dict[str, Any] = {"name": name, "path": path, "method": method, "chunked": chunked}
    all_headers = {key.replace("_", "-"): value for key, value in headers.items()}
    if token is not None:
        all_headers["X-Auth-Token"] = token
    if body is not None:
        spec["body"] = body if isinstance(body, str) else json.dumps(body)
        all_headers.setdefault("Content-Type", "application/json")
    spec["headers"] = all_headers
    return spec


def _versions(service: str, prefix: str, header: str) -> list[dict[str, Any]]:
    return [
        req("versions root", "/", token=None),
        req("versions root json", "/", token=None, Accept="application/json"),
        req(f"version document {prefix}", prefix, token=None),
        req(f"version document {prefix}/", prefix + "/", token=None),
        req(
            "version document with microversion",
            prefix + "/",
            token=None,
            OpenStack_API_Version=f"{service} {header}",
        ),
    ]


def _noauth_shapes(path: str) -> list[dict[str, Any]]:
    return [
        req("no token", path, token=None),
        req(
            "no token, user and project",
            path,
            token=None,
            X_Auth_User="alice",
            X_Auth_Project_Id="p1",
        ),
        req("no token, trailing slash", path + "/", token=None),
        req("token user only", path, token="demo"),
        req("token user:project", path, token=f"demo:{PROJECT}"),
        req("token empty user", path, token=f":{PROJECT}"),
        req("token empty project", path, token="demo:"),
        req("token admin", path, token="admin"),
        req("token admin:project", path, token=f"admin:{PROJECT}"),
        req("token with colons", path, token=f"demo:{PROJECT}:extra"),
        req("token empty", path, token=""),
    ]


def _undecodable(prefix: str, collection: str) -> list[dict[str, Any]]:
    return [
        req("undecodable path", f"{prefix}/%FF"),
        req("undecodable collection member", f"{prefix}/{collection}/%FF"),
        req("undecodable query", f"{prefix}/{collection}?name=%FF"),
        req("undecodable query key", f"{prefix}/{collection}?%FF=1"),
    ]


def _sizes(prefix: str, collection: str, token: str) -> list[dict[str, Any]]:
    return [
        req("413 by length", f"{prefix}/{collection}", "POST", token=token, body=BIG),
        req("413 chunked", f"{prefix}/{collection}", "POST", token=token, body=BIG, chunked=True),
        req(
            "under the limit, chunked",
            f"{prefix}/{collection}",
            "POST",
            token=token,
            body='{"x": 1}',
            chunked=True,
        ),
    ]


def nova_plan() -> Plan:
    """:returns: the nova 31 requests (noauth2) and context probes."""
    v = "/v2.1"
    flavor = {"flavor": {"name": "f1", "ram": 512, "vcpus": 1, "disk": 1, "id": "f1"}}
    requests = [
        *_versions("compute", v, "2.50"),
        req("v2 document", "/v2", token=None),
        req("flavors", f"{v}/flavors"),
        req("flavors detail", f"{v}/flavors/detail"),
        req("flavor missing", f"{v}/flavors/nosuch"),
        req("flavor create", f"{v}/flavors", "POST", token="admin", body=flavor),
        req("flavor show", f"{v}/flavors/f1"),
        req("flavor show 2.75", f"{v}/flavors/f1", OpenStack_API_Version="compute 2.75"),
        req("flavor create again", f"{v}/flavors", "POST", token="admin", body=flavor),
        req("flavor create forbidden", f"{v}/flavors", "POST", body=flavor),
        req(
            "flavor create bad body",
            f"{v}/flavors",
            "POST",
            token="admin",
            body={"flavor": {"name": ""}},
        ),
        req("flavor create not json", f"{v}/flavors", "POST", token="admin", body="{"),
        req("flavor create non-utf8", f"{v}/flavors", "POST", token="admin", body="\xff\xfe"),
        req(
            "flavor create non-utf8 2.75",
            f"{v}/flavors",
            "POST",
            token="admin",
            body="\xff\xfe",
            OpenStack_API_Version="compute 2.75",
        ),
        req(
            "flavor access action",
            f"{v}/flavors/f1/action",
            "POST",
            token="admin",
            body={"addTenantAccess": {"tenant": "t1"}},
        ),
        req(
            "flavor unknown action",
            f"{v}/flavors/f1/action",
            "POST",
            token="admin",
            body={"nosuch": {}},
        ),
        req("flavor extra specs", f"{v}/flavors/f1/os-extra_specs"),
        req(
            "flavor extra specs create",
            f"{v}/flavors/f1/os-extra_specs",
            "POST",
            token="admin",
            body={"extra_specs": {"hw:cpu_policy": "dedicated"}},
        ),
        req(
            "flavor description 2.55",
            f"{v}/flavors/f1",
            "PUT",
            token="admin",
            body={"flavor": {"description": "d"}},
            OpenStack_API_Version="compute 2.55",
        ),
        req("flavor delete", f"{v}/flavors/f1", "DELETE", token="admin"),
        req("keypairs", f"{v}/os-keypairs"),
        req(
            "keypair import",
            f"{v}/os-keypairs",
            "POST",
            body={"keypair": {"name": "kp1", "public_key": PUBLIC_KEY}},
        ),
        req("keypair import bad", f"{v}/os-keypairs", "POST", body={"keypair": {}}),
        req("keypair show", f"{v}/os-keypairs/kp1"),
        req("keypair delete", f"{v}/os-keypairs/kp1", "DELETE"),
        req("keypair delete missing", f"{v}/os-keypairs/kp1", "DELETE"),
        req("limits", f"{v}/limits"),
        req("limits admin", f"{v}/limits", token="admin"),
        req("servers as demo", f"{v}/servers"),
        req("servers admin", f"{v}/servers", token="admin"),
        req("servers bad query", f"{v}/servers?limit=abc", token="admin"),
        req("server missing", f"{v}/servers/{SERVER}", token="admin"),
        req(
            "server action missing",
            f"{v}/servers/{SERVER}/action",
            "POST",
            token="admin",
            body={"reboot": {"type": "SOFT"}},
        ),
        req("server create bad body", f"{v}/servers", "POST", body={"server": {}}),
        req("availability zones", f"{v}/os-availability-zone"),
        req("route miss", f"{v}/nosuch"),
        req("route miss json", f"{v}/nosuch", Accept="application/json"),
        req("method miss", f"{v}/flavors", "DELETE"),
        req("method miss on member", f"{v}/limits", "PUT", body={}),
        req("head", f"{v}/flavors", "HEAD"),
        *_sizes(v, "flavors", "admin"),
        *_noauth_shapes(f"{v}/flavors"),
        req("project in path", f"{v}/{PROJECT}/flavors"),
        req("project mismatch", f"{v}/{OTHER}/flavors"),
        req("v2 flavors", "/v2/flavors"),
        req("v2 project flavors", f"/v2/{PROJECT}/flavors"),
        req("v2 ignores microversion", "/v2/flavors", OpenStack_API_Version="compute 2.50"),
        req("v2 no token", "/v2/flavors", token=None),
        req("microversion 2.50", f"{v}/flavors", OpenStack_API_Version="compute 2.50"),
        req("legacy microversion header", f"{v}/flavors", X_OpenStack_Nova_API_Version="2.60"),
        req("microversion latest", f"{v}/flavors", OpenStack_API_Version="compute latest"),
        req("microversion too new", f"{v}/flavors", OpenStack_API_Version="compute 9.9"),
        req("microversion invalid", f"{v}/flavors", OpenStack_API_Version="compute abc"),
        req("microversion other service", f"{v}/flavors", OpenStack_API_Version="volume 3.5"),
        req(
            "inbound request id",
            f"{v}/flavors",
            X_OpenStack_Request_ID="req-7f1c7f9e-3d1b-4a54-9c38-1e1b6b8c2f00",
        ),
        *_undecodable(v, "flavors"),
    ]
    probes = [
        {
            **req(f"context {token or 'none'}", "/", token=token),
            "filters": ["compute_req_id", "noauth2"],
            "key": "nova.context",
        }
        for token in (f"demo:{PROJECT}", "admin", "demo", ":abc123", "")
    ]
    probes.append(_global_id_probe(["compute_req_id", "noauth2"], "nova.context"))
    return {"requests": requests, "probes": [*probes, _keystone_probe("compute_req_id", "nova")]}


def nova34_plan() -> Plan:
    """:returns: nova 34's requests that need no token (it ships only keystone pipelines)."""
    v = "/v2.1"
    requests = [
        *_versions("compute", v, "2.50"),
        req("v2 document", "/v2", token=None),
        req("version document 2.100", v, token=None, OpenStack_API_Version="compute 2.100"),
        req("version document legacy header", v, token=None, X_OpenStack_Nova_API_Version="2.60"),
        req("version document too new", v, token=None, OpenStack_API_Version="compute 9.9"),
        req("version document invalid", v, token=None, OpenStack_API_Version="compute abc"),
        req(
            "v2 document with microversion", "/v2", token=None, OpenStack_API_Version="compute 2.5"
        ),
        req("versions root undecodable query", "/?x=%FF", token=None),
        req("versions root miss", "/nosuch", token=None),
        req("version document post", v, "POST", token=None, body={}),
        req(
            "inbound request id",
            v,
            token=None,
            X_OpenStack_Request_ID="req-7f1c7f9e-3d1b-4a54-9c38-1e1b6b8c2f00",
        ),
    ]
    return {"requests": requests, "probes": [_keystone_probe("compute_req_id", "nova")]}


def _global_id_probe(filters: list[str], key: str) -> dict[str, Any]:
    inbound = "req-7f1c7f9e-3d1b-4a54-9c38-1e1b6b8c2f00"
    return {
        **req("context with a global request id", "/", X_OpenStack_Request_ID=inbound),
        "filters": filters,
        "key": key,
    }


def _keystone_probe(request_id: str, service: str) -> dict[str, Any]:
    catalog = [
        {"type": kind, "name": kind, "endpoints": [{"url": f"http://{kind}.example"}]}
        for kind in ("identity", "compute", "object-store", "image", "volumev3", "network")
    ]
    headers = {
        "X_Identity_Status": "Confirmed",
        "X_User_Id": "u1",
        "X_User_Name": "alice",
        "X_Project_Id": "p1",
        "X_Project_Name": "demo",
        "X_Roles": "reader,member",
        "X_User_Domain_Id": "default",
        "X_Project_Domain_Id": "default",
        "X_Service_Catalog": json.dumps(catalog),
        # authtoken also sets the deprecated names
        "X_Tenant_Id": "p1",
        "X_Tenant_Name": "demo",
        "X_Tenant": "demo",
        "X_Role": "reader,member",
        "X_User": "alice",
    }
    return {
        **req("context keystone", "/", token="tok", **headers),
        "filters": [request_id, "keystonecontext"],
        "key": f"{service}.context",
    }


def cinder_plan() -> Plan:
    """:returns: the cinder 29 requests (noauth) and context probes."""
    v = f"/v3/{PROJECT}"
    volume = {"volume": {"size": 1, "name": "vol1"}}
    requests = [
        *_versions("volume", "/v3", "3.50"),
        req("healthcheck", "/healthcheck", token=None),
        req("volumes", f"{v}/volumes"),
        req("volumes detail", f"{v}/volumes/detail"),
        req("volumes as admin", f"{v}/volumes", token=f"admin:{PROJECT}"),
        req("volume missing", f"{v}/volumes/{VOLUME}"),
        req("volume create", f"{v}/volumes", "POST", body=volume),
        req("volume create bad body", f"{v}/volumes", "POST", body={"volume": {"size": "x"}}),
        req("volume create no body", f"{v}/volumes", "POST", body={}),
        req("volume create not json", f"{v}/volumes", "POST", body="{"),
        req("volume create non-utf8", f"{v}/volumes", "POST", body="\xff\xfe"),
        req(
            "volume action missing",
            f"{v}/volumes/{VOLUME}/action",
            "POST",
            body={"os-extend": {"new_size": 2}},
        ),
        req("volume action unknown", f"{v}/volumes/{VOLUME}/action", "POST", body={"nosuch": {}}),
        req("volume delete missing", f"{v}/volumes/{VOLUME}", "DELETE"),
        req("limits", f"{v}/limits"),
        req("limits admin", f"{v}/limits", token=f"admin:{PROJECT}"),
        req("types", f"{v}/types"),
        req("type default", f"{v}/types/default"),
        req("type create", f"{v}/types", "POST", body={"volume_type": {"name": "t1"}}),
        req("type create bad", f"{v}/types", "POST", body={"volume_type": {}}),
        req("snapshots", f"{v}/snapshots"),
        req("backups", f"{v}/backups"),
        req("quota sets", f"{v}/os-quota-sets/demo"),
        req("quota defaults", f"{v}/os-quota-sets/demo/defaults"),
        req("availability zones", f"{v}/os-availability-zone"),
        req("route miss", f"{v}/nosuch"),
        req("route miss json", f"{v}/nosuch", Accept="application/json"),
        req("method miss", f"{v}/volumes", "PATCH"),
        req("head", f"{v}/volumes", "HEAD"),
        *_sizes(v, "volumes", f"demo:{PROJECT}"),
        *_noauth_shapes(f"{v}/volumes"),
        req("project mismatch", f"/v3/{OTHER}/volumes"),
        req("no project in path", "/v3/volumes"),
        req("microversion 3.50", f"{v}/volumes", OpenStack_API_Version="volume 3.50"),
        req("microversion latest", f"{v}/volumes", OpenStack_API_Version="volume latest"),
        req("microversion too new", f"{v}/volumes", OpenStack_API_Version="volume 9.9"),
        req("microversion invalid", f"{v}/volumes", OpenStack_API_Version="volume abc"),
        req("microversion other service", f"{v}/volumes", OpenStack_API_Version="compute 2.5"),
        req("v2", f"/v2/{PROJECT}/volumes"),
        req(
            "inbound request id",
            f"{v}/volumes",
            X_OpenStack_Request_ID="req-7f1c7f9e-3d1b-4a54-9c38-1e1b6b8c2f00",
        ),
        *_undecodable(v, "volumes"),
    ]
    probes = [
        {
            **req(f"context {token or 'none'}", "/", token=token),
            "filters": ["request_id", "noauth"],
            "key": "cinder.context",
        }
        for token in (f"demo:{PROJECT}", "admin", "demo", None)
    ]
    probes.append(_global_id_probe(["request_id", "noauth"], "cinder.context"))
    return {"requests": requests, "probes": [*probes, _keystone_probe("request_id", "cinder")]}
