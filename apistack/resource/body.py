"""Reading a request body once (left re-readable for the controller method) and decoding it as
JSON, for ``Resource`` and anything else that needs it.

Two client mistakes must be 400 faults here rather than 500s further in:

- a body that ends early: a chunked body whose client closes its side before the last chunk
  makes the server's input stream raise (gunicorn's ``NoMoreData`` is an ``OSError``);
- JSON that Python decodes but no UTF-8 text can hold: a lone surrogate (the escape
  ``"\\ud800"``, or its bytes encoded as UTF-8) becomes a ``str`` that cannot be encoded,
  so storing, logging or serialising it fails later. Surrogate pairs
  (``"\\ud83d\\ude00"``) decode to one character and are fine.
"""

from __future__ import annotations

import io
import json
import re
from typing import TYPE_CHECKING, Any

from apistack.resource.exceptions import MalformedRequestBody

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

__all__ = ["NO_BODY", "parse_json_body", "read_body_bytes"]

# A \uD800-\uDFFF escape. Only a body holding one, or non-ASCII bytes (json.loads decodes
# UTF-8-encoded surrogates too, with "surrogatepass"), can decode to a lone surrogate.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89abcdefABCDEF]")


def read_body_bytes(environ: WSGIEnvironment) -> bytes:
    """Read the whole request body once, and leave it re-readable for the method.

    Errors raised by a wrapped ``wsgi.input`` (the size limiter's 413) propagate as they are.

    :raises MalformedRequestBody: (400) when the body ends before it is complete.
    """
    length = environ.get("CONTENT_LENGTH")
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    try:
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
    except OSError:  # the client closed its side mid-body (gunicorn: NoMoreData)
        raise MalformedRequestBody("The request body ended before it was complete.") from None
    environ["wsgi.input"] = io.BytesIO(raw)
    environ["CONTENT_LENGTH"] = str(len(raw))
    environ["webob.is_body_seekable"] = True
    return raw


def parse_json_body(raw: bytes) -> Any:
    """:returns: the JSON document in ``raw``.

    :raises MalformedRequestBody: (400) for text that is not JSON, nests too deeply, holds an
        integer of more digits than Python converts, or holds a lone surrogate.
    """
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):
        raise MalformedRequestBody() from None
    if not raw.isascii() or _SURROGATE_ESCAPE.search(raw):
        try:
            json.dumps(document, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise MalformedRequestBody(
                "Malformed request body: a string holds a lone UTF-16 surrogate."
            ) from None
    return document


class _NoBody:
    """Marks a request whose method takes no body (the method gets no ``body`` argument)."""


#: the body argument of a method whose HTTP method takes no body.
NO_BODY: Any = _NoBody()
