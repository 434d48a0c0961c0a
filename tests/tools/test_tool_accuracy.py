"""FunctionChat-style accuracy on a small fixture written for the project (``data/dialogs.jsonl``:
the bundled tools, typed turns ``call`` / ``slot`` / ``completion`` / ``relevance``), scored the
way ``bench/bench_tools.py`` scores the real benchmark: exact arguments, exactly the missing
parameters, no call on relevance turns, answers that carry the tool result."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from _tool_fixtures import NOW

from kodial.tools import decide

DATA = Path(__file__).parent / "data" / "dialogs.jsonl"


def _correct(turn: dict[str, Any], tools: list[dict[str, Any]]) -> bool:
    d = decide(turn["query"], tools, "auto", now=NOW)
    kind = turn["type"]
    if kind == "call":
        return (d.kind, d.tool, d.arguments) == ("call", turn["tool"], turn["arguments"])
    if kind == "slot":
        return (d.kind, d.tool, d.missing) == ("ask", turn["tool"], turn["missing"])
    if kind == "relevance":
        return d.kind == "decline"
    result = json.loads(turn["query"][-1]["content"])
    facts = [str(v) for k, v in result.items() if k not in ("status", "success")]
    reply = (d.content or "").replace(",", "")
    return d.kind == "answer" and all(f in reply for f in facts)


def test_fixture_dialogues_are_decided_right() -> None:
    by_type: dict[str, list[bool]] = defaultdict(list)
    for line in DATA.read_text(encoding="utf-8").splitlines():
        dialog = json.loads(line)
        for turn in dialog["turns"]:
            by_type[turn["type"]].append(_correct(turn, dialog["tools"]))
    accuracy = {k: sum(v) / len(v) for k, v in by_type.items()}
    assert set(accuracy) == {"call", "slot", "completion", "relevance"}
    assert sum(len(v) for v in by_type.values()) >= 20
    # balanced over call / ask / decline: never calling a tool cannot pass
    assert accuracy == {"call": 1.0, "slot": 1.0, "completion": 1.0, "relevance": 1.0}
