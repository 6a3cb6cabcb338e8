"""Route templates compiled into matching steps, sharing the work a route table repeats.

A template such as ``/servers/{server_id}/tags/{id}`` becomes one step per segment
(``apistack.router.steps``), then, from the first segment that may span ``/`` or be empty,
an optional tail regex over the rest of the path.

A route table repeats itself: every method of a path has the same template, a project twin
differs from its plain route only by the project token, and a few dozen distinct segments
(``servers``, ``{id}``, the token) make up hundreds of templates. ``TemplateCompiler``
therefore compiles each distinct template and each distinct segment once. Its memo lives as
long as the compiler (one build), so a build never depends on an earlier one.

Everything here runs when the router is built; a bad template raises ``RouteTableError``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from apistack.router.errors import RouteTableError
from apistack.router.steps import Step, segment_step, tail_patterns
from apistack.router.syntax import Part, Var, check_unique_names, parse_template

__all__ = ["CompiledTemplate", "TemplateCompiler", "compile_template"]

# A segment of template text that is compiled on its own: only whole {...} variables (a "/"
# inside braces leaves an unclosed brace in some segment), no escapes, ":name" or "*name".
_SEGMENT = re.compile(r"(?:[^{}\\:*]|\{[^{}]*\})*")
# Text only, or one variable without an inline requirement.
_PLAIN_SEGMENT = re.compile(r"[^{}\\:*]*|\{([A-Za-z_]\w*)\}")

_Requirements = tuple[tuple[str, str], ...]
_Segment = tuple[()] | tuple[Step, list[str]]


class CompiledTemplate:
    """A template's per-segment steps, an optional tail, and what a match dict needs.

    ``simple`` lists ``(segment index, name)`` for plain captures and ``flat`` the same,
    flattened; ``patterns`` lists ``(segment index, named regex)``; ``tail_at`` is the index
    where the tail starts; ``static`` is the whole path when every segment is literal.
    Compared by identity: a build makes one object per distinct template.
    """

    # A plain class, not a frozen dataclass: its __init__ runs once per template per build.
    __slots__ = ("flat", "patterns", "simple", "static", "steps", "tail", "tail_at", "tail_key")

    def __init__(
        self,
        steps: tuple[Step, ...],
        flat: tuple[Any, ...],
        patterns: tuple[tuple[int, re.Pattern[str]], ...],
        static: str | None,
        tail_key: str | None = None,
        tail: re.Pattern[str] | None = None,
    ) -> None:
        self.steps = steps
        self.flat = flat
        self.simple: tuple[tuple[int, str], ...] = tuple(zip(flat[::2], flat[1::2], strict=True))
        self.patterns = patterns
        self.static = static
        self.tail_key = tail_key
        self.tail = tail
        self.tail_at = len(steps)

    def variables(self) -> tuple[str, ...]:
        """:returns: the names of the template's variables, in path order."""
        found = [(index, 0, name) for index, name in self.simple]
        for index, pattern in self.patterns:
            found.extend((index, group, name) for name, group in pattern.groupindex.items())
        if self.tail is not None:
            tail = self.tail.groupindex.items()
            found.extend((self.tail_at, group, name) for name, group in tail)
        return tuple(name for _, _, name in sorted(found))


def _compiled(
    steps: list[Step], tail_key: str | None = None, tail: re.Pattern[str] | None = None
) -> CompiledTemplate:
    flat = tuple(
        item for i, s in enumerate(steps) if isinstance(s.capture, str) for item in (i, s.capture)
    )
    patterns = tuple(
        (i, s.capture) for i, s in enumerate(steps) if isinstance(s.capture, re.Pattern)
    )
    static = None
    if tail is None and all(step.literal for step in steps):
        static = "/".join(str(step.key) for step in steps)
    return CompiledTemplate(tuple(steps), flat, patterns, static, tail_key, tail)


def compile_template(template: str, requirements: Mapping[str, str]) -> CompiledTemplate:
    """Compile any template: parse it whole, then one step per segment and maybe a tail.

    :param template: the template, in Routes syntax.
    :param requirements: regexes for variables; inline ``{name:regex}`` ones override them.
    :raises RouteTableError: on a malformed template, a variable used twice or a requirement
        that is not a regex.
    """
    requirements = dict(requirements)
    parts = parse_template(template, requirements)
    check_unique_names([part.name for part in parts if isinstance(part, Var)])
    segments = _segments(parts)
    steps: list[Step] = []
    try:
        for index, segment in enumerate(segments):
            step = segment_step(segment, requirements)
            if step is None:
                return _compiled(steps, *tail_patterns(segments[index:], requirements))
            steps.append(step)
    except re.error as exc:
        raise RouteTableError(f"bad requirement regex: {exc}") from None
    return _compiled(steps)


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


class TemplateCompiler:
    """Compile the templates of one build, each distinct template and segment once."""

    def __init__(self) -> None:
        self._templates: dict[tuple[str, _Requirements], CompiledTemplate] = {}
        # Per requirements: segment text -> (step, names), or () when it needs the general path.
        self._segments: dict[_Requirements, dict[str, _Segment]] = {}

    def compile(self, template: str, requirements: Mapping[str, str]) -> CompiledTemplate:
        """:returns: the compiled template, the same object for the same arguments.

        :raises RouteTableError: as ``compile_template``.
        """
        key = (template, tuple(requirements.items()) if requirements else ())
        compiled = self._templates.get(key)
        if compiled is None:
            memo = self._segments.setdefault(key[1], {})
            compiled = self._segmented(template, requirements, memo)
            if compiled is None:
                compiled = compile_template(template, requirements)
            self._templates[key] = compiled
        return compiled

    @staticmethod
    def _segmented(
        template: str, requirements: Mapping[str, str], memo: dict[str, _Segment]
    ) -> CompiledTemplate | None:
        """Compile from memoised segments, or None when the template needs the general path.

        Equivalent to ``compile_template`` when every segment is self-contained
        (``_SEGMENT``): the text then splits on ``/`` exactly where the parsed parts do.
        """
        steps: list[Step] = []
        names: list[str] = []
        flat: list[Any] = []
        patterns: list[tuple[int, re.Pattern[str]]] = []
        for index, text in enumerate(template.split("/")):
            found = memo.get(text)
            if found is None:
                found = memo[text] = _segment(text, requirements)
            if not found:
                return None
            step = found[0]
            steps.append(step)
            capture = step.capture
            if capture is None:
                continue
            names += found[1]
            if isinstance(capture, str):
                flat += (index, capture)
            else:
                patterns.append((index, capture))
        if len(set(names)) != len(names):
            check_unique_names(names)  # raises, naming the variable
        # No variables means every segment is a literal: the template is the static path.
        return CompiledTemplate(
            tuple(steps), tuple(flat), tuple(patterns), None if names else template
        )


def _segment(text: str, requirements: Mapping[str, str]) -> _Segment:
    """One segment's step and variable names; () when it needs the general path."""
    # Most segments are plain text or one plain variable: no parsing needed for those.
    plain = _PLAIN_SEGMENT.fullmatch(text)
    if plain is not None:
        name = plain.group(1)
        if name is None:
            return (Step(text, None, None), [])
        if not requirements.get(name):
            return (Step(None, None, name), [name])
    if _SEGMENT.fullmatch(text) is None:
        return ()
    requirements = dict(requirements)
    parts = parse_template(text, requirements)
    try:
        step = segment_step(parts, requirements)
    except re.error as exc:
        raise RouteTableError(f"bad requirement regex: {exc}") from None
    return () if step is None else (step, [p.name for p in parts if isinstance(p, Var)])
