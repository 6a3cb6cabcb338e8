"""Matching steps: how one ``/``-separated segment of a template is matched.

The matcher walks a segment trie instead of trying regexes one route at a time, so each
segment of a parsed template (``apistack.router.syntax``) becomes one *step*:

- a literal segment is a dict key;
- a segment that is one plain variable matches any non-empty segment, with no regex;
- a plain variable whose requirement is a ``[...]+`` character class is a set test;
- any other segment (a variable with a requirement, text mixed with variables) is one small
  regex over that segment alone, with the same fragments Routes would use;
- a segment that may span ``/`` (a ``*`` variable, a requirement that might match ``/``) or
  be empty gets no step: from there on the rest of the path is one regex, the *tail*.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from apistack.router.syntax import Part, Var

__all__ = ["Step", "fragment", "segment_step", "tail_patterns"]

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
class Step:
    """How one path segment is matched.

    ``key`` identifies the trie edge (routes with equal keys share it); ``check`` is None for
    a literal (``key`` is then the text) and for a plain variable (any non-empty segment);
    ``capture`` is the variable name, a named regex to run on the segment, or None.
    """

    key: object
    check: Callable[[str], object] | None
    capture: str | re.Pattern[str] | None

    @property
    def literal(self) -> bool:
        """True for a literal segment (matched by dict lookup on ``key``)."""
        return self.check is None and self.capture is None


def fragment(part: Part, requirements: Mapping[str, str], named: bool) -> str:
    """The regex Routes' ``buildfullreg`` uses for ``part`` (non-minimised routes)."""
    if isinstance(part, str):
        return re.escape(part)
    default = {":": "[^/]+?", ".": "[^/.]+?", "*": ".+?"}[part.kind]
    inner = requirements.get(part.name) or default
    group = f"(?P<{part.name}>{inner})" if named else f"(?:{inner})"
    return rf"(?:\.{group})??" if part.kind == "." else group


def tail_patterns(
    segments: Sequence[Sequence[Part]], requirements: Mapping[str, str]
) -> tuple[str, re.Pattern[str]]:
    """The tail over ``segments``: its unnamed source (the trie key) and its named regex.

    :raises re.error: on a requirement that is not a regex.
    """
    key = "/".join("".join(fragment(p, requirements, False) for p in s) for s in segments)
    named = "/".join("".join(fragment(p, requirements, True) for p in s) for s in segments)
    re.compile(key)
    return key, re.compile(named)


def segment_step(segment: Sequence[Part], requirements: Mapping[str, str]) -> Step | None:
    """The step for one segment, or None when it must be part of a tail regex.

    A segment that may span ``/`` or be empty is left to a tail, so every trie edge can
    demand a non-empty segment.

    :raises re.error: on a requirement that is not a regex.
    """
    if not _is_segment_safe(segment, requirements):
        return None
    step = _step(segment, requirements)
    if isinstance(step.key, tuple) and re.fullmatch(step.key[1], "") is not None:
        return None
    return step


def _step(segment: Sequence[Part], requirements: Mapping[str, str]) -> Step:
    if not segment:
        return Step("", None, None)
    first = segment[0]
    if len(segment) == 1 and isinstance(first, str):
        return Step(first, None, None)
    if len(segment) == 1 and isinstance(first, Var) and first.kind == ":":
        requirement = requirements.get(first.name)
        if not requirement:
            return Step(None, None, first.name)
        source = f"(?:{requirement})"
        charset = _charset(requirement)
        if charset is not None:  # a set test is several times cheaper than a regex call
            return Step(("re", source), charset.issuperset, first.name)
        return Step(("re", source), re.compile(source).fullmatch, first.name)
    source = "".join(fragment(part, requirements, named=False) for part in segment)
    named = "".join(fragment(part, requirements, named=True) for part in segment)
    return Step(("re", source), re.compile(source).fullmatch, re.compile(named))


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


def _is_segment_safe(segment: Sequence[Part], requirements: Mapping[str, str]) -> bool:
    for part in segment:
        if isinstance(part, Var):
            if part.kind == "*":
                return False
            requirement = requirements.get(part.name)
            if requirement and _SAFE_REQUIREMENT.fullmatch(requirement) is None:
                return False
    return True
