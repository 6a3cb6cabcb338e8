"""Differential test: our matcher returns exactly what Routes 2.5.1 returns for nova's table.

The reference is nova's own ``ProjectMapper`` rebuilt on Routes (``nova_reference``). The
only documented divergence exercised here is HEAD, which we answer as GET wherever a GET
route exists (Routes: no match). The precedence quirk and Routes' trailing-newline ``$``
quirk are tested separately in test_precedence.py.
"""

from __future__ import annotations

import random
import uuid
from typing import Any
from urllib.parse import unquote

import pytest

from apistack.router import ProjectMapper, RouteMatcher

from . import nova_reference, nova_routes

METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD")


class NamedApp:
    """A distinct, callable WSGI app per controller (Routes keeps callables as they are)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, environ: Any, start_response: Any) -> list[bytes]:
        start_response("200 OK", [])
        return [self.name.encode()]

    def __repr__(self) -> str:
        return f"<app {self.name}>"


def _wsgi_decoded(raw: str) -> str:
    """PATH_INFO as a WSGI server hands it over: percent-decoded, bytes as latin-1."""
    return unquote(raw, encoding="latin-1")


ID_SAMPLES = [
    "detail",
    "action",
    "1",
    "42",
    "abc.json",
    "a.b.c",
    "my-server-1",
    "-",
    ".",
    "..",
    "x_y",
    _wsgi_decoded("caf%C3%A9"),
    _wsgi_decoded("a%20b"),
    _wsgi_decoded("a%2Fb"),
    _wsgi_decoded("100%25"),
    _wsgi_decoded("%7Euser"),
]
PROJECT_SAMPLES = ["abcdef01", "0123-4567", "ABCD", "xyz", "a.b", "ab%2Fcd", "f"]


@pytest.fixture(scope="module")
def tables() -> tuple[Any, RouteMatcher]:
    apps: dict[str, NamedApp] = {}

    def factory_for(name: str) -> str:
        apps.setdefault(name, NamedApp(name))
        return name

    route_list = nova_routes.route_list(nova_routes.NOVA_PATHS, factory_for)
    reference = nova_reference.nova_mapper(route_list, apps)
    mapper = nova_reference.declare(ProjectMapper(), route_list, apps)
    return reference, RouteMatcher(mapper.declarations)


def _fill(template: str, rng: random.Random, samples: list[str] = ID_SAMPLES) -> str:
    parts = template.split("/")
    for index, part in enumerate(parts):
        if part.startswith("{"):
            choice = rng.random()
            if choice < 0.5:
                parts[index] = str(uuid.UUID(int=rng.getrandbits(128)))
            else:
                parts[index] = rng.choice(samples)
    return "/".join(parts)


def _miss(path: str, rng: random.Random) -> str:
    kind = rng.randrange(5)
    if kind == 0:
        return path + "/"
    if kind == 1:
        return path + "/unknown-" + str(rng.randrange(100))
    if kind == 2:
        return "/nope" + path
    if kind == 3:
        return path.replace("o", "0", 1) if "o" in path else path + "x"
    return path + "//"


def generated_paths(count: int, seed: int = 20240605) -> list[str]:
    rng = random.Random(seed)
    templates = [path for path, _ in nova_routes.NOVA_PATHS]
    paths: list[str] = ["", "/", "/abc", "/abc/", "/ABCD/servers", "/servers/"]
    while len(paths) < count:
        path = _fill(rng.choice(templates), rng)
        if rng.random() < 0.5:
            path = "/" + rng.choice(PROJECT_SAMPLES) + path
            path = _wsgi_decoded(path)
        if rng.random() < 0.25:
            path = _miss(path, rng)
        paths.append(path)
    return paths


def _routes_result(reference: Any, path: str, method: str) -> dict[str, Any] | None:
    found = reference.routematch(path, {"REQUEST_METHOD": method})
    return None if found is None else found[0]


def _expected(reference: Any, path: str, method: str) -> dict[str, Any] | None:
    result = _routes_result(reference, path, method)
    if result is None and method == "HEAD":  # documented: HEAD is answered as GET
        result = _routes_result(reference, path, "GET")
    return result


def test_table_is_nova_sized(tables: tuple[Any, RouteMatcher]) -> None:
    reference, matcher = tables
    pairs = sum(len(methods) for _, methods in nova_routes.NOVA_PATHS)
    assert pairs >= 209
    assert len(reference.matchlist) == pairs * 2 + 1
    assert len(matcher.routes) == pairs * 2 + 1


def test_every_generated_path_matches_like_routes(tables: tuple[Any, RouteMatcher]) -> None:
    reference, matcher = tables
    rng = random.Random(7)
    paths = generated_paths(6000)
    hits = misses = 0
    mismatches = []
    for path in paths:
        for method in rng.sample(METHODS, 3):
            expected = _expected(reference, path, method)
            found = matcher.match(path, method)
            got = None if found is None else found[1]
            if got != expected:
                mismatches.append((method, path, expected, got))
            if expected is None:
                misses += 1
            else:
                hits += 1
    assert mismatches == []
    assert hits > 4000
    assert misses > 2000


def test_every_declared_route_is_reachable_with_the_same_answer(
    tables: tuple[Any, RouteMatcher],
) -> None:
    reference, matcher = tables
    rng = random.Random(3)
    for template, methods in nova_routes.NOVA_PATHS:
        for project in ("", "/0123abcd-ef"):
            path = project + _fill(template, rng, [s for s in ID_SAMPLES if "/" not in s])
            for method in methods:
                found = matcher.match(path, method)
                assert found is not None, (method, path)
                assert found[1] == _routes_result(reference, path, method)
