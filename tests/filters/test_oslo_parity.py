"""apistack's ``cors`` and ``http_proxy_to_wsgi`` answer exactly as oslo.middleware's.

Each case builds oslo's filter and apistack's from the same configuration around the same inner
app, sends both the same request, and compares the status, every response header (names,
values and order), the body, and the environ the inner app saw.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import webob
import webob.exc
from oslo_config import cfg
from oslo_middleware import cors as oslo_cors
from oslo_middleware import http_proxy_to_wsgi as oslo_proxy
from paste.deploy import loadfilter

from apistack.filters.cors import CORS
from apistack.filters.http_proxy_to_wsgi import HTTPProxyToWSGI

ORIGIN = "https://horizon.example.org"
OTHER = "https://other.example.org"
CORS_CONF = {
    "allowed_origin": [ORIGIN],
    "allow_credentials": True,
    "expose_headers": ["X-OpenStack-Request-ID", "X-Subject-Token"],
    "max_age": 3600,
    "allow_methods": ["GET", "POST", "PUT", "DELETE"],
    "allow_headers": ["X-Auth-Token", "Content-Type"],
}


@dataclass
class Inner:
    """The wrapped app: answers a fixed status, headers and body (or raises ``raises``) and
    keeps a copy of the environ it was called with."""

    status: str = "200 OK"
    headers: list[tuple[str, str]] = field(
        default_factory=lambda: [("Content-Type", "application/json"), ("Content-Length", "2")]
    )
    body: bytes = b"{}"
    raises: Exception | None = None
    raises_after_start: bool = False
    seen: dict[str, Any] = field(default_factory=dict)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        self.seen = {k: v for k, v in environ.items() if isinstance(v, str)}
        if self.raises is not None and not self.raises_after_start:
            raise self.raises
        start_response(self.status, list(self.headers))
        if self.raises is not None:
            raise self.raises
        return [self.body]


def _answer(app: Any, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    captured: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        # As a server: a second call must hand over the exception that replaces the first.
        assert not captured or exc_info is not None, "start_response called twice"
        captured[:] = [status, list(headers)]
        return lambda data: None

    body_iter = app(environ, start_response)
    try:
        body = b"".join(body_iter)
    finally:
        getattr(body_iter, "close", lambda: None)()
    return captured[0], captured[1], body


def _same(
    oslo_class: type[Any],
    ours_class: type[Any],
    conf: Any,
    request: webob.Request,
    inner: Inner | None = None,
) -> tuple[str, list[tuple[str, str]], bytes]:
    """Send ``request`` through both filters; assert equal answers; :returns: the answer."""
    answers, seen = [], []
    for cls in (oslo_class, ours_class):
        app = inner or Inner()
        environ = request.copy().environ
        answers.append(_answer(cls(app, conf), environ))
        seen.append({k: v for k, v in app.seen.items() if not k.startswith("webob.")})
    assert answers[0] == answers[1]
    assert seen[0] == seen[1]
    return answers[0]


def _private_conf(group: str, opts: list[cfg.Opt], **values: Any) -> cfg.ConfigOpts:
    conf = cfg.ConfigOpts()
    conf([], project="apistack-parity")
    conf.register_opts(opts, group=group)
    for key, value in values.items():
        conf.set_override(key, value, group=group)
    return conf


def _cors_conf(**overrides: Any) -> cfg.ConfigOpts:
    return _private_conf("cors", oslo_cors.OPTS, **{**CORS_CONF, **overrides})


def _cors(request: webob.Request, inner: Inner | None = None, **conf: Any) -> Any:
    return _same(oslo_cors.CORS, CORS, _cors_conf(**conf), request, inner)


def _get(path: str = "/v2.1/servers", **headers: str) -> webob.Request:
    return webob.Request.blank(path, headers=headers)


def _preflight(method: str = "GET", headers: str | None = None, **extra: str) -> webob.Request:
    request = webob.Request.blank("/v2.1/servers", method="OPTIONS", headers=extra)
    request.headers["Origin"] = extra.get("Origin", ORIGIN)
    if method:
        request.headers["Access-Control-Request-Method"] = method
    if headers is not None:
        request.headers["Access-Control-Request-Headers"] = headers
    return request


# cors: simple requests ------------------------------------------------------------------------


def test_simple_request_from_an_allowed_origin_gets_every_cors_header() -> None:
    _status, headers, _body = _cors(_get(Origin=ORIGIN))
    assert ("Access-Control-Allow-Origin", ORIGIN) in headers
    assert ("Access-Control-Expose-Headers", "X-OpenStack-Request-ID,X-Subject-Token") in headers


@pytest.mark.parametrize(
    "request_headers",
    [{}, {"Origin": OTHER}, {"Origin": ""}, {"Origin": ORIGIN.upper()}],
    ids=["no-origin", "disallowed", "empty", "other-case"],
)
def test_simple_request_without_an_allowed_origin_is_unchanged(
    request_headers: dict[str, str],
) -> None:
    _status, headers, _body = _cors(_get(**request_headers))
    assert headers == Inner().headers


@pytest.mark.parametrize(
    "app_headers",
    [
        [("Vary", "Accept")],
        [("vary", "Accept"), ("Content-Type", "application/json"), ("VARY", "X-Auth-Token")],
        [("Access-Control-Allow-Origin", "https://set.by.app")],
        [("access-control-allow-credentials", "false"), ("Access-Control-Max-Age", "1")],
        [("Access-Control-Expose-Headers", "X-Mine")],
    ],
    ids=["vary", "two-varies", "app-sets-origin", "app-sets-credentials", "app-exposes"],
)
def test_simple_request_merges_with_the_apps_headers(app_headers: list[tuple[str, str]]) -> None:
    _cors(_get(Origin=ORIGIN), Inner(headers=app_headers))
    _cors(_get(Origin=ORIGIN), Inner(headers=app_headers), allow_credentials=False)


@pytest.mark.parametrize(
    "conf",
    [
        {"allow_credentials": False},
        {"expose_headers": []},
        {"allowed_origin": ["*"]},
        {"allowed_origin": [OTHER, "*", ORIGIN]},
        {"allowed_origin": [OTHER, ORIGIN], "max_age": 0},
    ],
    ids=["no-credentials", "no-expose", "wildcard", "several-and-wildcard", "several"],
)
@pytest.mark.parametrize("origin", [ORIGIN, OTHER, "null"])
def test_simple_request_under_each_configuration(conf: dict[str, Any], origin: str) -> None:
    for method in ("GET", "POST", "DELETE", "PATCH", "HEAD"):
        _cors(webob.Request.blank("/x", method=method, headers={"Origin": origin}), **conf)


def test_origins_added_later_carry_their_own_settings() -> None:
    answers = []
    for cls in (oslo_cors.CORS, CORS):
        app = cls(Inner(), _cors_conf())
        app.add_origin([OTHER], allow_credentials=False, expose_headers=["X-Other"])
        answers.append(
            [_answer(app, _get(Origin=origin).environ) for origin in (ORIGIN, OTHER, "x")]
        )
    assert answers[0] == answers[1]
    assert ("Access-Control-Expose-Headers", "X-Other") in answers[1][1][1]


# cors: preflight ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "preflight",
    [
        _preflight("GET"),
        _preflight("POST", "x-auth-token, Content-Type,,accept"),
        _preflight("PATCH"),
        _preflight("GET", "X-Not-Allowed"),
        _preflight(""),
        _preflight("GET", Origin=OTHER),
        webob.Request.blank("/", method="OPTIONS"),
    ],
    ids=["allowed", "headers", "method-refused", "header-refused", "no-method", "origin", "bare"],
)
@pytest.mark.parametrize(
    "inner",
    [
        Inner(),
        Inner("404 Not Found", [("Content-Type", "text/plain")], b"nothing"),
        Inner("401 Unauthorized", [("WWW-Authenticate", "Keystone uri=x")], b"{}"),
        Inner("204 No Content", [("Access-Control-Allow-Origin", "https://set.by.app")], b""),
    ],
    ids=["200", "404", "401", "app-sets-origin"],
)
def test_preflight(preflight: webob.Request, inner: Inner) -> None:
    _cors(preflight, inner)
    _cors(preflight, inner, max_age=None, allow_credentials=False)


# cors and proxy: what oslo's WebOb wrapping does to any answer ------------------------------

FILTERS = [
    pytest.param(oslo_cors.CORS, CORS, lambda: _cors_conf(), id="cors"),
    pytest.param(
        oslo_proxy.HTTPProxyToWSGI,
        HTTPProxyToWSGI,
        lambda: _private_conf(
            "oslo_middleware", oslo_proxy.OPTS, enable_proxy_headers_parsing=True
        ),
        id="proxy",
    ),
]


@pytest.mark.parametrize(("oslo_class", "ours_class", "make_conf"), FILTERS)
@pytest.mark.parametrize(
    "location",
    ["/v2.1/servers/1", "servers/1", "https://elsewhere.example/x", "//evil.example/", " /x"],
)
@pytest.mark.parametrize("method", ["GET", "POST", "HEAD", "OPTIONS"])
def test_location_is_made_absolute_as_webob_does(
    oslo_class: type[Any], ours_class: type[Any], make_conf: Any, location: str, method: str
) -> None:
    inner = Inner("202 Accepted", [("Location", location), ("Content-Length", "2")])
    request = webob.Request.blank(
        "/v2.1/servers", method=method, headers={"Origin": ORIGIN, "X-Forwarded-Host": "api.x"}
    )
    _same(oslo_class, ours_class, make_conf(), request, inner)


@pytest.mark.parametrize(("oslo_class", "ours_class", "make_conf"), FILTERS)
@pytest.mark.parametrize(
    "raised", [webob.exc.HTTPNotFound(), webob.exc.HTTPRequestEntityTooLarge("too big")]
)
@pytest.mark.parametrize("after_start", [False, True], ids=["before-start", "after-start"])
def test_an_http_exception_raised_by_the_app_is_its_answer(
    oslo_class: type[Any],
    ours_class: type[Any],
    make_conf: Any,
    raised: Exception,
    after_start: bool,
) -> None:
    request = _get(Origin=ORIGIN, Accept="application/json")
    inner = Inner(raises=raised, raises_after_start=after_start)
    _same(oslo_class, ours_class, make_conf(), request, inner)


@pytest.mark.parametrize(("oslo_class", "ours_class", "make_conf"), FILTERS)
def test_other_exceptions_escape_both(
    oslo_class: type[Any], ours_class: type[Any], make_conf: Any
) -> None:
    for cls in (oslo_class, ours_class):
        with pytest.raises(KeyError):
            _answer(cls(Inner(raises=KeyError("x")), make_conf()), _get().environ)


# http_proxy_to_wsgi --------------------------------------------------------------------------

PROXY_REQUESTS = {
    "plain": {},
    "forwarded": {"Forwarded": "for=192.0.2.60;proto=https;host=api.example.org"},
    "forwarded-chain": {"Forwarded": "For=192.0.2.60;Proto=https, for=198.51.100.17;host=b"},
    "forwarded-ipv6": {"Forwarded": 'for="[2001:db8::1]";proto=https'},
    "forwarded-empty-values": {"Forwarded": "for=;proto=;host="},
    "forwarded-beats-x": {"Forwarded": "proto=https", "X-Forwarded-Host": "ignored.example"},
    "x-forwarded": {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "api.example.org:8443",
        "X-Forwarded-For": "203.0.113.9, 10.0.0.1",
    },
    "x-forwarded-prefix": {"X-Forwarded-Prefix": "/compute", "X-Forwarded-Proto": "https"},
    "forwarded-prefix": {"Forwarded": "host=h", "X-Forwarded-Prefix": "/compute"},
}


def _proxy_conf(enabled: bool) -> cfg.ConfigOpts:
    return _private_conf("oslo_middleware", oslo_proxy.OPTS, enable_proxy_headers_parsing=enabled)


@pytest.mark.parametrize("headers", PROXY_REQUESTS.values(), ids=PROXY_REQUESTS.keys())
@pytest.mark.parametrize("enabled", [True, False], ids=["enabled", "disabled"])
@pytest.mark.parametrize("method", ["GET", "HEAD", "PUT"])
def test_proxy_headers(headers: dict[str, str], enabled: bool, method: str) -> None:
    request = webob.Request.blank("/v2.1/servers", method=method, headers=headers)
    inner = Inner("302 Found", [("Location", "/v2.1/x"), ("Content-Length", "2")])
    _same(oslo_proxy.HTTPProxyToWSGI, HTTPProxyToWSGI, _proxy_conf(enabled), request, inner)


def test_proxy_rewrites_what_the_app_sees() -> None:
    inner = Inner()
    HTTPProxyToWSGI(inner, _proxy_conf(True))(
        _get(**PROXY_REQUESTS["x-forwarded-prefix"]).environ, lambda *a: None
    )
    assert inner.seen["wsgi.url_scheme"] == "https"
    assert inner.seen["SCRIPT_NAME"] == "/compute"


# Configuration through paste, as the example ini does ------------------------------------------


@pytest.fixture
def clean_global_conf() -> Iterator[None]:
    # oslo writes paste options into the global CONF (its documented pitfall): undo it.
    yield
    cfg.CONF.reset()
    for group in ("cors", "oslo_middleware"):
        if group in cfg.CONF:
            for name in list(cfg.CONF[group]):
                cfg.CONF.clear_override(name, group=group)


def _paste_pair(tmp_path: Path, name: str, **local_conf: str) -> tuple[Any, Any]:
    """:returns: oslo's filter and apistack's, loaded by paste from one ini's two sections."""
    options = "".join(f"{key} = {value}\n" for key, value in local_conf.items())
    ini = tmp_path / "filters.ini"
    ini.write_text(
        f"[filter:oslo]\nuse = egg:oslo.middleware#{name}\n{options}\n"
        f"[filter:ours]\nuse = egg:apistack#{name}\n{options}"
    )
    inner = Inner()
    return tuple(loadfilter(f"config:{ini}", name=which)(inner) for which in ("oslo", "ours"))


