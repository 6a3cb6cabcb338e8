"""The session-wide ``keystone`` fixture: one real Keystone for every ``keystone`` test.

The first run installs Keystone into ``.cache/keystone-venv`` (about a minute); later runs reuse
it. An install failure (no network, say) makes the fixture ERROR, never skip, so CI cannot pass
without having run these tests.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.keystone.harness import Keystone, run_keystone

_TIMINGS: dict[str, float] = {}


@pytest.fixture(scope="session")
def keystone() -> Iterator[Keystone]:
    """A provisioned Keystone on 127.0.0.1, stopped at the end of the session.

    It has users ``admin``, ``demo`` (member of ``demo``), ``demo2`` (member of ``demo2``) and
    ``authtoken`` (service role on ``service``); see :class:`tests.keystone.harness.Keystone`.
    """
    with run_keystone() as server:
        try:
            yield server
        finally:
            _TIMINGS.update(server.timings)


@pytest.fixture
def running_keystone(keystone: Keystone) -> Iterator[Keystone]:
    """``keystone``, restarted after the test if the test stopped or froze it."""
    yield keystone
    keystone.thaw()
    if not keystone.running:
        keystone.start()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print how long the harness took, so the Keystone cost of ``make test`` stays visible."""
    if _TIMINGS:
        terminalreporter.section("keystone harness timings")
        for step, seconds in _TIMINGS.items():
            terminalreporter.write_line(f"{step}: {seconds:.2f} s")
