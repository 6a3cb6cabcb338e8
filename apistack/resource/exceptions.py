"""Domain exceptions a controller (or apistack itself) raises, each declaring its HTTP status.

Every exception here carries ``code`` (the HTTP status) and ``safe`` (whether its message may be
shown to the client). ``apistack.faults`` turns any of them, or any exception of a
service's own that declares ``code`` and ``safe`` the same way, into a JSON fault.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "APIError",
    "Conflict",
    "Forbidden",
    "Invalid",
    "InvalidContentType",
    "MalformedRequestBody",
    "NotFound",
    "NotSupported",
    "Unauthorized",
    "ValidationError",
    "VersionNotFoundForAPIMethod",
    "VersionNotSupported",
]


class APIError(Exception):
    """Base of the exceptions that map to an HTTP status.

    :param message: the text for the client; defaults to ``msg_fmt`` formatted with ``kwargs``.
    :param headers: response headers to send with the fault (``Retry-After`` for example).
    """

    code: int = 500
    safe: bool = False
    msg_fmt: str = "An unknown exception occurred."

    def __init__(
        self,
        message: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        if message is None:
            message = self.msg_fmt % kwargs if kwargs else self.msg_fmt
        self.message = message
        self.headers = dict(headers or {})
        self.kwargs = kwargs
        super().__init__(message)


class Invalid(APIError):
    """The request is malformed or breaks a rule: 400."""

    code = 400
    safe = True
    msg_fmt = "Bad Request - Invalid Parameters"


class ValidationError(Invalid):
    """The request breaks its JSON schema: 400."""

    msg_fmt = "Validation error: %(detail)s"


class NotSupported(Invalid):
    """The feature is not supported by this deployment: 400."""

    msg_fmt = "Bad Request - Feature is not supported"


class MalformedRequestBody(Invalid):
    """The body is not the JSON the method expects: 400."""

    msg_fmt = "Malformed request body"


class Unauthorized(APIError):
    """The request is not authenticated: 401."""

    code = 401
    safe = True
    msg_fmt = "Not authorized."


class Forbidden(APIError):
    """The caller may not do this: 403."""

    code = 403
    safe = True
    msg_fmt = "Forbidden"


class NotFound(APIError):
    """The resource does not exist: 404."""

    code = 404
    safe = True
    msg_fmt = "Resource could not be found."


class VersionNotFoundForAPIMethod(NotFound):
    """No implementation of the method serves the requested microversion: 404."""

    msg_fmt = "The resource could not be found."


class VersionNotSupported(APIError):
    """The requested microversion is outside the API's range: 406."""

    code = 406
    safe = True
    msg_fmt = (
        "Version %(version)s is not supported by the API. "
        "Minimum is %(min_version)s and maximum is %(max_version)s."
    )


class Conflict(APIError):
    """The request conflicts with the resource's state: 409."""

    code = 409
    safe = True
    msg_fmt = "There was a conflict when trying to complete your request."


class InvalidContentType(APIError):
    """The request body's media type is not one the API reads: 415."""

    code = 415
    safe = True
    msg_fmt = "Unsupported Content-Type"
