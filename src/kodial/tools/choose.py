"""Zero-shot tool scoring from names and descriptions, with a calibrated "none fits".

A tool's score for a message mixes two views that fail differently:

- **meaning**: cosine between the message and the tool's description (alone, and with its
  parameter descriptions) under a pretrained multilingual sentence encoder
  (:func:`kodial.encoders.load_encoder`, ``use-multilingual`` by default: offline, Korean);
- **words**: the tool's own words (description, parameter descriptions, the parts of its
  name, general Korean synonyms; Kiwi morphemes, so 예약해/예약할/예약을 all match 예약) found
  in the message, each weighted by how few of the offered tools share it (IDF over the tool
  list, scaled so a word no other offered tool has counts 1 whatever the list's size), so
  "로또" says nothing among five lottery tools but "회차" does, and "날씨" counts fully when a
  weather tool is the only one offered;
- **arguments**: what the message gives the tool: parameters named by their own words
  (units, labels, formats: *evidence*) and the share of its required parameters found
  (*complete*). Between close neighbours the one the message can complete wins ("리사 생일
  언제야" completes a birthday search by name, not a birthday registration that needs a date);
- **act**: whether the request asks for what the tool does, look up, create, change or delete
  (:mod:`kodial.tools.acts`: +1 same, -1 different, 0 unknown), so "생일 언제지?" goes to the
  search and "생일 등록해줘" to the registration even when both share every word.

``score = cosine + word_weight * min(words, 2) + evidence_weight * min(evidence, 3) +
complete_weight * complete + act_weight * act``. The best tool is called only when its score reaches
:attr:`ToolChooser.threshold`; below it nothing fits and the assistant answers or declines.
Weights and threshold come from :func:`calibrate` (``resources/tools/calibration.json``, made by
``bench/bench_tools.py --calibrate`` from the project's own labelled requests plus the tuning
part of FunctionChat-Bench; the held-out part is only scored). When an app supplies examples per
tool, a :mod:`kodial.classify` lexical classifier trained on them adds its probability.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from typing import Any

import numpy as np

from kodial.encoders import Encoder, load_encoder
from kodial.korean.datetimes import SEOUL
from kodial.korean.request_acts import EVERYDAY_VERBS
from kodial.tools.acts import predicate_match, text_act
from kodial.tools.schema import ToolSpec, item_fields
from kodial.tools.text import TOOL_SYNONYMS, content_words, split_identifier, tokens

DEFAULT_ENCODER = "use-multilingual"

_STOP = {
    "하",
    "되",
    "있",
    "주",
    "것",
    "수",
    "등",
    "위하",
    "의",
    "를",
    "을",
    "get",
    "set",
    "the",
    "of",
    "for",
    "to",
    "a",
    "an",
    "by",
    "and",
    "or",
    "in",
    "on",
    "is",
    "info",
    "정보",
    "제공",
    "함수",
    "반환",
    "입력",
    "받",
    "특정",
    "주어지",
    "사용자",
    "값",
}


@dataclass
class ToolScore:
    """How well one tool fits a message."""

    name: str
    score: float
    cosine: float
    words: float
    matched: list[str] = field(default_factory=list)
    """The tool's words found in the message."""
    context: float = 0.0
    """Bonus for a tool the conversation is already about (an open question, a recent call)."""
    examples: float = 0.0
    """Probability from a classifier trained on the app's examples (0 without examples)."""
    evidence: int = 0
    """Parameters of this tool the message names with their own words (units, labels, formats)."""
    complete: float = 0.0
    """Share of the tool's required parameters the message gives (0.5 when it requires none)."""
    act: float = 0.0
    """+1 when the message asks for what the tool does (look up, create, change, delete), -1
    when for something else, 0 when either is unknown (:func:`kodial.tools.acts.act_match`)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "tool": self.name,
            "score": round(self.score, 4),
            "cosine": round(self.cosine, 4),
            "words": round(self.words, 4),
            "matched": self.matched,
            "context": round(self.context, 4),
            "examples": round(self.examples, 4),
            "evidence": self.evidence,
            "complete": round(self.complete, 4),
            "act": self.act,
        }


def _nested_enum_values(tool: ToolSpec) -> set[str]:
    """The allowed values of the fields of an array's objects ("맡길 세탁물 목록" of items named
    셔츠, 패딩): they name what the tool handles as a top-level enum's do."""
    out: set[str] = set()
    for p in tool.params:
        for spec in item_fields(tool, p.name).values():
            out.update(str(v).lower() for v in spec.get("enum") or () if isinstance(v, str))
    return out


