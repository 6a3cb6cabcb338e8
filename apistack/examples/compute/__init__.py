"""An example compute service on apistack's Controller base (what ``paste-examples/`` deploys).

Flavors (a fixed catalogue), servers (kept in SQLite, see ``store``) with ``reboot``,
``os-stop`` and ``os-start``, and the version document. Microversions 2.1 to 2.19 by default
(``compute_settings(max_version=...)``, at most 2.25): ``locked`` in server views and the
``locked`` list filter from 2.9; ``description`` in views, create and update from 2.19.
"""

from apistack.examples.compute.flavors import FlavorExtraSpecsController, FlavorsController
from apistack.examples.compute.records import ServerRecord, ServerStore
from apistack.examples.compute.routes import ROUTES, compute_settings, make_routes
from apistack.examples.compute.servers import ServersController
from apistack.examples.compute.store import SQLiteServerStore
from apistack.examples.compute.versions import VersionsController

__all__ = [
    "ROUTES",
    "FlavorExtraSpecsController",
    "FlavorsController",
    "SQLiteServerStore",
    "ServerRecord",
    "ServerStore",
    "ServersController",
    "VersionsController",
    "compute_settings",
    "make_routes",
]