def test_cors_reads_the_same_oslo_config_file(tmp_path: Path) -> None:
    conf_file = tmp_path / "apistack.conf"
    conf_file.write_text(
        f"[cors]\nallowed_origin = {ORIGIN},{OTHER}\nexpose_headers = X-A,X-B\n"
        "allow_credentials = false\nmax_age = 60\n"
    )
    oslo, ours = _paste_pair(
        tmp_path, "cors", oslo_config_project="apistack", oslo_config_file=str(conf_file)
    )
    assert isinstance(ours, CORS)
    for request in (_get(Origin=ORIGIN), _get(Origin="x"), _preflight("PUT"), _preflight("GET")):
        assert _answer(oslo, request.copy().environ) == _answer(ours, request.copy().environ)
    assert ("Access-Control-Max-Age", "60") in _answer(ours, _preflight("GET").environ)[1]


@pytest.mark.usefixtures("clean_global_conf")
def test_cors_takes_paste_options_and_requires_an_origin_source(tmp_path: Path) -> None:
    oslo, ours = _paste_pair(tmp_path, "cors", allowed_origin=ORIGIN, expose_headers="X-A")
    request = _get(Origin=ORIGIN)
    assert _answer(oslo, request.copy().environ) == _answer(ours, request.copy().environ)
    with pytest.raises(TypeError, match="allowed_origin or oslo_config_project"):
        loadfilter("egg:apistack#cors")