def tool_words(tool: ToolSpec) -> set[str]:
    """Words that name what the tool does or needs, lower-cased, with synonyms."""
    text = " ".join([tool.description, *(p.description for p in tool.params)])
    words = set(content_words(text)) | set(split_identifier(tool.name))
    for p in tool.params:
        words.update(split_identifier(p.name))
        # the values an enum offers name what the tool handles (카페라테, 정형외과)
        words.update(str(v).lower() for v in (*p.enum, *p.items_enum) if isinstance(v, str))
    words.update(_nested_enum_values(tool))
    words = {w for w in words if w not in _STOP and (len(w) > 1 or re.match(r"[가-힣]", w))}
    for group in TOOL_SYNONYMS:
        if words & set(group):
            words.update(group)
    return words


def tool_documents(tool: ToolSpec) -> list[str]:
    """Texts that describe a tool to the encoder: its description (or name words), the
    description with its parameters' descriptions, and with its name's words."""
    desc = tool.description.strip() or " ".join(split_identifier(tool.name))
    params = ", ".join(p.description.split("(")[0].strip() for p in tool.params if p.description)
    named = f"{' '.join(split_identifier(tool.name))}: {desc}"
    return [desc, f"{desc} ({params})" if params else named, named]


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text.lower())


EVIDENCE_CAP = 3
"""The most values said for a tool that count as evidence for it (a day, a time and a head count
for one booking), in scoring and in calibrating alike."""


@dataclass
class Calibration:
    """Scoring weights and the "none fits" threshold."""

    word_weight: float = 0.08
    """Weight of the IDF-weighted tool words found in the message (their sum counts up to 2)."""
    evidence_weight: float = 0.05
    """Weight per value (at most :data:`EVIDENCE_CAP`) the message gives for the tool in its own
    words."""
    complete_weight: float = 0.0
    """Weight of the share of the tool's required parameters the message gives."""
    act_weight: float = 0.0
    """Weight of the act match (+1 / 0 / -1) between the message and the tool."""
    threshold: float = 0.35
    """Smallest score at which the best tool is called (below: answer or decline)."""
    context_bonus: float = 0.12
    source: str = "default"

    @classmethod
    def bundled(cls) -> Calibration:
        """The calibration computed by :func:`calibrate` on the bundled requests."""
        path = resources.files("kodial") / "resources" / "tools" / "calibration.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        return cls(**data)


