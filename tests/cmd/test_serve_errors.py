"""``apistack serve``: every user error is one line on stderr and exit status 2.

Each of these fails before gunicorn starts, so no server is left behind.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from apistack.cmd.main import main

REPO = Path(__file__).resolve().parents[2]
API_PASTE = str(REPO / "paste-examples" / "api-paste.ini")


def _error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """:returns: the error line, checked to be the only one (log lines may come before it)."""
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse's own errors
        code = exc.code  # type: ignore[assignment]
    err = capsys.readouterr().err
    assert code == 2, err
    errors = [line for line in err.splitlines() if line.startswith("apistack: error: ")]
    assert len(errors) == 1 and err.endswith(errors[0] + "\n") and "Traceback" not in err, err
    return errors[0].removeprefix("apistack: error: ")


def test_port_out_of_range(capsys: pytest.CaptureFixture[str]) -> None:
    err = _error(capsys, "serve", API_PASTE, "--port", "99999")
    assert err == "--port: port 99999 is out of range (1-65535)"


def test_port_in_use_after_a_short_retry(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        err = _error(capsys, "serve", API_PASTE, "--port", str(port))
    assert err == f"cannot listen on 127.0.0.1:{port}: address already in use (retried for 2 s)"


def test_a_misspelt_global(capsys: pytest.CaptureFixture[str]) -> None:
    err = _error(capsys, "serve", API_PASTE, "--global", "auth_stratgy=keystone")
    assert err.startswith(f"no section of {API_PASTE} reads the global 'auth_stratgy' (globals")


def test_a_missing_file_named_by_a_global(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--global", "auth_strategy=keystone", "--global", "authtoken_config_file=/nope.conf"]
    err = _error(capsys, "serve", API_PASTE, *argv)
    assert err == (
        f"cannot load app 'osapi_compute' from {API_PASTE}: the file named by the global "
        "'authtoken_config_file' does not exist: /nope.conf"
    )


def test_an_auth_strategy_naming_no_pipeline(capsys: pytest.CaptureFixture[str]) -> None:
    err = _error(capsys, "serve", API_PASTE, "--global", "auth_strategy=keystone2")
    assert (
        "the pipeline for auth_strategy 'keystone2' is missing (pipelines: keystone, noauth2)"
        in err
    )


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--certfile", "/nope.pem"], "--certfile: file not found: /nope.pem"),
        (["--keyfile", API_PASTE],
         "serving HTTPS needs --certfile (and --keyfile unless the key is in it)"),
        (["--gunicorn", "bakclog=64"], "--gunicorn bakclog: gunicorn has no such setting"),
        (["--gunicorn", "backlog"], "--gunicorn expects KEY=VALUE, not 'backlog'"),
        (["--gunicorn", "backlog=many"],
         "gunicorn setting backlog='many': invalid literal for int() with base 0: 'many'"),
        (["--worker-class", "nope"], "unknown gunicorn worker class: nope"),
        (["--workers", "0"], "--workers and --threads must be at least 1"),
        (["--log-batch-interval", "-1"], "--log-batch-interval must be from 0 to 60 seconds"),
        (["--api", "osapi_compute"],
         "--api expects NAME=[HOST:]PORT[/WORKERS], not 'osapi_compute'"),
        (["--api", "osapi_compute=0"], "--api osapi_compute=0: port 0 is out of range (1-65535)"),
        (["--api", "osapi_compute=8774/0"],
         "--api osapi_compute=8774/0: the worker count must be at least 1"),
        (["--api", "nope=8774", "--api", "nada=8775"],
         f"No APIs were started: none of the --api names is in {API_PASTE}"),
        (["--port", "http"], "argument --port: invalid int value: 'http'"),
    ],
)  # fmt: skip
def test_serve_option_errors(
    capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    assert _error(capsys, "serve", API_PASTE, *argv) == expected


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.startswith("apistack 0.")
