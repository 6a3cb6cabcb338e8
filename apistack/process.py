"""The current process id without a system call each time it is read.

``os.getpid()`` is a system call on every call (glibc stopped caching it). Code that needs the
id per request (a log record's ``process``, a connection that must not cross a fork) reads
``process_id()`` instead: the id read when this module was imported, and read again in every
child right after a fork.
"""

from __future__ import annotations

import os

__all__ = ["process_id"]

_pid = [os.getpid()]


def process_id() -> int:
    """:returns: this process's id (as ``os.getpid()``, kept current across forks)."""
    return _pid[0]


def _forked() -> None:
    _pid[0] = os.getpid()


os.register_at_fork(after_in_child=_forked)
