"""``python -m apistack.cmd``: the ``apistack`` command."""

import sys

from apistack.cmd.main import main

if __name__ == "__main__":  # importing the module (the docs' autodoc does) runs nothing
    sys.exit(main())
