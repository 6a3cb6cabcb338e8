"""Running several APIs at once: one gunicorn master per API, each in its own process.

As nova-api's ``ProcessLauncher`` does for ``enabled_apis``: each API keeps its own address,
port and worker count because each has its own master. This process waits for them; SIGTERM
or SIGINT is passed on to every master, and when one master exits the others are stopped too,
so the service is either wholly up or wholly down.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import os
import signal
from collections.abc import Callable, Sequence
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from apistack.cmd.serve_options import APIBinding

__all__ = ["die_with_parent", "run_each"]

LOG = logging.getLogger("apistack.serve")
_PR_SET_PDEATHSIG = 1


def die_with_parent(ppid: int) -> None:
    """Have the kernel kill this process when its parent ``ppid`` dies (Linux only).

    An orphaned gunicorn worker keeps serving, and holding the port, after its master was
    killed; gunicorn's own check of the parent runs only between requests.
    """
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:  # not Linux: gunicorn's own parent check is all there is
        return
    ctypes.CDLL(libc_name, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != ppid:  # the parent died before the request was made
        os._exit(1)


def _start(api: APIBinding, serve_one: Callable[[APIBinding], None]) -> int:
    ppid = os.getpid()
    pid = os.fork()
    if pid:
        LOG.info("serving %s on %s:%d with %d worker(s) (pid %d)",
                 api.name, api.host, api.port, api.workers, pid)  # fmt: skip
        return pid
    status = 1
    try:
        die_with_parent(ppid)
        serve_one(api)
        status = 0
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        LOG.exception("serving %s failed", api.name)
    finally:
        os._exit(status)


def run_each(apis: Sequence[APIBinding], serve_one: Callable[[APIBinding], None]) -> int:
    """Serve every API in its own child process until one exits or a signal stops them.

    :param serve_one: runs one API's gunicorn master in the calling (child) process.
    :returns: the exit status of the first master that ended (0 after a clean stop).
    """
    children = {_start(api, serve_one): api for api in apis}

    def stop(signum: int, _frame: FrameType | None) -> None:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, stop)
    first: int | None = None
    while children:
        try:
            pid, wait_status = os.wait()
        except ChildProcessError:
            break
        api = children.pop(pid, None)
        if api is None:
            continue
        code = os.waitstatus_to_exitcode(wait_status)
        if first is None:
            first = code if code >= 0 else 128 - code
            LOG.info("%s stopped (status %d); stopping the other APIs", api.name, code)
            stop(signal.SIGTERM, None)
    return first or 0
