"""apistack's filters swapped into nova's and cinder's shipped api-paste.ini change nothing but
the README's listed improvements.

Each service's own ini (from its installed package) is loaded twice in the service's cached venv:
as shipped, and with only the ``use =`` lines of the stages apistack replaces switched, plus the
documented options (``context_key``/``context_class`` everywhere; cinder's values for the options
where its filters differ from nova's). The same requests go to both, and status, headers, body,
the request-log line and the noauth/keystone request contexts are compared. Every difference
must be in ``ALLOWED``, whose entries name the README bullet they follow.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.downstream.dropin import harness, plans
from tests.downstream.venvs import downstream_venv
from tests.venv_cache import PROJECT_ROOT

pytestmark = pytest.mark.downstream

NOVA_CONTEXT = {"context_key": "nova.context", "context_class": "nova.context:RequestContext"}
CINDER_CONTEXT = {
    "context_key": "cinder.context",
    "context_class": "cinder.context:RequestContext",
}
CINDER_NOAUTH = {**CINDER_CONTEXT, "admin_all": "true", "from_environ": "true"}

SWAPS: dict[str, dict[str, dict[str, str]]] = {
    "nova": {
        "compute_req_id": {"use": "egg:apistack#compute_req_id"},
        "faultwrap": {"use": "egg:apistack#faultwrap"},
        "request_log": {"use": "egg:apistack#request_log"},
        "sizelimit": {"use": "egg:apistack#sizelimit"},
        "noauth2": {"use": "egg:apistack#noauth2", **NOVA_CONTEXT},
        "keystonecontext": {"use": "egg:apistack#keystonecontext", **NOVA_CONTEXT},
        "legacy_v2_compatible": {"use": "egg:apistack#legacy_v2_compatible"},
    },
    "cinder": {
        "request_id": {"use": "egg:apistack#request_id", "compat_headers": "", **CINDER_CONTEXT},
        "faultwrap": {
            "use": "egg:apistack#faultwrap",
            "service_type": "volume",
            "legacy_version_header": "",
            "request_id_headers": "x-compute-request-id",
        },
        "sizelimit": {"use": "egg:apistack#sizelimit"},
        "noauth": {"use": "egg:apistack#noauth", "project_in_url": "false", **CINDER_NOAUTH},
        "noauth_include_project_id": {"use": "egg:apistack#noauth", **CINDER_NOAUTH},
        "keystonecontext": {
            "use": "egg:apistack#keystonecontext",
            "service_types": "*",
            "admin_roles": "",
            **CINDER_CONTEXT,
        },
    },
}

# README bullets (the bold lead of each, under "Deliberate improvements over nova").
REWRITTEN = "Errors from other middleware become faults too."
LOGGED_URI = "The request log shows the URI as the client sent it"
CHARSET = "Faults always name their charset."
UNDECODABLE = "Undecodable paths and queries are a 400 fault"
SIZELIMIT = "sizelimit"
ERROR_TABLE = "One exception-to-status table"

_FAULT = ("body", "header content-type", "header content-length")
_VERSIONED = ("header openstack-api-version", "header vary")

Allowed = dict[str, str]  # field -> README bullet


def allow(bullet: str, *fields: str) -> Allowed:
    """:returns: each of ``fields`` allowed to differ, following ``bullet``."""
    return dict.fromkeys(fields, bullet)


#: service -> request name -> field -> the README bullet the difference follows.
ALLOWED: dict[str, dict[str, Allowed]] = {
    "nova": {
        # nova's router answers WebOb text (or WebOb's JSON with HTML in it); faultwrap
        # rewrites it into the JSON fault.
        **dict.fromkeys(
            ("route miss", "route miss json", "method miss", "method miss on member"),
            allow(REWRITTEN, *_FAULT),
        ),
        "head": allow(REWRITTEN, "header content-type", "header content-length"),
        "413 by length": allow(SIZELIMIT, *_FAULT, "log"),
        "undecodable path": {**allow(REWRITTEN, *_FAULT), **allow(LOGGED_URI, "log")},
        "undecodable collection member": allow(LOGGED_URI, "log"),
        # nova's Resource lets the body's UnicodeDecodeError out: nova 500, faultwrap 400.
        **dict.fromkeys(
            ("flavor create non-utf8", "flavor create non-utf8 2.75"),
            allow(UNDECODABLE, "status", "body", "header content-length", "log", "errors"),
        ),
    },
    "cinder": {
        **dict.fromkeys(
            ("route miss", "route miss json", "method miss", "v2", "undecodable path"),
            allow(REWRITTEN, *_FAULT),
        ),
        "head": allow(REWRITTEN, "header content-type", "header content-length"),
        "413 by length": allow(SIZELIMIT, *_FAULT),
        # cinder's Resource lets a KeyError out for a chunked body; both answer a 500.
        "413 chunked": allow(CHARSET, "header content-type"),
        "under the limit, chunked": allow(CHARSET, "header content-type"),
        # cinder raises VersionNotFoundForAPIMethod (a 400) out of its Resource.
        "microversion other service": {
            **allow(CHARSET, "header content-type"),
            **allow(ERROR_TABLE, "errors"),
        },
        # cinder lets the path's UnicodeDecodeError reach the server; faultwrap answers 400.
        "undecodable collection member": allow(
            UNDECODABLE,
            *_FAULT,
            "status",
            "header x-openstack-request-id",
            "header x-compute-request-id",
        ),
        # both 400; cinder's message names cinder, apistack's is WebOb's generic 400 text.
        **{
            name: {
                **allow(UNDECODABLE, "body", "header content-length"),
                **allow(CHARSET, "header content-type"),
            }
            for name in ("undecodable query", "undecodable query key")
        },
    },
}
NOAUTH = "noauth strips identity headers a client could forge"
#: probes (request contexts) allowed to differ.
ALLOWED_PROBES: dict[str, dict[str, Allowed]] = {
    # nova's noauth2 drops the caller's global request id; apistack's keeps it.
    "nova": {"context with a global request id": allow(NOAUTH, "context")},
    "cinder": {},
}

# nova 34 ships only keystone pipelines: its unauthenticated requests (version documents,
# misses, microversions) and the keystone context are compared, with the nova 31 allowlist.
SWAPS["nova-34"] = {name: swap for name, swap in SWAPS["nova"].items() if name != "noauth2"}
ALLOWED["nova-34"] = ALLOWED_PROBES["nova-34"] = {}

#: run -> (the driver's service, cached venv, plan, fewest requests)
RUNS = {
    "nova": ("nova", "nova-31", plans.nova_plan, 50),
    "cinder": ("cinder", "cinder", plans.cinder_plan, 50),
    "nova-34": ("nova", "nova-34", plans.nova34_plan, 10),
}


def _shipped_ini(run: str) -> Path:
    service, venv, _plan, _fewest = RUNS[run]
    return downstream_venv(venv) / "etc" / service / "api-paste.ini"


def _unexplained(
    diffs: Mapping[str, Mapping[str, Any]], allowed: Mapping[str, Allowed]
) -> dict[str, list[str]]:
    """:returns: request name -> the differing fields no allowlist entry names."""
    unexplained = {
        name: sorted(set(fields) - set(allowed.get(name, {}))) for name, fields in diffs.items()
    }
    return {name: fields for name, fields in unexplained.items() if fields}


def _readme_bullets() -> list[str]:
    text = (PROJECT_ROOT / "README.md").read_text()
    return re.findall(r"^- \*\*(.+?)\*\*", text, flags=re.MULTILINE)


@pytest.fixture(scope="module", params=list(RUNS))
def compared(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    run = request.param
    service, venv, make_plan, _fewest = RUNS[run]
    plan = make_plan()
    base = tmp_path_factory.mktemp(run)
    shipped_ini = _shipped_ini(run)
    swapped_ini = base / "api-paste.ini"
    swapped_ini.write_text(harness.swap_filters(shipped_ini.read_text(), SWAPS[run]))
    shipped = harness.run_service(venv, service, shipped_ini, base / "shipped", plan)
    swapped = harness.run_service(venv, service, swapped_ini, base / "swapped", plan)
    return run, plan, shipped, swapped


def test_every_difference_is_a_listed_improvement(compared: Any) -> None:
    run, plan, shipped, swapped = compared
    diffs = harness.differences(shipped["requests"], swapped["requests"])
    allowed = ALLOWED[run]
    total = len(plan["requests"])
    identical = total - len(diffs)
    print(f"{run}: {total} requests compared, {identical} identical, {len(diffs)} allowlisted")
    assert total >= RUNS[run][3]
    assert _unexplained(diffs, allowed) == {}
    # An entry that no longer differs is stale: the allowlist says exactly what differs.
    assert sorted(set(allowed) - set(diffs)) == []


def test_request_contexts_match(compared: Any) -> None:
    service, _plan, shipped, swapped = compared
    diffs = harness.differences(shipped["probes"], swapped["probes"])
    assert _unexplained(diffs, ALLOWED_PROBES[service]) == {}
    assert sorted(set(ALLOWED_PROBES[service]) - set(diffs)) == []


def test_allowlist_names_readme_bullets() -> None:
    bullets = _readme_bullets()
    named = {
        bullet
        for table in (*ALLOWED.values(), *ALLOWED_PROBES.values())
        for fields in table.values()
        for bullet in fields.values()
    }
    for reason in named:
        assert any(bullet.startswith(reason) for bullet in bullets), reason


def test_swapped_ini_changes_only_the_named_sections() -> None:
    shipped = _shipped_ini("nova").read_text()
    swapped = harness.swap_filters(shipped, SWAPS["nova"])
    removed = set(shipped.splitlines()) - set(swapped.splitlines())
    assert all(line.startswith("paste.filter_factory") for line in removed)
    assert "use = egg:apistack#noauth2\ncontext_key = nova.context\n" in swapped
