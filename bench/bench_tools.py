"""FunctionChat-Bench (Korean tool use) with kodial's offline tool-call engine (no LLM).

Data: ``../shared/data/functionchat_bench/data`` (read there at run time, never copied):

- ``FunctionChat-Dialog.jsonl``: 45 dialogues, 200 turns typed ``call`` (call the right tool with
  the right arguments), ``slot`` (ask for exactly the missing required arguments),
  ``relevance`` (no tool fits: answer or decline, never call) and ``completion`` (answer from
  the tool result);
- ``FunctionChat-Singlecall.jsonl``: 25 functions x 4 requests x 5 tool sets (``exact``, 4 or 8
  tools drawn at random or close in meaning).

Every turn is decided by :func:`kodial.tools.decide` exactly as a client's request would be
(the turn's messages and tools, ``tool_choice="auto"``). Measures:

- tool-choice accuracy: a call turn called the gold tool (with any arguments);
- exact-argument accuracy: the gold tool with arguments equal to the gold ones, parsed as JSON
  (numbers by value; strings ignoring case, spacing and end punctuation) or to the benchmark's
  ``acceptable_arguments`` when it gives them as values;
- slot-question accuracy: asked about the gold's next tool, for exactly the gold's missing
  parameters under one of two readings of the gold question: the parameters it names by their
  descriptions' words, or the required parameters whose gold value the user has not said yet
  (the gold questions paraphrase parameter names, so neither reading alone is exact). It
  miscounts some turns both ways: a gold question that reads values back ("성인 2명으로
  예매해 드릴게요. 회차를 알려주세요") names parameters it does not ask for, and an id a tool
  result gave is "unsaid" although the user never has to type it; yet reading only the asking
  sentences and counting tool results as said (tried in session 10) turned 12 development-set
  turns right and 3 right ones wrong (an id to choose from a result is asked for), so the
  judge stays as it is;
- decline accuracy: relevance turns that neither call nor ask;
- completion: tool-result turns answered (not called again) with the result's values in the
  reply;
- balanced: mean of call (exact), slot and decline accuracy, so never calling cannot look good.

The benchmark's own scoring uses an LLM judge on free text; here only what can be checked
exactly is counted. Results go to ``bench/results/tools.{json,md}``.

**Tuning and held-out parts.** The engine's weights and "none fits" threshold are tuned on part
of the benchmark, so the benchmark is split in two (:func:`split_keys`, seed :data:`SPLIT_SEED`):
the dialogues by ``dialog_num`` and the single calls by function (all four requests and five
tool sets of a function stay together, so a request is never tuned on in one tool set and
scored in another), each sorted, shuffled with ``random.Random(SPLIT_SEED)`` and cut in half
(the first half tunes). ``--calibrate`` tunes on the project's own labelled requests plus the
tuning part (:func:`calibration_cases`) and writes the shipped
``resources/tools/calibration.json``; the held-out part is only ever scored, and the report
gives its score beside the tuning part's and the whole set's. Tools recur across dialogues and
functions (a weather tool is in several dialogues), so "held out" means unseen requests and
dialogues, not unseen tools.

**Sets of the project's own.** Because both parts have now been read (see the report), the
project keeps dialogues of its own in the same Dialog format, written for kodial by
contributors who had not read the engine (each set's ``SOURCE*.md`` says how), scored like the
dialogues and reported on their own:

- ``bench/data/tool_dialogs_dev.jsonl`` (development set): scored blind once, at 0.386
  balanced, and read since to improve the engine, so it no longer estimates anything unbiased;
- ``bench/data/tool_dialogs_dev2.jsonl`` (second development set): the blind set of session 8,
  scored blind once at 0.282 balanced (0.228 with the engine before that session's rules), then
  read to improve the engine;
- ``bench/data/tool_dialogs_dev3.jsonl`` (third development set): the blind set of session 9,
  scored blind once at 0.416 balanced (0.415 with the engine before that session's rules), then
  read to improve the engine in session 10;
- ``bench/data/tool_dialogs_dev4.jsonl`` (fourth development set): the blind set of session
  10, scored blind at 0.463 and 0.470 balanced (before and after that session's rules), then
  read to improve the engine in session 11;
- ``bench/data/tool_dialogs_dev5.jsonl`` (fifth development set): the blind set of session 11,
  scored blind at 0.544 and 0.608 balanced (before and after that session's changes), then read
  to improve the engine in session 12;
- ``bench/data/tool_dialogs_dev6.jsonl`` (sixth development set): the blind set of session 11
  (``tool_dialogs_blind2.jsonl`` until then), scored blind, aggregates only, before, between and
  after session 11's rounds and before and after session 12's (last at 0.580 balanced), then
  unsealed in session 13 because its error tables had leaked into the git history, and read to
  improve the engine (see its ``SOURCE-dev6.md``);
- ``bench/data/tool_dialogs_blind3.jsonl`` (blind set, the seventh): written during session 12
  by a contributor who read nothing of kodial, never read; never tuned on (no weight,
  threshold, rule or word list may come from its errors), so its score estimates how the engine
  does on tools and requests nobody has looked at;
  scored before and after session 12's round;
- ``bench/data/tool_dialogs_blind4.jsonl`` (third blind set, the eighth): written at the end of
  session 12 under the same rule, never read; first scored with the engine as that session
  left it;
- ``bench/data/tool_dialogs_blind5.jsonl`` (fourth blind set, the ninth): written during session
  13 under the same rule, never read (skipped when absent, like every blind set).

The blind sets are reported by their aggregate measures only (:data:`BLIND_SETS`): no error
classes, turn ids or per-turn records are written for them. Once one has been read to fix the
engine, it becomes a development set and a new blind one has to be written.

Each own set has its reference "now" (:data:`SET_NOW`; the fifth set's dialogues are dated
2024-09-05 15:00, the sixth's 2024-11-27 20:30, the seventh's 2025-03-13 09:40, the eighth's
2025-07-22 18:15). Their slot
turns carry ``slot_params``: the parameters the gold question asks for, annotated by a reader who saw only the data (not the engine or its output; see each
set's ``SOURCE*.md``). There the slot judge is exact: the question asked must be for exactly
those parameters. FunctionChat-Bench's slot turns have no such annotation and keep the two
readings below.

Usage: ``python bench/bench_tools.py [--data DIR] [--limit N] [--calibrate] [--dev FILE] [--dev2 FILE] [--dev3 FILE]
[--dev4 FILE] [--dev5 FILE] [--dev6 FILE] [--blind3 FILE] [--blind4 FILE] [--blind5 FILE]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import sys
import time
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from kodial.korean.datetimes import SEOUL
from kodial.textio import atomic_write_text
from kodial.tools import decide
from kodial.tools.arguments import param_keywords
from kodial.tools.calibrate import write_calibration
from kodial.tools.choose import (
    Calibration,
    CalibrationCase,
    ToolChooser,
    balanced_accuracy,
    bundled_tools,
    calibrate,
    load_requests,
    request_cases,
    tool_documents,
)
from kodial.tools.decide import _is_question, default_chooser
from kodial.tools.questions import param_label
from kodial.tools.schema import parse_tools

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results"
DEV = ROOT / "data" / "tool_dialogs_dev.jsonl"
"""The development set (see the module docstring): written blind, read since."""
DEV2 = ROOT / "data" / "tool_dialogs_dev2.jsonl"
"""The second development set (see the module docstring): written blind, scored once, read since."""
DEV3 = ROOT / "data" / "tool_dialogs_dev3.jsonl"
"""The third development set (see the module docstring): written blind, scored once, read since."""
DEV4 = ROOT / "data" / "tool_dialogs_dev4.jsonl"
"""The fourth development set (see the module docstring): written blind, scored twice, read since."""
DEV5 = ROOT / "data" / "tool_dialogs_dev5.jsonl"
"""The fifth development set (see the module docstring): written blind, scored twice, read since."""
DEV6 = ROOT / "data" / "tool_dialogs_dev6.jsonl"
"""The sixth development set (see the module docstring): blind until session 13, read since."""
BLIND3 = ROOT / "data" / "tool_dialogs_blind3.jsonl"
"""The second blind set, the seventh (see the module docstring): never tuned on."""
BLIND4 = ROOT / "data" / "tool_dialogs_blind4.jsonl"
"""The third blind set, the eighth (see the module docstring): never tuned on."""
BLIND5 = ROOT / "data" / "tool_dialogs_blind5.jsonl"
"""The fourth blind set, the ninth (see the module docstring): never tuned on."""
DEV_FIRST_SCORE = 0.386
"""The development set's balanced score when it was still blind (before any tuning on it)."""
OWN_SET_FILES = {
    "dev": DEV,
    "dev2": DEV2,
    "dev3": DEV3,
    "dev4": DEV4,
    "dev5": DEV5,
    "dev6": DEV6,
    "blind3": BLIND3,
    "blind4": BLIND4,
    "blind5": BLIND5,
}
"""The project's own dialogue sets by key (each a ``--KEY`` option and a report section)."""
BLIND_SETS = frozenset({"blind3", "blind4", "blind5"})
"""Sets nobody may read: skipped when their file is absent, and reported by their aggregate
measures only (no error classes, no turn ids, no per-turn records in the results)."""
OWN_SETS = {
    "dev": (
        "Development set",
        "written for the project by a contributor who had not read the engine (see "
        f"`SOURCE-dev.md`); scored blind once at {DEV_FIRST_SCORE} balanced, and read since "
        "to improve the engine, so no longer an unbiased estimate",
    ),
    "dev2": (
        "Second development set",
        "written for the project by a contributor who had not read the engine or the other "
        "sets (see `SOURCE-dev2.md`); scored blind once at 0.282 balanced, and read since to "
        "improve the engine, so no longer an unbiased estimate",
    ),
    "dev3": (
        "Third development set",
        "written for the project by a contributor who had not read the engine, its tests or "
        "the other sets (see `SOURCE-dev3.md`); scored blind once at 0.416 balanced, and read "
        "since to improve the engine, so no longer an unbiased estimate",
    ),
    "dev4": (
        "Fourth development set",
        "written for the project by a contributor who had not read the engine, its tests or "
        "the other sets (see `SOURCE-dev4.md`); scored blind at 0.463 and 0.470 balanced "
        "(before and after session 10's rules, with the two-reading slot judge), and read in "
        "session 11 to improve the engine, so no longer an unbiased estimate",
    ),
    "dev5": (
        "Fifth development set",
        "written for the project by a contributor who had not read the engine, its tests or "
        "the other sets (see `SOURCE-dev5.md`); scored blind at 0.544 and 0.608 balanced "
        "(before and after session 11's changes), and read in session 12 to improve the "
        "engine, so no longer an unbiased estimate",
    ),
    "dev6": (
        "Sixth development set",
        "written for the project during session 11 by a contributor who had not read the "
        "engine, its tests or the other sets (see `SOURCE-dev6.md`), slot questions annotated "
        "by its author; the blind set `tool_dialogs_blind2.jsonl` until session 13, scored "
        "aggregates only: 0.542 with the engine as session 11 began, 0.580 after its rounds "
        "and 0.580 after session 12's; unsealed in session 13 (its error tables had leaked "
        "into the git history) and read to improve the engine, so no longer an unbiased "
        "estimate",
    ),
    "blind3": (
        "Second blind set, the seventh (never tuned on)",
        "written for the project during session 12 by a contributor who had read nothing of "
        "kodial or the other sets (see `SOURCE-blind3.md`), slot questions annotated by its "
        "author; scored aggregates only: 0.639 with the engine as session 12 began, 0.659 "
        "after its round (which read the fifth set) and 0.662 after session 13's (which read "
        "the sixth; tool choice 0.745 -> 0.702, exact arguments 0.447 -> 0.404, slot questions "
        "0.731, declines 0.850)",
    ),
    "blind4": (
        "Third blind set, the eighth (never tuned on)",
        "written for the project at the end of session 12 by a contributor who had read nothing "
        "of kodial or the other sets (see `SOURCE-blind4.md`), slot questions annotated by its "
        "author; scored aggregates only: 0.591 with the engine as session 12 left it and 0.598 "
        "after session 13's round (tool choice 0.600, exact arguments 0.420, slot questions "
        "0.517, declines 0.857)",
    ),
    "blind5": (
        "Fourth blind set, the ninth (never tuned on)",
        "written for the project during session 13 under the same rule as the other blind "
        "sets (see its `SOURCE` file), never read; scored aggregates only",
    ),
}
"""Title and provenance of each of the project's own dialogue sets, for the report."""
NOW = datetime(2024, 4, 18, 10, 0, tzinfo=SEOUL)
"""A fixed "now" (the benchmark's dialogues are from spring 2024)."""
SET_NOW = {
    "dev5": datetime(2024, 9, 5, 15, 0, tzinfo=SEOUL),
    "dev6": datetime(2024, 11, 27, 20, 30, tzinfo=SEOUL),
    "blind3": datetime(2025, 3, 13, 9, 40, tzinfo=SEOUL),
    "blind4": datetime(2025, 7, 22, 18, 15, tzinfo=SEOUL),
}
"""The reference "now" of an own set whose dialogues are dated otherwise than :data:`NOW`."""


