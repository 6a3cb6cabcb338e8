"""Shared fixtures for the validation tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The sample controllers live beside the tests.
sys.path.insert(0, str(Path(__file__).parent))

from validation_sample import make_resource

from apistack.resource import Resource


@pytest.fixture
def app() -> Resource:
    """The sample resource in the default ``warn`` response-validation mode."""
    return make_resource()