@pytest.mark.usefixtures("clean_global_conf")
def test_proxy_takes_its_option_from_paste_or_a_config_file(tmp_path: Path) -> None:
    conf_file = tmp_path / "apistack.conf"
    conf_file.write_text("[oslo_middleware]\nenable_proxy_headers_parsing = true\n")
    request = _get(**PROXY_REQUESTS["forwarded"])
    for local_conf in (
        {"enable_proxy_headers_parsing": "true"},
        {"oslo_config_project": "apistack", "oslo_config_file": str(conf_file)},
    ):
        oslo, ours = _paste_pair(tmp_path, "http_proxy_to_wsgi", **local_conf)
        assert ours.enabled
        assert _answer(oslo, request.copy().environ) == _answer(ours, request.copy().environ)
    with pytest.raises(ValueError):
        _paste_pair(tmp_path, "http_proxy_to_wsgi", enable_proxy_headers_parsing="maybe")


# cors around http_proxy_to_wsgi (nova's order): the outer filter leaves Location to the inner


def _pair(cors_class: type[Any], proxy_class: type[Any], inner: Inner) -> Any:
    return cors_class(proxy_class(inner, _proxy_conf(True)), _cors_conf())


@pytest.mark.parametrize("headers", PROXY_REQUESTS.values(), ids=PROXY_REQUESTS.keys())
@pytest.mark.parametrize("origin", [ORIGIN, OTHER, None], ids=["allowed", "other", "no-origin"])
@pytest.mark.parametrize("location", ["/v2.1/servers/1", "servers/1", None])
@pytest.mark.parametrize("method", ["GET", "POST", "HEAD"])
def test_cors_around_proxy_answers_as_oslos_pair(
    headers: dict[str, str], origin: str | None, location: str | None, method: str
) -> None:
    app_headers = [("Content-Length", "2"), ("Vary", "Accept")]
    if location is not None:
        app_headers.insert(0, ("Location", location))
    request = webob.Request.blank("/v2.1/servers", method=method, headers=headers)
    if origin is not None:
        request.headers["Origin"] = origin
    answers, seen = [], []
    for cors_class, proxy_class in (
        (oslo_cors.CORS, oslo_proxy.HTTPProxyToWSGI),
        (CORS, HTTPProxyToWSGI),
    ):
        inner = Inner("202 Accepted", list(app_headers))
        answers.append(_answer(_pair(cors_class, proxy_class, inner), request.copy().environ))
        seen.append({k: v for k, v in inner.seen.items() if not k.startswith("webob.")})
    assert answers[0] == answers[1]
    assert seen[0] == seen[1]
    if location is not None and method != "HEAD":
        assert dict(answers[1][1])["Location"].startswith(("http://", "https://"))


@pytest.mark.parametrize("after_start", [False, True], ids=["before-start", "after-start"])
def test_cors_around_proxy_answers_an_http_exception_as_oslos_pair(after_start: bool) -> None:
    request = _get(Origin=ORIGIN, **PROXY_REQUESTS["x-forwarded"])
    answers = []
    for cors_class, proxy_class in (
        (oslo_cors.CORS, oslo_proxy.HTTPProxyToWSGI),
        (CORS, HTTPProxyToWSGI),
    ):
        inner = Inner(raises=webob.exc.HTTPNotFound(), raises_after_start=after_start)
        answers.append(_answer(_pair(cors_class, proxy_class, inner), request.copy().environ))
    assert answers[0] == answers[1]
