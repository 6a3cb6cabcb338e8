"""The session-wide ``keystone`` fixture: one real Keystone for every ``keystone`` test.

The first run installs Keystone into ``.cache/keystone-venv`` (about a minute); later runs reuse
it. An install failure (no network, say) makes the fixture ERROR, never skip, so CI cannot pass
without having run these tests.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.functional.conftest import ServedStack
from tests.keystone.harness import Keystone, run_keystone
from tests.keystone.stack import PASTE_INI, keystone_globals, write_authtoken_conf

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


@pytest.fixture(scope="module")
def compute_stack(
    keystone: Keystone, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServedStack]:
    """``paste-examples/api-paste.ini``'s keystone strategy served by ``apistack serve``
    (gunicorn, one worker) in front of ``keystone``, registered as its catalog's ``compute``
    endpoint (``<url>/v2.1``). Its auth_token reads ``keystone_authtoken.conf`` in a temp dir.
    """
    workdir = tmp_path_factory.mktemp("compute-stack")
    conf = write_authtoken_conf(keystone, workdir / "keystone_authtoken.conf")
    globals_ = keystone_globals(conf, workdir / "state")
    stack = ServedStack(PASTE_INI, "osapi_compute", globals_, 1, workdir / "serve.log")
    stack.start()
    try:
        keystone.register_compute(f"{stack.url}/v2.1")
        yield stack
    finally:
        stack.stop()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print how long the harness took, so the Keystone cost of ``make test`` stays visible."""
    if _TIMINGS:
        terminalreporter.section("keystone harness timings")
        for step, seconds in _TIMINGS.items():
            terminalreporter.write_line(f"{step}: {seconds:.2f} s")
