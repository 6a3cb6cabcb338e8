"""apistack: nova's REST API stack as reusable parts.

- ``apistack.filters``: each pipeline stage as a paste filter;
- ``apistack.router``: a Routes-compatible router compiled when it is built;
- ``apistack.resource``: Request, microversions, Controller, Resource, faults, validation.

``__version__`` is the installed distribution's version; ``setup.cfg`` is its one source. It
is read from the metadata when first asked for, so importing apistack scans nothing.
"""

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    if name != "__version__":
        raise AttributeError(f"module 'apistack' has no attribute {name!r}")
    try:
        return version("apistack")
    except PackageNotFoundError:  # imported from a source tree that was never installed
        return "0+unknown"
