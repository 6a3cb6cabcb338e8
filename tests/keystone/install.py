"""Install Keystone from PyPI into a cached virtualenv and prepare a database template.

The virtualenv is a :mod:`tests.venv_cache` venv, ``keystone-venv`` under the cache root
(``.cache/`` by default), rebuilt when its pip spec or interpreter changes. After installing,
``keystone-manage`` runs once to make a
*template*: fernet and credential keys, a migrated SQLite database and the bootstrap admin.
Each run copies that template into a fresh working directory, which saves the four
``keystone-manage`` runs (about 2 s of imports each) on every test session.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import sys
from pathlib import Path

from tests.venv_cache import InstallError, cache_root, ensure_venv, run_logged

#: What the harness installs. Changing it rebuilds the cached venv on the next run.
PIP_SPEC = ("keystone==30.0.0", "gunicorn==27.0.1")
#: Keystone 30 needs Python >= 3.11, which may be newer than the project's own interpreter.
MIN_PYTHON = (3, 11)
DEFAULT_VENV = cache_root() / "keystone-venv"
ADMIN_PASSWORD = "admin-secret"
#: bootstrap needs an endpoint URL; the real port is patched in over REST once Keystone runs.
PLACEHOLDER_URL = "http://127.0.0.1:5000/v3"

_CONF = """\
[DEFAULT]
debug = false
use_stderr = true

[database]
connection = sqlite:///{wd}/keystone.db

[token]
provider = fernet
expiration = 3600

[fernet_tokens]
key_repository = {wd}/fernet-keys
max_active_keys = 3

[fernet_receipts]
key_repository = {wd}/fernet-keys

[credential]
key_repository = {wd}/credential-keys

[identity]
# bcrypt's minimum cost, test passwords only: password auth costs ms, not ~250 ms.
password_hash_rounds = 4

[resource]
# Without these Keystone omits is_admin_project and auth_token reports
# X-Is-Admin-Project: True for every token.
admin_project_name = admin
admin_project_domain_name = Default

[cache]
# Without the cache each token validation runs ~450 SQL queries (about 1 s). The memory
# backend is per process, so the server runs ONE worker (revocations stay visible).
enabled = true
backend = dogpile.cache.memory
"""


def write_conf(workdir: Path) -> Path:
    """Write ``keystone.conf`` for SQLite + fernet rooted in ``workdir``. :returns: its path"""
    conf = workdir / "keystone.conf"
    conf.write_text(_CONF.format(wd=workdir))
    return conf


def find_python() -> str:
    """:returns: an interpreter new enough for Keystone (``KS_PYTHON`` wins when set)
    :raises InstallError: when none is found"""
    if os.environ.get("KS_PYTHON"):
        return os.environ["KS_PYTHON"]
    if sys.version_info >= MIN_PYTHON:
        return sys.executable
    for minor in range(14, MIN_PYTHON[1] - 1, -1):
        found = shutil.which(f"python3.{minor}")
        if found:
            return found
    raise InstallError("Keystone needs Python >= 3.11; set KS_PYTHON to such an interpreter")


def build_template(venv: Path, template: Path, log: Path) -> None:
    """Run the one-off ``keystone-manage`` steps into ``template``.

    :raises InstallError: when a step fails (its output tail is in the message)
    """
    template.mkdir(parents=True)
    manage = [str(venv / "bin" / "keystone-manage"), "--config-file", str(write_conf(template))]
    # Keystone insists on owner flags for key repositories when run as root.
    owner = [
        "--keystone-user",
        pwd.getpwuid(os.getuid()).pw_name,
        "--keystone-group",
        grp.getgrgid(os.getgid()).gr_name,
    ]
    run_logged([*manage, "fernet_setup", *owner], log)
    run_logged([*manage, "credential_setup", *owner], log)
    run_logged([*manage, "db_sync"], log)
    bootstrap = ["bootstrap", "--bootstrap-password", ADMIN_PASSWORD]
    bootstrap += ["--bootstrap-username", "admin", "--bootstrap-project-name", "admin"]
    bootstrap += ["--bootstrap-role-name", "admin", "--bootstrap-service-name", "keystone"]
    bootstrap += ["--bootstrap-region-id", "RegionOne"]
    for interface in ("admin", "public", "internal"):
        bootstrap += [f"--bootstrap-{interface}-url", PLACEHOLDER_URL]
    run_logged([*manage, *bootstrap], log)
    (template / "keystone.conf").unlink()


def ensure_installed(venv: Path = DEFAULT_VENV) -> tuple[Path, dict[str, float]]:
    """Make sure ``venv`` holds :data:`PIP_SPEC` and a template; rebuild when the stamp differs.

    :param venv: where the virtualenv lives (``KS_VENV`` in the environment overrides the
        default)
    :returns: the venv's path and the seconds spent per step (none when all was cached)
    :raises InstallError: when pip or keystone-manage fails; never skips silently
    """
    venv = Path(os.environ.get("KS_VENV", venv))

    def template(venv: Path, log: Path) -> None:
        build_template(venv, venv / "template", log)

    return ensure_venv(venv, PIP_SPEC, python=find_python(), after_install=template)
