"""An OpenAPI 3.1 document of a built API, from ``apistack.introspect``'s description of it.

Every route becomes a path operation: its path parameters, its query parameters (from
``@query_schema``), its request body (``@schema``; for ``POST .../action`` the ``oneOf`` of the
actions' bodies, each marked with its action name), its success codes (``@response``) and its
faults (``@expected_errors`` plus what the stack itself answers) in nova's fault shape, and
the ``OpenStack-API-Version`` header. Token authentication is the ``X-Auth-Token`` security
scheme; version discovery (``GET /`` and ``/versions/{id}``) needs none in nova, but behind an
auth filter it does, so it is documented as the stack serves it.

Two kinds of document:

* for one microversion (``microversion="2.19"``): only what that version serves, with that
  version's schemas, and the version header required with that value;
* for the whole range (the default): every operation, its range in ``x-openstack``
  (``min-ver``/``max-ver``, in the spirit of openstack-codegenerator), versioned bodies as an
  ``anyOf`` whose members carry their own ``x-openstack`` range.

The ``/{project_id}`` twins are documented once, as a second server URL with a variable.
A router found both as itself and behind ``legacy_v2`` (nova's ``/v2``) with the same routes
is documented once, its legacy mount listed as one more server.
"""

from apistack.openapi.document import OPENAPI_VERSION, OpenAPIError, openapi_document

__all__ = ["OPENAPI_VERSION", "OpenAPIError", "openapi_document"]
