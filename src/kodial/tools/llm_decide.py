"""The tool-call decision made by a causal LM, behind the same interface as the offline decider.

:func:`decide` takes what :func:`kodial.tools.decide.decide` takes (OpenAI ``messages``,
``tools``, ``tool_choice``, ``now``) plus the model, and returns the same
:class:`~kodial.tools.decide.ToolDecision`, so a caller picks a decider by name in
:data:`kodial.tools.DECIDERS` (``offline`` or ``llm``) and handles the result alike.

1. **Which tool**: the conversation and the offered tools (name and description) are written into
   a Korean prompt, and each tool's name, and ``없음`` (none fits), is scored as a continuation
   by its mean token log-probability (:class:`kodial.classify.llm.LocalScorer`: the prompt is
   encoded once, the names run as one batch over its KV cache). ``tool_choice`` is honoured as
   by the offline decider: ``none`` declines, ``required`` drops ``없음``, a named tool is used.
2. **Arguments**, one parameter at a time, each after ``{name}:`` in a prompt that shows the
   arguments decided so far, JSON-schema constrained:

   - enum and boolean: the allowed values (JSON-encoded) and ``null`` scored as continuations;
   - integer / number: greedy decoding over digit tokens only (a leading ``-`` and one ``.``
     for numbers), then the value must beat ``null`` and, by default, be a number the user wrote
     (digits or Korean numerals, :func:`kodial.tools.text.numbers`);
   - string: greedy decoding after an opening quote until the closing quote or ``max_chars``;
     a span-like string (no enum, format or pattern) is kept only when it occurs in what the
     user wrote, so the model never sends a value it made up;
   - arrays and objects are not generated (a required one is asked for).

   Every value is checked with :func:`kodial.tools.schema.validate_arguments`; one that fails is
   dropped (``explain['dropped']`` says why) and, when required, asked for.
3. **Ask / answer / decline** reuse the offline decider's Korean wording
   (:mod:`kodial.tools.questions`).

Conversation text is encoded as text, never as control tokens.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kodial.errors import KodialError
from kodial.tools.decide import (
    ToolDecision,
    _check_messages,
    _named_choice,
    settled_without_choosing,
)
from kodial.tools.questions import decline_message, slot_question
from kodial.tools.schema import ParamSpec, ToolSpec, parse_tools, validate_arguments
from kodial.tools.text import message_text, numbers

if TYPE_CHECKING:
    from kodial.classify.llm import LocalScorer

NONE = "없음"
"""The continuation that means no tool fits."""

ROLES = {"user": "사용자", "assistant": "도우미", "tool": "도구 결과"}


@dataclass
class LLMDecideOptions:
    """How the LLM decides (the ``llm`` decider's options)."""

    max_chars: int = 40
    """Longest string argument generated, in characters."""
    max_digits: int = 12
    """Longest number generated, in digits."""
    numbers_from_conversation: bool = True
    """Keep a generated number only when the user wrote it (digits or Korean numerals)."""
    device: str = "auto"
    """auto (CUDA if available), cpu or cuda."""


@dataclass
class _Vocab:
    """Token ids by what they decode to (computed once per tokenizer)."""

    digits: list[int] = field(default_factory=list)
    minus: list[int] = field(default_factory=list)
    dot: list[int] = field(default_factory=list)
    stops: list[int] = field(default_factory=list)
    """Tokens that end a number: a newline, comma, brace or space first."""


_VOCABS: dict[int, _Vocab] = {}


def _vocab(lm: LocalScorer) -> _Vocab:
    key = id(lm.tokenizer)
    if key not in _VOCABS:
        v = _Vocab()
        special = set(lm.controls.special)
        for i in range(len(lm.tokenizer)):
            if i in special:
                continue
            s = lm.tokenizer.decode([i])
            if s.isascii() and s.isdigit():
                v.digits.append(i)
            elif s == "-":
                v.minus.append(i)
            elif s == ".":
                v.dot.append(i)
            elif s[:1] in ("\n", ",", "}", " ") and not any(c.isdigit() for c in s):
                v.stops.append(i)
        _VOCABS[key] = v
    return _VOCABS[key]


def _conversation(messages: list[dict[str, Any]]) -> str:
    lines = []
    for m in messages:
        role = m.get("role")
        if role in ("system", "developer"):
            continue
        text = message_text(m).strip()
        for call in m.get("tool_calls") or []:
            fn = call.get("function", {}) if isinstance(call, dict) else {}
            text += f" [도구 호출 {fn.get('name')}({fn.get('arguments') or ''})]"
        if text:
            lines.append(f"{ROLES.get(str(role), str(role))}: {' '.join(text.split())}")
    return "\n".join(lines)


def _tool_list(specs: list[ToolSpec]) -> str:
    return "\n".join(f"- {s.name}: {' '.join(s.description.split())}" for s in specs)


def _user_text(messages: list[dict[str, Any]]) -> str:
    return " ".join(message_text(m) for m in messages if m.get("role") == "user")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


class _Decoder:
    """Greedy decoding from one prompt, a token at a time over a growing KV cache."""

    def __init__(self, lm: LocalScorer, prompt: str) -> None:
        import torch
        from transformers import DynamicCache

        self.lm = lm
        self.cache = DynamicCache()
        self.ids = lm.lead + lm.ids(prompt)
        with torch.no_grad():
            logits = lm._run(self.ids, self.cache, 0)
        self.next = torch.log_softmax(logits[0, -1].float(), -1)

    def step(self, allowed: list[int] | None = None) -> int:
        """Take the most likely token (among ``allowed``), feed it, return it."""
        import torch

        scores = self.next
        if allowed is not None:
            masked = torch.full_like(scores, float("-inf"))
            masked[allowed] = scores[allowed]
            scores = masked
        else:
            scores = scores.clone()
            scores[list(self.lm.controls.special)] = float("-inf")
        token = int(scores.argmax())
        with torch.no_grad():
            logits = self.lm._run([token], self.cache, len(self.ids))
        self.ids.append(token)
        self.next = torch.log_softmax(logits[0, -1].float(), -1)
        return token


def generate_number(lm: LocalScorer, prompt: str, integer: bool, max_digits: int) -> str:
    """Digits (a leading ``-``, one ``.`` for a number) decoded greedily after ``prompt``."""
    vocab = _vocab(lm)
    if not vocab.digits:
        raise KodialError("the model's vocabulary has no digit tokens")
    dec = _Decoder(lm, prompt)
    out = ""
    first = vocab.digits + vocab.minus
    out += lm.tokenizer.decode([dec.step(first)])
    while sum(c.isdigit() for c in out) < max_digits:
        allowed = vocab.digits + vocab.stops
        if not integer and "." not in out and out[-1:].isdigit():
            allowed += vocab.dot
        if out == "-":
            allowed = vocab.digits
        token = dec.step(allowed)
        if token in vocab.stops:
            break
        out += lm.tokenizer.decode([token])
    return out.rstrip(".")


def generate_string(lm: LocalScorer, prompt: str, max_chars: int) -> str:
    """Text decoded greedily after ``prompt`` (which ends with an opening quote) until the
    closing quote, a line break or ``max_chars``."""
    dec = _Decoder(lm, prompt)
    start = len(dec.ids)
    text = ""
    for _ in range(max_chars * 4):  # a character may take several byte-level tokens
        dec.step()
        text = lm.tokenizer.decode(dec.ids[start:], skip_special_tokens=True)
        cut = min((i for i in (text.find('"'), text.find("\n")) if i >= 0), default=-1)
        if cut >= 0:
            return text[:cut]
        if len(text.rstrip("\ufffd")) >= max_chars:
            break
    return text.rstrip("\ufffd")[:max_chars]


def _mean(lp: list[float]) -> float:
    return sum(lp) / len(lp)


def _choose_tool(
    lm: LocalScorer, head: str, specs: list[ToolSpec], allow_none: bool
) -> tuple[str, dict[str, float]]:
    names = [s.name for s in specs] + ([NONE] if allow_none else [])
    lps = lm.token_logprobs(head, "\n사용할 도구:", [f" {n}" for n in names])
    scores = {n: round(_mean(lp), 6) for n, lp in zip(names, lps, strict=True)}
    return max(names, key=lambda n: scores[n]), scores


def _decide_param(
    lm: LocalScorer, prompt: str, p: ParamSpec, user_text: str, options: LLMDecideOptions
) -> tuple[Any, str, dict[str, Any]]:
    """(value or None, how, evidence) for one parameter."""
    if p.enum or p.type == "boolean":
        values = list(p.enum) if p.enum else [True, False]
        conts = [" " + json.dumps(v, ensure_ascii=False) for v in values] + [" null"]
        lps = lm.token_logprobs(prompt, "", conts)
        means = [_mean(lp) for lp in lps]
        best = max(range(len(conts)), key=lambda i: means[i])
        scores = {c.strip(): round(m, 6) for c, m in zip(conts, means, strict=True)}
        if best == len(values):
            return None, "null scored highest", {"scores": scores}
        return values[best], "choice by likelihood", {"scores": scores}
    if p.type in ("integer", "number"):
        digits = generate_number(lm, prompt + " ", p.type == "integer", options.max_digits)
        try:
            value: Any = int(digits) if p.type == "integer" else float(digits)
        except ValueError:
            return None, f"not a number: {digits!r}", {}
        if p.type == "number" and float(value).is_integer():
            value = int(value)
        lps = lm.token_logprobs(prompt, "", [" " + digits, " null"])
        evidence: dict[str, Any] = {"generated": digits, "value": _mean(lps[0])}
        evidence["null"] = _mean(lps[1])
        if evidence["null"] > evidence["value"]:
            return None, "null scored higher than the generated number", evidence
        said = {float(n.value) for n in numbers(user_text)}
        if options.numbers_from_conversation and float(value) not in said:
            return None, f"{digits} is not a number the user wrote", evidence
        return value, "constrained digits", evidence
    if p.type == "string":
        text = generate_string(lm, prompt + ' "', options.max_chars).strip()
        if not text:
            return None, "empty string generated", {}
        lps = lm.token_logprobs(prompt, "", [" " + json.dumps(text, ensure_ascii=False), " null"])
        evidence = {"generated": text, "value": _mean(lps[0]), "null": _mean(lps[1])}
        if evidence["null"] > evidence["value"]:
            return None, "null scored higher than the generated text", evidence
        span_like = not (p.format or p.pattern)
        if span_like and _squash(text) not in _squash(user_text):
            return None, f"{text!r} does not occur in the conversation", evidence
        return text, "generated until the closing quote", evidence
    return None, f"{p.type} parameters are not generated", {}


def fill_with_llm(
    lm: LocalScorer,
    tool: ToolSpec,
    messages: list[dict[str, Any]],
    now: datetime,
    options: LLMDecideOptions,
) -> tuple[dict[str, Any], list[str], dict[str, Any], list[str]]:
    """(arguments, missing required, evidence per parameter, dropped values) for ``tool``."""
    user_text = _user_text(messages)
    base = (
        f"오늘은 {now:%Y-%m-%d %H:%M}입니다.\n대화:\n{_conversation(messages)}\n\n"
        f"도구: {tool.name} ({' '.join(tool.description.split())})\n인자:\n"
    )
    args: dict[str, Any] = {}
    evidence: dict[str, Any] = {}
    dropped: list[str] = []
    for p in tool.params:
        shown = "".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in args.items())
        desc = f" ({' '.join(p.description.split())})" if p.description else ""
        prompt = f"{base}{shown}{p.name}{desc}:"
        value, how, ev = _decide_param(lm, prompt, p, user_text, options)
        evidence[p.name] = {"how": how, **ev}
        if value is None:
            if ev.get("generated") is not None:
                dropped.append(f"{p.name}: {how}")
            continue
        problems = validate_arguments(ToolSpec(tool.name, params=(p,)), {p.name: value})
        problems = [x for x in problems if not x.endswith("required")]
        if problems:
            dropped.extend(problems)
            evidence[p.name]["how"] = "refused by the schema"
            continue
        args[p.name] = value
    missing = [p.name for p in tool.params if p.required and p.name not in args]
    return args, missing, evidence, dropped


