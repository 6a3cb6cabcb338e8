"""Route templates: Routes' path syntax parsed and compiled segment by segment.

A template such as ``/servers/{server_id}/tags/{id}`` is read with Routes' rules
(``{name}``, ``{name:regex}``, ``{.name}``, ``:name``, ``:(name)``, ``*name`` and ``\\``
escapes) and turned into one *step* per ``/``-separated segment, so the matcher can walk a
segment trie instead of trying regexes one route at a time:

- a literal segment is a dict key;
- a segment that is one plain variable matches any non-empty segment;
- any other segment (a variable with a requirement, text mixed with variables) is one small
  regex over that segment alone, with the same fragments Routes would use;
- from the first variable whose requirement might match ``/`` (or a ``*`` variable) onwards,
  the rest of the path is one regex, the *tail*, because it may span segments.

Everything here runs when the router is built; a bad template raises ``RouteTableError``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from apistack.router.errors import RouteTableError

__all__ = ["CompiledTemplate", "Step", "Var", "compile_template", "parse_template"]

_DONE_CHARS = ("/", ",", ";", ".", "#")
_NAME = re.compile(r"[A-Za-z_]\w*")
_BRACES = re.compile(r"\{([^{}]*)\}")
_CHARSET_PLUS = re.compile(r"\[((?:[0-9A-Za-z_]-[0-9A-Za-z_]|[0-9A-Za-z_.]|\\-|-(?=\]))+)\]\+")
_CLASS_ITEM = re.compile(r"([0-9A-Za-z_])-([0-9A-Za-z_])|([0-9A-Za-z_.-])")
# A requirement that provably cannot match "/": classes without "/" (or negated with it),
# \d \w and escaped punctuation, word characters, quantifiers, groups, alternation and the
# "not after a backslash" look-behind that Routes' own resource() requirement uses.
_SAFE_REQUIREMENT = re.compile(
    r"(?:\[\^(?:\\[-\]\\dw.^]|[^\]\\])*(?:/|\\/)(?:\\[-\]\\dw.^/]|[^\]\\])*\]"
    r"|\[(?!\^)(?:\\[-\]\\dw.^]|[^\]\\/])*\]"
    r"|\\[dw\-._]|[\w\-|()+*?]|\{\d+(?:,\d*)?\}|\(\?:|\(\?<!\\\\\))*"
)


@dataclass(frozen=True)
class Var:
    """A template variable: ``kind`` is ``:`` (``{x}``/``:x``), ``.`` (``{.x}``) or ``*``."""

    kind: str
    name: str


Part = str | Var


@dataclass(frozen=True)
class Step:
    """How one path segment is matched.

    ``key`` identifies the trie edge (routes with equal keys share it); ``check`` is None for
    a literal (``key`` is then the text) and for a plain variable (any non-empty segment);
    ``capture`` is the variable name, a named regex to run on the segment, or None.
    """

    key: object
    check: Callable[[str], object] | None
    capture: str | re.Pattern[str] | None


@dataclass(frozen=True)
class CompiledTemplate:
    """A template's per-segment steps, then an optional tail regex over the rest."""

    steps: tuple[Step, ...]
    tail_key: str | None
    tail: re.Pattern[str] | None


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


def _segments(parts: list[Part]) -> list[list[Part]]:
    segments: list[list[Part]] = [[]]
    for part in parts:
        if isinstance(part, Var):
            segments[-1].append(part)
            continue
        pieces = part.split("/")
        for index, piece in enumerate(pieces):
            if index:
                segments.append([])
            if piece:
                segments[-1].append(piece)
    return segments


def _fragment(part: Part, requirements: Mapping[str, str], named: bool) -> str:
    """The regex Routes' ``buildfullreg`` uses for ``part`` (non-minimised routes)."""
    if isinstance(part, str):
        return re.escape(part)
    default = {":": "[^/]+?", ".": "[^/.]+?", "*": ".+?"}[part.kind]
    inner = requirements.get(part.name) or default
    group = f"(?P<{part.name}>{inner})" if named else f"(?:{inner})"
    return rf"(?:\.{group})??" if part.kind == "." else group


