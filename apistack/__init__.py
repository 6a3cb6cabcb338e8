"""apistack: nova's REST API stack as reusable parts.

- ``apistack.filters``: each pipeline stage as a paste filter;
- ``apistack.router``: a Routes-compatible router compiled when it is built;
- ``apistack.resource``: Request, microversions, Controller, Resource, faults, validation.

``__version__`` is the installed distribution's version; ``setup.cfg`` is its one source.
"""

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__: str = version("apistack")
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"
