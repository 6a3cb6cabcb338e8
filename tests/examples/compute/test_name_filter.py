"""``name_matcher``: RE2 search semantics, literal fallback for what RE2 refuses or lacks."""

from __future__ import annotations

import logging

import pytest

from apistack.examples.compute import name_filter
from apistack.examples.compute.name_filter import name_matcher


@pytest.mark.parametrize(
    ("pattern", "name", "matches"),
    [
        ("^web", "web-1", True),
        ("web$", "web-1", False),
        ("(?i)WEB", "web-1", True),
        ("(a+)+$", "a" * 40 + "!", False),  # linear in RE2; exponential in re
        ("(a+)+$", "a" * 40, True),
        ("(", "x(y", True),  # refused by RE2: a literal substring
        ("(?P<x>a)(?P=x)", "aa", False),  # a backreference: literal, not found
    ],
)
def test_re2_search_or_literal(pattern: str, name: str, matches: bool) -> None:
    assert name_matcher(pattern)(name) is matches


def test_without_re2_every_pattern_is_literal_and_said_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(name_filter, "re2", None)
    monkeypatch.setattr(name_filter, "_warned", [])
    with caplog.at_level(logging.WARNING, logger=name_filter.__name__):
        assert name_matcher("^web")("x^webx")
        assert not name_matcher("^web")("web-1")
    assert len([r for r in caplog.records if "google-re2" in r.getMessage()]) == 1
