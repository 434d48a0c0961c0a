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
exactly is counted. Results go to ``bench/results/tools.{json,md}``. The judging is in
``tool_judge.py``, the report in ``tool_report.py`` and the project's own sets in ``tool_sets.py``.

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
- ``bench/data/tool_dialogs_dev7.jsonl`` (seventh development set): written during session 12
  by a contributor who read nothing of kodial; the blind set ``tool_dialogs_blind3.jsonl``
  until session 18 (scored, aggregates only, from 0.639 to 0.676 over sessions 12 to 17), then
  unsealed and read to improve the engine, a new blind set taking its place;
- ``bench/data/tool_dialogs_dev8.jsonl`` (eighth development set): written at the end of
  session 12 by a contributor who read nothing of kodial; the blind set
  ``tool_dialogs_blind4.jsonl`` until session 19 (scored, aggregates only, from 0.591 to 0.684
  over sessions 12 to 18), then unsealed and read to improve the engine, a new blind set taking
  its place;
- ``bench/data/tool_dialogs_dev9.jsonl`` (ninth development set): written during session 13 by
  a contributor who read nothing of kodial; the blind set ``tool_dialogs_blind5.jsonl`` until
  session 19 (scored, aggregates only, from 0.542 to 0.575), then unsealed and read to improve
  the engine, a new blind set taking its place;
- ``bench/data/tool_dialogs_dev10.jsonl`` (tenth development set): written during session 18
  by a contributor who read nothing of kodial; the blind set ``tool_dialogs_blind6.jsonl``
  until session 20 (scored, aggregates only, from 0.537 to 0.582 over sessions 18 and 19), then
  unsealed and read to improve the engine, a new blind set taking its place;
- ``bench/data/tool_dialogs_dev11.jsonl`` (eleventh development set): written during session
  19 by a contributor who read nothing of kodial; the blind set ``tool_dialogs_blind7.jsonl``
  until session 21 (scored, aggregates only, from 0.497 to 0.547 over sessions 19 and 20), then
  unsealed and read to improve the engine, a new blind set taking its place;
- ``bench/data/tool_dialogs_dev12.jsonl`` (twelfth development set): written during session
  19 by a contributor who read nothing of kodial; the blind set ``tool_dialogs_blind8.jsonl``
  until session 22 (scored, aggregates only, from 0.688 to 0.770 over sessions 19 to 21), then
  unsealed and read to improve the engine, a new blind set taking its place;
- ``bench/data/tool_dialogs_dev13.jsonl`` (thirteenth development set): written during session
  20 by a contributor who read nothing of kodial; the blind set ``tool_dialogs_blind9.jsonl``
  until session 23 (scored, aggregates only, from 0.594 to 0.620 over sessions 20 to 22), then
  unsealed and read to improve the engine, a new blind set taking its place;
- ``bench/data/tool_dialogs_dev14.jsonl`` (fourteenth development set): written during session
  21 by a contributor who read nothing of kodial; the blind set ``tool_dialogs_blind10.jsonl``
  until session 24 (scored, aggregates only, from 0.595 to 0.639 over sessions 21 to 23), then
  unsealed and read to improve the engine, a new blind set taking its place;
- ``bench/data/tool_dialogs_dev15.jsonl`` (fifteenth development set): written during session
  22 by a contributor who read nothing of kodial; the blind set ``tool_dialogs_blind11.jsonl``
  until session 25 (scored, aggregates only, from 0.646 to 0.660 over sessions 22 to 24), then
  unsealed and read to improve the engine, a new blind set taking its place;
- ``bench/data/tool_dialogs_dev16.jsonl`` (sixteenth development set): written during session
  23 by a contributor who read nothing of kodial; the blind set ``tool_dialogs_blind12.jsonl``
  until session 26 (scored, aggregates only, from 0.603 to 0.637 over sessions 23 to 25), then
  unsealed and read to improve the engine, a new blind set taking its place;
