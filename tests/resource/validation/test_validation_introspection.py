"""``list_route_schemas`` over a router-shaped stand-in, and a schema-coverage test (rule 8)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from validation_sample import (
    ThingsController,
    index_query,
    index_query_strict,
    make_resource,
    thing_create,
    thing_create_v20,
    thing_create_v210,
)

from apistack.resource import APIVersionRequest, Resource
from apistack.resource.validation import MethodSchemas, check_meta_schema, list_route_schemas


@dataclass(frozen=True)
class Entry:
    """The router's route-table entry contract."""

    method: str
    path: str
    action: str
    app: Resource | None
    redirect_to: str | None = None


@dataclass(frozen=True)
class StandInRouter:
    route_table: tuple[Entry, ...]


def _router() -> StandInRouter:
    things = make_resource()
    return StandInRouter(
        (
            Entry("GET", "", "", None, redirect_to="/"),
            Entry("GET", "/things", "index", things),
            Entry("POST", "/things", "create", things),
            Entry("GET", "/things/{id}", "show", things),
            Entry("PUT", "/things/{id}", "update", things),
            Entry("DELETE", "/things/{id}", "delete", things),
            Entry("POST", "/things/{id}/action", "action", things),
            Entry("GET", "/things/{id}/missing", "missing", things),
        )
    )


def _v(text: str | None) -> APIVersionRequest | None:
    return APIVersionRequest(text) if text else None


def _by_key(rows: list[MethodSchemas]) -> dict[tuple[str, str, str | None, Any], MethodSchemas]:
    return {(r.http_method, r.action, r.action_key, r.min_version): r for r in rows}


def test_rows_for_each_route_action_and_implementation() -> None:
    rows = list_route_schemas(_router())
    keys = [(r.http_method, r.path, r.action_key, str(r.min_version)) for r in rows]
    assert keys == [
        ("GET", "/things", None, "None"),
        ("POST", "/things", None, "None"),
        ("GET", "/things/{id}", None, "2.1"),
        ("GET", "/things/{id}", None, "2.20"),
        ("PUT", "/things/{id}", None, "None"),
        ("DELETE", "/things/{id}", None, "None"),
        ("POST", "/things/{id}/action", "reboot", "None"),
        ("POST", "/things/{id}/action", "rename", "2.1"),
        ("POST", "/things/{id}/action", "rename", "2.50"),
    ]


def test_versioned_schemas_are_listed_in_version_order() -> None:
    rows = _by_key(list_route_schemas(_router()))
    create = rows[("POST", "create", None, None)]
    assert [(e.schema, e.min_version, e.max_version) for e in create.body] == [
        (thing_create_v20, _v("2.0"), _v("2.0")),
        (thing_create, _v("2.1"), _v("2.9")),
        (thing_create_v210, _v("2.10"), None),
    ]
    index = rows[("GET", "index", None, None)]
    assert [e.schema for e in index.query] == [index_query, index_query_strict]
    assert create.handler.endswith("validation_sample.ThingsController.create")


def test_overloads_and_sub_controller_actions_carry_their_ranges() -> None:
    rows = _by_key(list_route_schemas(_router()))
    old = rows[("POST", "action", "rename", _v("2.1"))]
    new = rows[("POST", "action", "rename", _v("2.50"))]
    assert (old.min_version, old.max_version, new.max_version) == (_v("2.1"), _v("2.49"), None)
    assert old.handler.endswith("ThingActionsController._rename")
    assert old.body[0].schema != new.body[0].schema
    show = rows[("GET", "show", None, _v("2.20"))]
    assert show.response and show.query


def test_removed_methods_are_flagged() -> None:
    from apistack.resource import Controller, removed

    class Old(Controller):
        @removed("2.5")
        def index(self, req: object) -> None:
            pass

    router = StandInRouter((Entry("GET", "/old", "index", Resource(Old())),))
    (row,) = list_route_schemas(router)
    assert row.removed and not row.query


# A service would keep a test like this one: every method reached by a route validates.
BODY_METHODS = {"POST", "PUT", "PATCH"}


def test_schema_coverage_of_the_sample_controllers() -> None:
    missing = []
    for row in list_route_schemas(_router()):
        if row.removed:
            continue
        if row.http_method in BODY_METHODS and not row.body:
            missing.append(f"{row.handler}: no body schema")
        if row.http_method in {"GET", "DELETE"} and not row.query:
            missing.append(f"{row.handler}: no query schema")
        if not row.response:
            missing.append(f"{row.handler}: no response schema")
        for entry in (*row.body, *row.query, *row.response):
            check_meta_schema(entry.schema)
    assert missing == []


def test_the_coverage_check_can_fail() -> None:
    from apistack.resource import Controller

    class Bare(Controller):
        def create(self, req: object, body: object) -> None:
            pass

    router = StandInRouter((Entry("POST", "/bare", "create", Resource(Bare())),))
    (row,) = list_route_schemas(router)
    assert (row.body, row.query, row.response) == ((), (), ())


def test_a_route_listed_twice_gives_one_row() -> None:
    # The same Resource routed twice (say with and without a format suffix) lists once.
    things = make_resource()
    router = StandInRouter(
        (Entry("GET", "/things", "index", things), Entry("GET", "/things", "index", things))
    )
    assert len(list_route_schemas(router)) == 1
    assert isinstance(things.controller, ThingsController)
