"""``request_id``: a fresh request id per request, announced on every response.

Built on ``oslo_middleware.request_id.RequestId`` (same environ keys, same id format, same
inbound-header rule, same ``compat_headers`` attribute), but ``__call__`` is plain WSGI: oslo's
webob version costs about three times a small API call on its own (see
``benchmarks/filters_bench.py``). The inbound id must match the whole pattern: oslo's
``re.match`` with ``$`` also accepts an id followed by a newline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from oslo_context.context import generate_request_id
from oslo_middleware import request_id as oslo_request_id

from apistack.filters.base import Filter, Option

if TYPE_CHECKING:
    from collections.abc import Callable

    from _typeshed import OptExcInfo
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["GLOBAL_REQUEST_ID_KEY", "REQUEST_ID_KEY", "RequestId"]

#: environ key: this request's own id, ``req-<uuid4>``.
REQUEST_ID_KEY = oslo_request_id.ENV_REQUEST_ID
#: environ key: the caller's id (from a valid inbound ``X-OpenStack-Request-ID``).
GLOBAL_REQUEST_ID_KEY = oslo_request_id.GLOBAL_REQ_ID

_INBOUND_ENVIRON_KEY = "HTTP_X_OPENSTACK_REQUEST_ID"
_ID_PATTERN = re.compile(oslo_request_id.ID_FORMAT.lstrip("^").rstrip("$"))
DEFAULT_COMPAT_HEADERS = ("x-compute-request-id",)


# oslo types ``application`` as optional; ours never is.
class RequestId(Filter, oslo_request_id.RequestId):  # type: ignore[misc]
    """Gives each request a new id and returns it in ``x-openstack-request-id``.

    :param application: the wrapped WSGI application.
    :param compat_headers: more response headers carrying the same id (nova's
        ``x-compute-request-id`` by default; an empty list for none).
    """

    name = "request_id"
    options = (
        Option(
            "compat_headers",
            "list",
            list(DEFAULT_COMPAT_HEADERS),
            "Response headers that carry the request id besides x-openstack-request-id.",
        ),
    )

    def __init__(
        self,
        application: WSGIApplication,
        *,
        compat_headers: Sequence[str] = DEFAULT_COMPAT_HEADERS,
    ) -> None:
        Filter.__init__(self, application)
        self.compat_headers = [name.lower() for name in compat_headers]
        names = [oslo_request_id.HTTP_RESP_HEADER_REQUEST_ID, *self.compat_headers]
        self._response_headers = tuple(dict.fromkeys(names))

    def __call__(  # type: ignore[override]
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        inbound = environ.get(_INBOUND_ENVIRON_KEY)
        if inbound and _ID_PATTERN.fullmatch(inbound):
            environ[GLOBAL_REQUEST_ID_KEY] = inbound
        request_id = generate_request_id()
        environ[REQUEST_ID_KEY] = request_id
        wanted = self._response_headers

        def add_request_id(
            status: str,
            headers: list[tuple[str, str]],
            exc_info: OptExcInfo | None = None,
        ) -> Callable[[bytes], object]:
            # As oslo does, a header the application set itself is kept.
            present = {name.lower() for name, _value in headers}
            headers.extend((name, request_id) for name in wanted if name not in present)
            return start_response(status, headers, exc_info)

        return self.application(environ, add_request_id)