class ToolChooser:
    """Scores the offered tools for a message (see the module docstring)."""

    def __init__(
        self,
        encoder: Encoder | str | None = DEFAULT_ENCODER,
        calibration: Calibration | None = None,
    ) -> None:
        self._encoder_spec = encoder
        self._encoder: Encoder | None = encoder if isinstance(encoder, Encoder) else None
        self.calibration = calibration or Calibration.bundled()

    @property
    def encoder(self) -> Encoder | None:
        if self._encoder is None and isinstance(self._encoder_spec, str):
            self._encoder = load_encoder(self._encoder_spec)
        return self._encoder

    @property
    def threshold(self) -> float:
        return self.calibration.threshold

    def cosines(self, tools: list[ToolSpec], text: str) -> np.ndarray:
        enc = self.encoder
        if enc is None or not tools:
            return np.zeros(len(tools), dtype=np.float32)
        docs = [tool_documents(t) for t in tools]
        flat = [d for ds in docs for d in ds]
        vecs = enc.encode([text, *flat])
        sims = vecs[1:] @ vecs[0]
        out = np.zeros(len(tools), dtype=np.float32)
        pos = 0
        for i, ds in enumerate(docs):
            out[i] = float(np.max(sims[pos : pos + len(ds)]))
            pos += len(ds)
        return out

    def word_scores(self, tools: list[ToolSpec], text: str) -> list[tuple[float, list[str]]]:
        words = [tool_words(t) for t in tools]
        n = len(tools)
        df: dict[str, int] = {}
        for ws in words:
            for w in ws:
                df[w] = df.get(w, 0) + 1
        query = _norm(text)
        query_words = set(content_words(text))
        # everyday verbs name the act by the tools' formal nouns (시켜줘 -> 주문)
        query_words.update(
            noun for t in tokens(text) if t.tag == "VV" for noun in EVERYDAY_VERBS.get(t.form, ())
        )
        query_nouns = {t.form for t in tokens(text) if t.tag in ("NNG", "NNP")}
        out = []
        for ws in words:
            # a word of two or more syllables may sit inside a compound (할인가, 기초대사율); a
            # one-syllable word must be a morpheme of its own (키, 찾) or it matches everywhere
            matched = sorted(
                w
                for w in ws
                if w in query_words
                or (len(_norm(w)) >= 2 and _norm(w) in query)
                # a noun of the request inside a longer word of the tool: 라테 in 카페라테
                # (of words written apart, the last: 세트 names a 캠핑 의자 세트, 캠핑 does not)
                or (len(w) >= 3 and any(len(q) >= 2 and q in w.split()[-1] for q in query_nouns))
            )
            # drop words contained in a longer matched word ("대사" inside "기초대사율"); of
            # spellings that differ only in spacing ("할 일", "할일") keep the first, since each
            # was inside the other and both were dropped
            matched = [
                w
                for i, w in enumerate(matched)
                if not any(
                    _norm(w) in _norm(o) and (_norm(w) != _norm(o) or j < i)
                    for j, o in enumerate(matched)
                    if j != i
                )
            ]
            # scaled so a word no other offered tool has counts 1 whatever the list's size: with
            # one tool offered its words are as telling as a unique word among eight
            top = math.log((n + 1) / 1.5) + 0.5
            score = sum((math.log((n + 1) / (df[w] + 0.5)) + 0.5) / top for w in matched)
            out.append((score, matched))
        return out

    @staticmethod
    def act_scores(tools: list[ToolSpec], text: str) -> list[float]:
        """Per tool, whether ``text`` asks for what it does (:mod:`kodial.tools.acts`)."""
        act = text_act(text)
        # the action nouns both use as predicates refine the act classes ("충전 좀 해줘" /
        # "교통카드를 충전합니다"; "비교해줄 수 있어?" / "상한을 계산합니다")
        return [predicate_match(text, act, t) for t in tools]

    def score(
        self,
        tools: list[ToolSpec],
        text: str,
        context: dict[str, float] | None = None,
        examples: dict[str, float] | None = None,
        evidence: dict[str, ArgumentEvidence] | None = None,
        act_text: str | None = None,
    ) -> list[ToolScore]:
        """Scores of every tool for ``text``, best first. ``context``: tool name -> weight (0-1)
        of the conversation being about it; ``examples``: tool name -> probability from a
        classifier trained on the app's examples; ``evidence``: tool name -> what the message
        gives the tool (:func:`evidence_for`); ``act_text``: the part of ``text`` whose act
        counts (a request, not the assistant's question about it that follows), all of it by
        default."""
        cal = self.calibration
        cos = self.cosines(tools, text)
        words = self.word_scores(tools, text)
        acts = self.act_scores(tools, text if act_text is None else act_text)
        scores = []
        for t, c, (w, matched), act in zip(tools, cos, words, acts, strict=True):
            ctx = cal.context_bonus * (context or {}).get(t.name, 0.0)
            ex = (examples or {}).get(t.name, 0.0)
            ev = (evidence or {}).get(t.name, ArgumentEvidence())
            total = (
                float(c)
                + cal.word_weight * min(w, 2.0)
                + cal.evidence_weight * min(ev.strong, EVIDENCE_CAP)
                + cal.complete_weight * ev.complete
                + cal.act_weight * act
                + ctx
                + 0.3 * ex
            )
            scores.append(
                ToolScore(t.name, total, float(c), w, matched, ctx, ex, ev.strong, ev.complete, act)
            )
        scores.sort(key=lambda s: -s.score)
        return scores


