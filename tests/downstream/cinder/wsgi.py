"""cinder.api.openstack.wsgi on apistack: cinder's names for apistack's resource layer."""

import functools

import routes
from cinder import exception, i18n
from cinder.api.openstack import api_version_request as api_version

from apistack.resource import APISettings
from apistack.resource import Controller as _Controller
from apistack.resource import Fault as _Fault
from apistack.resource import Resource as _Resource
from apistack.resource import ResponseObject as _ResponseObject
from apistack.resource.decorators import action, extends, response
from apistack.resource.faults import OverLimitFault
from apistack.resource.request import Request as _Request
from apistack.resource.serializers import (
    ActionDispatcher,
    DictSerializer,
    JSONDeserializer,
    JSONDictSerializer,
    TextDeserializer,
)

__all__ = [
    "ActionDispatcher",
    "Controller",
    "DictSerializer",
    "Fault",
    "JSONDeserializer",
    "JSONDictSerializer",
    "OverLimitFault",
    "Request",
    "Resource",
    "ResponseObject",
    "TextDeserializer",
    "action",
    "extends",
    "response",
]

VOLUME_SERVICE = "volume"
API_VERSION_REQUEST_HEADER = "OpenStack-API-Version"
SUPPORTED_CONTENT_TYPES = ("application/json", "application/vnd.openstack.volume+json")

SETTINGS = APISettings(
    service_type=VOLUME_SERVICE,
    min_version=api_version._MIN_API_VERSION,
    max_version=api_version._MAX_API_VERSION,
    context_key="cinder.context",
)

#: cinder.api.versions builds an oslo.service Router, which needs a real Routes mapper.
APIMapper = routes.Mapper


class Request(_Request):
    """cinder's request: its context key, translations and DB-object caches."""

    context_key = SETTINGS.context_key
    api_settings = SETTINGS
    db_item_kinds = {
        "volumes": "volume",
        "volume_types": "volume_type",
        "snapshots": "snapshot",
        "backups": "backup",
    }
    available_languages = staticmethod(lambda: i18n.get_available_languages())
    db_items_by_path = frozenset({"volumes"})
    content_type_error = exception.InvalidContentType


class Fault(_Fault):
    """cinder's fault: announces the request's volume API version."""

    service_type = VOLUME_SERVICE


class Controller(_Controller):
    """cinder's controller base: its version error and rule, and the fields it strips."""

    version_error = exception.VersionNotFoundForAPIMethod
    overlapping_versions = "newest"
    clean_name_and_description = staticmethod(
        functools.partial(
            _Controller.strip_string_fields,
            fields=("name", "description", "display_name", "display_description"),
        )
    )


class Resource(_Resource):
    """``wsgi.Resource(Controller())``, as cinder's ``create_resource()`` builds it."""

    default_settings = SETTINGS
    request_class = Request
    client_errors = {
        exception.InvalidContentType: 415,
        exception.NotAuthorized: 403,
        exception.VersionNotFoundForAPIMethod: 404,
        exception.Invalid: None,
        exception.NotFound: None,
    }


class ResponseObject(_ResponseObject):
    """cinder's ResponseObject: 200 until a code is known."""

    FALLBACK_CODE = 200
