"""The ``name`` filter of server lists: a client's regular expression, matched in linear time.

nova treats ``?name=`` as a regular expression. Python's ``re`` backtracks, so a pattern such
as ``(a+)+$`` against a name like ``aaaa...!`` takes exponential time and holds a worker until
it is killed. RE2 (the ``google-re2`` package) matches in time linear in the name and has no
backtracking constructs, so no pattern can stall a request. RE2 accepts the syntax clients
use (anchors, classes, alternation, repetition, ``(?i)``); a pattern it rejects (backreferences,
lookarounds, unbalanced parentheses, repetition beyond its limits, a program over its memory
bound) is matched as a literal substring, as the example always did for a pattern ``re`` could
not compile.
"""

from __future__ import annotations

from collections.abc import Callable

try:
    import re2
except ImportError as exc:  # pragma: no cover - the examples extra installs it
    raise ImportError(
        "the example compute API matches ?name= with RE2: pip install 'apistack[examples]' "
        "(google-re2)"
    ) from exc

__all__ = ["NameMatcher", "name_matcher"]

NameMatcher = Callable[[str], bool]

_OPTIONS = re2.Options()
# A client's bad pattern is an ordinary event: keep RE2's C++ logging out of the worker's stderr.
_OPTIONS.log_errors = False
# The compiled program's memory bound (RE2's default is 8 MiB); beyond it compile fails and the
# pattern is matched literally.
_OPTIONS.max_mem = 1 << 22


def name_matcher(pattern: str) -> NameMatcher:
    """:returns: a predicate telling whether a server name matches ``pattern`` (a search,
    not a full match, as nova's ``re.search``), in time linear in the name."""
    try:
        compiled = re2.compile(pattern, options=_OPTIONS)
    except (re2.error, ValueError):  # ValueError: text RE2 cannot take as UTF-8
        return lambda name: pattern in name
    return lambda name: compiled.search(name) is not None
