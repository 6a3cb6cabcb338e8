"""Request body and query validation through a real Resource (rules 1, 3, 4 and 5)."""

from __future__ import annotations

import pytest
from validation_sample import THING_ID, call, fault_message

from apistack.resource import Resource


def test_valid_body_reaches_the_controller(app: Resource) -> None:
    resp = call(app, "POST", "create", body={"thing": {"name": "web", "size": "3"}})
    assert resp.status_int == 201
    assert resp.json_body["echo"] == {"thing": {"name": "web", "size": "3"}}


def test_body_error_names_the_field_value_and_reason(app: Resource) -> None:
    resp = call(app, "POST", "create", body={"thing": {"name": "x" * 256}})
    assert resp.status_int == 400
    assert resp.json_body["badRequest"]["code"] == 400
    assert fault_message(resp) == (
        f"Invalid input for field/attribute name. Value: {'x' * 256}. '{'x' * 256}' is too long"
    )


def test_missing_required_key_gives_the_bare_message(app: Resource) -> None:
    resp = call(app, "POST", "create", body={"other": {}})
    assert resp.status_int == 400
    assert fault_message(resp) == "'thing' is a required property"


def test_extra_top_level_key_gives_the_bare_message(app: Resource) -> None:
    resp = call(app, "POST", "create", body={"thing": {"name": "a"}, "foo": 1})
    assert fault_message(resp) == "Additional properties are not allowed ('foo' was unexpected)"


def test_missing_body_is_validated_as_null(app: Resource) -> None:
    resp = call(app, "POST", "create")
    assert resp.status_int == 400
    assert fault_message(resp) == "None is not of type 'object'"


def test_name_format_error_uses_the_invalid_name_text(app: Resource) -> None:
    resp = call(app, "POST", "create", body={"thing": {"name": " padded"}})
    assert resp.status_int == 400
    assert fault_message(resp) == (
        "An invalid 'name' value was provided. The name must be: printable characters. "
        "Can not start or end with whitespace."
    )


def test_numeric_string_minimum(app: Resource) -> None:
    resp = call(app, "POST", "create", body={"thing": {"name": "a", "size": "0"}})
    assert resp.status_int == 400
    assert fault_message(resp) == (
        "Invalid input for field/attribute size. Value: 0. 0 is less than the minimum of 1"
    )


@pytest.mark.parametrize(
    ("version", "status"), [("2.1", 400), ("2.9", 400), ("2.10", 201), ("2.90", 201)]
)
def test_the_schema_for_the_request_version_applies(
    app: Resource, version: str, status: int
) -> None:
    resp = call(app, "POST", "create", body={"thing": {"name": "a", "tag": "t"}}, version=version)
    assert resp.status_int == status


# ----------------------------------------------------------------------------- query


def test_query_error_names_the_parameter(app: Resource) -> None:
    resp = call(app, "GET", "index", query="limit=-1")
    assert resp.status_int == 400
    assert fault_message(resp) == (
        "Invalid input for query parameters limit. Value: -1. '-1' does not match '^[0-9]*$'"
    )


def test_unknown_query_parameters_are_stripped_before_the_controller(app: Resource) -> None:
    resp = call(app, "GET", "index", query="limit=5&foo=bar&foo=baz&x-trace=1&name=a&name=b")
    assert resp.status_int == 200
    assert resp.json_body["query"] == {"limit": ["5"], "x-trace": ["1"], "name": ["a", "b"]}


def test_query_with_no_unknown_parameters_is_left_untouched(app: Resource) -> None:
    query = "name=a&limit=1&name=b"
    req_environ: dict[str, str] = {}

    class Spy(Resource):
        def __call__(self, environ, start_response):  # type: ignore[no-untyped-def]
            result = super().__call__(environ, start_response)
            req_environ["qs"] = environ["QUERY_STRING"]
            return result

    spy = Spy(app.controller, app.settings)
    call(spy, "GET", "index", query=query)
    assert req_environ["qs"] == query


def test_unknown_query_parameters_are_rejected_when_the_schema_says_false(
    app: Resource,
) -> None:
    resp = call(app, "GET", "index", query="limit=5&foo=bar", version="2.75")
    assert resp.status_int == 400
    # jsonschema's wording when the schema also has patternProperties
    assert fault_message(resp) == "'foo' does not match any of the regexes: '^x-'"
    ok = call(app, "GET", "index", query="limit=5&x-a=1", version="2.75")
    assert ok.json_body["query"] == {"limit": ["5"], "x-a": ["1"]}


