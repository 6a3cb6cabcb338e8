"""faultwrap's exception-to-status table, kept importable here; it is ``apistack.errors`` now,
the one table faultwrap, request_log, ``Resource`` and the apps all consult."""

from __future__ import annotations

from apistack.errors import (
    DEFAULT_EXCEPTION_STATUSES,
    ExceptionStatuses,
    exception_status_table,
    mapped_status,
)

__all__ = [
    "DEFAULT_EXCEPTION_STATUSES",
    "ExceptionStatuses",
    "exception_status_table",
    "mapped_status",
]
