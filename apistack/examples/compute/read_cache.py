"""The store's read cache: rows by server id (and pages of rows by query), each valid while the
database's committed state is the one it was read in.

A row is kept with the WAL-index header (``wal_index``) read *before* the query that returned
it: the query saw that state or a later one, so while the header still reads the same, nothing
has been committed since and the row is current. A hit needs the header read now to equal the
row's; any commit, by any connection of any process, changes the header and so retires every
row kept before it. Rows are immutable tuples: each hit builds a new record, so no caller can
change what another reads.

One cache serves every thread of a process (dict operations are atomic under the GIL; a row
kept by a slower thread under an older header is merely never hit). It is bounded: when it is
full, it starts again empty.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

__all__ = ["DEFAULT_SIZE", "CommittedRows"]

#: rows kept by default: a worker's working set of servers (about 1.3 kB each, 5.4 MB full).
DEFAULT_SIZE = 4096


class CommittedRows:
    """Rows (or pages of rows) by key, each with the header of the state it was read in.

    :param size: the most rows kept; 0 keeps none.
    """

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._rows: dict[Hashable, tuple[bytes, Any]] = {}

    def get(self, key: Hashable, header: bytes) -> Any:
        """:returns: the row kept for ``key`` if it was read in the state ``header`` names
        (the header just read), else None."""
        entry = self._rows.get(key)
        if entry is not None and entry[0] == header:
            return entry[1]
        return None

    def keep(self, key: Hashable, header: bytes, row: tuple[Any, ...]) -> None:
        """Keep ``row`` (a tuple: immutable) for ``key``, read by a query that began after
        ``header`` was read."""
        rows = self._rows
        if len(rows) >= self.size and key not in rows:
            if self.size <= 0:
                return
            rows.clear()
        rows[key] = (header, row)

    def clear(self) -> None:
        """Forget every row (their headers may name states of a ``-shm`` file now gone)."""
        self._rows.clear()

    def __len__(self) -> int:
        return len(self._rows)