def decide(
    messages: list[dict[str, Any]],
    tools: list[dict[str, Any]],
    tool_choice: str | dict[str, Any] = "auto",
    now: datetime | None = None,
    *,
    model: str | LocalScorer,
    options: LLMDecideOptions | None = None,
) -> ToolDecision:
    """Decide this turn with a causal LM (see the module docstring); ``model`` is a model
    directory or hub id, or an already loaded :class:`~kodial.classify.llm.LocalScorer`."""
    from kodial.classify.llm import LocalScorer, local_scorer
    from kodial.korean.datetimes import SEOUL

    options = options or LLMDecideOptions()
    messages = _check_messages(messages)
    specs = parse_tools(tools)
    named = _named_choice(tool_choice, specs)
    now = now or datetime.now(SEOUL)
    explain: dict[str, Any] = {"decider": "llm", "tool_choice": tool_choice}
    early = settled_without_choosing(messages, specs, tool_choice, explain)
    if early is not None:
        return early

    lm = model if isinstance(model, LocalScorer) else local_scorer(str(model), options.device)
    head = (
        f"사용할 수 있는 도구:\n{_tool_list(specs)}\n- {NONE}: 맞는 도구가 없음\n\n"
        f"대화:\n{_conversation(messages)}\n"
    )
    if named is not None:
        tool: ToolSpec | None = named
        explain["why"] = "tool_choice names this tool"
    else:
        best, scores = _choose_tool(lm, head, specs, allow_none=tool_choice != "required")
        explain["scores"] = scores
        tool = next((s for s in specs if s.name == best), None)
        explain["why"] = (
            f"{NONE} scored highest" if tool is None else f"{best} scored highest (mean log-prob)"
        )
    if tool is None:
        return ToolDecision("decline", decline_message(specs), explain=explain)
    args, missing, evidence, dropped = fill_with_llm(lm, tool, messages, now, options)
    explain.update(tool=tool.name, filled=evidence, missing=missing, dropped=dropped)
    if missing:
        return ToolDecision(
            "ask", slot_question(tool, missing), tool=tool.name, missing=missing, explain=explain
        )
    return ToolDecision("call", None, tool=tool.name, arguments=args, explain=explain)
