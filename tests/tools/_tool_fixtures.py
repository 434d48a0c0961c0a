"""Shared pieces of the tool-calling tests: the bundled Korean tool set, a fixed "now", and
builders for tools written in a test."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from kodial.korean.datetimes import SEOUL
from kodial.tools.schema import load_tools

NOW = datetime(2026, 11, 18, 14, 0, tzinfo=SEOUL)
"""A Wednesday afternoon: 내일 = 2026-11-19, 금요일 = 2026-11-20, 다음 주 화요일 = 2026-11-24."""


def bundled_tools() -> list[dict[str, Any]]:
    """The project's own 18 Korean tools (OpenAI JSON, as a client would send them)."""
    from importlib import resources

    return load_tools(str(resources.files("kodial") / "resources" / "tools" / "tools.json"))


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": text}


def assistant(text: str) -> dict[str, Any]:
    return {"role": "assistant", "content": text}


def function_tool(
    name: str, desc: str, props: dict[str, Any], required: list[str]
) -> dict[str, Any]:
    """An OpenAI function tool with these parameters."""
    params = {"type": "object", "properties": props, "required": required}
    return {
        "type": "function",
        "function": {"name": name, "description": desc, "parameters": params},
    }


def tool_result(payload: dict[str, Any]) -> dict[str, Any]:
    """The ``tool`` message answering call ``c1`` with ``payload`` as JSON."""
    return {
        "role": "tool",
        "tool_call_id": "c1",
        "content": json.dumps(payload, ensure_ascii=False),
    }


def string_param(desc: str) -> dict[str, Any]:
    return {"type": "string", "description": desc}


def integer_param(desc: str) -> dict[str, Any]:
    return {"type": "integer", "description": desc}


def enum_param(desc: str, options: list[str]) -> dict[str, Any]:
    return {"type": "string", "description": desc, "enum": options}


def answer_to(tools: list[dict[str, Any]], request: str, question: str, reply: str) -> Any:
    """The decision on ``reply`` to the assistant's ``question`` about ``request``."""
    from kodial.tools import decide

    return decide([user(request), assistant(question), user(reply)], tools, "auto", now=NOW)


def filled(decision: Any) -> dict[str, Any]:
    """The values a decision filled (its ``explain``), called or not."""
    return {k: v["value"] for k, v in decision.explain.get("filled", {}).items()}


def values(tool: Any, text: str, asked: set[str] | None = None) -> dict[str, Any]:
    """The values :func:`kodial.tools.arguments.extract_message` reads from one message."""
    from kodial.tools.arguments import extract_message

    return {k: f.value for k, f in extract_message(tool, text, NOW, asked or set()).items()}


def called(tool_name: str, **arguments: Any) -> dict[str, Any]:
    """The assistant message calling ``tool_name`` with ``arguments`` (call id ``c1``)."""
    call: dict[str, Any] = {"id": "c1", "type": "function"}
    call["function"] = {"name": tool_name, "arguments": json.dumps(arguments, ensure_ascii=False)}
    return {"role": "assistant", "content": None, "tool_calls": [call]}


def one_string_tool(name: str, desc: str, param: str, key: str = "q") -> dict[str, Any]:
    """A tool with one required string parameter ``key`` described as ``param``."""
    return function_tool(name, desc, {key: string_param(param)}, [key])


def one_tool(props: dict[str, Any], required: list[str], name: str = "do_it") -> Any:
    """A parsed tool ``name`` of the given parameters, with a description that names no act."""
    from kodial.tools.schema import parse_tools

    return parse_tools([function_tool(name, "무언가를 처리합니다.", props, required)])[0]


def parsed_tool(name: str, desc: str, props: dict[str, Any], required: list[str]) -> Any:
    """The :class:`kodial.tools.schema.ToolSpec` of a function tool with these parameters."""
    from kodial.tools.schema import parse_tools

    return parse_tools([function_tool(name, desc, props, required)])[0]


CLOCK = {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d$"}
"""A time parameter written HH:MM (add a description)."""
MOBILE = {"type": "string", "description": "연락처", "pattern": r"^01[016789]-\d{3,4}-\d{4}$"}
"""A mobile number parameter."""
