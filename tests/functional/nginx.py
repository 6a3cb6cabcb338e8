"""nginx, Debian's package, run by a test on 127.0.0.1 with its own prefix and config.

``ensure_nginx()`` installs ``nginx-light`` with apt when no nginx is on the machine (the
system service is never started or touched). ``Nginx`` terminates TLS on a free port and
proxies to one upstream, passing ``X-Forwarded-Proto`` and ``Host`` as a deployment would; it
buffers whole request heads and bodies before the upstream sees a byte.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

from tests.functional.conftest import free_port

NGINX_CONF = """
daemon off;
master_process on;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    client_header_timeout 10s;
    client_body_timeout 10s;
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        location / {{
            proxy_pass http://127.0.0.1:{upstream};
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_request_buffering on;
        }}
    }}
}}
"""


def ensure_nginx() -> str:
    """:returns: the nginx binary, installing Debian's ``nginx-light`` when there is none.

    :raises RuntimeError: when it cannot be installed.
    """
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    if found:
        return found
    apt = shutil.which("apt-get")
    if apt is None:
        raise RuntimeError("nginx is not installed and there is no apt-get to install it")
    subprocess.run([apt, "update", "-qq"], check=True, capture_output=True, timeout=600)
    env = {"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
    done = subprocess.run([apt, "install", "-y", "-qq", "nginx-light"], capture_output=True,
                          timeout=600, env=env, check=False)  # fmt: skip
    found = shutil.which("nginx", path="/usr/sbin:/usr/bin")
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"cannot install nginx-light: {done.stderr.decode()[-500:]}")
    return found


class Nginx:
    """One nginx master (and worker) with its own prefix directory.

    :param binary: the nginx executable.
    :param prefix: a directory for its config, pid, logs and temp files.
    :param upstream: the 127.0.0.1 port it proxies to.
    :param cert: the server certificate (PEM); ``key`` its key.
    """

    def __init__(self, binary: str, prefix: Path, upstream: int, cert: Path, key: Path) -> None:
        self.binary, self.prefix = binary, prefix
        self.port = free_port()
        self.url = f"https://127.0.0.1:{self.port}"
        self.conf = prefix / "nginx.conf"
        self.conf.write_text(NGINX_CONF.format(prefix=prefix, port=self.port, upstream=upstream,
                                               cert=cert, key=key))  # fmt: skip
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start nginx in the foreground of a child process; wait until it listens."""
        self.process = subprocess.Popen(
            [self.binary, "-p", str(self.prefix), "-c", str(self.conf), "-e", "stderr"],
            stdout=subprocess.DEVNULL, stderr=(self.prefix / "stderr.log").open("ab"),
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"nginx did not start: {(self.prefix / 'stderr.log').read_text()}")

    def stop(self) -> None:
        """Stop nginx (SIGQUIT: the master closes its workers) and wait for it."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(3)  # SIGQUIT, nginx's graceful stop
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
