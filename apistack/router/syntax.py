"""Routes' template syntax: a path template read into literal text and variables.

``parse_template`` reads ``{name}``, ``{name:regex}``, ``{.name}``, ``:name``, ``:(name)``,
``*name`` and ``\\`` escapes the way Routes' ``Route._pathkeys`` does; turning the parts into
matching steps is ``apistack.router.template``'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from apistack.router.errors import RouteTableError

__all__ = ["Part", "Var", "check_unique_names", "parse_template", "to_openapi_path"]

_DONE_CHARS = ("/", ",", ";", ".", "#")
_NAME = re.compile(r"[A-Za-z_]\w*")
_BRACES = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Var:
    """A template variable: ``kind`` is ``:`` (``{x}``/``:x``), ``.`` (``{.x}``) or ``*``."""

    kind: str
    name: str


Part = str | Var


def parse_template(path: str, requirements: dict[str, str]) -> list[Part]:
    """Split ``path`` into literal text and variables, as Routes' ``Route._pathkeys`` does.

    :param path: the template.
    :param requirements: updated in place with inline ``{name:regex}`` requirements.
    :returns: literal strings (adjacent ones merged) and ``Var`` objects.
    :raises RouteTableError: on an unclosed or empty variable or a bad variable name.
    """
    fast = _parse_braces_only(path, requirements)
    if fast is not None:
        return fast
    parts: list[Part] = []
    text, i = "", 0
    while i < len(path):
        char = path[i]
        if char == "\\" and i + 1 < len(path):
            nxt = path[i + 1]
            text += nxt if nxt in "\\:*{}" else "\\" + nxt
            i += 2
            continue
        if char not in ":*{":
            text += char
            i += 1
            continue
        if text:
            parts.append(text)
            text = ""
        var, i = _read_var(path, i, requirements)
        parts.append(var)
    if text:
        parts.append(text)
    return _merge_literals(parts)


def _parse_braces_only(path: str, requirements: dict[str, str]) -> list[Part] | None:
    """The common case (only ``{...}`` variables) without the char-by-char walk."""
    pieces = _BRACES.split(path)
    if any(char in piece for piece in pieces[::2] for char in ":*{}\\"):
        return None
    parts: list[Part] = []
    for index, piece in enumerate(pieces):
        if index % 2 == 0:
            if piece:
                parts.append(piece)
            continue
        kind = "."
        if not piece.startswith("."):
            kind, piece = ":", "." + piece
        name, sep, requirement = piece[1:].partition(":")
        if sep:
            requirements[name] = requirement
        parts.append(Var(kind, _checked_name(name)))
    return parts


def _read_var(path: str, start: int, requirements: dict[str, str]) -> tuple[Var, int]:
    opener = path[start]
    if opener == "{":
        end = path.find("}", start)
        if end < 0:
            raise RouteTableError(f"unclosed '{{' at offset {start}")
        body, kind = path[start + 1 : end], ":"
        if body.startswith("."):
            body, kind = body[1:], "."
        name, sep, requirement = body.partition(":")
        if sep:
            requirements[name] = requirement
        return Var(kind, _checked_name(name)), end + 1
    if path.startswith("(", start + 1):
        end = path.find(")", start)
        if end < 0:
            raise RouteTableError(f"unclosed '{opener}(' at offset {start}")
        return Var(opener, _checked_name(path[start + 2 : end])), end + 1
    end = start + 1
    while end < len(path) and path[end] not in _DONE_CHARS and path[end] != "-":
        end += 1
    if end < len(path) and path[end] == "-":
        # Routes silently drops this "-"; refuse rather than match something surprising.
        raise RouteTableError(f"'{opener}name' followed by '-' at offset {end}: use {{name}}")
    return Var(opener, _checked_name(path[start + 1 : end])), end


def _checked_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise RouteTableError(f"bad variable name {name!r}")
    return name


def _merge_literals(parts: list[Part]) -> list[Part]:
    merged: list[Part] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    return merged


def check_unique_names(names: list[str]) -> None:
    """:raises RouteTableError: when a variable name occurs more than once in ``names``."""
    if len(set(names)) != len(names):
        repeated = sorted({name for name in names if names.count(name) > 1})
        raise RouteTableError(f"variable {repeated[0]!r} is used more than once")


def to_openapi_path(template: str) -> str:
    """Write a Routes template as an OpenAPI path: every variable as ``{name}``.

    Inline requirements (``{id:[0-9]+}``) are dropped, ``:name`` and ``*name`` become
    ``{name}``, and an optional ``{.format}`` suffix is left out: OpenAPI has no optional
    path parts, and the path without it is the one clients use.

    :param template: the template, in Routes syntax.
    :returns: the OpenAPI path template.
    :raises RouteTableError: for a malformed template.
    """
    parts = parse_template(template, {})
    return "".join(
        part if isinstance(part, str) else f"{{{part.name}}}"
        for part in parts
        if isinstance(part, str) or part.kind != "."
    )
