"""``url_decodes``: which URLs the router and the versions app refuse with a 400 fault (the
faults themselves are checked end to end in tests/fuzz/test_known_causes.py)."""

from __future__ import annotations

import pytest
import webob

from apistack.url_encoding import url_decodes


@pytest.mark.parametrize(
    ("path", "decodes"),
    [
        ("/servers", True),
        ("/servers/%C3%A9?name=%C3%A9", True),
        ("/servers?name=caf%C3%A9&x=%41", True),
        ("/%FF", False),
        ("/servers/%ED%A0%80", False),  # an encoded surrogate is not UTF-8
        ("/servers?name=%FF", False),
        ("/servers?%C3=1", False),
    ],
)
def test_url_decodes(path: str, decodes: bool) -> None:
    assert url_decodes(webob.Request.blank(path).environ) is decodes


def test_raw_non_ascii_query_bytes_are_checked() -> None:
    environ = webob.Request.blank("/servers").environ
    environ["QUERY_STRING"] = "name=\xff"  # a server passes raw bytes as latin-1
    assert not url_decodes(environ)
    environ["QUERY_STRING"] = "name=\xc3\xa9"
    assert url_decodes(environ)
