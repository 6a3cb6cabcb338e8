"""What state a WAL-mode SQLite database has committed, read from its ``-shm`` file without a
system call: the key of the store's read cache.

In WAL mode every connection shares a *WAL-index* in ``<database>-shm`` (documented at
sqlite.org/walformat.html). It starts with two copies of a 48-byte header. Every commit
rewrites that header (its ``iChange`` counts transactions, ``mxFrame`` is the last committed
frame, the salts change when the WAL restarts), writing copy 1 first and then, after a memory
barrier, copy 0; a reader reads copy 0 and then copy 1 and trusts them only when they are
equal. ``WalIndexHeader`` reads them the same way: a copy of memory, with no system call and no
release of the GIL, while a query would release the GIL around every step.

Equal copies name one committed state: a read that starts after a commit sees that commit's
header, so a row read after header ``h`` was read is still current for as long as the header
reads ``h``. Unequal copies (a commit in progress), an unknown layout version, or no mapping
at all mean "unknown": the caller queries.

The header is read where SQLite itself maps the ``-shm`` file in this process (found once, in
``/proc/self/maps``), never through a descriptor of our own: closing *any* descriptor of a file
drops every POSIX lock the process holds on it, SQLite's included, and without its locks another
process takes itself for the database's only user and truncates the file under every mapping
(SIGBUS). Python's ``mmap`` holds a duplicate descriptor that it closes, so it cannot be used.

SQLite keeps that mapping while any connection of the process has the database open in WAL mode
(the last one to close unmaps it and, if it is the last anywhere, deletes the file; the next
one to open creates a new file whose first header may repeat an old one byte for byte). So the
header is found after a connection has opened the database and is read only while that
connection is open (see ``store_connections``), and whatever was keyed by an earlier file's
headers is dropped when a new connection opens. Where there is no ``/proc`` (or no mapping, as
with ``locking_mode=EXCLUSIVE``), there is no header and the store always queries.

Memory order: the two copies are read as two separate copies, copy 0 first, as SQLite's own
reader does. On x86-64 loads are not reordered with other loads, so that order holds. Python has
no load barrier to offer, so a weakly ordered CPU may read them the other way round; a commit in
progress still leaves two unequal copies either way, but this has been run on x86-64 only.
"""

from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path
from typing import Any

__all__ = ["HEADER_SIZE", "INDEX_VERSION", "WalIndexHeader", "shm_path"]

#: bytes in one copy of the WAL-index header.
HEADER_SIZE = 48
#: ``iVersion``: the WAL-index layout this module reads (SQLite's since 3.7.0).
INDEX_VERSION = 3007000
# The WAL-index is in the host's byte order, as SQLite wrote it in memory.
_VERSION_BYTES = INDEX_VERSION.to_bytes(4, sys.byteorder)
_MAPS = "/proc/self/maps"


class WalIndexHeader:
    """The two header copies at the start of a ``-shm`` file, read where SQLite maps it.

    :param copies: ``2 * HEADER_SIZE`` bytes of memory that SQLite keeps mapped (a ctypes
        array over its mapping).
    """

    def __init__(self, copies: Any) -> None:
        self._copies = copies

    @classmethod
    def open(cls, database: str | os.PathLike[str]) -> WalIndexHeader | None:
        """Find SQLite's mapping of ``<database>-shm`` in this process.

        Call it only while a connection of this process has the database open in WAL mode
        (so SQLite has the file mapped), and read the result only while that connection stays
        open.

        :param database: the database file's path.
        :returns: the header, or None when the file or SQLite's mapping of it is not found.
        """
        try:
            found = os.stat(shm_path(database))
            with open(_MAPS, encoding="ascii", errors="replace") as maps:
                address = _mapped_at(maps, found.st_dev, found.st_ino)
        except OSError:
            return None
        if address is None:
            return None
        return cls((ctypes.c_char * (2 * HEADER_SIZE)).from_address(address))

    def read(self) -> bytes | None:
        """:returns: the header (copy 0) when both copies are equal and of the known layout,
        else None (a commit is rewriting them, or the file is not a WAL-index we know)."""
        copies = self._copies
        first: bytes = copies[:HEADER_SIZE]  # copy 0, then copy 1: SQLite's reading order
        if first == copies[HEADER_SIZE : 2 * HEADER_SIZE] and first[:4] == _VERSION_BYTES:
            return first
        return None


def _mapped_at(maps: Any, device: int, inode: int) -> int | None:
    """:returns: the address where ``maps`` (lines of ``/proc/self/maps``) shows the start of
    the file ``(device, inode)`` mapped shared, or None."""
    wanted = f"{os.major(device):02x}:{os.minor(device):02x}"
    for line in maps:
        fields = line.split(None, 5)
        # start-end perms offset dev inode [path]; SQLite maps the file shared (s).
        if len(fields) < 5 or fields[3] != wanted or fields[4] != str(inode):
            continue
        if fields[1][3:4] == "s" and int(fields[2], 16) == 0:
            return int(fields[0].split("-", 1)[0], 16)
    return None


def shm_path(database: str | os.PathLike[str]) -> Path:
    """:returns: the ``-shm`` file of ``database``."""
    return Path(f"{os.fspath(database)}-shm")
