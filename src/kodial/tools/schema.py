"""OpenAI tool definitions -> typed :class:`ToolSpec` / :class:`ParamSpec`, and argument checks.

An app sends ``tools`` as OpenAI function-calling JSON::

    {"type": "function", "function": {"name": "book_taxi", "description": "택시를 부른다",
     "parameters": {"type": "object", "properties": {"origin": {"type": "string",
     "description": "출발지"}}, "required": ["origin"]}}}

:func:`parse_tools` turns that list into specs and refuses what kodial cannot honour with a
:class:`ToolSchemaError` that names the tool and parameter (``tools[2] 'book_taxi': parameter
'origin': ...``), so a client learns what to fix instead of getting a wrong call later.
:func:`validate_arguments` checks final arguments against the same schema (types, enum,
required, no unknown keys) before any call leaves kodial.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kodial.errors import DataError, KodialError
from kodial.textio import read_text

JSON_TYPES = ("string", "number", "integer", "boolean", "array", "object")
"""JSON-schema types a parameter may declare."""

_NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
"""OpenAI's rule for function names."""


class ToolSchemaError(KodialError):
    """A tool definition kodial cannot use; the message names the tool and parameter."""

    def __init__(self, message: str, *, where: str, hint: str | None = None) -> None:
        self.where = where
        super().__init__(f"{where}: {message}", hint)


@dataclass(frozen=True)
class ParamSpec:
    """One parameter of a tool."""

    name: str
    type: str
    """JSON type: string, number, integer, boolean, array or object."""
    description: str = ""
    required: bool = False
    enum: tuple[Any, ...] = ()
    """Allowed values (empty: any value of ``type``)."""
    format: str | None = None
    """JSON-schema format for strings: date, date-time, time, email ..."""
    items_type: str | None = None
    """Type of the elements of an array parameter."""
    items_enum: tuple[Any, ...] = ()
    items_format: str | None = None
    """JSON-schema format of an array's string items (``date``: a list of days)."""
    items_pattern: str | None = None
    """Regular expression an array's string items must match."""
    items_minimum: float | None = None
    items_maximum: float | None = None
    """Bounds of an array's number items (shoe sizes 200 to 310)."""
    min_items: int | None = None
    max_items: int | None = None
    unique_items: bool = False
    min_length: int | None = None
    """Fewest characters of a string value."""
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    """Regular expression a string value must match (checked by :func:`validate_arguments`)."""
    notes: str = ""
    """What the tool's description says of this parameter ("applicant_type: individual(개인/
    개인사업자) 또는 corporation(법인)"): read for the words its values are said with."""

    @property
    def label(self) -> str:
        """How the parameter is named to a user: its description up to the first bracket or
        comma, else its name (``"수거할 위치 (예: 101동 앞)"`` -> ``"수거할 위치"``)."""
        text = re.split(r"[(\[,.:;（]", self.description, maxsplit=1)[0].strip()
        return text or self.name


@dataclass(frozen=True)
class ToolSpec:
    """One callable function offered by the client."""

    name: str
    description: str = ""
    params: tuple[ParamSpec, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """The definition as sent (returned unchanged to clients that ask)."""

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params if p.required)

    def param(self, name: str) -> ParamSpec | None:
        return next((p for p in self.params if p.name == name), None)


def item_fields(tool: ToolSpec, name: str) -> dict[str, dict[str, Any]]:
    """The fields of the objects array parameter ``name`` holds, as the tool declares them
    (``{"item": {"type": "string", "enum": [...]}, "count": {"type": "integer"}}``); empty when
    its items are not objects with declared fields."""
    props = tool.raw.get("function", {}).get("parameters", {}).get("properties", {})
    schema = props.get(name) if isinstance(props, dict) else None
    items = schema.get("items") if isinstance(schema, dict) else None
    fields = items.get("properties") if isinstance(items, dict) else None
    if not isinstance(fields, dict):
        return {}
    return {k: v for k, v in fields.items() if isinstance(v, dict)}


def _where(index: int, name: str | None, param: str | None = None) -> str:
    where = f"tools[{index}]" + (f" {name!r}" if name else "")
    return where + (f": parameter {param!r}" if param else "")


