"""``apistack openapi``: the OpenAPI 3.1 document of the API inside a paste app, as JSON.

The document is built by ``apistack.openapi`` from the loaded app's router; nothing is
served. ``--microversion`` describes one microversion only.
"""

from __future__ import annotations

import argparse
import json

from apistack.deploy import LoadError, load_app
from apistack.openapi import OpenAPIError, openapi_document

__all__ = ["add_arguments", "run"]

HELP = "print the OpenAPI 3.1 document of the app's API as JSON"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--microversion X``: describe only what that microversion serves."""
    parser.add_argument(
        "--microversion",
        default=None,
        metavar="X.Y",
        help="describe only what this microversion serves (default: the whole range)",
    )


def run(args: argparse.Namespace, global_conf: dict[str, str]) -> None:
    """The command: print the document.

    :raises LoadError: when the app does not load, holds no router, or does not serve the
        microversion.
    """
    app = load_app(args.ini, args.name, global_conf)
    try:
        document = openapi_document(app, args.microversion)
    except OpenAPIError as exc:
        raise LoadError(f"app {args.name!r} of {args.ini}: {exc}") from None
    print(json.dumps(document, indent=2, sort_keys=False))
