"""The ``apistack`` command: ``serve``, ``routes``, ``pipeline`` and ``openapi`` for a paste ini.

Each subcommand is a module listed in ``COMMANDS`` with ``HELP``, ``add_arguments(parser)``
and ``run(args, global_conf)``; every one takes the ini, ``--name`` and ``--global``. A user
error (``apistack.deploy.LoadError``, or a bad argument) is one line on stderr and exit
status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import NoReturn

from apistack.deploy import LoadError, parse_globals

__all__ = ["COMMANDS", "build_parser", "main"]

DEFAULT_NAME = "osapi_compute"

#: ``(name, module)``: the subcommands. A module is imported only when its command runs, so
#: ``serve``'s server is never needed by the others.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("serve", "apistack.cmd.serve"),
    ("routes", "apistack.cmd.routes"),
    ("pipeline", "apistack.cmd.pipeline"),
    ("openapi", "apistack.cmd.openapi"),
)


class _Parser(argparse.ArgumentParser):
    """argparse, with a bad argument reported in one line (no usage block), status 2."""

    def error(self, message: str) -> NoReturn:
        """Print ``apistack: error: ...`` and exit 2."""
        self.exit(2, f"apistack: error: {message}\n")


def _version() -> str:
    try:
        return version("apistack")
    except PackageNotFoundError:  # run from a checkout that is not installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    """:returns: the argument parser of ``apistack``."""
    parser = _Parser(prog="apistack", description=__doc__.split("\n", 1)[0])
    parser.add_argument("--version", action="version", version=f"apistack {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, module_name in COMMANDS:
        module = importlib.import_module(module_name)
        sub = commands.add_parser(name, help=module.HELP, description=module.HELP)
        sub.add_argument("ini", help="the paste deploy ini file")
        sub.add_argument("--name", default=DEFAULT_NAME, help="the app section name")
        sub.add_argument("--global", dest="globals", action="append", default=[],
                         metavar="KEY=VALUE", help="a paste global (repeatable)")  # fmt: skip
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``apistack``; :returns: the exit status (2 for a user error)."""
    args = build_parser().parse_args(argv)
    try:
        args.run(args, parse_globals(args.globals))
    except LoadError as exc:
        print(f"apistack: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
