"""The fault names the resource layer has always exported, now beside the rooms.

The fault builder lives in ``apistack.faults`` and the exception-to-status table in
``apistack.errors``; this module keeps ``apistack.resource.faults`` imports working.
"""

from __future__ import annotations

from apistack.errors import status_for_exception
from apistack.faults import (
    DEFAULT_FAULT_NAME,
    FAULT_CONTENT_TYPE,
    FAULT_NAMES,
    VERSION_HEADERS_KEY,
    Fault,
    OverLimitFault,
    default_message,
    fault_for_exception,
    fault_response,
)

__all__ = [
    "DEFAULT_FAULT_NAME",
    "FAULT_CONTENT_TYPE",
    "FAULT_NAMES",
    "VERSION_HEADERS_KEY",
    "Fault",
    "OverLimitFault",
    "default_message",
    "fault_for_exception",
    "fault_response",
    "status_for_exception",
]