@functools.lru_cache(maxsize=256)
def _charset(requirement: str) -> frozenset[str] | None:
    """The characters of a ``[...]+`` requirement made of plain characters and ranges."""
    found = _CHARSET_PLUS.fullmatch(requirement)
    if found is None:
        return None
    body = found.group(1).replace("\\-", "-")
    chars: set[str] = set()
    for start, end, single in _CLASS_ITEM.findall(body):
        if single:
            chars.add(single)
        else:
            chars.update(chr(code) for code in range(ord(start), ord(end) + 1))
    return frozenset(chars)


def _matches_empty(step: Step) -> bool:
    if not isinstance(step.key, tuple):
        return False
    return re.fullmatch(step.key[1], "") is not None


@functools.lru_cache(maxsize=256)
def _safe_requirement(requirement: str) -> bool:
    return _SAFE_REQUIREMENT.fullmatch(requirement) is not None


def _is_segment_safe(segment: list[Part], requirements: Mapping[str, str]) -> bool:
    for part in segment:
        if isinstance(part, Var):
            if part.kind == "*":
                return False
            requirement = requirements.get(part.name)
            if requirement and not _safe_requirement(requirement):
                return False
    return True


def _step(segment: list[Part], requirements: Mapping[str, str]) -> Step:
    if not segment:
        return Step("", None, None)
    if len(segment) == 1 and isinstance(segment[0], str):
        return Step(segment[0], None, None)
    if len(segment) == 1 and isinstance(segment[0], Var) and segment[0].kind == ":":
        name = segment[0].name
        requirement = requirements.get(name)
        if not requirement:
            return Step(None, None, name)
        source = f"(?:{requirement})"
        charset = _charset(requirement)
        if charset is not None:  # a set test is several times cheaper than a regex call
            return Step(("re", source), charset.issuperset, name)
        return Step(("re", source), re.compile(source).fullmatch, name)
    source = "".join(_fragment(part, requirements, named=False) for part in segment)
    named = "".join(_fragment(part, requirements, named=True) for part in segment)
    return Step(("re", source), re.compile(source).fullmatch, re.compile(named))


def _relevant(segment: list[Part], requirements: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    names = [part.name for part in segment if isinstance(part, Var)]
    return tuple((name, requirements[name]) for name in names if name in requirements)


@functools.lru_cache(maxsize=4096)
def _cached_step(
    segment: tuple[Part, ...], requirements: tuple[tuple[str, str], ...]
) -> Step | None:
    """The step for one segment, or None when it must be part of a tail regex.

    Cached: a table repeats the same segments (``servers``, ``{id}``, the project token).
    """
    reqs = dict(requirements)
    if not _is_segment_safe(list(segment), reqs):
        return None
    step = _step(list(segment), reqs)
    return None if _matches_empty(step) else step


def compile_template(parts: list[Part], requirements: Mapping[str, str]) -> CompiledTemplate:
    """Compile parsed ``parts`` into per-segment steps and an optional tail regex.

    :raises RouteTableError: on a variable used twice or a requirement that is not a regex.
    """
    names = [part.name for part in parts if isinstance(part, Var)]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise RouteTableError(f"variable {repeated[0]!r} is used more than once")
    segments = _segments(parts)
    try:
        steps: list[Step] = []
        for index, segment in enumerate(segments):
            step = _cached_step(tuple(segment), _relevant(segment, requirements))
            if step is None:
                # A segment that may span "/" or be empty is matched with the rest as a tail,
                # so the trie's edges can all demand a non-empty segment.
                rest = segments[index:]
                key = "/".join("".join(_fragment(p, requirements, False) for p in s) for s in rest)
                named = "/".join(
                    "".join(_fragment(p, requirements, True) for p in s) for s in rest
                )
                re.compile(key)
                return CompiledTemplate(tuple(steps), key, re.compile(named))
            steps.append(step)
    except re.error as exc:
        raise RouteTableError(f"bad requirement regex: {exc}") from None
    return CompiledTemplate(tuple(steps), None, None)
