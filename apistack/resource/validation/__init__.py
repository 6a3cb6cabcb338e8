"""JSON-Schema validation for controller methods, with validators built once per schema.

Decorate a controller method with ``@schema`` (request body), ``@query_schema`` (query string)
and ``@response_body_schema`` (result); reuse fragments from ``parameter_types``; list what a
router validates with ``list_route_schemas``. Behaviour follows nova's ``nova.api.validation``
except that validators are built when the decorator is applied (not per request), a broken
response in ``error`` mode is a 500 (nova: 400), and stripped query parameters do not change
the logged URI.
"""

from apistack.resource.validation import parameter_types
from apistack.resource.validation.decorators import (
    ResponseValidationError,
    query_schema,
    response_body_schema,
    schema,
)
from apistack.resource.validation.formats import FORMAT_CHECKER, InvalidName
from apistack.resource.validation.introspection import (
    MethodSchemas,
    SchemaRange,
    list_route_schemas,
)
from apistack.resource.validation.schemas import (
    SchemaDefinitionError,
    VersionedSchema,
    check_meta_schema,
)
from apistack.resource.validation.validators import SchemaValidator, validator_for

__all__ = [
    "FORMAT_CHECKER",
    "InvalidName",
    "MethodSchemas",
    "ResponseValidationError",
    "SchemaDefinitionError",
    "SchemaRange",
    "SchemaValidator",
    "VersionedSchema",
    "check_meta_schema",
    "list_route_schemas",
    "parameter_types",
    "query_schema",
    "response_body_schema",
    "schema",
    "validator_for",
]
