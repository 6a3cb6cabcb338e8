"""APIVersionRequest and APISettings (spec section 13)."""

from __future__ import annotations

import pytest

from apistack.resource import APISettings, APIVersionRequest
from apistack.resource.versions import InvalidAPIVersionString


@pytest.mark.parametrize("text", ["2.1", "2.0", "10.0", "2.104", "3.71"])
def test_valid_strings_round_trip(text: str) -> None:
    assert APIVersionRequest(text).get_string() == text


@pytest.mark.parametrize(
    "text", ["2", "2.01", "02.1", "2.x", " 2.1", "2.1 ", "latest", "LATEST", "", "2.1.1", "-2.1"]
)
def test_invalid_strings_are_rejected(text: str) -> None:
    with pytest.raises(InvalidAPIVersionString) as err:
        APIVersionRequest(text)
    assert str(err.value) == (
        f"API Version String {text} is of invalid format. Must be of format MajorNum.MinorNum."
    )


def test_null_version() -> None:
    null = APIVersionRequest()
    assert null.is_null()
    assert not null
    assert (null.major, null.minor) == (0, 0)
    with pytest.raises(ValueError):
        null.get_string()


def test_ordering_is_numeric_not_lexical() -> None:
    versions = [APIVersionRequest(v) for v in ["2.10", "2.9", "10.0", "2.1", "3.0"]]
    assert [v.get_string() for v in sorted(versions)] == ["2.1", "2.9", "2.10", "3.0", "10.0"]
    assert APIVersionRequest("2.5") == APIVersionRequest("2.5")
    assert APIVersionRequest("2.5") != APIVersionRequest("2.50")
    assert len({APIVersionRequest("2.5"), APIVersionRequest("2.5")}) == 1


def test_comparing_with_another_type_raises() -> None:
    with pytest.raises(TypeError, match="should be an instance of 'APIVersionRequest'"):
        _ = APIVersionRequest("2.1") < "2.2"  # type: ignore[operator]


@pytest.mark.parametrize(
    ("version", "low", "high", "expected"),
    [
        ("2.5", "2.1", "2.10", True),
        ("2.1", "2.1", "2.10", True),
        ("2.10", "2.1", "2.10", True),
        ("2.11", "2.1", "2.10", False),
        ("2.0", "2.1", "2.10", False),
        ("2.50", None, "2.60", True),
        ("2.61", None, "2.60", False),
        ("9.9", "2.1", None, True),
        ("2.0", "2.1", None, False),
        ("2.5", None, None, True),
    ],
)
def test_matches_with_null_bounds_unbounded(
    version: str, low: str | None, high: str | None, expected: bool
) -> None:
    result = APIVersionRequest(version).matches(APIVersionRequest(low), APIVersionRequest(high))
    assert result is expected


def test_null_matches_only_an_unbounded_range() -> None:
    assert APIVersionRequest().matches(APIVersionRequest(), APIVersionRequest())
    with pytest.raises(ValueError):
        APIVersionRequest().matches(APIVersionRequest("2.1"), APIVersionRequest())


def test_settings_default_max_is_min_and_reject_inverted_range() -> None:
    settings = APISettings(min_version="2.1")
    assert settings.max_version == APIVersionRequest("2.1")
    assert settings.versioned
    assert not APISettings().versioned
    with pytest.raises(ValueError, match="below min_version"):
        APISettings(min_version="2.5", max_version="2.1")
    with pytest.raises(ValueError, match="response_validation"):
        APISettings(response_validation="loud")  # type: ignore[arg-type]
