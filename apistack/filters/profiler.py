"""``egg:apistack#profiler`` (alias ``osprofiler``): osprofiler's WSGI middleware, off by default.

nova's pipelines carry ``osprofiler`` (``nova.profiler:WsgiMiddleware``), which traces a
request when it carries a trace header signed with one of the ``hmac_keys``. osprofiler is not
one of apistack's dependencies: it is needed only by deployments that trace, and it pulls in
its own (oslo.serialization, oslo.utils, PrettyTable, WebOb...). So this filter is in the
example pipelines but does nothing, and imports nothing, until it is configured::

    [filter:osprofiler]
    use = egg:apistack#profiler
    enabled = true
    hmac_keys = SECRET_KEY

Disabled, the factory hands back the next app itself: the filter costs nothing per request.
Enabled without osprofiler installed, loading fails with a ``FilterConfigError`` saying so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from apistack.filters.base import Filter, FilterConfigError, Option

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["Profiler"]


def _unchanged(app: WSGIApplication) -> WSGIApplication:
    return app


class Profiler(Filter):
    """Traces requests with osprofiler when enabled.

    :param application: the wrapped WSGI application.
    :param enabled: trace requests (osprofiler must be installed).
    :param hmac_keys: the keys a trace header must be signed with.
    :raises FilterConfigError: when enabled and osprofiler is not installed.
    """

    name = "profiler"
    options = (
        Option("enabled", "bool", False, "Trace requests with osprofiler (must be installed)."),
        Option("hmac_keys", "str", "", "Keys that sign osprofiler trace headers."),
    )

    def __init__(
        self, application: WSGIApplication, *, enabled: bool = False, hmac_keys: str = ""
    ) -> None:
        super().__init__(application)
        self.enabled = enabled
        self._traced: WSGIApplication = application
        if enabled:
            try:
                from osprofiler import web  # type: ignore[import-not-found]
            except ImportError:
                raise FilterConfigError(
                    "apistack filter 'profiler': enabled, but osprofiler is not installed "
                    "(pip install osprofiler)"
                ) from None
            self._traced = web.WsgiMiddleware(application, hmac_keys=hmac_keys, enabled=True)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        return self._traced(environ, start_response)

    # A disabled profiler is no filter at all, so the factory may return the app it was given.
    @classmethod
    def factory(  # type: ignore[override]
        cls, global_conf: Mapping[str, Any] | None, **local_conf: Any
    ) -> Callable[[WSGIApplication], WSGIApplication]:
        """The ``paste.filter_factory`` entry: the app unchanged unless ``enabled``.

        :raises FilterConfigError: for an unknown key or a malformed value.
        """
        kwargs = cls.convert_conf(global_conf or {}, local_conf)
        if not kwargs.get("enabled", False):
            return _unchanged

        def make_filter(app: WSGIApplication) -> WSGIApplication:
            return cls(app, **kwargs)

        return make_filter
