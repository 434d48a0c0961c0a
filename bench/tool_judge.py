"""Judging one tool-calling decision against a gold turn, for ``bench_tools.py``: argument
comparison (numbers by value, strings ignoring case, spacing and end punctuation, the
benchmark's acceptable alternatives), calls, slot questions and completions."""

from __future__ import annotations

import json
import re
from typing import Any

from kodial.tools.arguments import param_keywords
from kodial.tools.questions import param_label
from kodial.tools.schema import parse_tools

# --- comparing arguments ------------------------------------------------------------------


def _norm(v: Any) -> Any:
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float):
        return round(float(v), 6)
    if isinstance(v, str):
        return re.sub(r"\s+", "", v.lower()).strip(".,!?~")
    return json.dumps(v, sort_keys=True, ensure_ascii=False)


def _accepted(key: str, gold: dict[str, Any], acceptable: Any) -> list[Any]:
    values = [gold[key]] if key in gold else []
    if isinstance(acceptable, dict) and key in acceptable:
        extra = acceptable[key]
        values.extend(extra if isinstance(extra, list) else [extra])
    return values


def wrong_params(pred: dict[str, Any], gold: dict[str, Any], acceptable: Any) -> list[str]:
    """Names of the arguments that are missing, different or extra."""
    if isinstance(acceptable, str):
        acceptable = None
    out = []
    for key in sorted(set(gold) | set(pred)):
        ok_values = [_norm(v) for v in _accepted(key, gold, acceptable)]
        if key not in pred or _norm(pred[key]) not in ok_values:
            out.append(key)
    return out


def args_match(pred: dict[str, Any], gold: dict[str, Any], acceptable: Any) -> tuple[bool, str]:
    """(equal, error class) — error classes: missing_arg, wrong_arg_value, extra_arg."""
    if isinstance(acceptable, str):
        acceptable = None
    for key in gold:
        if key not in pred:
            return False, "missing_arg"
        if _norm(pred[key]) not in [_norm(v) for v in _accepted(key, gold, acceptable)]:
            return False, "wrong_arg_value"
    for key in pred:
        if key not in gold and not (
            isinstance(acceptable, dict)
            and key in acceptable
            and _norm(pred[key]) in [_norm(v) for v in _accepted(key, gold, acceptable)]
        ):
            return False, "extra_arg"
    return True, ""


def _gold_call(gt: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    fn = gt["tool_calls"][0]["function"]
    return fn["name"], json.loads(fn["arguments"])


def _acceptable(raw: Any) -> Any:
    if isinstance(raw, str):
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            return None
    return raw


# --- one decision, judged -----------------------------------------------------------------


def judge_call(d: Any, name: str, args: dict[str, Any], acceptable: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"tool_ok": d.kind == "call" and d.tool == name, "exact": False}
    if d.kind != "call":
        out["error"] = {
            "ask": "asked_when_should_call" if d.tool == name else "asked_wrong_tool",
            "decline": "declined_when_should_call",
            "answer": "answered_when_should_call",
        }[d.kind]
        return out
    if d.tool != name:
        out["error"] = "wrong_tool"
        return out
    ok, err = args_match(d.arguments, args, acceptable)
    out["exact"] = ok
    if not ok:
        out["error"] = err
        out["wrong_params"] = wrong_params(d.arguments, args, acceptable)
    return out


def gold_missing(
    tool: dict[str, Any], question: str, call_args: dict[str, Any], said: str
) -> tuple[set[str], set[str]]:
    """Two readings of what the gold question asks for: the parameters it names by their
    descriptions, and the required parameters whose gold value the user has not said yet."""
    spec = parse_tools([tool])[0]
    q = re.sub(r"\s+", "", question.lower())
    named = set()
    for p in spec.params:
        words = [param_label(p), *param_keywords(p, spec)[:6]]
        for w in words:
            w = re.sub(r"\s+", "", w.lower())
            one = len(w) == 1 and re.search(
                rf"(?<![가-힣]){re.escape(w)}(?:[와과,를을는은가이도]|$)", q
            )
            if (len(w) > 1 and w in q) or one:
                named.add(p.name)
    named &= set(spec.required) | set(call_args)
    said_n = re.sub(r"\s+", "", said.lower())
    unsaid = {
        k
        for k in spec.required
        if k in call_args and re.sub(r"\s+", "", str(call_args[k]).lower()) not in said_n
    }
    return named, unsaid


def _values(obj: Any) -> list[str]:
    if isinstance(obj, dict):
        return [x for v in obj.values() for x in _values(v)]
    if isinstance(obj, list):
        return [x for v in obj for x in _values(v)]
    if obj is None or isinstance(obj, bool):
        return []
    return [str(obj)]


def judge_completion(d: Any, last: dict[str, Any]) -> dict[str, Any]:
    if d.kind != "answer":
        return {"ok": False, "error": f"{d.kind}_when_should_answer"}
    if last.get("role") != "tool":
        return {"ok": True}
    try:
        result = json.loads(last.get("content") or "null")
    except json.JSONDecodeError:
        result = last.get("content") or ""
    if isinstance(result, dict):  # a status word is not a fact to report
        result = {k: v for k, v in result.items() if k not in ("status", "success")}
    values = _values(result)
    reply = (d.content or "").replace(",", "")
    shown = [v for v in values if v.replace(",", "") in reply]
    ok = not values or bool(shown)
    return {"ok": ok, **({} if ok else {"error": "result_not_in_answer"})}
