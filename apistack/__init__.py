"""apistack: nova's REST API stack as reusable parts.

- ``apistack.filters``: each pipeline stage as a paste filter;
- ``apistack.router``: a Routes-compatible router compiled when it is built;
- ``apistack.resource``: Request, microversions, Controller, Resource, faults, validation.
"""

__all__: list[str] = []
