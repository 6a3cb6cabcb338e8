"""The paste protocol shared by every filter, and the options it converts.

A filter is a plain WSGI middleware class whose typed keyword arguments are the source of
truth (``SizeLimit(app, max_request_body_size=1024)``). ``Filter.factory`` is the one paste
entry: it merges the paste global and local conf, converts the strings with PasteDeploy's
converters into those keyword arguments, and rejects an unknown or malformed key with a
``FilterConfigError`` that names the section (when known), the file and the key. Options the
ini leaves out are read from the service's config file when it has one (see
``apistack.filters.service_config``), so paste keys win over the file, as with oslo.middleware.

Each filter declares its ``Option`` tuple beside its code; ``apistack.filters.opts`` lists them
for oslo-config-generator, and ``Filter.from_oslo_config`` builds a filter from a caller's
``ConfigOpts``. Nothing here touches a global ``CONF``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from oslo_config import cfg
from paste.deploy.converters import asbool, asint, aslist

from apistack.environ import quote_path, request_uri
from apistack.filters.service_config import CONFIG_FILE_KEYS, config_file_values, service_config

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["Filter", "FilterConfigError", "Option", "quote_path", "request_uri"]

FilterT = TypeVar("FilterT", bound="Filter")

_KINDS = ("str", "bool", "int", "list")


class FilterConfigError(ValueError):
    """A filter option given in paste or to the constructor is unknown or malformed."""


@dataclass(frozen=True)
class Option:
    """One filter option: its name, kind, default and help, for paste and oslo.config.

    :param name: the keyword argument and paste key.
    :param kind: ``str``, ``bool``, ``int`` or ``list`` (comma or space separated in paste).
    :param default: the constructor's default value.
    :param help: the text oslo-config-generator prints.
    :param minimum: the smallest accepted value of an ``int`` option.
    :param oslo_twin: ``(group, opt)`` of the oslo.middleware option this one stands for, read
        from the service's config file when apistack's own group does not set it.
    """

    name: str
    kind: str
    default: Any
    help: str
    minimum: int | None = None
    oslo_twin: tuple[str, cfg.Opt] | None = None

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"option {self.name!r}: kind must be one of {_KINDS}")

    def convert(self, value: Any) -> Any:
        """:returns: the paste string ``value`` as this option's type.

        :raises ValueError: when the string is not a valid value.
        """
        if self.kind == "bool":
            return asbool(value)
        if self.kind == "int":
            number = asint(value)
            if self.minimum is not None and number < self.minimum:
                raise ValueError(f"must be at least {self.minimum}, got {number}")
            return number
        if self.kind == "list":
            items = value if isinstance(value, (list, tuple)) else aslist(value, ",")
            return [word for item in items for word in str(item).split()]
        return str(value)

    def oslo_opt(self) -> cfg.Opt:
        """:returns: the equivalent oslo.config option (for the sample-config generator)."""
        if self.kind == "bool":
            return cfg.BoolOpt(self.name, default=self.default, help=self.help)
        if self.kind == "int":
            return cfg.IntOpt(self.name, default=self.default, min=self.minimum, help=self.help)
        if self.kind == "list":
            return cfg.ListOpt(self.name, default=list(self.default), help=self.help)
        return cfg.StrOpt(self.name, default=self.default, help=self.help)


class Filter:
    """Base of every apistack filter: holds the wrapped app and speaks the paste protocol.

    Subclasses set ``name`` (their entry point), ``options``, take the options as keyword
    arguments after ``application``, and implement the WSGI ``__call__``.

    :param application: the wrapped WSGI application.
    """

    name: ClassVar[str] = "filter"
    options: ClassVar[tuple[Option, ...]] = ()

    def __init__(self, application: WSGIApplication) -> None:
        self.application = application

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        return self.application(environ, start_response)

    @classmethod
    def factory(
        cls: type[FilterT], global_conf: Mapping[str, Any] | None, **local_conf: Any
    ) -> Callable[[WSGIApplication], FilterT]:
        """The ``paste.filter_factory`` entry.

        :param global_conf: paste's global conf; only keys naming an option of this filter
            are used (the rest belongs to other sections).
        :param local_conf: the section's own keys; every one must be an option.
        :returns: a function wrapping an application in this filter.
        :raises FilterConfigError: for an unknown key or a malformed value.
        """
        kwargs = cls.convert_conf(global_conf or {}, local_conf)
        conf = service_config({**(global_conf or {}), **local_conf})
        if conf is not None:
            kwargs = {**config_file_values(cls, conf), **kwargs}

        def make_filter(app: WSGIApplication) -> FilterT:
            return cls(app, **kwargs)

        return make_filter

    @classmethod
    def convert_conf(
        cls,
        global_conf: Mapping[str, Any],
        local_conf: Mapping[str, Any],
        section: str | None = None,
    ) -> dict[str, Any]:
        """Convert paste strings into this filter's keyword arguments.

        :param section: the ini section, for error messages, when the caller knows it.
        :returns: the keyword arguments (options not given keep the constructor default).
        :raises FilterConfigError: naming the section or filter, the file and the key.
        """
        known = {option.name: option for option in cls.options}
        merged = {key: value for key, value in global_conf.items() if key in known}
        for key, value in local_conf.items():
            if key in CONFIG_FILE_KEYS:
                continue
            if key not in known:
                names = ", ".join(sorted(known.keys() | CONFIG_FILE_KEYS))
                raise cls._config_error(
                    global_conf, section, key, f"unknown option (known: {names})"
                )
            merged[key] = value
        kwargs: dict[str, Any] = {}
        for key, value in merged.items():
            try:
                kwargs[key] = known[key].convert(value)
            except ValueError as exc:
                raise cls._config_error(global_conf, section, key, f"{value!r}: {exc}") from None
        return kwargs

    @classmethod
    def _config_error(
        cls, global_conf: Mapping[str, Any], section: str | None, key: str, problem: str
    ) -> FilterConfigError:
        where = f"[{section}]" if section else f"apistack filter {cls.name!r}"
        source = global_conf.get("__file__")
        if source:
            where += f" in {source}"
        return FilterConfigError(f"{where}: option {key!r}: {problem}")

    @classmethod
    def oslo_group(cls) -> str:
        """:returns: the oslo.config group of this filter's options (``apistack_<name>``)."""
        return f"apistack_{cls.name}"

    @classmethod
    def oslo_opts(cls) -> list[cfg.Opt]:
        """:returns: this filter's options as oslo.config options."""
        return [option.oslo_opt() for option in cls.options]

    @classmethod
    def from_oslo_config(
        cls: type[FilterT], application: WSGIApplication, conf: cfg.ConfigOpts, group: str
    ) -> FilterT:
        """Build the filter from the caller's ``ConfigOpts`` (its options are registered there).

        :param application: the wrapped WSGI application.
        :param conf: the service's ``ConfigOpts``; never a module global of apistack.
        :param group: the group holding this filter's options.
        :returns: the filter.
        """
        conf.register_opts(cls.oslo_opts(), group=group)
        values = getattr(conf, group)
        kwargs = {option.name: getattr(values, option.name) for option in cls.options}
        return cls(application, **kwargs)