def test_repeated_single_param_is_rejected() -> None:
    from apistack.resource import Controller
    from apistack.resource.validation import parameter_types, query_schema

    class Pages(Controller):
        @query_schema(
            {
                "type": "object",
                "properties": {"limit": parameter_types.single_param({"type": "string"})},
                "additionalProperties": False,
            }
        )
        def index(self, req: object) -> dict[str, str]:
            return {}

    resp = call(Resource(Pages()), "GET", "index", query="limit=1&limit=2")
    assert resp.status_int == 400
    assert fault_message(resp) == (
        "Invalid input for query parameters limit. Value: ['1', '2']. ['1', '2'] is too long"
    )
    extra = call(Resource(Pages()), "GET", "index", query="limit=1&foo=2")
    assert fault_message(extra) == "Additional properties are not allowed ('foo' was unexpected)"


def test_non_utf8_query_string_is_a_400(app: Resource) -> None:
    resp = call(app, "GET", "index", raw_query=b"name=%ff%fe")
    assert resp.status_int == 400
    assert fault_message(resp) == "Query string is not UTF-8 encoded"


# ------------------------------------------------------------------------- legacy v2


def test_legacy_v2_strips_unknown_body_keys(app: Resource) -> None:
    body = {"thing": {"name": "a", "junk": 1, "legacy_flag": "yes"}, "extra": True}
    resp = call(app, "POST", "create", body=body, legacy=True)
    assert resp.status_int == 201
    assert resp.json_body["echo"] == {"thing": {"name": "a", "legacy_flag": "yes"}}


def test_legacy_v2_still_checks_values(app: Resource) -> None:
    resp = call(app, "POST", "create", body={"thing": {"name": ""}}, legacy=True)
    assert resp.status_int == 400
    assert fault_message(resp) == (
        "Invalid input for field/attribute name. Value: . '' should be non-empty"
    )


def test_legacy_v2_keeps_pattern_property_errors(app: Resource) -> None:
    body = {"thing": {"name": "a", "metadata": {"bad/key": "v"}}}
    resp = call(app, "POST", "create", body=body, legacy=True)
    assert resp.status_int == 400
    assert fault_message(resp) == (
        "Invalid input for field/attribute metadata. Value: {'bad/key': 'v'}. "
        "Additional properties are not allowed ('bad/key' was unexpected)"
    )


def test_v21_rejects_what_legacy_strips(app: Resource) -> None:
    body = {"thing": {"name": "a", "legacy_flag": "yes"}}
    assert call(app, "POST", "create", body=body).status_int == 400


def test_legacy_v2_only_applies_unversioned_and_2_0_schemas() -> None:
    from apistack.resource import Controller
    from apistack.resource.validation import schema

    strict = {"type": "object", "properties": {}, "additionalProperties": False}
    never = {
        "type": "object",
        "required": ["never"],
        "properties": {},
        "additionalProperties": True,
    }

    class Ranges(Controller):
        @schema(never, "2.1")
        @schema(strict, "2.0", "2.0")
        def create(self, req: object, body: dict[str, object]) -> dict[str, object]:
            return {"body": body}

    resource = Resource(Ranges(), call.__globals__["SETTINGS"])
    resp = call(resource, "POST", "create", body={"a": 1, "b": 2}, legacy=True)
    # "never" (2.1+) is not applied; the 2.0 schema strips nothing when every key is extra.
    assert resp.status_int == 200
    assert resp.json_body == {"body": {"a": 1, "b": 2}}
    assert call(resource, "POST", "create", body={"a": 1}).status_int == 400


def test_legacy_v2_strips_unknown_query_parameters_even_when_false(app: Resource) -> None:
    resp = call(app, "GET", "index", query="limit=5&foo=1", legacy=True)
    assert resp.status_int == 200
    assert resp.json_body["query"] == {"limit": ["5"]}


def test_id_path_variable_is_untouched(app: Resource) -> None:
    resp = call(app, "GET", "show", id=THING_ID, version="2.20")
    assert resp.json_body == {"thing": {"name": "new", "id": THING_ID}}