def _checked_pattern(pattern: Any, what: str, where: str) -> Any:
    """A schema's regular expression, refused (naming ``what`` and ``where``) when it does
    not compile."""
    if pattern is not None:
        try:
            re.compile(pattern)
        except (re.error, TypeError) as exc:
            raise ToolSchemaError(f"invalid {what}: {exc}", where=where) from None
    return pattern


def _parse_param(index: int, tool: str, pname: str, schema: Any, required: bool) -> ParamSpec:
    where = _where(index, tool, pname)
    if not isinstance(schema, dict):
        raise ToolSchemaError("must be a JSON object (a JSON schema)", where=where)
    ptype = schema.get("type", "string")
    if isinstance(ptype, list):  # ["string", "null"]: nullable, the non-null type decides
        non_null = [t for t in ptype if t != "null"]
        ptype = non_null[0] if len(non_null) == 1 else None
    if ptype not in JSON_TYPES:
        raise ToolSchemaError(
            f"unsupported type {schema.get('type')!r}",
            where=where,
            hint=f"use one of {', '.join(JSON_TYPES)}",
        )
    description = schema.get("description", "")
    if not isinstance(description, str):
        raise ToolSchemaError("description must be a string", where=where)
    enum = schema.get("enum", ())
    if not isinstance(enum, list | tuple):
        raise ToolSchemaError("enum must be a list of values", where=where)
    if "enum" in schema and len(enum) == 0:
        # an empty enum allows no value at all: the parameter could never be filled
        raise ToolSchemaError("enum must not be empty", where=where)
    for value in enum:
        if not _type_ok(value, ptype):
            raise ToolSchemaError(f"enum value {value!r} is not a {ptype}", where=where)
    items = schema.get("items", {}) if ptype == "array" else {}
    if not isinstance(items, dict):
        raise ToolSchemaError("items must be a JSON schema object", where=where)
    items_type = items.get("type", "string") if ptype == "array" else None
    if items_type is not None and items_type not in JSON_TYPES:
        raise ToolSchemaError(f"unsupported items type {items_type!r}", where=where)
    pattern = _checked_pattern(schema.get("pattern"), "pattern", where)
    bounds = {}
    for key in ("minimum", "maximum"):
        value = schema.get(key)
        if value is not None and not _type_ok(value, "number"):
            raise ToolSchemaError(f"{key} must be a number", where=where)
        bounds[key] = None if value is None else float(value)
    items_pattern = _checked_pattern(items.get("pattern"), "items pattern", where)
    for key in ("minimum", "maximum"):
        value = items.get(key)
        if value is not None and not _type_ok(value, "number"):
            raise ToolSchemaError(f"items {key} must be a number", where=where)
        bounds[f"items_{key}"] = None if value is None else float(value)
    sizes: dict[str, int | None] = {}
    for key in ("minItems", "maxItems", "minLength", "maxLength"):
        value = schema.get(key)
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or value < 0
        ):
            raise ToolSchemaError(f"{key} must be a non-negative integer", where=where)
        sizes[key] = value
    fmt = schema.get("format")
    items_fmt = items.get("format")
    return ParamSpec(
        name=pname,
        type=ptype,
        description=description,
        required=required,
        enum=tuple(enum),
        format=fmt if isinstance(fmt, str) else None,
        items_type=items_type,
        items_enum=tuple(items.get("enum", ())) if isinstance(items.get("enum"), list) else (),
        items_format=items_fmt if isinstance(items_fmt, str) else None,
        items_pattern=items_pattern,
        items_minimum=bounds["items_minimum"],
        items_maximum=bounds["items_maximum"],
        min_items=sizes["minItems"],
        max_items=sizes["maxItems"],
        unique_items=schema.get("uniqueItems") is True,
        min_length=sizes["minLength"],
        max_length=sizes["maxLength"],
        minimum=bounds["minimum"],
        maximum=bounds["maximum"],
        pattern=pattern,
    )


