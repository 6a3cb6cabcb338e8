"""The resource layer: Request, microversions, the Controller base, Resource dispatch, faults.

A service writes ``Controller`` subclasses; the router wraps each in a ``Resource`` that
negotiates the microversion, dispatches to the right method and renders results and faults.
"""

from apistack.faults import Fault, fault_response
from apistack.resource.controller import (
    Controller,
    ControllerDefinitionError,
    action,
    api_version,
    expected_errors,
    extends,
    removed,
    response,
)
from apistack.resource.exceptions import (
    APIError,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    NotSupported,
    Unauthorized,
    ValidationError,
)
from apistack.resource.request import Request
from apistack.resource.resource import Resource
from apistack.resource.results import ResponseObject
from apistack.resource.versions import APISettings, APIVersionRequest

__all__ = [
    "APIError",
    "APISettings",
    "APIVersionRequest",
    "Conflict",
    "Controller",
    "ControllerDefinitionError",
    "Fault",
    "Forbidden",
    "Invalid",
    "NotFound",
    "NotSupported",
    "Request",
    "Resource",
    "ResponseObject",
    "Unauthorized",
    "ValidationError",
    "action",
    "api_version",
    "expected_errors",
    "extends",
    "fault_response",
    "removed",
    "response",
]
