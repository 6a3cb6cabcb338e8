"""cinder.api.extensions on apistack: the extension model, loaded from cinder's option."""

import functools

from cinder import policy
from oslo_config import cfg

from apistack.resource import extensions as _extensions
from apistack.resource.extensions import (
    ControllerExtension,
    ExtensionDescriptor,
    ResourceExtension,
    load_standard_extensions,
)

__all__ = [
    "ControllerExtension",
    "ExtensionDescriptor",
    "ExtensionManager",
    "ResourceExtension",
    "extension_authorizer",
    "load_standard_extensions",
]

CONF = cfg.CONF

extension_authorizer = functools.partial(_extensions.extension_authorizer, policy.authorize)


class ExtensionManager(_extensions.ExtensionManager):
    """The extensions ``osapi_volume_extension`` names, and ``/extensions`` listing them."""

    listing_collection = "extensions"

    def __init__(self) -> None:
        super().__init__(factories=CONF.osapi_volume_extension)
