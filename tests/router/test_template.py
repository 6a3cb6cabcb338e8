"""The per-build template compiler agrees with the general parser, and shares its work."""

from __future__ import annotations

import re

import pytest

from apistack.router import RouteTableError
from apistack.router.template import CompiledTemplate, TemplateCompiler, compile_template

TOKEN = "/{project_id:[0-9a-f-]+}"


def _shape(compiled: CompiledTemplate) -> tuple[object, ...]:
    """Everything the matcher reads, with regexes compared by source."""

    def plain(value: object) -> object:
        return value.pattern if isinstance(value, re.Pattern) else value

    steps = tuple((step.key, step.check is None, plain(step.capture)) for step in compiled.steps)
    patterns = tuple((index, plain(pattern)) for index, pattern in compiled.patterns)
    return (
        steps,
        compiled.tail_key,
        plain(compiled.tail),
        compiled.simple,
        compiled.flat,
        patterns,
        compiled.tail_at,
        compiled.static,
    )


@pytest.mark.parametrize(
    ("template", "requirements"),
    [
        ("/servers", {}),
        ("/servers/detail", {}),
        ("/servers/{id}", {}),
        (TOKEN + "/servers/{server_id}/tags/{id}", {}),
        ("/servers/{id}", {"id": "[0-9]+"}),
        ("/servers/{id:[0-9]+}/action", {}),
        ("/servers/{id:[0-9]+}", {"id": "[a-z]+"}),  # inline wins, as in Routes
        ("/files/{name}.{format}", {"format": "json|xml"}),
        ("/servers/{id}{.format}", {}),
        ("/files/{path:.+}", {}),
        ("/files/{path:[^/]+}/x", {}),
        ("/a/:id/b", {}),
        ("/a/*rest", {}),
        ("/", {}),
        ("/servers/", {}),
        ("", {}),
    ],
)
def test_compiler_matches_general_path(template: str, requirements: dict[str, str]) -> None:
    compiled = TemplateCompiler().compile(template, requirements)
    assert _shape(compiled) == _shape(compile_template(template, requirements))


def test_same_template_compiles_once_per_build() -> None:
    compiler = TemplateCompiler()
    first = compiler.compile("/servers/{id}", {})
    assert compiler.compile("/servers/{id}", {}) is first
    assert compiler.compile("/servers/{id}", {"id": "[0-9]+"}) is not first
    assert TemplateCompiler().compile("/servers/{id}", {}) is not first


def test_project_twin_shares_the_plain_route_segments() -> None:
    compiler = TemplateCompiler()
    plain = compiler.compile("/servers/{id}/tags", {})
    twin = compiler.compile(TOKEN + "/servers/{id}/tags", {})
    assert twin.steps[2:] == plain.steps[1:]
    assert all(a is b for a, b in zip(twin.steps[2:], plain.steps[1:], strict=True))
    assert twin.simple == ((1, "project_id"), (3, "id"))


@pytest.mark.parametrize(
    ("template", "reason"),
    [
        ("/a/{id}/b/{id}", "variable 'id' is used more than once"),
        ("/a/{id:[}", "bad requirement regex"),
        ("/a/{a-b}", "bad variable name"),
        ("/a/{x:[^/]+}/b/{x}", "variable 'x' is used more than once"),
    ],
)
def test_errors_as_the_general_path(template: str, reason: str) -> None:
    with pytest.raises(RouteTableError, match=re.escape(reason)):
        TemplateCompiler().compile(template, {})
    with pytest.raises(RouteTableError, match=re.escape(reason)):
        compile_template(template, {})