def parse_tool(index: int, tool: Any) -> ToolSpec:
    """One OpenAI tool definition (``{"type": "function", "function": {...}}``) -> spec."""
    if not isinstance(tool, dict):
        raise ToolSchemaError("must be a JSON object", where=_where(index, None))
    if tool.get("type", "function") != "function":
        raise ToolSchemaError(
            f"unsupported tool type {tool.get('type')!r}",
            where=_where(index, None),
            hint='only {"type": "function"} tools can be called',
        )
    fn = tool.get("function")
    if not isinstance(fn, dict):
        raise ToolSchemaError("missing the 'function' object", where=_where(index, None))
    name = fn.get("name")
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise ToolSchemaError(
            f"invalid function name {name!r}",
            where=_where(index, None),
            hint="1-64 characters: letters, digits, '_' or '-'",
        )
    description = fn.get("description", "")
    if not isinstance(description, str):
        raise ToolSchemaError("description must be a string", where=_where(index, name))
    params_schema = fn.get("parameters") or {"type": "object", "properties": {}}
    if not isinstance(params_schema, dict) or params_schema.get("type", "object") != "object":
        raise ToolSchemaError(
            "parameters must be a JSON schema of type 'object'", where=_where(index, name)
        )
    props = params_schema.get("properties") or {}
    if not isinstance(props, dict):
        raise ToolSchemaError("parameters.properties must be an object", where=_where(index, name))
    required = params_schema.get("required") or []
    if not isinstance(required, list) or not all(isinstance(r, str) for r in required):
        raise ToolSchemaError(
            "parameters.required must be a list of names", where=_where(index, name)
        )
    for r in required:
        if r not in props:
            raise ToolSchemaError(
                "is required but not defined in properties",
                where=_where(index, name, r),
                hint=f"defined: {', '.join(props) or 'none'}",
            )
    params = tuple(
        replace(p, notes=_notes_on(description, p.name))
        for p in (
            _parse_param(index, name, pname, schema, pname in required)
            for pname, schema in props.items()
        )
    )
    return ToolSpec(name=name, description=description, params=params, raw=tool)


def _notes_on(description: str, pname: str) -> str:
    """The part of a tool's description about parameter ``pname`` ("pname: ..." up to the end
    of its sentence), or an empty string."""
    m = re.search(
        rf"(?<![A-Za-z0-9_]){re.escape(pname)}\s*[:=]\s*(.+?)(?:(?<=[^0-9])\.\s|\n|$)", description
    )
    return m.group(1).strip() if m else ""


def parse_tools(tools: Any) -> list[ToolSpec]:
    """The ``tools`` list of a request -> specs; :class:`ToolSchemaError` on the first problem."""
    if not isinstance(tools, list):
        raise ToolSchemaError("must be a list of tool definitions", where="tools")
    specs = [parse_tool(i, t) for i, t in enumerate(tools)]
    seen: dict[str, int] = {}
    for i, spec in enumerate(specs):
        if spec.name in seen:
            raise ToolSchemaError(
                f"duplicate function name (also tools[{seen[spec.name]}])",
                where=_where(i, spec.name),
            )
        seen[spec.name] = i
    return specs


def load_tools(path: str | Path) -> list[dict[str, Any]]:
    """Read a JSON file holding a list of OpenAI tool definitions (or ``{"tools": [...]}``);
    problems raise :class:`DataError` with the file, the line of the offending tool and the field.
    Returns the raw definitions (what a client would send), already checked by
    :func:`parse_tools`."""
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"invalid JSON: {exc.msg}", path=path, line=exc.lineno) from None
    if isinstance(data, dict) and "tools" in data:
        data = data["tools"]
    try:
        parse_tools(data)
    except ToolSchemaError as exc:
        line = _line_of_tool(text, data, exc.where)
        raise DataError(
            exc.message.split(": ", 1)[1], path=path, line=line, field=exc.where, hint=exc.hint
        ) from None
    tools: list[dict[str, Any]] = data
    return tools


def _line_of_tool(text: str, data: Any, where: str) -> int | None:
    """Line where the tool named in ``where`` (``tools[3] ...``) starts in the JSON text."""
    m = re.match(r"tools\[(\d+)\]", where)
    if m is None or not isinstance(data, list):
        return None
    tool = data[int(m.group(1))]
    name = tool.get("function", {}).get("name") if isinstance(tool, dict) else None
    if not isinstance(name, str):
        return None
    pos = text.find(json.dumps(name, ensure_ascii=False))
    return None if pos < 0 else text.count("\n", 0, pos) + 1


