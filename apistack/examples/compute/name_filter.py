"""The ``name`` filter of server lists: a client's regular expression, matched in linear time.

nova treats ``?name=`` as a regular expression. Python's ``re`` backtracks, so a pattern such
as ``(a+)+$`` against a name like ``aaaa...!`` takes exponential time and holds a worker until
it is killed. RE2 (the ``google-re2`` package) matches in time linear in the name and has no
backtracking constructs, so no pattern can stall a request. RE2 accepts the syntax clients
use (anchors, classes, alternation, repetition, ``(?i)``); a pattern it rejects (backreferences,
lookarounds, unbalanced parentheses, repetition beyond its limits, a program over its memory
bound) is matched as a literal substring, as the example always did for a pattern ``re`` could
not compile.

``google-re2`` comes with the ``examples`` (and ``test``) extra. Without it every pattern is
matched as a literal substring, still in linear time, and a warning says so once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

try:
    import re2
except ImportError:  # pragma: no cover - the examples and test extras install it
    re2 = None

__all__ = ["NameMatcher", "name_matcher"]

LOG = logging.getLogger(__name__)

NameMatcher = Callable[[str], bool]

_OPTIONS: Any = None
if re2 is not None:
    _OPTIONS = re2.Options()
    # A client's bad pattern is an ordinary event: keep RE2's C++ logging out of stderr.
    _OPTIONS.log_errors = False
    # The compiled program's memory bound (RE2's default is 8 MiB); beyond it compile fails
    # and the pattern is matched literally.
    _OPTIONS.max_mem = 1 << 22
_warned: list[bool] = []


def _literal(pattern: str) -> NameMatcher:
    return lambda name: pattern in name


def name_matcher(pattern: str) -> NameMatcher:
    """:returns: a predicate telling whether a server name matches ``pattern`` (a search,
    not a full match, as nova's ``re.search``), in time linear in the name."""
    if re2 is None:
        if not _warned:
            _warned.append(True)
            LOG.warning("google-re2 is not installed: ?name= filters match literal substrings")
        return _literal(pattern)
    try:
        compiled = re2.compile(pattern, options=_OPTIONS)
    except (re2.error, ValueError):  # ValueError: text RE2 cannot take as UTF-8
        return _literal(pattern)
    return lambda name: compiled.search(name) is not None