def load_requests() -> list[dict[str, Any]]:
    """The bundled labelled requests (``resources/tools/requests.jsonl``): ``text``, ``tool``
    (a name, or null when no tool fits) and, for some, ``arguments``."""
    path = resources.files("kodial") / "resources" / "tools" / "requests.jsonl"
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rows.append(json.loads(line))
    return rows


@dataclass(frozen=True)
class ArgumentEvidence:
    """What one message gives one tool."""

    strong: int = 0
    """Parameters the message names by their own words (units, labels, formats)."""
    complete: float = 0.5
    """Share of the tool's required parameters found in the message, a value read from words
    that name the parameter counting 1 and a guess from position (the request's main noun
    phrase, a leftover number) 1/2; 0.5 when it requires none (nothing to find and nothing
    missing: neither for nor against the tool)."""


def evidence_for(
    tools: list[ToolSpec],
    text: str,
    now: datetime | None = None,
    known: frozenset[str] = frozenset(),
) -> dict[str, ArgumentEvidence]:
    """Tool name -> what ``text`` gives the tool (:class:`ArgumentEvidence`). ``known``: names
    of fields the last tool result holds; a required parameter of that name is given too (the
    bill just looked up is the one "카드로 내줘" pays)."""
    from kodial.tools.arguments import extract_message

    when = now or datetime(2026, 1, 1, 12, 0, tzinfo=SEOUL)
    out = {}
    for t in tools:
        found = extract_message(t, text, when)
        # values said, not parameters filled: one day read for a check-in and a check-out
        # ("토요일") is one thing said
        strong = len({f.text for f in found.values() if f.strong})
        required = list(t.required)
        # A guess from position counts half: the main noun phrase fills some string parameter of
        # nearly any tool (an event id, a query), which says little about which tool is meant.
        given = sum(
            (1.0 if found[r].strong else 0.5) if r in found else float(r in known) for r in required
        )
        complete = given / len(required) if required else 0.5
        out[t.name] = ArgumentEvidence(strong, complete)
    return out


@dataclass
class CalibrationCase:
    """One labelled request for :func:`calibrate`: the tools offered, the message and the tool
    that should be chosen (None: no tool fits)."""

    tools: list[ToolSpec]
    text: str
    tool: str | None
    now: datetime | None = None
    group: str = ""
    """The accuracy group the case counts in (balanced accuracy is the mean over groups):
    ``call`` for a tool, ``none`` without one unless given (``slot``: a request whose
    arguments are still to be asked for)."""

    def __post_init__(self) -> None:
        self.group = self.group or ("call" if self.tool else "none")


def request_cases(tools: list[ToolSpec], requests: list[dict[str, Any]]) -> list[CalibrationCase]:
    """The bundled requests (:func:`load_requests`) as calibration cases over ``tools``."""
    return [CalibrationCase(tools, r["text"], r["tool"]) for r in requests]


WORD_WEIGHTS = (0.0, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2)
EVIDENCE_WEIGHTS = (0.0, 0.05, 0.1, 0.15, 0.2)
COMPLETE_WEIGHTS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25)
ACT_WEIGHTS = (0.0, 0.05, 0.1, 0.15)


