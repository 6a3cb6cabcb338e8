"""``read_body_bytes`` and ``parse_json_body``: client mistakes in the body are 400s."""

from __future__ import annotations

import io
from typing import Any

import pytest
import webob

from apistack.resource.body import parse_json_body, read_body_bytes
from apistack.resource.exceptions import MalformedRequestBody


class _CutShort(io.RawIOBase):
    """An input stream whose client went away mid-body, as gunicorn's ``NoMoreData``."""

    def read(self, size: int = -1) -> bytes:
        raise OSError("No more data after: b'{\"server\": '")


def test_a_body_cut_short_is_a_400() -> None:
    environ = webob.Request.blank("/servers", method="POST").environ
    environ.update({"wsgi.input": _CutShort(), "HTTP_TRANSFER_ENCODING": "chunked"})
    environ.pop("CONTENT_LENGTH", None)
    with pytest.raises(MalformedRequestBody) as raised:
        read_body_bytes(environ)
    assert raised.value.code == 400
    assert "ended before it was complete" in raised.value.message


@pytest.mark.parametrize(
    "raw",
    [b'{"name": "\\ud800"}', b'{"name": "a\\uDFFFb"}', b'{"name": "\xed\xa0\x80"}', b"[" * 5000],
)
def test_bodies_no_utf8_text_can_hold_are_400(raw: bytes) -> None:
    with pytest.raises(MalformedRequestBody):
        parse_json_body(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b'{"name": "\\ud83d\\ude00"}', {"name": "\U0001f600"}),  # a pair is one character
        ('{"name": "café"}'.encode(), {"name": "café"}),
        (b'{"n": 1e400}', {"n": float("inf")}),  # valid JSON; the schema decides
    ],
)
def test_valid_bodies_decode(raw: bytes, expected: Any) -> None:
    assert parse_json_body(raw) == expected
