"""sizelimit: 413 overLimit faults, and bodies of unknown length never read past the limit."""

from __future__ import annotations

import io
from typing import Any

import pytest
import webob

from apistack.filters import FaultWrap, SizeLimit
from apistack.filters.sizelimit import DEFAULT_MAX_REQUEST_BODY_SIZE
from tests.filters.apps import Recorder

TEN_MB = 10 * 1024 * 1024


class EndlessUpload(io.RawIOBase):
    """A chunked 10 MB upload that counts every byte the server hands out."""

    def __init__(self, size: int = TEN_MB) -> None:
        self.remaining = size
        self.served = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = min(len(buffer), self.remaining)
        buffer[:count] = b"x" * count
        self.remaining -= count
        self.served += count
        return count


def chunked_request(upload: io.RawIOBase) -> webob.Request:
    req = webob.Request.blank("/v2.1/servers", method="POST")
    req.environ.pop("CONTENT_LENGTH", None)
    req.environ.update(
        {
            "wsgi.input": io.BufferedReader(upload, buffer_size=1),
            "HTTP_TRANSFER_ENCODING": "chunked",
            "wsgi.input_terminated": True,
        }
    )
    return req


def test_default_limit_is_olso_middlewares() -> None:
    assert DEFAULT_MAX_REQUEST_BODY_SIZE == 114688
    assert SizeLimit(Recorder()).max_request_body_size == 114688


def test_content_length_over_the_limit_is_a_formatted_413_fault(recorder: Recorder) -> None:
    req = webob.Request.blank("/", method="POST", body=b"x" * 1025)
    resp = req.get_response(SizeLimit(recorder, max_request_body_size=1024))
    assert resp.status_int == 413
    assert resp.content_type == "application/json"
    assert resp.json == {
        "overLimit": {
            "code": 413,
            "message": "Request is too large. Larger than max_request_body_size (1024).",
        }
    }
    assert recorder.calls == 0


def test_content_length_at_the_limit_passes() -> None:
    app = Recorder(reads_body=True)
    req = webob.Request.blank("/", method="POST", body=b"x" * 1024)
    resp = req.get_response(SizeLimit(app, max_request_body_size=1024))
    assert resp.json == {"read": 1024}


@pytest.mark.parametrize("length", ["abc", "-5"])
def test_malformed_content_length_is_a_400_fault(recorder: Recorder, length: str) -> None:
    req = webob.Request.blank("/", method="POST")
    req.environ["CONTENT_LENGTH"] = length
    resp = req.get_response(SizeLimit(recorder))
    assert resp.status_int == 400
    assert resp.json["badRequest"]["code"] == 400
    assert recorder.calls == 0


def read_all(stream: Any) -> None:
    stream.read()


def read_in_pieces(stream: Any) -> None:
    while stream.read(100):
        pass


def read_lines(stream: Any) -> None:
    while stream.readline():
        pass


def iterate(stream: Any) -> None:
    for _chunk in stream:
        pass


@pytest.mark.parametrize("reader", [read_all, read_in_pieces, read_lines, iterate])
def test_chunked_10mb_body_stops_at_a_1kb_limit(reader: Any) -> None:
    upload = EndlessUpload()
    delivered: list[int] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        stream = environ["wsgi.input"]
        try:
            reader(stream)
        finally:
            delivered.append(stream.bytes_read)
        raise AssertionError("the limiter should have stopped the read")

    resp = chunked_request(upload).get_response(SizeLimit(app, max_request_body_size=1024))
    assert resp.status_int == 413
    assert resp.json["overLimit"]["message"].endswith("(1024).")
    # The server handed out at most one byte past the limit; never the 10 MB.
    assert upload.served <= 1025
    assert delivered[0] <= 1025


def test_chunked_overflow_through_webob_body_and_faultwrap_stays_413() -> None:
    upload = EndlessUpload()

    @webob.dec.wsgify
    def app(req: webob.Request) -> webob.Response:
        return webob.Response(body=req.body)

    stack = FaultWrap(SizeLimit(FaultWrap(app), max_request_body_size=1024))
    resp = chunked_request(upload).get_response(stack)
    assert resp.status_int == 413
    assert resp.json["overLimit"]["code"] == 413
    assert upload.served <= 1025


def test_chunked_body_under_the_limit_is_read_whole() -> None:
    upload = EndlessUpload(size=900)
    app = Recorder(reads_body=True)
    resp = chunked_request(upload).get_response(SizeLimit(app, max_request_body_size=1024))
    assert resp.status_int == 200
    assert resp.json == {"read": 900}


def test_request_without_body_passes(recorder: Recorder) -> None:
    resp = webob.Request.blank("/").get_response(SizeLimit(recorder, max_request_body_size=0))
    assert resp.status_int == 200