- ``bench/data/tool_dialogs_dev17.jsonl`` (seventeenth development set): written during session
  24 by a contributor who read nothing of kodial; the blind set ``tool_dialogs_blind13.jsonl``
  until session 27 (scored, aggregates only, from 0.712 to 0.741 over sessions 24 to 26), then
  unsealed and read to improve the engine, a new blind set taking its place;
- ``bench/data/tool_dialogs_blind14.jsonl`` (thirteenth blind set, the eighteenth): written during
  session 25 under the same rule, to take the fifteenth's place, never read; scored with the
  engine as session 25 began and after its round;
- ``bench/data/tool_dialogs_blind15.jsonl`` (fourteenth blind set, the nineteenth): written during
  session 26 under the same rule (its author also saw the earlier sets' tool names, to keep its
  domains new), to take the sixteenth's place, never read; scored with the engine as session 26
  began and after its round;
- ``bench/data/tool_dialogs_blind16.jsonl`` (fifteenth blind set, the twentieth): written during
  session 27 under the same rule (its author also saw the earlier sets' tool names), to take the
  seventeenth's place, never read; scored with the engine as session 27 began and after its
  round.

The blind sets are reported by their aggregate measures only (:data:`BLIND_SETS`): no error
classes, turn ids or per-turn records are written for them. Once one has been read to fix the
engine, it becomes a development set and a new blind one has to be written.

Each own set has its reference "now" (:data:`SET_NOW`; the fifth set's dialogues are dated
2024-09-05 15:00, the sixth's 2024-11-27 20:30, the seventh's 2025-03-13 09:40, the eighth's
2025-07-22 18:15, the ninth's 2025-11-06 14:20, the tenth's 2026-03-18 09:40, the eleventh's
2025-11-28 14:20, the twelfth's 2026-06-09 19:30, the thirteenth's 2026-02-26 08:40, the fourteenth's
2026-05-15 19:20, the fifteenth's 2026-08-20 10:50, the sixteenth's 2026-10-14 19:35, the seventeenth's 2026-03-27 12:40, the
eighteenth's 2026-12-28 16:10, the nineteenth's 2026-07-14 09:25). Their slot turns carry ``slot_params``: the
parameters the gold question asks for, annotated by a reader who saw only the data (not the
engine or its output; see each set's ``SOURCE*.md``). There the slot judge is exact: the question asked must be for exactly
those parameters. FunctionChat-Bench's slot turns have no such annotation and keep the two
readings below.

Usage: ``python bench/bench_tools.py [--data DIR] [--limit N] [--calibrate] [--dev FILE] [--dev2 FILE] [--dev3 FILE]
[--dev4 FILE] [--dev5 FILE] [--dev6 FILE] [--dev7 FILE] [--dev8 FILE] [--dev9 FILE]
[--dev10 FILE] [--dev11 FILE] [--dev12 FILE] [--dev13 FILE] [--dev14 FILE]
[--dev15 FILE] [--dev16 FILE] [--dev17 FILE] [--blind14 FILE] [--blind15 FILE] [--blind16 FILE]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from kodial.textio import atomic_write_text
from kodial.tools import decide
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
from kodial.tools.decide import default_chooser
from kodial.tools.pending import is_question
from kodial.tools.schema import parse_tools
from tool_judge import _acceptable, _gold_call, gold_missing, judge_call, judge_completion
from tool_report import _examples, markdown, summarise
from tool_sets import BLIND_SETS, NOW, OWN_SET_FILES, OWN_SETS, RESULTS, ROOT, SET_NOW

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
            answers = answers and is_question(before[-1].get("content") or "")
            gold: str | None = None
            if kind in ("call", "slot"):
                nxt = next((t for t in turns[k:] if t["type_of_output"] == "call"), None)
                if nxt is None or answers:
                    continue
                gold = _gold_call(nxt["ground_truth"])[0]
            group = "slot" if kind == "slot" else ""
            cases.append(CalibrationCase(tools, messages[-1]["content"], gold, NOW, group))
    return cases


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