def _type_ok(value: Any, ptype: str) -> bool:
    if ptype == "string":
        return isinstance(value, str)
    if ptype == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if ptype == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if ptype == "boolean":
        return isinstance(value, bool)
    if ptype == "array":
        return isinstance(value, list)
    return isinstance(value, dict)


_FORMAT_RES = {
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "date-time": re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)?$"),
    "time": re.compile(r"^\d{2}:\d{2}(:\d{2})?$"),
    "email": re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
}


def _array_problems(p: ParamSpec, value: list[Any]) -> list[str]:
    """Problems of an array value: its items' type, allowed values, bounds, pattern and format; how
    many items (minItems, maxItems) and whether they repeat (uniqueItems)."""
    problems = []
    for item in value:
        if p.items_type and not _type_ok(item, p.items_type):
            problems.append(f"{p.name}: item {item!r} is not a {p.items_type}")
        elif p.items_enum and item not in p.items_enum:
            problems.append(f"{p.name}: item {item!r} is not one of {list(p.items_enum)}")
        elif isinstance(item, (int, float)) and not (
            (p.items_minimum is None or item >= p.items_minimum)
            and (p.items_maximum is None or item <= p.items_maximum)
        ):
            problems.append(f"{p.name}: item {item!r} is out of range")
        elif isinstance(item, str):
            if p.items_pattern is not None and re.search(p.items_pattern, item) is None:
                problems.append(f"{p.name}: item {item!r} does not match {p.items_pattern!r}")
            fmt_re = _FORMAT_RES.get(p.items_format or "")
            if fmt_re is not None and not fmt_re.match(item):
                problems.append(f"{p.name}: item {item!r} is not a {p.items_format}")
    if p.min_items is not None and len(value) < p.min_items:
        problems.append(f"{p.name}: fewer than {p.min_items} items")
    if p.max_items is not None and len(value) > p.max_items:
        problems.append(f"{p.name}: more than {p.max_items} items")
    if p.unique_items and len({json.dumps(v, sort_keys=True) for v in value}) < len(value):
        problems.append(f"{p.name}: items repeat")
    return problems


def validate_arguments(tool: ToolSpec, arguments: dict[str, Any]) -> list[str]:
    """Problems of ``arguments`` against the tool's schema (empty: valid). Checks unknown keys,
    required keys, types, enum values, bounds, lengths, item counts, string patterns and
    formats."""
    problems = []
    for key in arguments:
        if tool.param(key) is None:
            problems.append(f"{key}: not a parameter of {tool.name}")
    for p in tool.params:
        if p.name not in arguments:
            if p.required:
                problems.append(f"{p.name}: required")
            continue
        value = arguments[p.name]
        if not _type_ok(value, p.type):
            problems.append(f"{p.name}: {value!r} is not a {p.type}")
            continue
        if p.enum and value not in p.enum:
            problems.append(f"{p.name}: {value!r} is not one of {list(p.enum)}")
        if p.type == "array":
            problems += _array_problems(p, value)
        if isinstance(value, int | float) and not isinstance(value, bool):
            if p.minimum is not None and value < p.minimum:
                problems.append(f"{p.name}: {value} is below the minimum {p.minimum:g}")
            if p.maximum is not None and value > p.maximum:
                problems.append(f"{p.name}: {value} is above the maximum {p.maximum:g}")
        if isinstance(value, str):
            if p.min_length is not None and len(value) < p.min_length:
                problems.append(f"{p.name}: {value!r} is shorter than {p.min_length} characters")
            if p.max_length is not None and len(value) > p.max_length:
                problems.append(f"{p.name}: {value!r} is longer than {p.max_length} characters")
            if p.pattern is not None and re.search(p.pattern, value) is None:
                problems.append(f"{p.name}: {value!r} does not match {p.pattern!r}")
            fmt_re = _FORMAT_RES.get(p.format or "")
            if fmt_re is not None and not fmt_re.match(value):
                problems.append(f"{p.name}: {value!r} is not a {p.format}")
    return problems
