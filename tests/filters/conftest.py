"""Fixtures shared by the filter tests."""

from __future__ import annotations

import pytest

from tests.filters.apps import Recorder


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()
