"""Korean sentences the tool engine says: slot questions, declines and answers from tool results.

Parameters are named by their descriptions ("수거할 위치", "날짜"), joined with the particle
their final consonant needs: "수거할 위치와 날짜를 알려주세요", "이름, 이메일 주소와 비밀번호를
알려주세요". Nothing here calls a model: the sentences are built, so they are always grammatical
and never promise what the tools cannot do.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from kodial.korean import attach_particle
from kodial.tools.arguments.params import enum_options, param_label
from kodial.tools.schema import ParamSpec, ToolSpec
from kodial.tools.text import split_identifier


def join_ko(words: list[str]) -> str:
    """``["위치", "날짜"]`` -> ``"위치와 날짜"``; three or more: ``"이름, 이메일 주소와 비밀번호"``."""
    if not words:
        return ""
    if len(words) == 1:
        return words[0]
    return ", ".join([*words[:-2], attach_particle(words[-2], "와/과") + " " + words[-1]])


def slot_question(tool: ToolSpec, missing: list[str], refused: Sequence[str] = ()) -> str:
    """ "수거할 위치와 날짜를 알려주세요." — the missing required parameters of ``tool``; a single
    parameter with allowed values lists them, a yes/no one says so. A parameter in ``refused``
    (its value was said, and the schema refused it) is asked again with what it takes: "희망
    온도는 16~30 사이로 알려주세요." """
    params = [p for p in (tool.param(n) for n in missing) if p is not None]
    again = [p for p in params if p.name in refused]
    if again:
        rest = [p.name for p in params if p.name not in refused]
        said = [_ask_again(p) for p in again]
        return " ".join(said + ([slot_question(tool, rest)] if rest else []))
    labels = list(dict.fromkeys(param_label(p) for p in params))
    sentence = f"{attach_particle(join_ko(labels), '을/를')} 알려주세요."
    if len(params) == 1:
        p = params[0]
        options = enum_options(p)
        if options:
            sentence = f"{sentence[:-1]} ({', '.join(map(str, options))} 중에서)."
        elif p.type == "boolean":
            sentence = f"{sentence[:-1]} (예/아니요)."
    return sentence


def _number(x: float) -> str:
    """A bound as people write it: 5,000,000 (never 5e+06), 0.5."""
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,}"


def _ask_again(p: ParamSpec) -> str:
    """The question for a value the schema refused: the range, the allowed values, or again."""
    label = param_label(p)
    if p.minimum is not None and p.maximum is not None:
        return (
            f"{attach_particle(label, '은/는')} {_number(p.minimum)}~{_number(p.maximum)} "
            "사이로 알려주세요."
        )
    if p.minimum is not None:
        return f"{attach_particle(label, '은/는')} {_number(p.minimum)} 이상으로 알려주세요."
    if p.maximum is not None:
        return f"{attach_particle(label, '은/는')} {_number(p.maximum)} 이하로 알려주세요."
    options = enum_options(p)
    if options:
        return (
            f"{attach_particle(label, '은/는')} {', '.join(map(str, options))} 중에서 골라 주세요."
        )
    return f"말씀하신 {attach_particle(label, '은/는')} 받을 수 없는 형식이에요. 다시 알려주세요."


def decline_message(tools: list[ToolSpec]) -> str:
    """A polite refusal that says what the offered tools can do."""
    if not tools:
        return "죄송하지만 그 요청은 도와드릴 수 없어요."
    things = [f"'{_what(t)}'" for t in tools[:5]]
    more = f" 외 {len(tools) - 5}가지" if len(tools) > 5 else ""
    return (
        "죄송하지만 그 요청은 제가 할 수 없는 일이에요. "
        f"제가 도와드릴 수 있는 일은 {', '.join(things)}{more}입니다."
    )


_L_DROPPED = {"거": "걸", "여": "열", "파": "팔", "드": "들"}
"""Stems of ㄹ verbs as they are written before ㅂ니다 (겁니다), with their ㄹ."""


