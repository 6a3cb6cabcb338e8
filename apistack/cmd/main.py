"""The ``apistack`` command: ``serve``, ``routes`` and ``pipeline`` for a paste ini."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from apistack.cmd.loading import CommandError, load_app, parse_globals
from apistack.cmd.pipeline import pipeline_lines
from apistack.cmd.routes import route_rows
from apistack.cmd.serve import serve

__all__ = ["build_parser", "main"]

DEFAULT_NAME = "osapi_compute"


def build_parser() -> argparse.ArgumentParser:
    """:returns: the argument parser of ``apistack``."""
    parser = argparse.ArgumentParser(prog="apistack", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=text, description=text)
        sub.add_argument("ini", help="the paste deploy ini file")
        sub.add_argument("--name", default=DEFAULT_NAME, help="the app section name")
        sub.add_argument(
            "--global",
            dest="globals",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="a paste global (repeatable)",
        )
        return sub

    run = command("serve", "serve the app with gunicorn")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8774)
    run.add_argument("--workers", type=int, default=1)
    run.add_argument(
        "--worker-class",
        default="sync",
        help="gunicorn's worker class: sync (no keep-alive) or gthread (keep-alive, --threads)",
    )
    run.add_argument("--threads", type=int, default=1, help="threads per gthread worker")
    run.add_argument(
        "--log-level",
        default="INFO",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="the level of the log written to stderr (INFO shows one line per request)",
    )
    command("routes", "print the route table: method, path, controller, action, versions")
    command("pipeline", "print the assembled pipeline, outermost first")
    return parser


def configure_logging(level: str) -> None:
    """Send the service's logs (request lines, faults) to stderr, as gunicorn's own are.

    Done before the app is loaded, so the forked workers inherit it.
    """
    logging.basicConfig(
        level=getattr(logging, level),
        format="%(asctime)s %(process)d %(levelname)s %(name)s %(message)s",
        stream=sys.stderr,
    )


def _routes(ini: str, name: str, globals_: dict[str, str]) -> None:
    rows = route_rows(load_app(ini, name, globals_))
    if not rows:
        raise CommandError(f"no router found in app {name!r} of {ini}")
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print(
            "  ".join(
                [*(cell.ljust(w) for cell, w in zip(row[:4], widths, strict=True)), row[4]]
            ).rstrip()
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``apistack``; :returns: the exit status (2 for a user error)."""
    args = build_parser().parse_args(argv)
    try:
        globals_ = parse_globals(args.globals)
        if args.command == "serve":
            if args.workers < 1 or args.threads < 1:
                raise CommandError("--workers and --threads must be at least 1")
            configure_logging(args.log_level)
            serve(
                args.ini,
                args.name,
                args.host,
                args.port,
                args.workers,
                globals_,
                worker_class=args.worker_class,
                threads=args.threads,
            )
        elif args.command == "routes":
            _routes(args.ini, args.name, globals_)
        else:
            print("\n".join(pipeline_lines(args.ini, args.name, globals_)))
    except CommandError as exc:
        print(f"apistack: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