def calibrate(
    cases: list[CalibrationCase], chooser: ToolChooser, source: str = "labelled requests"
) -> Calibration:
    """Pick the word, evidence, completeness and act weights and the threshold that maximise
    balanced accuracy on labelled requests: the mean over their groups
    (:attr:`CalibrationCase.group`) of "the right tool reached the threshold" (cases with a
    tool) or "no tool reached it" (without); near-ties go to the smallest weights. ``source``
    names the requests in the result."""
    # One row per case, one column per offered tool (padded): every weight setting is then a
    # few array operations over all cases at once instead of a loop over them.
    width = max(len(c.tools) for c in cases)
    cos = np.zeros((len(cases), width), dtype=np.float32)
    words = np.zeros((len(cases), width), dtype=np.float64)
    strong = np.zeros((len(cases), width), dtype=np.float32)
    complete = np.zeros((len(cases), width), dtype=np.float32)
    acts = np.zeros((len(cases), width), dtype=np.float32)
    offered = np.zeros((len(cases), width), dtype=bool)
    gold = np.full(len(cases), -1)
    for i, c in enumerate(cases):
        names = [t.name for t in c.tools]
        n = len(names)
        ev = evidence_for(c.tools, c.text, c.now)
        cos[i, :n] = chooser.cosines(c.tools, c.text)
        words[i, :n] = np.minimum([w for w, _ in chooser.word_scores(c.tools, c.text)], 2.0)
        strong[i, :n] = [min(ev[name].strong, EVIDENCE_CAP) for name in names]
        complete[i, :n] = [ev[name].complete for name in names]
        acts[i, :n] = chooser.act_scores(c.tools, c.text)
        offered[i, :n] = True
        gold[i] = names.index(c.tool) if c.tool in names else -1
    is_pos = np.array([c.tool is not None for c in cases])
    assert is_pos.any() and (~is_pos).any(), "calibration needs requests with and without a tool"
    groups = [np.array([c.group == g for c in cases]) for g in sorted({c.group for c in cases})]
    thresholds = np.round(np.arange(0.1, 1.2, 0.01), 2)
    every = np.arange(len(cases))
    # (balanced, ww, ew, cw, thr, aw)
    results: list[tuple[float, float, float, float, float, float]] = []
    for ww, ew, cw, aw in itertools.product(
        WORD_WEIGHTS, EVIDENCE_WEIGHTS, COMPLETE_WEIGHTS, ACT_WEIGHTS
    ):
        total = cos + ww * words + ew * strong + cw * complete + aw * acts
        total = np.where(offered, total, -np.inf)
        j = np.argmax(total, axis=1)
        top, right = total[every, j], j == gold
        reached = top[None, :] >= thresholds[:, None]  # (thresholds, cases)
        ok = np.where(is_pos[None, :], reached & right[None, :], ~reached)
        bal = np.mean([ok[:, g].mean(axis=1) for g in groups], axis=0)
        k = int(np.argmax(bal))
        results.append((float(bal[k]), ww, ew, cw, float(thresholds[k]), aw))
    # A few hundred labelled requests cannot tell weights apart by less than a request or so:
    # among settings within 0.01 of the best, take the smallest weights (the cosine stays the
    # main signal), which keeps the calibration from fitting the quirks of its own examples.
    best_bal = max(r[0] for r in results)
    best = min(
        (r for r in results if r[0] >= best_bal - 0.01), key=lambda r: (r[5], r[3], r[2], r[1])
    )
    return Calibration(
        word_weight=best[1],
        evidence_weight=best[2],
        complete_weight=best[3],
        act_weight=best[5],
        threshold=round(best[4], 2),
        source=f"{source} ({len(cases)}), balanced accuracy {best[0]:.3f}",
    )


def balanced_accuracy(cases: list[CalibrationCase], chooser: ToolChooser) -> float:
    """Balanced accuracy of ``chooser`` (its calibration as it stands) on labelled requests,
    as :func:`calibrate` counts it."""
    by_group: dict[str, list[bool]] = {}
    for c in cases:
        best = chooser.score(c.tools, c.text, evidence=evidence_for(c.tools, c.text, c.now))[0]
        called = best.score >= chooser.threshold
        ok = not called if c.tool is None else called and best.name == c.tool
        by_group.setdefault(c.group, []).append(ok)
    return float(np.mean([np.mean(v) for v in by_group.values()]))


def bundled_tools() -> list[ToolSpec]:
    """The project's own Korean tool set (``resources/tools/tools.json``)."""
    from kodial.tools.schema import load_tools, parse_tools

    path = resources.files("kodial") / "resources" / "tools" / "tools.json"
    return parse_tools(load_tools(str(path)))
