"""Preference data for DPO and KTO: JSONL read, validated and turned into TRL's conversational rows.

DPO rows hold ``prompt`` (a string, or a list of ``{role, content}`` messages for a multi-turn
context), ``chosen`` and ``rejected`` (strings, the assistant's better and worse reply). KTO rows hold
``prompt``, ``completion`` and ``label`` (``true`` = desirable). Every error names the file, the line
and the field. Rows come out in TRL's conversational form so that TRL renders them with the
tokenizer's own chat template, the same one SFT and serving use.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kodial.errors import DataError, DataErrors
from kodial.textio import ReadLimits, check_input_file, check_text, iter_lines, parse_json

ROLES = ("system", "user", "assistant")

KINDS: dict[str, tuple[str, ...]] = {
    "dpo": ("prompt", "chosen", "rejected"),
    "kto": ("prompt", "completion", "label"),
}
"""Preference data kind -> its required fields."""


def _text(value: Any, path: Path, line: int, name: str) -> str:
    if not isinstance(value, str):
        raise DataError(
            f"expected a string, got {type(value).__name__}", path=path, line=line, field=name
        )
    if not value.strip():
        raise DataError("empty text", path=path, line=line, field=name)
    return check_text(value, path, line, name)


def _prompt(value: Any, path: Path, line: int) -> list[dict[str, str]]:
    if isinstance(value, str):
        return [{"role": "user", "content": _text(value, path, line, "prompt")}]
    if not isinstance(value, list) or not value:
        raise DataError(
            "expected a string or a non-empty list of messages",
            path=path,
            line=line,
            field="prompt",
        )
    messages = []
    for i, msg in enumerate(value):
        where = f"prompt[{i}]"
        if not isinstance(msg, dict) or "role" not in msg or "content" not in msg:
            raise DataError("expected {role, content}", path=path, line=line, field=where)
        if msg["role"] not in ROLES:
            raise DataError(
                f"unknown role {msg['role']!r}; use one of {', '.join(ROLES)}",
                path=path,
                line=line,
                field=where,
            )
        messages.append(
            {"role": msg["role"], "content": _text(msg["content"], path, line, where + ".content")}
        )
    if messages[-1]["role"] != "user":
        raise DataError(
            "the prompt must end with a user turn", path=path, line=line, field="prompt"
        )
    return messages


def load_preferences(
    path: str | Path, kind: str = "dpo", system_prompt: str | None = None
) -> list[dict[str, Any]]:
    """Read preference JSONL into TRL conversational rows.

    Returns for ``dpo``: ``{"prompt": [messages], "chosen": [assistant msg], "rejected": [...]}``;
    for ``kto``: ``{"prompt": [...], "completion": [assistant msg], "label": bool}``. A persona's
    ``system_prompt`` replaces any system message, as ``apply_persona`` does for SFT.
    All problems in the file are reported together.
    """
    if kind not in KINDS:
        raise DataError(
            f"unknown preference kind {kind!r}; choose from {', '.join(KINDS)}", path=path
        )
    p = Path(path)
    limits = ReadLimits.from_env()
    check_input_file(p, limits)
    rows: list[dict[str, Any]] = []
    errors: list[DataError] = []
    count = 0
    for line_no, raw in iter_lines(p, limits):  # streamed: memory follows the rows kept
        if not raw.strip():
            continue
        count += 1
        if count > limits.max_rows:
            raise limits.too_many_rows(p, line_no, "rows")
        try:
            rows.append(_row(raw, p, line_no, kind, system_prompt))
        except DataError as exc:
            errors.append(exc)
    if errors:
        _check_kind(p, kind, len(rows), errors)
        raise errors[0] if len(errors) == 1 else DataErrors(errors)
    if not rows:
        raise DataError(
            "no preference rows", path=p, hint=f"write one JSON object per line with {KINDS[kind]}"
        )
    return rows


DIALOGUE_KEYS = frozenset({"messages", "conversations", "dialogue", "conversation"})
"""Record keys of dialogue (SFT) data, told apart from preference data."""


def _check_kind(path: Path, kind: str, good: int, errors: list[DataError]) -> None:
    """One error, not one per line, when the leading records are all of another kind: dialogue
    data given to a preference stage, or a file that is not JSON Lines at all."""
    from kodial.chat.dialogue.records import SNIFF_RECORDS

    if good or len(errors) < min(SNIFF_RECORDS, 2):
        return
    lines = []
    for _, raw in iter_lines(path):
        if raw.strip():
            lines.append(raw)
            if len(lines) == SNIFF_RECORDS:
                break
    try:
        first = json.loads(lines[0])
    except (ValueError, IndexError, RecursionError):
        raise DataError(
            f"not JSON Lines: none of the first {len(lines)} line(s) is JSON",
            path=path,
            hint=f"preference data is one JSON object per line with {', '.join(KINDS[kind])}",
        ) from None
    if isinstance(first, dict) and DIALOGUE_KEYS & set(first):
        raise DataError(
            f"this looks like dialogue data (SFT), not preference data; stage {kind} needs "
            f"{', '.join(KINDS[kind])} per line",
            path=path,
            hint="train SFT on dialogues (stage: sft), or write preference pairs, e.g. "
            '{"prompt": [...], "chosen": "...", "rejected": "..."}',
        )


def _row(raw: str, path: Path, line: int, kind: str, system_prompt: str | None) -> dict[str, Any]:
    obj = parse_json(raw, path, line)  # syntax, nesting and lone surrogates checked
    if not isinstance(obj, dict):
        raise DataError("expected a JSON object", path=path, line=line)
    for name in KINDS[kind]:
        if name not in obj:
            raise DataError("missing field", path=path, line=line, field=name)
    prompt = _prompt(obj["prompt"], path, line)
    if system_prompt:
        prompt = [
            {"role": "system", "content": system_prompt},
            *(m for m in prompt if m["role"] != "system"),
        ]
    if kind == "dpo":
        chosen = _text(obj["chosen"], path, line, "chosen")
        rejected = _text(obj["rejected"], path, line, "rejected")
        if chosen == rejected:
            raise DataError(
                "chosen and rejected are identical", path=path, line=line, field="rejected"
            )
        return {
            "prompt": prompt,
            "chosen": [{"role": "assistant", "content": chosen}],
            "rejected": [{"role": "assistant", "content": rejected}],
        }
    if not isinstance(obj["label"], bool):
        raise DataError("expected true or false", path=path, line=line, field="label")
    return {
        "prompt": prompt,
        "completion": [
            {"role": "assistant", "content": _text(obj["completion"], path, line, "completion")}
        ],
        "label": obj["label"],
    }


def dpo_to_kto(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Split DPO pairs into KTO rows (chosen = desirable, rejected = undesirable), so one pairs file
    serves both stages."""
    out = []
    for row in rows:
        out.append({"prompt": row["prompt"], "completion": row["chosen"], "label": True})
        out.append({"prompt": row["prompt"], "completion": row["rejected"], "label": False})
    return out
