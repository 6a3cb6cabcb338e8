"""Reading a request body once, leaving it re-readable for the controller method."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

__all__ = ["NO_BODY", "read_body_bytes"]


def read_body_bytes(environ: WSGIEnvironment) -> bytes:
    """Read the whole request body once, and leave it re-readable for the method.

    Errors raised by a wrapped ``wsgi.input`` (the size limiter's 413) propagate as they are.
    """
    length = environ.get("CONTENT_LENGTH")
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    if length:
        try:
            size = int(length)
        except ValueError:
            return b""
        raw: bytes = stream.read(size) if size > 0 else b""
    elif environ.get("wsgi.input_terminated") or (
        environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked"
    ):
        raw = stream.read()
    else:
        return b""
    environ["wsgi.input"] = io.BytesIO(raw)
    environ["CONTENT_LENGTH"] = str(len(raw))
    environ["webob.is_body_seekable"] = True
    return raw


class _NoBody:
    """Marks a request whose method takes no body (the method gets no ``body`` argument)."""


#: the body argument of a method whose HTTP method takes no body.
NO_BODY: Any = _NoBody()
