"""``python -m apistack.cmd``: the ``apistack`` command."""

import sys

from apistack.cmd.main import main

sys.exit(main())