def _what(tool: ToolSpec) -> str:
    """A tool's description as a noun phrase for a list: "식당 좌석을 예약한다" -> "식당 좌석을
    예약하기", "알람을 맞춘다" -> "알람을 맞추기"; a description that is already a noun phrase is
    kept; no description: the name."""
    desc = re.split(r"(?<=[.!?])\s", tool.description.strip(), maxsplit=1)[0].strip().rstrip(".")
    if not desc:
        return " ".join(split_identifier(tool.name))
    desc = re.sub(r"\s*(?:하는|해주는|주는)?\s*함수(?:입니다|이다)?$", "", desc)
    for ending, repl in (
        ("합니다", "하기"),
        ("한다", "하기"),
        ("해준다", "해 주기"),
        ("해줍니다", "해 주기"),
        ("입니다", ""),
        ("이다", ""),
    ):
        if desc.endswith(ending):
            return desc[: -len(ending)] + repl
    if desc.endswith("는다"):  # 찾는다 -> 찾기
        return desc[:-2] + "기"
    if desc.endswith("습니다"):  # 찾습니다 -> 찾기, 담습니다 -> 담기
        return desc[:-3] + "기"
    if len(desc) >= 3 and desc.endswith("니다"):
        last = desc[-3]
        code = ord(last) - 0xAC00
        if 0 <= code < 11172 and code % 28 == 17:  # ㅂ니다: 보냅니다 -> 보내기, 겁니다 -> 걸기
            stem = chr(ord(last) - 17)
            # 겁니다 (걸다), 엽니다 (열다), 팝니다 (팔다), 만듭니다 (만들다): the ㄹ drops there
            stem = _L_DROPPED.get(stem, stem)
            return desc[:-3] + stem + "기"
    if len(desc) >= 2 and desc.endswith("다"):
        last = desc[-2]
        code = ord(last) - 0xAC00
        if 0 <= code < 11172 and code % 28 == 4:  # ㄴ다: 맞춘다 -> 맞추기, 보낸다 -> 보내기
            return desc[:-2] + chr(ord(last) - 4) + "기"
        return desc[:-1] + "기"
    return desc


def answer_from_result(tool_name: str | None, content: str) -> str:
    """A Korean reply built from a tool's result: its ``message`` (or ``error``) field when it
    has one, otherwise its key facts ("distance_km: 3944.28")."""
    try:
        data = json.loads(content)
    except (json.JSONDecodeError, TypeError):
        text = (content or "").strip()
        return text if text else "요청을 처리했습니다."
    if isinstance(data, dict):
        for key in ("message", "msg", "result_message", "error", "detail"):
            value = data.get(key)
            if isinstance(value, str) and value.strip():
                status = _status(data)
                prefix = "요청을 처리하지 못했습니다: " if status is False or key == "error" else ""
                return prefix + value.strip()
        status = _status(data)
        facts = _facts(data)
        if not facts:
            if status is True:
                return "요청하신 작업을 완료했습니다."
            if status is False:
                return "요청하신 작업을 처리하지 못했습니다."
            return "결과가 비어 있습니다."
        head = "요청하신 작업을 완료했습니다. " if status is True else ""
        return head + "결과는 다음과 같습니다: " + ", ".join(facts) + "."
    if isinstance(data, list):
        items = [_say(v) for v in data[:10]]
        return "결과는 다음과 같습니다: " + ", ".join(items) + "."
    return f"결과는 {_say(data)}입니다."


def _status(data: dict[str, Any]) -> bool | None:
    status = data.get("status", data.get("success"))
    if isinstance(status, bool):
        return status
    if isinstance(status, str):
        s = status.lower()
        if s in ("success", "ok", "done", "succeeded") or "success" in s:
            return True
        if s in ("fail", "failed", "error") or "fail" in s or "error" in s or "no result" in s:
            return False
    return None


def _facts(data: dict[str, Any]) -> list[str]:
    out = []
    for k, v in data.items():
        if k in ("status", "success") or v is None:
            continue
        out.append(f"{k}: {_say(v)}")
    return out[:12]


def _say(v: Any) -> str:
    if isinstance(v, bool):
        return "예" if v else "아니요"
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, int | float):
        return f"{v:,}" if abs(v) >= 10_000 else str(v)
    if isinstance(v, dict):
        return "(" + ", ".join(f"{k}: {_say(x)}" for k, x in list(v.items())[:6]) + ")"
    if isinstance(v, list):
        return "[" + ", ".join(_say(x) for x in v[:6]) + (", …" if len(v) > 6 else "") + "]"
    return str(v)