SPLIT_SEED = 14
"""Seed of the tuning / held-out split (the issue's number; fixed before any tuning)."""


def split_keys(keys: list[Any], seed: int = SPLIT_SEED) -> set[Any]:
    """The tuning half of ``keys`` (dialogue numbers or function names): sorted, shuffled with
    ``random.Random(seed)``, first half. The rest is held out."""
    order = sorted(set(keys))
    random.Random(seed).shuffle(order)
    return set(order[: len(order) // 2])


def find_data(given: str | None) -> Path:
    """``--data``, ``$KODIAL_SHARED_DATA``, else the first ``shared/data`` above this file."""
    if given:
        return Path(given)
    if os.environ.get("KODIAL_SHARED_DATA"):
        return Path(os.environ["KODIAL_SHARED_DATA"]) / "functionchat_bench" / "data"
    for parent in ROOT.parents:
        cand = parent / "shared" / "data" / "functionchat_bench" / "data"
        if cand.exists():
            return cand
    sys.exit("FunctionChat-Bench not found: pass --data DIR (…/functionchat_bench/data)")


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


def run_dialogs(path: Path, limit: int | None, now: datetime = NOW) -> list[dict[str, Any]]:
    rows = []
    dialogs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for dialog in dialogs[:limit]:
        tools = dialog["tools"]
        turns = dialog["turns"]
        for k, turn in enumerate(turns):
            messages = turn["query"]
            kind = turn["type_of_output"]
            t0 = time.perf_counter()
            d = decide(messages, tools, "auto", now=now)
            ms = (time.perf_counter() - t0) * 1000
            row: dict[str, Any] = {
                "set": "dialog",
                "dialog": dialog["dialog_num"],
                "turn": turn["turn_num"],
                "type": kind,
                "kind": d.kind,
                "tool": d.tool,
                "arguments": d.arguments,
                "missing": d.missing,
                "content": d.content,
                "ms": round(ms, 1),
            }
            gt = turn["ground_truth"]
            if kind == "call":
                name, args = _gold_call(gt)
                row.update(gold_tool=name, gold_arguments=args)
                row.update(judge_call(d, name, args, _acceptable(turn.get("acceptable_arguments"))))
            elif kind == "slot":
                nxt = next((t for t in turns[k + 1 :] if t["type_of_output"] == "call"), None)
                if nxt is None:
                    continue
                name, args = _gold_call(nxt["ground_truth"])
                tool = next(t for t in tools if t["function"]["name"] == name)
                if "slot_params" in turn:  # annotated: the parameters the question asks for
                    readings = [set(turn["slot_params"])]
                else:
                    said = " ".join(m.get("content") or "" for m in messages if m["role"] == "user")
                    named, unsaid = gold_missing(tool, gt.get("content") or "", args, said)
                    readings = [named, unsaid] if named else [unsaid]
                row.update(gold_tool=name, gold_missing=sorted(readings[0]))
                ok = d.kind == "ask" and d.tool == name and set(d.missing) in readings
                row["ok"] = ok
                if not ok:
                    row["error"] = (
                        "called_when_should_ask"
                        if d.kind == "call"
                        else "declined_when_should_ask"
                        if d.kind == "decline"
                        else "asked_wrong_tool"
                        if d.tool != name
                        else "asked_wrong_params"
                    )
            elif kind == "relevance":
                ok = d.kind in ("decline", "answer")
                row["ok"] = ok
                if not ok:
                    row["error"] = (
                        f"{'called' if d.kind == 'call' else 'asked'}_when_should_decline"
                    )
            else:
                row.update(judge_completion(d, messages[-1]))
            rows.append(row)
    return rows


def run_singlecall(path: Path, limit: int | None) -> list[dict[str, Any]]:
    rows = []
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for item in items[:limit]:
        for q, g, a in zip(
            item["query"], item["ground_truth"], item["acceptable_arguments"], strict=True
        ):
            gold = json.loads(g["content"])
            args = json.loads(gold["arguments"])
            for ts in item["tools"]:
                t0 = time.perf_counter()
                d = decide(
                    [{"role": "user", "content": q["content"]}], ts["content"], "auto", now=NOW
                )
                ms = (time.perf_counter() - t0) * 1000
                row = {
                    "set": "singlecall",
                    "function": item["function_name"],
                    "toolset": ts["type"],
                    "serial": q["serial_num"],
                    "type": "call",
                    "kind": d.kind,
                    "tool": d.tool,
                    "arguments": d.arguments,
                    "missing": d.missing,
                    "gold_tool": gold["name"],
                    "gold_arguments": args,
                    "extraction": item["function_info"]["extraction_type"],
                    "ms": round(ms, 1),
                }
                row.update(judge_call(d, gold["name"], args, _acceptable(a["content"])))
                rows.append(row)
    return rows


# --- tuning ---------------------------------------------------------------------------------


def tuning_parts(data: Path) -> tuple[set[int], set[str]]:
    """The dialogue numbers and function names of the tuning part (:func:`split_keys`)."""
    dialogs = [json.loads(line) for line in (data / "FunctionChat-Dialog.jsonl").open()]
    single = [json.loads(line) for line in (data / "FunctionChat-Singlecall.jsonl").open()]
    return (
        split_keys([d["dialog_num"] for d in dialogs]),
        split_keys([s["function_name"] for s in single]),
    )


def calibration_cases(data: Path) -> list[CalibrationCase]:
    """The project's own labelled requests plus the tuning part as calibration cases: every
    single call in each of its tool sets; in the dialogues, the last user message of each
    relevance turn (no tool) and of each call or slot turn (the gold's tool), except call and
    slot turns that answer the assistant's question: those are decided by the open question
    (``kodial.tools.decide``'s pending tool), not by the threshold. Slot turns form their own
    group, so the tuning balances call / ask / decline as the report does."""
    tune_dialogs, tune_functions = tuning_parts(data)
    cases = request_cases(bundled_tools(), load_requests())
    for line in (data / "FunctionChat-Singlecall.jsonl").open():
        item = json.loads(line)
        if item["function_name"] not in tune_functions:
            continue
        for q, g in zip(item["query"], item["ground_truth"], strict=True):
            gold = json.loads(g["content"])["name"]
            for ts in item["tools"]:
                cases.append(CalibrationCase(parse_tools(ts["content"]), q["content"], gold, NOW))
    for line in (data / "FunctionChat-Dialog.jsonl").open():
        dialog = json.loads(line)
        if dialog["dialog_num"] not in tune_dialogs:
            continue
        tools = parse_tools(dialog["tools"])
        turns = dialog["turns"]
        for k, turn in enumerate(turns):
            kind = turn["type_of_output"]
            messages = turn["query"]
            if kind == "completion" or messages[-1]["role"] != "user":
                continue
            before = [m for m in messages[:-1] if m["role"] == "assistant"]
            answers = bool(before) and not before[-1].get("tool_calls")
            answers = answers and _is_question(before[-1].get("content") or "")
            gold: str | None = None
            if kind in ("call", "slot"):
                nxt = next((t for t in turns[k:] if t["type_of_output"] == "call"), None)
                if nxt is None or answers:
                    continue
                gold = _gold_call(nxt["ground_truth"])[0]
            group = "slot" if kind == "slot" else ""
            cases.append(CalibrationCase(tools, messages[-1]["content"], gold, NOW, group))
    return cases


# --- report -------------------------------------------------------------------------------


def _acc(rows: list[dict[str, Any]], key: str) -> float | None:
    return round(sum(bool(r.get(key)) for r in rows) / len(rows), 4) if rows else None


def summarise(dialog: list[dict[str, Any]], single: list[dict[str, Any]]) -> dict[str, Any]:
    by_type = defaultdict(list)
    for r in dialog:
        by_type[r["type"]].append(r)
    calls = by_type["call"]
    out: dict[str, Any] = {
        "dialog": {
            "turns": {k: len(v) for k, v in by_type.items()},
            "tool_choice_accuracy": _acc(calls, "tool_ok"),
            "exact_argument_accuracy": _acc(calls, "exact"),
            "slot_question_accuracy": _acc(by_type["slot"], "ok"),
            "decline_accuracy": _acc(by_type["relevance"], "ok"),
            "completion_accuracy": _acc(by_type["completion"], "ok"),
        },
        "singlecall": {
            "requests": len(single),
            "tool_choice_accuracy": _acc(single, "tool_ok"),
            "exact_argument_accuracy": _acc(single, "exact"),
            "by_toolset": {
                ts: {
                    "tool_choice_accuracy": _acc(
                        [r for r in single if r["toolset"] == ts], "tool_ok"
                    ),
                    "exact_argument_accuracy": _acc(
                        [r for r in single if r["toolset"] == ts], "exact"
                    ),
                }
                for ts in dict.fromkeys(r["toolset"] for r in single)
            },
            "by_extraction": {
                ex: _acc([r for r in single if r["extraction"] == ex], "exact")
                for ex in dict.fromkeys(r["extraction"] for r in single)
            },
        },
    }
    d = out["dialog"]
    parts = [d["exact_argument_accuracy"], d["slot_question_accuracy"], d["decline_accuracy"]]
    d["balanced"] = round(sum(p or 0 for p in parts) / 3, 4)
    all_calls = calls + single
    out["overall"] = {
        "tool_choice_accuracy": _acc(all_calls, "tool_ok"),
        "exact_argument_accuracy": _acc(all_calls, "exact"),
        "slot_question_accuracy": d["slot_question_accuracy"],
        "decline_accuracy": d["decline_accuracy"],
        "balanced": round(
            (
                (_acc(all_calls, "exact") or 0)
                + (d["slot_question_accuracy"] or 0)
                + (d["decline_accuracy"] or 0)
            )
            / 3,
            4,
        ),
    }
    out["errors"] = {
        "dialog": dict(
            Counter(f"{r['type']}: {r['error']}" for r in dialog if r.get("error")).most_common()
        ),
        "singlecall": dict(Counter(r["error"] for r in single if r.get("error")).most_common()),
    }
    ms = sorted(r["ms"] for r in dialog + single)
    out["latency_ms"] = {"p50": ms[len(ms) // 2], "p95": ms[int(len(ms) * 0.95)]} if ms else {}
    return out


ERROR_CLASSES = {
    "declined_when_should_call": "no tool reached the threshold: the request shares no words "
    "with the tool's description and the encoder sees little similarity (a box-office tool asked "
    "for 'what films are good lately' needs world knowledge)",
    "wrong_tool": "a close neighbour won (by round vs by date, A->B vs B->A conversion, add vs "
    "update contact): the distinguishing words were missing or shared",
    "asked_when_should_call": "the right tool, but a required argument was not found: free text "
    "the gold rewrites, a value from an earlier result under another name, or a name the "
    "morpheme analyser splits",
    "asked_wrong_tool": "asked for the arguments of a close neighbour instead of calling the "
    "right tool",
    "declined_when_should_answer": "declined where the gold answers",
    "wrong_arg_value": "the right tool and keys, a different value: a shorter or longer span, "
    "or a value the gold paraphrases (messages rewritten as direct speech, categories merged)",
    "missing_arg": "an argument the gold fills was left out (optional ones are only filled from "
    "explicit words)",
    "extra_arg": "an argument the gold leaves out was filled",
    "called_when_should_ask": "called with a guessed or carried-over value where the gold "
    "still asks",
    "declined_when_should_ask": "the intent (a capability question: can you compute X?) scored "
    "under the threshold",
    "asked_wrong_params": "asked about the right tool but for a different set of parameters "
    "(a value guessed from the message, or carried over from an earlier call)",
    "called_when_should_decline": "a tool matched words of a request it cannot serve",
    "asked_when_should_decline": "a question about a topic a tool covers (what does X mean?) was "
    "taken as a request for the tool",
    "call_when_should_answer": "a follow-up about earlier results was taken as a new request",
    "result_not_in_answer": "the reply built from the result left out its values",
}
"""What each error class means, for the report."""


def markdown(summary: dict[str, Any], meta: dict[str, Any], examples: dict[str, list[str]]) -> str:
    d, s, o = summary["dialog"], summary["singlecall"], summary["overall"]
    parts = summary.get("parts") or {}
    tune_balanced = parts.get("tuning", {}).get("balanced", "–")
    held_balanced = parts.get("held-out", {}).get("balanced", "–")
    dev5_balanced = (summary.get("dev5") or {}).get("balanced", "–")
    dev2_balanced = (summary.get("dev2") or {}).get("balanced", "–")
    dev3_balanced = (summary.get("dev3") or {}).get("balanced", "–")
    dev4_balanced = (summary.get("dev4") or {}).get("balanced", "–")
    dev6_balanced = (summary.get("dev6") or {}).get("balanced", "–")
    blind5_balanced = (summary.get("blind5") or {}).get("balanced", "–")
    blind3_balanced = (summary.get("blind3") or {}).get("balanced", "–")
    blind4_balanced = (summary.get("blind4") or {}).get("balanced", "–")
    dev_balanced = (summary.get("dev") or {}).get("balanced", "–")
    lines = [
        "# Tool calling on FunctionChat-Bench (offline, no LLM)",
        "",
        f"Engine: `kodial.tools.decide` (encoder `{meta['encoder']}`, threshold "
        f"{meta['threshold']}, word weight {meta['word_weight']}, evidence weight "
        f"{meta['evidence_weight']}, completeness weight {meta['complete_weight']}, act weight "
        f"{meta.get('act_weight', 0.0)}; calibration: "
        f"{meta['calibration']}; on the project's own requests it scores "
        f"{meta['own_requests_balanced']} balanced). "
        f"Command: `{meta['command']}`; {meta['cpus']} CPUs, {meta['seconds']:.0f} s in all.",
        "",
        "| measure | dialog | singlecall | overall |",
        "|---|---|---|---|",
        f"| tool-choice accuracy (call turns) | {d['tool_choice_accuracy']} | "
        f"{s['tool_choice_accuracy']} | {o['tool_choice_accuracy']} |",
        f"| exact-argument accuracy (call turns) | {d['exact_argument_accuracy']} | "
        f"{s['exact_argument_accuracy']} | {o['exact_argument_accuracy']} |",
        f"| slot-question accuracy | {d['slot_question_accuracy']} | – | "
        f"{o['slot_question_accuracy']} |",
        f"| decline accuracy (relevance turns) | {d['decline_accuracy']} | – | "
        f"{o['decline_accuracy']} |",
        f"| completion (answered from the tool result) | {d['completion_accuracy']} | – | – |",
        f"| **balanced** (mean of exact call, slot, decline) | **{d['balanced']}** | – | "
        f"**{o['balanced']}** |",
        "",
        f"Dialog turns: {d['turns']}. Singlecall: {s['requests']} decisions.",
        "",
        "**Reading the numbers.** The issue's target is 0.85 balanced, offline. The whole set "
        f"scores {o['balanced']}; the held-out part {held_balanced} and the tuning part "
        f"{tune_balanced}. The weights and threshold were fitted on the tuning part only (see "
        "below), but the held-out part is no longer a fresh sample: five rule fixes of the "
        "last round (the send and state-question acts, a kind of thing never a value, "
        "same-meaning carry-over, no repeated call) were found by reading its error examples. "
        "With the two act fixes taken out it scored 0.830, with all five about 0.75 (the "
        "last clean held-out measurement, before that round, was 0.752), so neither part "
        "is an unbiased estimate of the 0.85 target on unseen requests. The project's own sets "
        "(below; their slot turns judged against annotated parameters, which the earlier "
        "word-overlap judge miscounted) are: the development set scored "
        f"{DEV_FIRST_SCORE} balanced while it was still blind (now {dev_balanced}), the second "
        f"0.282 (now {dev2_balanced}), the third 0.416 (now {dev3_balanced}), the fourth 0.470 "
        f"(now {dev4_balanced}; those first scores with the word-overlap judge), the fifth "
        f"0.544 and 0.608 (blind, before and after session 11; read in session 12, now "
        f"{dev5_balanced}), the sixth 0.542 before session 11 and 0.580 after sessions 11 and "
        f"12 (blind until session 13, which unsealed and read it; now {dev6_balanced}); the "
        "blind sets, never read: the seventh (written during session 12) 0.639 before that "
        f"session's round, 0.659 after it and {blind3_balanced} after session 13's; the eighth "
        "(written at the end of session 12) 0.591 with the engine as that session left it and "
        f"{blind4_balanced} after session 13's; the ninth (written during session 13) "
        f"{blind5_balanced} with the engine as session 13 left it ('–': not yet there). "
        "Session 13 read the sixth set (and again the first five) and fixed general classes: "
        "a year said before a month (내년 3월); a relation (엄마, 동생) or a common noun (등급, "
        "박스) is no person's name outside messages and transfers, and a relation before a "
        "thing's name is not part of it; lists of e-mail addresses; a result of one item picked "
        "by 거기/그걸; enums of day parts and weekdays, a day of the month (매달 25일) and car "
        "plates read before the date parser takes their words; 'one more' (하나 더) is a new "
        "thing with a new number, not a count; lists of objects from things said with their "
        "counts (장롱 하나랑 의자 두 개); a booking never on a day gone by; a value written as "
        "its description asks ('역' 제외); a unit left over from a number (10키로로) and the "
        "copula joining a value to the next (영통구고) are no part of a value; 강아지/고양이 for "
        "반려동물; 전해줘 sends; nothing is cancelled or changed unasked; and a day said for a "
        "request a result has answered fills only the tool it led to, unless pointed back at "
        "(그 날). The sixth set rose from 0.580 to 0.784, the first to fourth by 0.01 to 0.06, "
        "the fifth and FunctionChat-Bench stayed where they were, and the refusal now names "
        "what a tool does in words (보내기, not 보냅니기). "
        "Session 12 read the fifth set's errors and fixed general classes: days by fixed "
        "holidays and month ends, N박 M일, amounts in words with spaces, a bound or a month "
        "said next to a name, counts described as 'X 수', allowed values said by a shortening "
        "(완자, 용산 cgv), Korean airports for IATA codes and a destination said with 가다, a "
        "one-letter name with its 이, a better value said after 아, a two-digit birth year, the "
        "noun before a count as what is ordered, a district said like the description's example, "
        "a quoted message as a payload, the verb a tool's description does, a compound built on "
        "a tool word, an open offer that asks about no tool, and a follow-up that would make "
        "again what was to be changed. The fifth set rose from 0.608 to 0.825, the first and "
        "second sets by 0.02 each, the others and FunctionChat-Bench stayed where they were, "
        "the sixth (blind) did not move (0.580; one more call turn chose the right tool) and "
        "the seventh (blind) rose by 0.02 (0.639 to 0.659: tool choice 0.723 to 0.745, exact "
        "arguments 0.425 to 0.447, slot questions 0.692 to 0.731): rules fitted to the read "
        "sets carry over only partly to other tools and users. What the read sets still fail on, "
        "by class (dev..dev6 together, 121 turns, 153 before session 13): a call that asks "
        "instead (27: values said in words the engine cannot map, such as a breed for a size, "
        "values from an earlier call under another parameter name, an item picked by the last "
        "part of its name), a wrong argument value (20: spans too long or short, values the "
        "gold paraphrases, a day relative to a result), a call where none fits (12: capability "
        "questions about things no tool offers, answered with carried-over values), no tool "
        "reaching the threshold (11: requests that share no words with the tool), a missing "
        "argument (11), a slot question for other parameters (11), "
        "declined, called or misdirected slot turns (18), a question where none fits (6: a "
        "tool's topic asked about), and another tool called or asked about (5). Declining is not "
        "what "
        "makes it look good: a never-calling engine scores 1.0 on decline and 0 on call and slot turns "
        "(balanced 0.33). A tool's score adds to the encoder's cosine the tool's own words "
        "found in the request (Kiwi morphemes; IDF scaled to the offered list, so a word no "
        "other offered tool has counts 1) and what the request gives the tool's parameters "
        "(arguments named by their own words; the share of required ones found), so between "
        "close neighbours the tool the request completes wins, and whether the request asks "
        "for what the tool does (look up, create, change, delete, send, or an explanation, "
        "which only a tool that explains serves: `kodial.tools.acts`), so a birthday search "
        "and a birthday registration that share every word are told apart, and a request to "
        "send a mail is not served by the address search. The conversation is read too: an "
        "open question is continued by its answer; an elliptical follow-up ('X은?') continues "
        "the last call with the new value; a call that would only repeat the last one (same "
        "tool, same arguments, nothing new) gives way to the next tool that fits; an earlier "
        "call's argument fills another tool's parameter only when their descriptions mean the "
        "same (an event's name is never a contact's); and a kind of thing ('다른 나라') or a "
        "bare 'now' is never a value the user chose. A request that picks an item of the last "
        "result (by its name or the name's first part, its place in the list, its day or part "
        "of the day, or a superlative: the cheapest) goes to the tool that takes the item's "
        "id; enums of English identifiers are read by meaning with the encoder (디럭스 -> "
        "deluxe), unless the description glosses them in Korean; and a change nothing "
        "offered makes is declined. What still fails: requests that share no "
        "words with the tool and give it no argument (which films are worth seeing, for a "
        "box-office ranking tool; when a named event is, for a calendar search; how long until "
        "Christmas, for a D-day search) stay under the threshold, since the offline encoder "
        "sees little similarity between a question and a tool description (most of the "
        "singlecall errors, often with only the right tool offered). When the tool is chosen, "
        "its arguments are mostly right; the rest are spans the gold rewrites (messages turned "
        "into direct speech), values from earlier results under another name, and close "
        "neighbours (by round vs by date). Strings are compared ignoring case, spacing and end "
        "punctuation; numbers by value. An LLM decider (issue part 2) remains the remedy for "
        "the vocabulary gap; this engine is the fast, explainable default.",
        "",
        "## Singlecall by tool set",
        "",
        "| tool set | tool choice | exact arguments |",
        "|---|---|---|",
    ]
    for ts, v in s["by_toolset"].items():
        lines.append(f"| {ts} | {v['tool_choice_accuracy']} | {v['exact_argument_accuracy']} |")
    lines += [
        "",
        "Exact arguments by the benchmark's extraction type: "
        + ", ".join(f"{k} {v}" for k, v in s["by_extraction"].items()),
        "",
    ]
    if parts:
        t, h = parts["tuning"], parts["held-out"]
        lines += [
            "## Tuning part vs held-out part",
            "",
            f"Split by dialogue and by function, seed {meta['split_seed']} (see the bench's "
            "docstring); the weights and threshold were tuned on the tuning part and the "
            "project's own requests only.",
            "",
            "| measure (dialog + singlecall) | tuning | held-out | whole |",
            "|---|---|---|---|",
        ]
        for key, label in (
            ("tool_choice_accuracy", "tool-choice accuracy (call turns)"),
            ("exact_argument_accuracy", "exact-argument accuracy (call turns)"),
            ("slot_question_accuracy", "slot-question accuracy"),
            ("decline_accuracy", "decline accuracy (relevance turns)"),
            ("balanced", "**balanced**"),
        ):
            lines.append(f"| {label} | {t[key]} | {h[key]} | {o[key]} |")
        lines += [
            f"| dialogues / functions | {len(t['dialogs'])} / {len(t['functions'])} | "
            f"{len(h['dialogs'])} / {len(h['functions'])} | – |",
            f"| dialog turns / singlecall decisions | {t['dialog_turns']} / "
            f"{t['singlecall_decisions']} | {h['dialog_turns']} / "
            f"{h['singlecall_decisions']} | – |",
            "",
            f"Held-out dialogues: {h['dialogs']}; held-out functions: {', '.join(h['functions'])}.",
            "",
        ]
    for key, (title, provenance) in OWN_SETS.items():
        b = summary.get(key)
        if not b:
            continue
        lines += [
            f"## {title}",
            "",
            f"`bench/data/{b['file']}`: {b['dialogs']} dialogues, turns {b['turns']}, "
            f"{provenance}.",
            "",
            f"| measure | {key} |",
            "|---|---|",
            f"| tool-choice accuracy (call turns) | {b['tool_choice_accuracy']} |",
            f"| exact-argument accuracy (call turns) | {b['exact_argument_accuracy']} |",
            f"| slot-question accuracy | {b['slot_question_accuracy']} |",
            f"| decline accuracy (relevance turns) | {b['decline_accuracy']} |",
            f"| completion (answered from the tool result) | {b['completion_accuracy']} |",
            f"| **balanced** (mean of exact call, slot, decline) | **{b['balanced']}** |",
            "",
        ]
        if key in BLIND_SETS:
            lines += ["Sealed: aggregates only (no error classes or turns are written).", ""]
            continue
        lines += ["| class | count | examples (turn: decided) |", "|---|---|---|"]
        for cls_, n in sorted(b["errors"].items(), key=lambda kv: -kv[1]):
            shown = "; ".join(examples.get(f"{key} {cls_}", [])[:3])
            lines.append(f"| {cls_} | {n} | {shown} |")
        lines.append("")
    lines += [
        "## Errors by class",
        "",
        "| where: class | count | what it is | examples (turn: decided) |",
        "|---|---|---|---|",
    ]
    for key, n in {
        **summary["errors"]["dialog"],
        **{f"singlecall: {k}": v for k, v in summary["errors"]["singlecall"].items()},
    }.items():
        meaning = ERROR_CLASSES.get(key.split(": ", 1)[1], "")
        lines.append(f"| {key} | {n} | {meaning} | {'; '.join(examples.get(key, [])[:3])} |")
    lines += [
        "",
        f"Latency per decision: p50 {summary['latency_ms'].get('p50')} ms, "
        f"p95 {summary['latency_ms'].get('p95')} ms (encoder cache warm after the first "
        "pass over a tool set).",
        "",
    ]
    return "\n".join(lines)


def _examples(rows: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Per error class, a few turns: their ids, what was decided and which argument names were
    wrong (ids and names only, no benchmark text)."""
    out: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        if not r.get("error"):
            continue
        key = (
            f"singlecall: {r['error']}"
            if r["set"] == "singlecall"
            else f"{r['type']}: {r['error']}"
        )
        where = (
            f"d{r['dialog']}t{r['turn']}"
            if r["set"] != "singlecall"
            else f"{r['function']}/{r['toolset']}#{r['serial']}"
        )
        got = f"{r['kind']} {r['tool'] or ''}".strip()
        if r.get("wrong_params"):
            got += f" wrong {','.join(r['wrong_params'])}"
        elif r["kind"] == "ask":
            got += f" asks {','.join(r['missing'])}"
        if r.get("gold_missing") is not None:
            got += f" (gold asks {','.join(r['gold_missing'])})"
        elif r.get("gold_tool") and r.get("gold_tool") != r.get("tool"):
            got += f" (gold {r['gold_tool']})"
        out[key].append(f"{where}: {got}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", help="…/functionchat_bench/data")
    ap.add_argument("--limit", type=int, help="first N dialogues and functions only (smoke run)")
    ap.add_argument("--out", default=str(RESULTS), help="results folder")
    ap.add_argument(
        "--calibrate",
        action="store_true",
        help="tune the weights and threshold on the bundled requests plus the tuning part, "
        "write resources/tools/calibration.json, then score with them",
    )
    for key, path in OWN_SET_FILES.items():
        ap.add_argument(
            f"--{key}",
            default=str(path),
            help=f"{OWN_SETS[key][0]}: dialogues in FunctionChat-Bench's Dialog format; '' to "
            "skip (a blind set is skipped when its file is absent)",
        )
    args = ap.parse_args()
    data = find_data(args.data)
    t0 = time.perf_counter()
    chooser = default_chooser()
    # one batched pass over every text the decisions will encode (the encoder caches vectors)
    texts: list[str] = []
    for name in ("FunctionChat-Dialog.jsonl", "FunctionChat-Singlecall.jsonl"):
        for line in (data / name).read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            sets = (
                [ts["content"] for ts in item["tools"]]
                if "function_num" in item
                else [item["tools"]]
            )
            for tools in sets:
                for t in parse_tools(tools):
                    texts.extend(tool_documents(t))
            for q in item.get("query", []):
                texts.append(q["content"])
            for turn in item.get("turns", []):
                texts.extend(
                    m["content"] for m in turn["query"] if m["role"] == "user" and m.get("content")
                )
    if chooser.encoder is not None:
        chooser.encoder.encode(list(dict.fromkeys(texts)))
    tune_dialogs, tune_functions = tuning_parts(data)
    if args.calibrate:
        cases = calibration_cases(data)
        cal = calibrate(
            cases,
            ToolChooser(calibration=Calibration()),
            "bundled requests + FunctionChat-Bench tuning part",
        )
        print(
            "calibration:",
            json.dumps(cal.__dict__, ensure_ascii=False),
            "->",
            write_calibration(cal),
        )
        chooser.calibration = cal
    own = request_cases(bundled_tools(), load_requests())
    own_balanced = balanced_accuracy(own, chooser)
    dialog = run_dialogs(data / "FunctionChat-Dialog.jsonl", args.limit)
    single = run_singlecall(data / "FunctionChat-Singlecall.jsonl", args.limit)
    for r in dialog:
        r["part"] = "tuning" if r["dialog"] in tune_dialogs else "held-out"
    for r in single:
        r["part"] = "tuning" if r["function"] in tune_functions else "held-out"
    summary = summarise(dialog, single)
    summary["parts"] = {
        part: {
            "dialogs": sorted({r["dialog"] for r in dialog if r["part"] == part}),
            "functions": sorted({r["function"] for r in single if r["part"] == part}),
            "dialog_turns": sum(r["part"] == part for r in dialog),
            "singlecall_decisions": sum(r["part"] == part for r in single),
            **summarise(
                [r for r in dialog if r["part"] == part], [r for r in single if r["part"] == part]
            )["overall"],
        }
        for part in ("tuning", "held-out")
    }
    own_sets: dict[str, list[dict[str, Any]]] = {}
    for key in OWN_SET_FILES:
        given = getattr(args, key)
        if not given or (key in BLIND_SETS and not Path(given).exists()):
            continue
        own_sets[key] = run_dialogs(Path(given), args.limit, SET_NOW.get(key, NOW))
        for r in own_sets[key]:
            r["set"], r["part"] = key, key
        summary[key] = {
            "file": Path(given).name,
            "dialogs": len({r["dialog"] for r in own_sets[key]}),
            **summarise(own_sets[key], [])["dialog"],
        }
        if key not in BLIND_SETS:
            summary[key]["errors"] = dict(
                Counter(f"{r['type']}: {r['error']}" for r in own_sets[key] if r.get("error"))
            )
    meta = {
        "encoder": "use-multilingual",
        "threshold": chooser.threshold,
        "word_weight": chooser.calibration.word_weight,
        "evidence_weight": chooser.calibration.evidence_weight,
        "complete_weight": chooser.calibration.complete_weight,
        "act_weight": chooser.calibration.act_weight,
        "calibration": chooser.calibration.source,
        "own_requests_balanced": round(own_balanced, 4),
        "split_seed": SPLIT_SEED,
        "command": " ".join(["python", "bench/bench_tools.py", *sys.argv[1:]]),
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "seconds": time.perf_counter() - t0,
        "now": NOW.isoformat(),
    }
    out = Path(args.out)
    # Only ids, names and classes are written: the benchmark's sentences (and the values read
    # from them) stay in ../shared.
    keep = (
        "set",
        "part",
        "dialog",
        "turn",
        "function",
        "toolset",
        "serial",
        "type",
        "kind",
        "tool",
        "gold_tool",
        "missing",
        "gold_missing",
        "wrong_params",
        "error",
        "ok",
        "exact",
        "tool_ok",
        "extraction",
        "ms",
    )
    own_rows = [r for key, rows in own_sets.items() if key not in BLIND_SETS for r in rows]
    rows = [{k: r[k] for k in keep if k in r} for r in dialog + single + own_rows]
    atomic_write_text(
        out / "tools.json",
        json.dumps({"meta": meta, "summary": summary, "turns": rows}, ensure_ascii=False, indent=1),
    )
    examples = _examples(dialog + single)
    for key, own_set in own_sets.items():
        if key in BLIND_SETS:
            continue
        examples.update({f"{key} {k}": v for k, v in _examples(own_set).items()})
    atomic_write_text(out / "tools.md", markdown(summary, meta, examples))
    print(json.dumps(summary, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
