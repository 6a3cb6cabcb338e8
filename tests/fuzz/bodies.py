"""Hypothesis strategies for request bodies, built as JSON *text* so they can hold what
``json.dumps`` never writes: duplicate keys, ``1e400``, integers of thousands of digits, lone
surrogate escapes, ``NaN``, deep nesting, truncation and bytes that are not UTF-8.

Schema-shaped bodies take the example's create, update and action bodies and give one field
a value of a wrong type (or a weird value of the right one), drop a required key or add an
unknown one, so validation is exercised field by field.
"""

from __future__ import annotations

import json
from functools import cache

from hypothesis import strategies as st

__all__ = ["bodies", "json_text"]

HUGE_INT = "1" * 5000
SPECIAL_TOKENS = (
    "1e400", "-1e400", "1e-400", HUGE_INT, "-" + HUGE_INT, '"' + HUGE_INT + '"', "NaN",
    "Infinity", "-Infinity", '"\\ud800"', '"a\\udfffb"', '"\\u0000"', "0.1e1", "-0", "1E+2",
    '"' + "x" * 300 + '"', '""', '"  "', '"not-an-ip"', '"::1"', '"1.2.3.4"', "[]", "{}",
)  # fmt: skip
IMG = "70a599e0-31e7-49b7-b260-868f441e862b"
CREATE_FIELDS = {
    "name": '"vm"', "flavorRef": '"1"', "imageRef": f'"{IMG}"', "min_count": "1",
    "max_count": "1", "networks": '"auto"', "key_name": '"k"', "metadata": '{"a": "b"}',
    "accessIPv4": '"1.2.3.4"', "accessIPv6": '"::1"', "availability_zone": '"nova"',
    "description": '"d"', "security_groups": '[{"name": "default"}]', "adminPass": '"p"',
    "block_device_mapping_v2": f'[{{"uuid": "{IMG}", "source_type": "image", "boot_index": 0}}]',
    "config_drive": "true", "user_data": '"eA=="', "OS-DCF:diskConfig": '"AUTO"',
}  # fmt: skip
UPDATE_FIELDS = {"name": '"vm2"', "accessIPv4": '"1.2.3.4"', "description": '"d"'}
ACTIONS = ("reboot", "os-start", "os-stop", "changePassword", "bogus", "")
ACTION_VALUES = ('{"type": "HARD"}', '{"type": "soft"}', "null", '{"type": "x"}', "{}")


@cache
def json_text(max_leaves: int = 12) -> st.SearchStrategy[str]:
    """:returns: JSON-ish text: any JSON value, special tokens among the leaves, and objects
    whose keys may repeat."""
    leaves = st.one_of(
        st.sampled_from(["null", "true", "false", "0", "1", "-1", "1.5"]),
        st.sampled_from(SPECIAL_TOKENS),
        st.integers().map(str),
        st.text(max_size=20).map(lambda text: json.dumps(text)),
    )
    keys = st.sampled_from(["server", "name", "type", "reboot", "a", ""]) | st.text(max_size=6)

    def extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        arrays = st.lists(children, max_size=4).map(lambda xs: "[" + ",".join(xs) + "]")
        pairs = st.lists(st.tuples(keys, children), max_size=4)
        objects = pairs.map(lambda kv: "{" + ",".join(f"{json.dumps(k)}:{v}" for k, v in kv) + "}")
        return arrays | objects

    return st.recursive(leaves, extend, max_leaves=max_leaves)


def _object(fields: dict[str, str]) -> str:
    return "{" + ", ".join(f"{json.dumps(k)}: {v}" for k, v in fields.items()) + "}"


@st.composite
def _mutated(draw: st.DrawFn, template: dict[str, str]) -> dict[str, str]:
    fields = dict(template)
    for _ in range(draw(st.integers(0, 3))):
        choice = draw(st.integers(0, 4))
        key = draw(st.sampled_from(sorted(template)))
        if choice == 0:
            fields.pop(key, None)
        elif choice == 1:
            fields[draw(st.text(max_size=8))] = draw(json_text(3))
        else:
            fields[key] = draw(json_text(4))
    return fields


@st.composite
def _schema_shaped(draw: st.DrawFn, ids: tuple[str, ...]) -> str:
    kind = draw(st.sampled_from(["create", "create", "update", "action"]))
    if kind == "action":
        name = draw(st.sampled_from(ACTIONS) | st.text(max_size=8))
        value = draw(st.sampled_from(ACTION_VALUES) | json_text(4))
        extra = draw(st.sampled_from(["", ', "os-start": null', ', "reboot": {}']))
        return f"{{{json.dumps(name)}: {value}{extra}}}"
    template = CREATE_FIELDS if kind == "create" else UPDATE_FIELDS
    inner = _object(draw(_mutated(template)))
    if draw(st.integers(0, 9)) == 0:
        inner = draw(json_text(4))
    wrapper = draw(st.sampled_from(['{{"server": {0}}}', '{{"server": {0}, "server": {0}}}']))
    return str(wrapper.format(inner))


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@cache
def bodies(ids: tuple[str, ...] = ()) -> st.SearchStrategy[bytes]:
    """:returns: request bodies: mostly schema-shaped JSON, and raw oddities."""
    text = st.one_of(
        _schema_shaped(ids),
        _schema_shaped(ids),
        _schema_shaped(ids),
        json_text(),
        st.sampled_from([_nested(100), _nested(5000), '{"a":' * 3000, "", " ", "{", "nul"]),
    )
    encoded = text.map(lambda t: t.encode("utf-8", "surrogatepass"))
    truncated = st.tuples(encoded, st.integers(0, 40)).map(lambda pair: pair[0][: pair[1]])
    return st.one_of(
        encoded,
        encoded,
        encoded,
        truncated,
        st.binary(max_size=40),
        st.sampled_from([b"\xff\xfe{}", b'{"server": "\xff"}', b"\xef\xbb\xbf{}"]),
    )
