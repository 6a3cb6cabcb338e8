"""``ServerListsController``: ``GET /servers`` and ``GET /servers/detail``.

Listing honours ``limit``/``marker`` (an unknown marker, or one of another project, is a 400;
every page holds at most ``max_limit`` servers, 1,000 by default, as nova's ``[api]
max_limit``), ``name`` (a regular expression, as nova, matched by RE2 in linear time: see
``name_filter``), ``status``, ``locked`` (from 2.9) and, for admins only, ``all_tenants`` with
``project_id``/``tenant_id``; a non-admin asking for ``all_tenants`` gets a 403. Other query
parameters are ignored.

A page reads the store newest first, in indexed batches below the marker, and stops once it
holds ``limit`` servers that pass the filters: an unfiltered page costs the same however many
servers the project has (``benchmarks/pagination_bench.py``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping
from typing import Any, ClassVar, TypeVar

from apistack.examples.compute import schemas
from apistack.examples.compute.name_filter import name_matcher
from apistack.examples.compute.records import ScanFilter
from apistack.examples.compute.server_actions import ServerActionsController
from apistack.examples.compute.server_base import identity
from apistack.examples.compute.views import (
    LOCKED_VERSION,
    MAX_LIMIT,
    collection_links,
    page_limit,
    server_detail,
    server_summaries,
)
from apistack.resource import Fault, Forbidden, Request, expected_errors, validation

__all__ = ["ServerListsController"]

# Rows read per query while filtering by name, status or locked (most rows may not match).
_FILTERED_BATCH = 200
_NO_FILTER = ScanFilter()
_TRUE = frozenset({"1", "t", "true", "on", "y", "yes"})
_FALSE = frozenset({"0", "f", "false", "off", "n", "no"})
T = TypeVar("T")


def _flag(name: str, raw: str) -> bool:
    text = raw.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise Fault(400, f"Invalid value '{raw}' for {name}: it must be a boolean")


class ServerListsController(ServerActionsController):
    """The two server lists; ``max_limit`` (a class attribute, see ``make_routes``) caps
    every page."""

    max_limit: ClassVar[int] = MAX_LIMIT

    @staticmethod
    def _scope(req: Request, params: Mapping[str, str], policy: str) -> str | None:
        """:returns: the project whose servers are listed; None for every project."""
        who = identity(req)
        all_tenants = "all_tenants" in params and (
            not params["all_tenants"] or _flag("all_tenants", params["all_tenants"])
        )
        if all_tenants and not who.is_admin:
            raise Forbidden(
                f"Policy doesn't allow os_compute_api:servers:{policy}:get_all_tenants "
                "to be performed."
            )
        if all_tenants:
            return params.get("project_id") or params.get("tenant_id") or None
        return who.project_id

    @staticmethod
    def _filter(req: Request, params: Mapping[str, str]) -> ScanFilter:
        """:returns: the ``name``, ``status`` and ``locked`` filters of the query."""
        locked = None
        if "locked" in params and req.api_version_request >= LOCKED_VERSION:
            locked = _flag("locked", params["locked"])
        return ScanFilter(
            name=name_matcher(params["name"]) if params.get("name") else None,
            status=(params.get("status") or "").upper() or None,
            locked=locked,
        )

    def _after_marker(self, params: Mapping[str, str], scope: str | None) -> int | None:
        """:returns: the ``seq`` of the ``marker`` server (the page starts below it)."""
        marker = params.get("marker")
        if marker is None:
            return None
        record = self.store.get(marker)
        if record is None or (scope is not None and record.project_id != scope):
            raise Fault(400, f"marker [{marker}] not found")
        return record.seq

    def _listed(
        self, req: Request, policy: str, limit: int, scan: Callable[..., Iterator[T]]
    ) -> list[T]:
        """One page, newest first, read with ``scan`` (the store's ``scan`` or
        ``scan_summaries``) only until ``limit`` servers pass the filters, so an unfiltered
        page costs the same however many servers the project has."""
        params = req.GET
        if not params:  # the usual call: the caller's project, from the newest, unfiltered
            return list(itertools.islice(scan(identity(req).project_id, None, limit), limit))
        scope = self._scope(req, params, policy)
        where = self._filter(req, params)
        before = self._after_marker(params, scope)
        if limit == 0:
            return []
        filtered = where != _NO_FILTER
        batch = max(limit, _FILTERED_BATCH) if filtered else limit
        return list(
            itertools.islice(scan(scope, before, batch, where if filtered else None), limit)
        )

    def _page(self, req: Request, policy: str, detailed: bool) -> dict[str, Any]:
        limit = page_limit(req, self.max_limit)
        if detailed:
            records = self.settled(self._listed(req, policy, limit, self.store.scan))
            items = [server_detail(req, record) for record in records]
        else:
            # A plain list shows id, name and links: the store reads only those columns.
            items = server_summaries(
                req, self._listed(req, policy, limit, self.store.scan_summaries)
            )
        result: dict[str, Any] = {"servers": items}
        collection = "servers/detail" if detailed else "servers"
        next_links = collection_links(req, collection, items, limit)
        if next_links:
            result["servers_links"] = next_links
        return result

    @expected_errors((400, 403))
    @validation.query_schema(schemas.servers_query)
    def index(self, req: Request) -> dict[str, Any]:
        """List servers: id, name and links."""
        return self._page(req, "index", detailed=False)

    @expected_errors((400, 403))
    @validation.query_schema(schemas.servers_query)
    def detail(self, req: Request) -> dict[str, Any]:
        """List servers with all their fields."""
        return self._page(req, "detail", detailed=True)
