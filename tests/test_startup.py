"""What a fresh process imports to build the example stack: keystone only when configured.

Timings live in ``benchmarks/stack_bench.py``; this checks the behaviour behind them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

INI = Path(__file__).resolve().parents[1] / "paste-examples" / "api-paste.ini"
# apistack serve's loader: paste globals override the ini's [DEFAULT].
PROBE = """
import sys
from apistack.deploy import load_app
load_app({ini!r}, "osapi_compute", {conf!r})
print(sorted({{"keystoneauth1", "keystonemiddleware"}} & set(sys.modules)))
"""


def _keystone_modules(tmp_path: Path, **conf: str) -> str:
    code = PROBE.format(ini=str(INI), conf=conf)
    env = {**os.environ, "APISTACK_STATE_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_the_noauth2_stack_imports_no_keystone_package(tmp_path: Path) -> None:
    assert _keystone_modules(tmp_path) == "[]"


def test_the_keystone_stack_imports_both(tmp_path: Path) -> None:
    conf_file = tmp_path / "authtoken.conf"
    conf_file.write_text("[keystone_authtoken]\nwww_authenticate_uri = http://127.0.0.1:5000\n")
    found = _keystone_modules(
        tmp_path, auth_strategy="keystone", authtoken_config_file=str(conf_file)
    )
    assert found == "['keystoneauth1', 'keystonemiddleware']"
