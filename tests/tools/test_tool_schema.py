"""OpenAI tool definitions -> specs: every refusal names the tool and parameter; argument
validation; the bundled tool set file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from _tool_fixtures import bundled_tools

from kodial.errors import DataError
from kodial.tools.schema import ToolSchemaError, load_tools, parse_tools, validate_arguments


def fn(
    name: str = "book", props: dict[str, Any] | None = None, required: Any = None, **extra: Any
) -> dict[str, Any]:
    params: dict[str, Any] = {"type": "object", "properties": props or {}}
    if required is not None:
        params["required"] = required
    return {
        "type": "function",
        "function": {"name": name, "description": "예약", "parameters": params, **extra},
    }


def test_parses_types_enums_formats_and_required() -> None:
    spec = parse_tools(
        [
            fn(
                props={
                    "date": {"type": "string", "format": "date", "description": "날짜"},
                    "n": {"type": "integer", "minimum": 1, "description": "인원"},
                    "seat": {"type": "string", "enum": ["indoor", "outdoor"]},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "note": {"type": ["string", "null"]},
                },
                required=["date", "n"],
            )
        ]
    )[0]
    assert spec.name == "book" and spec.required == ("date", "n")
    date, n, seat, tags, note = spec.params
    assert (date.format, n.minimum, seat.enum, tags.items_type, note.type) == (
        "date",
        1.0,
        ("indoor", "outdoor"),
        "string",
        "string",
    )


@pytest.mark.parametrize(
    ("tool", "where", "says"),
    [
        ("not a dict", "tools[0]", "JSON object"),
        ({"type": "retrieval"}, "tools[0]", "unsupported tool type"),
        ({"type": "function"}, "tools[0]", "'function'"),
        (fn(name="예약하기"), "tools[0]", "invalid function name"),
        (fn(props={"x": {"type": "date"}}), "tools[0] 'book': parameter 'x'", "unsupported type"),
        (
            fn(props={"x": {"type": "integer", "enum": [1, "two"]}}),
            "tools[0] 'book': parameter 'x'",
            "'two' is not a integer",
        ),
        (
            fn(props={"x": {"type": "integer", "enum": []}}),
            "tools[0] 'book': parameter 'x'",
            "enum must not be empty",
        ),
        (
            fn(props={"x": {"type": "string", "pattern": "(["}}),
            "tools[0] 'book': parameter 'x'",
            "invalid pattern",
        ),
        (
            fn(props={"x": {"type": "array", "minItems": -1}}),
            "tools[0] 'book': parameter 'x'",
            "minItems must be a non-negative integer",
        ),
        (
            fn(props={"x": {"type": "array", "items": {"type": "string", "pattern": "(["}}}),
            "tools[0] 'book': parameter 'x'",
            "invalid items pattern",
        ),
        (
            fn(props={"x": {"type": "string"}}, required=["y"]),
            "tools[0] 'book': parameter 'y'",
            "not defined in properties",
        ),
        (
            fn(props={"x": {"type": "string"}}, required="x"),
            "tools[0] 'book'",
            "required must be a list",
        ),
    ],
)
def test_refusals_name_the_tool_and_parameter(tool: Any, where: str, says: str) -> None:
    with pytest.raises(ToolSchemaError) as err:
        parse_tools([tool])
    assert err.value.where == where
    assert str(err.value).startswith(where) and says in str(err.value)


def test_duplicate_names_and_non_list() -> None:
    with pytest.raises(ToolSchemaError, match=r"tools\[1\] 'book': duplicate .*tools\[0\]"):
        parse_tools([fn(), fn()])
    with pytest.raises(ToolSchemaError, match="must be a list"):
        parse_tools({"tools": []})


def test_validate_arguments_checks_types_enum_bounds_pattern_format_and_unknown_keys() -> None:
    spec = parse_tools(
        [
            fn(
                props={
                    "date": {"type": "string", "format": "date"},
                    "n": {"type": "integer", "minimum": 1, "maximum": 20},
                    "seat": {"type": "string", "enum": ["indoor", "outdoor"]},
                    "code": {"type": "string", "pattern": "^[0-9]{4}$"},
                    "ok": {"type": "boolean"},
                },
                required=["date", "n"],
            )
        ]
    )[0]
    assert (
        validate_arguments(
            spec, {"date": "2026-11-19", "n": 2, "seat": "indoor", "code": "1234", "ok": False}
        )
        == []
    )
    problems = validate_arguments(
        spec, {"date": "내일", "n": 0, "seat": "창가", "code": "12", "ok": "yes", "extra": 1}
    )
    joined = "\n".join(problems)
    for piece in (
        "extra: not a parameter",
        "date: '내일' is not a date",
        "n: 0 is below",
        "seat: '창가' is not one of",
        "code: '12' does not match",
        "ok: 'yes' is not a",
    ):
        assert piece in joined
    assert validate_arguments(spec, {"n": True}) == ["date: required", "n: True is not a integer"]


def test_load_tools_reports_file_line_and_field(tmp_path: Path) -> None:
    good = fn(props={"x": {"type": "string"}})
    bad = fn(name="bad", props={"when": {"type": "datetime"}})
    path = tmp_path / "tools.json"
    path.write_text(json.dumps([good, bad], ensure_ascii=False, indent=1), encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_tools(path)
    text = path.read_text(encoding="utf-8")
    line = text[: text.index('"bad"')].count("\n") + 1
    assert err.value.path == str(path) and err.value.line == line
    assert err.value.field == "tools[1] 'bad': parameter 'when'"
    assert "unsupported type 'datetime'" in str(err.value)
    path.write_text("[{]", encoding="utf-8")
    with pytest.raises(DataError, match=r"tools.json:1: invalid JSON"):
        load_tools(path)


def test_bundled_tool_set_has_what_the_issue_asks() -> None:
    specs = parse_tools(bundled_tools())
    assert len(specs) >= 15
    params = [p for s in specs for p in s.params]
    assert any(p.format == "date" for p in params) and any(p.format == "time" for p in params)
    assert any(p.format == "date-time" for p in params)
    assert any(p.type == "integer" for p in params) and any(p.type == "number" for p in params)
    assert any(p.enum for p in params) and any(p.type == "boolean" for p in params)
    assert any(not p.required for p in params) and all(s.required for s in specs)
    assert all(s.description and all(p.description for p in s.params) for s in specs)


def test_what_a_parameter_is_is_remembered_per_schema_and_unhashable_enums_still_work() -> None:
    """``param_kind`` and ``date_format`` are remembered per parameter (the same parameters are
    read for every message); equal schemas share the answer, and a schema whose enum holds a
    list (not hashable) is still read, just not remembered."""
    from kodial.tools.arguments.params import date_format, param_kind
    from kodial.tools.schema import ParamSpec

    day = ParamSpec("day", "string", "예약 날짜 (YYYY-MM-DD)")
    assert param_kind(day) == "date" and date_format(day) is not None
    assert param_kind(ParamSpec("day", "string", "예약 날짜 (YYYY-MM-DD)")) == "date"
    assert param_kind(ParamSpec("day", "string", "메모 내용")) != "date"
    odd = ParamSpec("shape", "array", "모양", enum=([1, 2], [3, 4]))
    assert param_kind(odd) == "array"
    assert param_kind(ParamSpec("size", "string", "크기", enum=("S", "M"))) == "enum"


def test_validate_arguments_checks_lengths_item_counts_and_items() -> None:
    days = {"type": "string", "format": "date"}
    spec = parse_tools(
        [
            fn(
                props={
                    "days": {"type": "array", "items": days, "minItems": 2, "maxItems": 3},
                    "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
                    "codes": {
                        "type": "array",
                        "items": {"type": "string", "pattern": "^[A-Z]\\d$"},
                    },
                    "memo": {"type": "string", "minLength": 2, "maxLength": 5},
                }
            )
        ]
    )[0]
    ok = {"days": ["2026-12-01", "2026-12-02"], "tags": ["a", "b"], "codes": ["A1"], "memo": "안녕"}
    assert validate_arguments(spec, ok) == []
    bad = {"days": ["내일"], "tags": ["a", "a"], "codes": ["a1"], "memo": "안녕하세요 반가워요"}
    assert validate_arguments(spec, bad) == [
        "days: item '내일' is not a date",
        "days: fewer than 2 items",
        "tags: items repeat",
        "codes: item 'a1' does not match '^[A-Z]\\\\d$'",
        "memo: '안녕하세요 반가워요' is longer than 5 characters",
    ]
