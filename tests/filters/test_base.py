"""The shared paste protocol: conversion, rejection of bad keys, per-instance values."""

from __future__ import annotations

import inspect

import pytest
import webob
from oslo_config import cfg

from apistack.filters import FilterConfigError, NoAuth, RequestId, SizeLimit
from apistack.filters.base import request_uri
from apistack.filters.opts import FILTERS
from tests.filters.apps import Recorder


def test_factory_converts_paste_strings_to_typed_arguments(recorder: Recorder) -> None:
    limiter = SizeLimit.factory({}, max_request_body_size="10")(recorder)
    assert limiter.max_request_body_size == 10
    noauth = NoAuth.factory({}, require_token="true", admin_user="root")(recorder)
    assert noauth.require_token is True
    assert noauth.admin_user == "root"


def test_list_options_split_on_commas_and_spaces(recorder: Recorder) -> None:
    filt = RequestId.factory({}, compat_headers="x-a, x-b\n x-c")(recorder)
    assert filt.compat_headers == ["x-a", "x-b", "x-c"]


def test_unknown_local_key_is_rejected_naming_filter_file_and_key(recorder: Recorder) -> None:
    with pytest.raises(FilterConfigError) as err:
        SizeLimit.factory({"__file__": "/etc/api-paste.ini"}, max_body="10")
    message = str(err.value)
    assert "'sizelimit'" in message
    assert "/etc/api-paste.ini" in message
    assert "'max_body'" in message
    assert "max_request_body_size" in message  # says what is known


@pytest.mark.parametrize(
    ("cls", "key", "value"),
    [
        (SizeLimit, "max_request_body_size", "ten"),
        (SizeLimit, "max_request_body_size", "-1"),
        (NoAuth, "require_token", "maybe"),
    ],
)
def test_malformed_value_is_rejected_naming_the_key(cls: type, key: str, value: str) -> None:
    with pytest.raises(FilterConfigError, match=f"option '{key}'"):
        cls.factory({}, **{key: value})


def test_error_names_the_section_when_known() -> None:
    with pytest.raises(FilterConfigError, match=r"^\[filter:limits\] in f.ini: option 'x'"):
        SizeLimit.convert_conf({"__file__": "f.ini"}, {"x": "1"}, section="filter:limits")


def test_global_conf_supplies_known_options_and_local_overrides(recorder: Recorder) -> None:
    global_conf = {"context_key": "nova.context", "admin_user": "root", "unrelated": "x"}
    noauth = NoAuth.factory(global_conf, admin_user="boss")(recorder)
    assert noauth.context_key == "nova.context"
    assert noauth.admin_user == "boss"


def test_two_sections_of_one_filter_keep_their_own_values() -> None:
    small = SizeLimit.factory({}, max_request_body_size="10")(Recorder())
    large = SizeLimit.factory({}, max_request_body_size="1000")(Recorder())
    assert (
        webob.Request.blank("/", method="POST", body=b"x" * 11).get_response(small).status_int
        == 413
    )
    assert (
        webob.Request.blank("/", method="POST", body=b"x" * 11).get_response(large).status_int
        == 200
    )
    assert small.max_request_body_size == 10


@pytest.mark.parametrize("cls", FILTERS, ids=lambda cls: cls.name)
def test_declared_defaults_match_the_constructor(cls: type) -> None:
    parameters = inspect.signature(cls.__init__).parameters
    for option in cls.options:
        default = parameters[option.name].default
        expected = list(default) if isinstance(default, tuple) else default
        assert option.default == expected, option.name
    assert {p for p in parameters if p not in ("self", "application")} == {
        o.name for o in cls.options
    }


def test_from_oslo_config_uses_the_callers_conf_not_the_global(recorder: Recorder) -> None:
    conf = cfg.ConfigOpts()
    conf([], project="apistack-test", default_config_files=[])
    conf.register_opts(SizeLimit.oslo_opts(), group="limits")
    conf.set_override("max_request_body_size", 5, group="limits")
    limiter = SizeLimit.from_oslo_config(recorder, conf, "limits")
    assert limiter.max_request_body_size == 5
    assert "limits" not in cfg.CONF


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"PATH_INFO": "/v2.1/servers", "QUERY_STRING": "limit=1"}, "/v2.1/servers?limit=1"),
        ({"SCRIPT_NAME": "/compute", "PATH_INFO": "/v2.1"}, "/compute/v2.1"),
        ({"PATH_INFO": "/a\nfake line"}, "/a%0Afake%20line"),
        ({"PATH_INFO": "/\xff\xfe"}, "/%FF%FE"),  # non-UTF-8 bytes, as WSGI gives them
        ({"PATH_INFO": "/100%"}, "/100%25"),
        ({"PATH_INFO": "/x", "QUERY_STRING": "a=%0A&b=\xff"}, "/x?a=%0A&b=%FF"),
    ],
)
def test_request_uri_is_printable_and_as_sent(environ: dict[str, str], expected: str) -> None:
    assert request_uri(environ) == expected
