"""``sizelimit``: refuse request bodies over a byte limit with a 413 ``overLimit`` fault.

Built on oslo.middleware's limiter (its default, 114688 bytes, and its ``LimitingReader``'s
idea), with three fixes: the 413 is a JSON fault whose message is formatted (oslo's keeps a
literal ``%s``); a body of unknown length (chunked) is never read past the limit, because each
read asks the server for at most the bytes still allowed plus one (oslo's ``read()`` reads
everything, then counts); and the limit is the instance's own, never an override of the
global ``CONF``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING

from oslo_middleware import sizelimit as oslo_sizelimit

from apistack.faults import Fault
from apistack.filters.base import Filter, Option

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["DEFAULT_MAX_REQUEST_BODY_SIZE", "BodyTooLarge", "LimitedInput", "SizeLimit"]

DEFAULT_MAX_REQUEST_BODY_SIZE: int = oslo_sizelimit.OPTS[0].default
_CHUNK = 65536


def too_large_message(limit: int) -> str:
    """:returns: the 413 message for ``limit`` (oslo's text, with the number filled in)."""
    return f"Request is too large. Larger than max_request_body_size ({limit})."


class BodyTooLarge(Fault):
    """Raised while an app reads a body past the limit.

    A ``Fault``, so it stays a 413 JSON fault wherever it is caught: here, in ``faultwrap``, in
    a Resource, and in any WebOb ``wsgify`` app (which answers a raised ``HTTPException`` by
    calling it; a plain WebOb 413 would answer text there).
    """

    def __init__(self, limit: int) -> None:
        super().__init__(413, too_large_message(limit))
        self.limit = limit


class LimitedInput:
    """``wsgi.input`` that raises ``BodyTooLarge`` instead of reading past ``limit`` bytes.

    oslo's ``LimitingReader`` reads first and checks after (a whole unbounded ``read()``),
    so nothing of it is reused: this reader never asks the stream for more than one byte
    past the limit.

    :param data: the server's input stream.
    :param limit: the most bytes the application may read.
    """

    def __init__(self, data: IO[bytes], limit: int) -> None:
        self.data = data
        self.limit = limit
        self.bytes_read = 0

    def _allowance(self, size: int | None) -> int:
        # One byte over the limit is enough to know the body is too large.
        room = self.limit - self.bytes_read + 1
        return room if size is None or size < 0 else min(size, room)

    def _count(self, data: bytes) -> bytes:
        self.bytes_read += len(data)
        if self.bytes_read > self.limit:
            raise BodyTooLarge(self.limit)
        return data

    def read(self, i: int | None = None) -> bytes:
        """Read at most the allowance left; a 413 ``Fault`` once the limit is passed."""
        return self._count(self.data.read(self._allowance(i)))

    def readline(self, size: int | None = None) -> bytes:
        """:returns: one line, read under the same limit."""
        return self._count(self.data.readline(self._allowance(size)))

    def __iter__(self) -> Iterator[bytes]:
        while chunk := self.read(_CHUNK):
            yield chunk


class SizeLimit(Filter):
    """Answers 413 for a ``Content-Length`` over the limit; caps bodies of unknown length.

    :param application: the wrapped WSGI application.
    :param max_request_body_size: the largest body accepted, in bytes.
    """

    name = "sizelimit"
    options = (
        Option(
            "max_request_body_size",
            "int",
            DEFAULT_MAX_REQUEST_BODY_SIZE,
            "The maximum body size for each request, in bytes.",
            minimum=0,
            oslo_twin=("oslo_middleware", oslo_sizelimit.OPTS[0]),
        ),
    )

    def __init__(
        self,
        application: WSGIApplication,
        *,
        max_request_body_size: int = DEFAULT_MAX_REQUEST_BODY_SIZE,
    ) -> None:
        super().__init__(application)
        if max_request_body_size < 0:
            raise ValueError("max_request_body_size must not be negative")
        self.max_request_body_size = max_request_body_size

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        limit = self.max_request_body_size
        length = environ.get("CONTENT_LENGTH")
        if length:
            try:
                declared = int(length)
            except ValueError:
                declared = -1
            if declared < 0:
                return Fault(400, "Invalid Content-Length.")(environ, start_response)
            if declared > limit:
                return Fault(413, too_large_message(limit))(environ, start_response)
            return self.application(environ, start_response)
        body: IO[bytes] | None = environ.get("wsgi.input")
        if body is not None:
            environ["wsgi.input"] = LimitedInput(body, limit)
        try:
            return self.application(environ, start_response)
        except BodyTooLarge as exc:
            return exc(environ, start_response)
