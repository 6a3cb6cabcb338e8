"""JSON views of the example compute API: links, pagination, flavors and servers.

Shapes follow tempest's compute response schemas (no keys beyond what they allow), so the
real ``openstack`` CLI, openstacksdk and novaclient read them.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar
from urllib.parse import urlencode

from apistack.environ import ROUTING_ARGS_KEY
from apistack.examples.compute.records import ServerRecord
from apistack.resource import APIVersionRequest, Fault, Request

__all__ = [
    "DESCRIPTION_VERSION",
    "LOCKED_VERSION",
    "MAX_LIMIT",
    "collection_links",
    "links",
    "page_limit",
    "paginate",
    "server_detail",
    "server_summaries",
    "server_summary",
]

#: ``locked`` appears in server views (and the ``locked`` filter works) from this version.
LOCKED_VERSION = APIVersionRequest("2.9")
#: ``description`` appears in server views and create/update accept it from this version.
DESCRIPTION_VERSION = APIVersionRequest("2.19")
#: nova's ``[api] max_limit`` default: the most items one page of a list may hold.
MAX_LIMIT = 1000
_VERSION_SEGMENT = re.compile(r"/v\d+(\.\d+)?/?$")
_PROGRESS_STATUSES = frozenset({"ACTIVE", "BUILD", "REBUILD", "RESIZE", "VERIFY_RESIZE"})

T = TypeVar("T")


def _project_segment(req: Request) -> str:
    routing = req.environ.get(ROUTING_ARGS_KEY)
    project = routing[1].get("project_id") if routing else None
    return f"/{project}" if project else ""


# Link bases by what WebOb's application_url reads, plus the project: one dict lookup per
# view instead of building the URL and stripping the version each time. Bounded, because a
# client chooses its Host header.
_BASES: dict[tuple[Any, ...], tuple[str, str]] = {}
_BASES_MAX = 512


def _link_bases(req: Request) -> tuple[str, str]:
    """:returns: the bases of this request's ``self`` and ``bookmark`` links (the project
    segment included)."""
    environ = req.environ
    routing = environ.get(ROUTING_ARGS_KEY)
    key = (
        environ.get("wsgi.url_scheme"),
        environ.get("HTTP_HOST"),
        environ.get("SERVER_NAME"),
        environ.get("SERVER_PORT"),
        environ.get("SCRIPT_NAME"),
        routing[1].get("project_id") if routing else None,
    )
    bases = _BASES.get(key)
    if bases is None:
        application_url, segment = req.application_url, _project_segment(req)
        bases = (application_url + segment, _VERSION_SEGMENT.sub("", application_url) + segment)
        if len(_BASES) >= _BASES_MAX:
            _BASES.clear()
        _BASES[key] = bases
    return bases


def links(req: Request, collection: str, item_id: str) -> list[dict[str, str]]:
    """:returns: the ``self`` and ``bookmark`` links of one item."""
    own, bookmark_base = _link_bases(req)
    tail = f"/{collection}/{item_id}"
    return [
        {"rel": "self", "href": own + tail},
        {"rel": "bookmark", "href": bookmark_base + tail},
    ]


def bookmark(req: Request, collection: str, item_id: str) -> dict[str, Any]:
    """:returns: ``{"id", "links": [bookmark]}``, as servers show their image and flavor."""
    return _bookmark(_link_bases(req)[1], collection, item_id)


def _bookmark(base: str, collection: str, item_id: str) -> dict[str, Any]:
    href = f"{base}/{collection}/{item_id}"
    return {"id": item_id, "links": [{"rel": "bookmark", "href": href}]}


def page_limit(req: Request, max_limit: int = MAX_LIMIT) -> int:
    """:returns: the page size in force: the client's ``limit`` capped at ``max_limit``, or
    ``max_limit`` when it gave none (nova's ``[api] max_limit``).

    :raises Fault: 400 when ``limit`` is not a non-negative integer.
    """
    raw = req.GET.get("limit")
    if raw is None:
        return max_limit
    text = raw.strip()
    if not text.isdigit() or not text.isascii():
        negative = text[:1] == "-"
        raise Fault(400, f"limit param must be {'positive' if negative else 'an integer'}")
    # Past 18 digits the number is beyond any cap, and int() of thousands of digits is refused.
    return max_limit if len(text) > 18 else min(int(text), max_limit)


def paginate(
    req: Request, items: Sequence[T], key: Callable[[T], str], max_limit: int = MAX_LIMIT
) -> tuple[list[T], int]:
    """Apply the request's ``marker`` (exclusive) and ``limit`` to ``items`` (a short list).

    :returns: the page and the page size in force (see ``page_limit``).
    :raises Fault: 400 for a bad limit or a marker that is not among ``items``.
    """
    limit = page_limit(req, max_limit)
    marker = req.GET.get("marker")
    start = 0
    if marker is not None:
        positions = [i for i, item in enumerate(items) if key(item) == marker]
        if not positions:
            raise Fault(400, f"marker [{marker}] not found")
        start = positions[0] + 1
    return list(items[start : start + limit]), limit


def collection_links(
    req: Request, collection: str, page: Sequence[dict[str, Any]], limit: int
) -> list[dict[str, str]]:
    """:returns: the ``rel=next`` link when the page is full (nova's ``*_links``), else []."""
    if not page or len(page) < limit:
        return []
    params = [(k, v) for k, v in req.GET.items() if k != "marker"]
    params.append(("marker", str(page[-1]["id"])))
    href = f"{req.application_url}{_project_segment(req)}/{collection}?{urlencode(params)}"
    return [{"rel": "next", "href": href}]


def server_summary(req: Request, record: ServerRecord) -> dict[str, Any]:
    """:returns: a server in ``GET /servers``: exactly id, name and links."""
    return {"id": record.id, "name": record.name, "links": links(req, "servers", record.id)}


def server_summaries(req: Request, servers: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    """:returns: ``server_summary`` of each ``(id, name)``, the link bases looked up once."""
    own, bookmark_base = _link_bases(req)
    own, bookmark_base = own + "/servers/", bookmark_base + "/servers/"
    return [
        {
            "id": server_id,
            "name": name,
            "links": [
                {"rel": "self", "href": own + server_id},
                {"rel": "bookmark", "href": bookmark_base + server_id},
            ],
        }
        for server_id, name in servers
    ]


@functools.lru_cache(maxsize=4096)
def _host_id(project_id: str) -> str:
    """nova's ``hostId``: a digest of the project and host (one fake host here)."""
    return hashlib.sha224(f"{project_id}fake-host".encode()).hexdigest()


def _base_view(req: Request, record: ServerRecord) -> dict[str, Any]:
    version = req.api_version_request
    own, bookmark_base = _link_bases(req)
    tail = f"/servers/{record.id}"
    view: dict[str, Any] = {
        "id": record.id,
        "name": record.name,
        "status": record.status,
        "tenant_id": record.project_id,
        "user_id": record.user_id,
        # The record is read for this view alone: its dicts need no copy.
        "metadata": record.metadata,
        "hostId": _host_id(record.project_id),
        "image": _bookmark(bookmark_base, "images", record.image_id) if record.image_id else "",
        "flavor": _bookmark(bookmark_base, "flavors", record.flavor_id),
        "created": record.created,
        "updated": record.updated,
        "addresses": record.addresses,
        "accessIPv4": record.access_ipv4,
        "accessIPv6": record.access_ipv6,
        "links": [
            {"rel": "self", "href": own + tail},
            {"rel": "bookmark", "href": bookmark_base + tail},
        ],
        "OS-DCF:diskConfig": "MANUAL",
    }
    if record.status in _PROGRESS_STATUSES:
        view["progress"] = 100 if record.status == "ACTIVE" else 0
    if version >= LOCKED_VERSION:
        view["locked"] = record.locked
    if version >= DESCRIPTION_VERSION:
        view["description"] = record.description
    return view


def server_detail(req: Request, record: ServerRecord, extended: bool = True) -> dict[str, Any]:
    """:returns: a server in show, detail and (``extended=False``) update responses."""
    view = _base_view(req, record)
    if not extended:
        return view
    launched = record.launched_at.replace("Z", ".000000") if record.launched_at else None
    view["OS-EXT-AZ:availability_zone"] = record.availability_zone
    view["config_drive"] = ""
    view["key_name"] = record.key_name
    view["OS-SRV-USG:launched_at"] = launched
    view["OS-SRV-USG:terminated_at"] = None
    view["OS-EXT-STS:task_state"] = record.task_state
    view["OS-EXT-STS:vm_state"] = record.vm_state
    view["OS-EXT-STS:power_state"] = record.power_state
    view["os-extended-volumes:volumes_attached"] = []
    view["security_groups"] = [{"name": "default"}]
    return view
