"""The lineage's body (de)serializer classes, for code that still imports them.

nova before microversions, cinder and manila chose a serializer per media type; JSON is the
only one left, and ``Resource`` reads and writes it itself. These small classes keep the
names (``ActionDispatcher``, ``DictSerializer``, ``JSONDictSerializer``,
``TextDeserializer``, ``JSONDeserializer``) working for a service's own code and tests.
"""

from __future__ import annotations

import json
from typing import Any

from apistack.resource.exceptions import MalformedRequestBody
from apistack.resource.results import serialize_json

__all__ = [
    "ActionDispatcher",
    "DictSerializer",
    "JSONDeserializer",
    "JSONDictSerializer",
    "TextDeserializer",
]


class ActionDispatcher:
    """Calls the method named by the ``action`` keyword, or ``default``."""

    def dispatch(self, *args: Any, **kwargs: Any) -> Any:
        """:returns: what ``self.<action>(*args, **kwargs)`` returns (``default`` when the
        action names no method)."""
        action = kwargs.pop("action", "default")
        method = getattr(self, str(action), self.default)
        return method(*args, **kwargs)

    def default(self, data: Any) -> Any:
        """The method when none is named; subclasses implement it.

        :raises NotImplementedError: here.
        """
        raise NotImplementedError()


class DictSerializer(ActionDispatcher):
    """Serializes a body: to an empty string here."""

    def serialize(self, data: Any, action: str = "default") -> Any:
        """:returns: ``data`` serialized by the ``action`` method."""
        return self.dispatch(data, action=action)

    def default(self, data: Any) -> Any:
        """:returns: an empty body."""
        return ""


class JSONDictSerializer(DictSerializer):
    """Serializes a body to JSON bytes (dates, sets, UUIDs and decimals included)."""

    def default(self, data: Any) -> bytes:
        """:returns: ``data`` as JSON bytes."""
        return serialize_json(data)


class TextDeserializer(ActionDispatcher):
    """Deserializes a request body: to nothing here."""

    def deserialize(self, datastring: Any, action: str = "default") -> Any:
        """:returns: the body read by the ``action`` method."""
        return self.dispatch(datastring, action=action)

    def default(self, datastring: Any) -> dict[str, Any]:
        """:returns: no arguments."""
        return {}


class JSONDeserializer(TextDeserializer):
    """Reads a JSON request body into ``{"body": value}``."""

    def default(self, datastring: Any) -> dict[str, Any]:
        """:returns: ``{"body": the decoded JSON}``.

        :raises MalformedRequestBody: when it is not JSON (400).
        """
        try:
            return {"body": json.loads(datastring)}
        except (ValueError, RecursionError):
            raise MalformedRequestBody("cannot understand JSON") from None
