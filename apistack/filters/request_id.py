"""``request_id``: a fresh request id per request, announced on every response.

Built on ``oslo_middleware.request_id.RequestId`` (same environ keys, same id format, same
inbound-header rule, same ``compat_headers`` attribute), but ``__call__`` is plain WSGI: oslo's
webob version costs more than twice a small API call on its own (see
``benchmarks/filters_bench.py``), and ids are made without a system call each. The inbound
id must match the whole pattern: oslo's ``re.match`` with ``$`` also accepts an id followed by
a newline.

With ``context_key`` set, each request also gets a placeholder context under that key (of
``context_class``, with the request ids), made the thread's current one, as cinder's
``RequestId`` filter does: cinder's ``Resource`` reads the id for ``x-compute-request-id`` from
it, and log lines of the filters before auth show this request's id. cinder sets
``compat_headers`` empty (its ``Resource`` sends ``x-compute-request-id`` itself).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from oslo_config import cfg
from oslo_middleware import request_id as oslo_request_id

from apistack.environ import GLOBAL_REQUEST_ID_KEY, REQUEST_ID_KEY, header_name_lengths
from apistack.filters.base import Filter, Option
from apistack.filters.context import DEFAULT_CONTEXT_CLASS, ContextBuilder, check_context_key

if TYPE_CHECKING:
    from collections.abc import Callable

    from _typeshed import OptExcInfo
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["GLOBAL_REQUEST_ID_KEY", "REQUEST_ID_KEY", "RequestId", "generate_request_id"]

_INBOUND_ENVIRON_KEY = "HTTP_X_OPENSTACK_REQUEST_ID"
_ID_PATTERN = re.compile(oslo_request_id.ID_FORMAT.lstrip("^").rstrip("$"))
DEFAULT_COMPAT_HEADERS = ("x-compute-request-id",)

# Version 4 and the RFC 4122 variant, set in a random 128-bit number.
_UUID4_CLEAR = ((1 << 128) - 1) & ~(0xF000 << 64) & ~(0xC000 << 48)
_UUID4_SET = (0x4000 << 64) | (0x8000 << 48)


def generate_request_id() -> str:
    """:returns: ``req-<uuid4>``, as oslo.context's function, in a quarter of its time.

    A request id is an identifier, not a secret: it is sent to the client and logged. So its
    random bits come from ``random`` (reseeded in each forked worker) instead of one
    ``os.urandom`` system call per request, which was the largest cost of this filter.
    """
    digits = f"{random.getrandbits(128) & _UUID4_CLEAR | _UUID4_SET:032x}"
    return f"req-{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


# oslo types ``application`` as optional; ours never is.
class RequestId(Filter, oslo_request_id.RequestId):  # type: ignore[misc]
    """Gives each request a new id and returns it in ``x-openstack-request-id``.

    :param application: the wrapped WSGI application.
    :param compat_headers: more response headers carrying the same id (nova's
        ``x-compute-request-id`` by default; an empty list for none).
    :param context_key: where a placeholder context goes (empty: none is made).
    :param context_class: the placeholder context's class or its import path.
    """

    name = "request_id"
    options = (
        Option(
            "compat_headers",
            "list",
            list(DEFAULT_COMPAT_HEADERS),
            "Response headers that carry the request id besides x-openstack-request-id.",
        ),
        Option(
            "context_key",
            "str",
            "",
            "Environ key of a placeholder request context holding the request ids (cinder: "
            "cinder.context); empty for none.",
        ),
        Option(
            "context_class",
            "str",
            DEFAULT_CONTEXT_CLASS,
            "Import path of the placeholder context's class.",
        ),
    )

    def __init__(
        self,
        application: WSGIApplication,
        *,
        compat_headers: Sequence[str] = DEFAULT_COMPAT_HEADERS,
        context_key: str = "",
        context_class: str | type[Any] = DEFAULT_CONTEXT_CLASS,
    ) -> None:
        # oslo's constructor too, with a ConfigOpts of the filter's own (never the global
        # CONF), so the inherited oslo methods work: _conf_get, set_global_req_id,
        # process_request/process_response.
        oslo_request_id.RequestId.__init__(self, application, cfg.ConfigOpts())
        Filter.__init__(self, application)
        self.context_key = context_key
        self.placeholders = ContextBuilder(context_class) if context_key else None
        if self.placeholders is not None:
            check_context_key(self.name, context_key, self.placeholders.context_class)
        self.compat_headers = [name.lower() for name in compat_headers]
        names = [oslo_request_id.HTTP_RESP_HEADER_REQUEST_ID, *self.compat_headers]
        self._response_headers = tuple(dict.fromkeys(names))
        self._lengths = frozenset(map(len, self._response_headers))

    def __call__(  # type: ignore[override]
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        inbound = environ.get(_INBOUND_ENVIRON_KEY)
        if inbound and _ID_PATTERN.fullmatch(inbound):
            environ[GLOBAL_REQUEST_ID_KEY] = inbound
        request_id = generate_request_id()
        environ[REQUEST_ID_KEY] = request_id
        if self.placeholders is not None:
            environ[self.context_key] = self.placeholders.build(
                overwrite=True,
                request_id=request_id,
                global_request_id=environ.get(GLOBAL_REQUEST_ID_KEY),
            )
        wanted, lengths = self._response_headers, self._lengths

        def add_request_id(
            status: str,
            headers: list[tuple[str, str]],
            exc_info: OptExcInfo | None = None,
        ) -> Callable[[bytes], object]:
            # As oslo does, a header the application set itself is kept. Usually no name
            # has the length of one of ours, which settles it without lowering every name.
            if lengths.isdisjoint(header_name_lengths(headers)):
                headers.extend([(name, request_id) for name in wanted])
            else:
                present = {name.lower() for name, _value in headers}
                headers.extend([(name, request_id) for name in wanted if name not in present])
            return start_response(status, headers, exc_info)

        return self.application(environ, add_request_id)
