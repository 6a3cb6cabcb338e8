"""wrk, the served benchmarks' load generator: found, or installed from Debian's packages only
with the user's consent; run with one thread and keep-alive, its report parsed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

TOKEN_HEADER = "X-Auth-Token: demo:demo"


@dataclass
class WrkResult:
    """What one wrk run reported."""

    requests_per_second: float
    requests: int
    non_2xx_3xx: int
    socket_errors: dict[str, int]
    note: str = ""


INSTALL_WRK = ["apt-get", "update"], ["apt-get", "install", "-y", "wrk"]
INSTALL_WRK_TEXT = " && ".join(" ".join(argv) for argv in INSTALL_WRK)


def ensure_wrk() -> str | None:
    """Find wrk; when it is missing, install it only with the user's consent.

    Consent is ``APISTACK_INSTALL_WRK=yes`` (``make bench INSTALL_WRK=yes``) or a "y" typed at
    the prompt of an interactive run. A non-interactive run without it prints the command and
    installs nothing.

    :returns: the wrk executable, or None when it is missing and was not installed.
    """
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk (Debian package, the served figures' load generator) is missing.", flush=True)
    consent = os.environ.get("APISTACK_INSTALL_WRK", "").lower() in ("1", "yes", "true")
    if not consent and sys.stdin.isatty():
        answer = input(f"Run `{INSTALL_WRK_TEXT}` now (as root)? [y/N] ")
        consent = answer.strip().lower() in ("y", "yes")
    if not consent:
        print(
            f"Not installing it. To get the wrk figures, run `{INSTALL_WRK_TEXT}` as root, "
            "or `make bench INSTALL_WRK=yes`.",
            flush=True,
        )
        return None
    print(f"Running: {INSTALL_WRK_TEXT}", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for argv in INSTALL_WRK:
        subprocess.run(argv, check=True, env=env, stdout=subprocess.DEVNULL)
    return shutil.which("wrk")


def run_wrk(
    wrk: str, url: str, connections: int, seconds: int, during: Callable[[], str] | None = None
) -> WrkResult:
    """Run ``wrk -t1`` (one thread: the box has two cores) with keep-alive; parse its report.

    :param during: called half-way through the run; what it returns is the result's ``note``.
    """
    argv = [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "-H", TOKEN_HEADER, url]
    with subprocess.Popen(argv, stdout=subprocess.PIPE, text=True) as process:
        note = ""
        if during is not None:
            time.sleep(seconds / 2)
            note = during()
        out, _ = process.communicate()
    if process.returncode:
        raise RuntimeError(f"wrk failed ({process.returncode}):\n{out}")
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    if rps is None or total is None:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    kinds = ("connect", "read", "write", "timeout")
    return WrkResult(
        float(rps.group(1)),
        int(total.group(1)),
        int(non_2xx.group(1)) if non_2xx else 0,
        dict(zip(kinds, (int(n) for n in errors.groups()), strict=True))
        if errors
        else dict.fromkeys(kinds, 0),
        note,
    )
