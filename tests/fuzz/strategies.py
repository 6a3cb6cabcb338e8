"""Hypothesis strategies for whole HTTP requests to the example compute stack.

A ``FuzzRequest`` is what goes on the wire: a method, a percent-encoded ASCII target (path and
query), header pairs and body bytes. Paths come from the real route table
(``apistack.examples.compute.routes``) under every mount prefix, with segments mutated
(non-UTF-8 and control bytes, encoded slashes, huge and empty segments, dropped or repeated
segments); headers cover both version headers, content types, ``Accept`` and forged identity
headers; bodies come from ``tests.fuzz.bodies``.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import quote_from_bytes

from hypothesis import strategies as st

from apistack.examples.compute.routes import compute_settings, make_routes
from apistack.router import APIRouter
from tests.fuzz.bodies import bodies

__all__ = ["FuzzRequest", "requests", "route_templates"]

HUGE = "1" * 5000
METHODS = ("GET", "GET", "GET", "POST", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS")
PREFIXES = ("/v2.1",) * 5 + ("/v2",) * 2 + ("/v2.1/proj", "/v2/proj", "", "/v3", "/v2.1/other")
UUID = "70a599e0-31e7-49b7-b260-868f441e862b"
QUERY_KEYS = (
    "limit", "marker", "name", "status", "locked", "all_tenants", "project_id", "tenant_id",
    "minRam", "minDisk", "is_public", "sort_key", "sort_dir", "deleted", "_method", "format",
)  # fmt: skip
SERVICES = ("compute", "COMPUTE", "volume", "")
CONTENT_TYPES = (
    "application/json", "application/vnd.openstack.compute+json",
    "application/json; charset=UTF-8", "application/json;version=2.1", "text/plain",
    "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded",
    "", "*/*", "application/json; charset=latin-1", ";;;", "application/",
)  # fmt: skip
ACCEPTS = (
    "application/json", "application/vnd.openstack.compute+json;version=2.1", "*/*",
    "text/html", "application/xml", "application/json;q=0", "", ";q=x", "*/*;version=9.9",
)  # fmt: skip


@dataclass(frozen=True)
class FuzzRequest:
    """One request as sent: ``target`` is the percent-encoded path and query."""

    method: str
    target: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None
    notes: tuple[str, ...] = field(default=(), compare=False)

    def describe(self) -> str:
        """:returns: a one-line summary (bodies cut to 120 bytes)."""
        body = "" if self.body is None else f" body={self.body[:120]!r}"
        return f"{self.method} {self.target[:200]} headers={list(self.headers)}{body}"


@cache
def route_templates() -> tuple[tuple[str, str], ...]:
    """:returns: ``(method, path template)`` of every route of the example API."""
    router = APIRouter(make_routes(tempfile.mkdtemp()), settings=compute_settings())
    return tuple((e.method, e.path) for e in router.route_table if e.path)


@cache
def _segment_bytes() -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00", b"/", b"..", b".json"]),
        st.sampled_from([b"", b"detail", b"action", b"1", b"%", b"\r\n", b"9" * 300]),
        st.binary(max_size=12),
        st.text(max_size=12).map(lambda text: text.encode("utf-8", "surrogatepass")),
    )


@cache
def _values(ids: tuple[str, ...]) -> st.SearchStrategy[bytes]:
    known = [i.encode() for i in ids] + [b"1", b"2", b"m1.tiny", UUID.encode(), b"hw:cpu"]
    return st.one_of(st.sampled_from(known), _segment_bytes())


def _quote(raw: bytes) -> str:
    return quote_from_bytes(raw, safe="")


@st.composite
def _path(draw: st.DrawFn, ids: tuple[str, ...]) -> str:
    _method, template = draw(st.sampled_from(route_templates()))
    segments = [s for s in template.split("/") if s]
    encoded = []
    for segment in segments:
        if segment.startswith("{") or draw(st.integers(0, 9)) == 0:
            encoded.append(_quote(draw(_values(ids))))
        else:
            encoded.append(segment)
    if encoded and draw(st.integers(0, 7)) == 0:
        del encoded[draw(st.integers(0, len(encoded) - 1))]
    if draw(st.integers(0, 9)) == 0:
        encoded.append(_quote(draw(_segment_bytes())))
    prefix = draw(st.sampled_from(PREFIXES))
    tail = draw(st.sampled_from(["", "", "", "/", ".json"]))
    return prefix + "/" + "/".join(encoded) + tail


@cache
def _query_value() -> st.SearchStrategy[bytes]:
    return st.one_of(
        # Thousands of digits: rare, as they make most request lines too long for gunicorn.
        st.sampled_from(
            [b"0", b"1", b"10", b"-1", b"1001", b"true", b"no", b"2"] * 4 + [HUGE.encode()]
        ),
        st.sampled_from([b"(a+)+$", b"a{4294967296}", b"(" * 1000, b"^vm", b"[", b"(?i)VM"]),
        st.sampled_from([b"ACTIVE", b"\xff", b"%", b"", UUID.encode()]),
        _segment_bytes(),
    )


@st.composite
def _query(draw: st.DrawFn) -> str:
    pairs = draw(
        st.lists(
            st.tuples(
                st.sampled_from(QUERY_KEYS).map(str.encode) | _segment_bytes(), _query_value()
            ),
            max_size=4,
        )
    )
    if not pairs:
        return draw(st.sampled_from(["", "", "?", "?&&", "?=x", "?%FF"]))
    return "?" + "&".join(f"{_quote(k)}={_quote(v)}" for k, v in pairs)


@cache
def _header_text() -> st.SearchStrategy[str]:
    # What http.client and gunicorn carry: latin-1, no CR/LF; leading space is folded away.
    printable = st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f")
    return st.text(printable, max_size=30).map(str.strip)


@cache
def _version() -> st.SearchStrategy[str]:
    numbers = st.sampled_from(["2.0", "2.1", "2.9", "2.19", "2.20", "2.25", "3.0", "1.9"])
    odd = st.sampled_from(["latest", "LATEST", "2.01", "02.1", "2.", ".1", "2.1.1", "", "2.-1"])
    huge = st.sampled_from(["2." + HUGE, HUGE + ".1", "2." + "9" * 4301])
    return st.one_of(numbers, numbers, odd, huge, st.integers(0, 200).map(lambda m: f"2.{m}"))


@st.composite
def _version_headers(draw: st.DrawFn) -> list[tuple[str, str]]:
    headers = []
    if draw(st.booleans()):
        entries = draw(st.lists(st.tuples(st.sampled_from(SERVICES), _version()), max_size=3))
        headers.append(("OpenStack-API-Version", ", ".join(f"{s} {v}" for s, v in entries)))
    if draw(st.integers(0, 3)) == 0:
        headers.append(("X-OpenStack-Nova-API-Version", draw(_version() | _header_text())))
    return headers


@cache
def _token() -> st.SearchStrategy[str]:
    known = st.sampled_from(["alice:proj"] * 4 + ["admin:proj", "bob:other", "alice", ":", ""])
    return st.one_of(known, known, _header_text())


@st.composite
def _identity_headers(draw: st.DrawFn) -> list[tuple[str, str]]:
    headers = [("X-Auth-Token", draw(_token()))] if draw(st.integers(0, 9)) else []
    forged = st.sampled_from(
        ["X-Roles", "X-Project-Id", "X-User-Id", "X-Identity-Status", "X-Tenant-Id",
         "X-Service-Catalog", "X-Is-Admin-Project", "X-Auth-Project-Id", "X-Forwarded-Proto",
         "X-Forwarded-Host", "Forwarded", "Origin", "X-Openstack-Request-Id"]
    )  # fmt: skip
    values = (
        st.sampled_from(["admin", "Confirmed", "proj", "https", "[]", "True"]) | _header_text()
    )
    headers += draw(st.lists(st.tuples(forged, values), max_size=3))
    return headers


@st.composite
def _well_formed(draw: st.DrawFn, ids: tuple[str, ...]) -> FuzzRequest:
    """A request a client could mean: a real route and method, known ids, a valid token and
    version, plain query values; only the body is fuzzed, so deep paths are reached."""
    method, template = draw(st.sampled_from(route_templates()))
    path = template
    for name in ("{id}", "{flavor_id}"):
        known = ids if name == "{id}" and "servers" in template else ("1", "2", "hw:cpu")
        path = path.replace(name, draw(st.sampled_from(known or ("1",))))
    keys = st.sampled_from(QUERY_KEYS[:6])
    values = st.sampled_from(["1", "10", "0", "vm", "^a", "ACTIVE", "true", *ids])
    pairs = draw(st.lists(st.tuples(keys, values), max_size=2))
    query = ("?" + "&".join(f"{k}={_quote(v.encode())}" for k, v in pairs)) if pairs else ""
    headers = [("X-Auth-Token", draw(st.sampled_from(["alice:proj", "admin:proj"])))]
    version = draw(st.sampled_from(["", "2.1", "2.9", "2.19", "latest"]))
    if version:
        headers.append(("OpenStack-API-Version", f"compute {version}"))
    body = None
    if method in ("POST", "PUT"):
        body = draw(bodies(ids))
        headers.append(("Content-Type", "application/json"))
    prefix = draw(st.sampled_from(["/v2.1"] * 3 + ["/v2"]))
    return FuzzRequest(method, prefix + path + query, tuple(headers), body)


def requests(ids: tuple[str, ...] = ()) -> st.SearchStrategy[FuzzRequest]:
    """:returns: a strategy of ``FuzzRequest``: half well-formed but for the body, half
    anything; ``ids`` are server ids that exist."""
    return _well_formed(ids) | _anything(ids)


@st.composite
def _anything(draw: st.DrawFn, ids: tuple[str, ...]) -> FuzzRequest:
    method = draw(st.sampled_from(METHODS))
    target = draw(_path(ids)) + draw(_query())
    headers = draw(_identity_headers()) + draw(_version_headers())
    if draw(st.integers(0, 2)) == 0:
        headers.append(("Accept", draw(st.sampled_from(ACCEPTS) | _header_text())))
    body = None
    if method in ("POST", "PUT") or draw(st.integers(0, 19)) == 0:
        body = draw(bodies(ids))
        if draw(st.integers(0, 5)):
            headers.append(("Content-Type", draw(st.sampled_from(CONTENT_TYPES) | _header_text())))
    return FuzzRequest(method, target, tuple(headers), body)
