"""wrk, the served benchmarks' load generator: installed from Debian's packages when missing,
run with one thread and keep-alive, its report parsed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
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


def ensure_wrk() -> str:
    """:returns: the wrk executable, installed from Debian's packages when missing."""
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: apt-get update && apt-get install -y wrk", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for argv in (["apt-get", "update"], ["apt-get", "install", "-y", "wrk"]):
        subprocess.run(argv, check=True, env=env, stdout=subprocess.DEVNULL)
    return shutil.which("wrk") or "wrk"


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
