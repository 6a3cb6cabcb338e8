"""How the example's store reads a list: pages of rows newest first, each an indexed range query
below the last row read, the small ones answered from a cache keyed by the committed state.

A page is the rows one page query returns for ``(project, below seq, batch)``. Like ``get``'s
rows (see ``read_cache``), a page is kept with the WAL-index header read before its query and
served while the header reads the same: no commit since, so the same query would return the
same rows. Only pages that hold at most ``CACHED_PAGE_ROWS`` rows are kept (a full default list
page of 1,000 full rows holds about 1.3 MB), at most ``PAGES_KEPT`` of them: about 8 MB at
worst, a few hundred kB for pages of ten.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from apistack.examples.compute.read_cache import CommittedRows
from apistack.examples.compute.records import ScanFilter
from apistack.examples.compute.server_table import AFTER_LAST, SEQ_OF
from apistack.examples.compute.store_connections import ThreadConnections

__all__ = ["CACHED_PAGE_ROWS", "PAGES_KEPT", "PageReader"]

#: the largest page (in rows) the cache keeps.
CACHED_PAGE_ROWS = 100
#: the most pages the cache keeps.
PAGES_KEPT = 64


class PageReader:
    """Reads pages through this thread's connection of ``connections``.

    :param connections: the store's connections.
    :param pages: where pages are kept.
    """

    def __init__(self, connections: ThreadConnections, pages: CommittedRows) -> None:
        self._connections = connections
        self._pages = pages

    def forget(self) -> None:
        """Drop every kept page (call it whenever a connection opens: see ``wal_index``)."""
        self._pages.clear()

    def rows(
        self,
        queries: tuple[str, str],
        project_id: str | None,
        before_seq: int | None,
        batch: int,
        where: ScanFilter | None,
        summaries: bool = False,
    ) -> Iterator[Any]:
        """:returns: the rows that ``ServerStore.scan`` describes, read with ``queries`` (every
        project's page query and one project's), each selecting ``seq`` first, or (with
        ``summaries``) ``(id, name)`` only, the seq of a full batch's last row looked up to
        read on."""
        link = self._connections.current()
        cursor = link.conn.cursor()
        if where is not None:
            cursor.row_factory = sqlite3.Row  # ScanFilter reads columns by name
        query = queries[0] if project_id is None else queries[1]
        prefix = () if project_id is None else (project_id,)

        def read(before: int) -> Sequence[Any]:
            params = (*prefix, before, batch)
            key = (query, params, where is not None)
            header = link.committed()  # before the query, as get's
            if header is not None:
                page: Sequence[Any] | None = self._pages.get(key, header)
                if page is not None:
                    return page
            page = tuple(cursor.execute(query, params).fetchall())
            if header is not None and len(page) <= CACHED_PAGE_ROWS:
                self._pages.keep(key, header, page)
            return page

        before = before_seq if before_seq is not None else AFTER_LAST
        rows = read(before)
        if len(rows) < batch:  # the usual page: one batch, iterated with no generator between
            return iter(rows) if where is None else filter(where.passes, rows)
        seq_of = self._seq_of if summaries else _first_column
        return _batches(rows, before, read, seq_of, where)

    def _seq_of(self, rows: Sequence[Any], before: int) -> int:
        """:returns: the seq of the last of ``rows`` (id first) that is still stored, or
        ``before`` (the batch's own bound) when none is: either way, exactly the rows not yet
        read lie below it, whatever was deleted meanwhile."""
        conn = self._connections.current().conn
        for row in reversed(rows):
            found = conn.execute(SEQ_OF, (row[0],)).fetchone()
            if found is not None:
                return int(found[0])
        return before


def _first_column(rows: Sequence[Any], before: int) -> int:
    """:returns: the seq of the last of ``rows``, selected first."""
    return int(rows[-1][0])


def _batches(
    rows: Sequence[Any],
    before: int,
    read: Callable[[int], Sequence[Any]],
    seq_of: Callable[[Sequence[Any], int], int],
    where: ScanFilter | None,
) -> Iterator[Any]:
    """:returns: ``rows`` (a full batch, read below ``before``) and then the next batches
    ``read`` below what ``seq_of`` finds, each read only when the one before is used up."""
    batch = len(rows)
    while True:
        yield from rows if where is None else filter(where.passes, rows)
        if len(rows) < batch:
            return
        before = seq_of(rows, before)
        rows = read(before)
