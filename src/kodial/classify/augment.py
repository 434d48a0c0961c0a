"""Paraphrases for few-shot intents: generate Korean variants, keep those the classifier agrees with.

Two generators (:data:`GENERATORS`):

- **rules** (:func:`rule_variants`), no model: spaces dropped, the sentence ending switched
  between 반말 and 존댓말 (:mod:`kodial.classify.noise`), and particles swapped for an equivalent
  with the right form for the word before it (``친구와`` -> ``친구랑`` / ``친구하고``,
  ``날씨가`` -> ``날씨는``, ``영화를`` -> ``영화``: objects lose their particle in speech);
- **llm** (:func:`llm_candidates`), with a local causal LM: mixed-example prompts in the
  GPT3Mix/HyperMix style: a few examples of two or three intents, shuffled, then the target
  intent and an open ``문장:`` line the model completes.

A candidate is kept only when the *current classifier* (a saved kodial model, or one trained on
the input) gives its intent the top score with a probability of at least ``threshold``, and it is
not already in the data (after normalising spaces and punctuation).

:func:`measure` says whether it helps: the input is split by paraphrase group
(:func:`kodial.classify.splits.split_by_group`), a classifier trained on the training part is
evaluated on the held-out part, then the training part is augmented (filtered by that same
classifier, never by one that saw the held-out queries), a new classifier trained on it, and
evaluated on the same held-out queries.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from kodial.classify.data import MULTI_LABEL_SEP, OOD_LABEL, Example, LabelledData
from kodial.classify.noise import ending, spacing
from kodial.classify.options import DEFAULT_METHOD
from kodial.classify.splits import resolve_groups, split_by_group
from kodial.config import Config
from kodial.errors import KodialError
from kodial.korean import attach_particle, final_consonant

RuleKind = Literal["spacing", "ending", "particle"]
RULE_KINDS: tuple[RuleKind, ...] = ("spacing", "ending", "particle")

Progress = Callable[[int], None]
"""Called with the number of items just done (drives the CLI's progress bar)."""


class AugmentConfig(Config):
    """How to generate and filter paraphrases (the options of ``kodial classify augment``)."""

    rules: list[RuleKind] = Field(default_factory=lambda: list(RULE_KINDS))
    """Rule-based variants to make: spacing (spaces dropped), ending (반말 <-> 존댓말), particle
    (an equivalent particle, in the form the word before it takes)."""
    per_example: int = Field(default=3, ge=0)
    """Most rule-based candidates per input query (0: no rule-based variants)."""
    llm_per_intent: int = Field(default=8, ge=0)
    """LLM generations per intent (with a model)."""
    intents_per_prompt: int = Field(default=3, ge=1)
    """Intents whose examples are mixed in one LLM prompt (the target one included)."""
    examples_per_intent: int = Field(default=2, ge=1)
    """Examples of each intent shown in an LLM prompt."""
    max_new_tokens: int = Field(default=40, gt=0)
    """Longest LLM generation, in tokens (cut at the end of the line anyway)."""
    temperature: float = Field(default=0.9, gt=0)
    """LLM sampling temperature."""
    top_p: float = Field(default=0.95, gt=0, le=1)
    """LLM nucleus sampling mass."""
    threshold: float = Field(default=0.5, ge=0, le=1)
    """Keep a candidate only when the classifier's top label is its intent, with at least this
    probability."""
    heldout: float = Field(default=0.3, ge=0, lt=1)
    """Share of the queries (whole paraphrase groups) held out to measure the accuracy change;
    0 skips the measurement."""
    method: str = DEFAULT_METHOD
    """Classifier method trained on the input to filter the candidates (when no --classifier
    is given) and for the measurement."""
    seed: int = 0
    """Seed of the variants, the LLM sampling and the held-out split."""


@dataclass
class Candidate:
    text: str
    label: str
    source: str
    """How it was made: rule:spacing, rule:ending, rule:particle (joined with + when several),
    or llm."""
    group: str | None = None
    score: float | None = None
    """The filtering classifier's probability for ``label``."""
    kept: bool = False


@dataclass
class Augmented:
    """The candidates of one run, kept or not, and the per-intent counts."""

    candidates: list[Candidate]
    labels: list[str]

    @property
    def kept(self) -> list[Candidate]:
        return [c for c in self.candidates if c.kept]

    def per_intent(self) -> dict[str, dict[str, int]]:
        generated = Counter(c.label for c in self.candidates)
        kept = Counter(c.label for c in self.kept)
        return {lab: {"generated": generated[lab], "kept": kept[lab]} for lab in self.labels}


# -- rules ----------------------------------------------------------------------------------

SWAPS: dict[str, tuple[str, ...]] = {
    "와/과": ("이랑/랑", "하고"),
    "이랑/랑": ("와/과", "하고"),
    "은/는": ("이/가",),
    "이/가": ("은/는",),
    "을/를": ("",),
}
"""Particle -> equivalents it may be swapped for (written as templates; "" drops it)."""

_WORD = re.compile(
    r"^(?P<stem>[가-힣]{2,})(?P<particle>이랑|랑|와|과|은|는|이|가|을|를)(?P<tail>[?!.,~]*)$"
)


VERB_STEM_ENDS = frozenset("하되가오보주내서지시리있없않찮많같싶좋높낮넓작")
"""Last syllables of verb and adjective stems: 좋아하는, 들어가는, 괜찮은, 있을 are verb forms
(adnominal 는/은/을), not a noun and its particle, so they are never swapped."""


def _particle_name(stem: str, particle: str) -> str | None:
    """The template of ``particle`` when it is the form ``stem`` takes (else None: 사과 is not
    사 + 과, 오늘이 is 오늘 + 이); 하고 (also a verb ending: 확인하고) and the 은/는, 을/를 of a
    word ending like a verb stem are never read as particles."""
    if particle in ("은", "는", "을", "를") and stem[-1] in VERB_STEM_ENDS:
        return None
    for name in SWAPS:
        if attach_particle(stem, name) == stem + particle:
            return name
    return None


def particle_swap(text: str, rng: random.Random) -> str:
    """One particle of ``text`` swapped for an equivalent (form chosen for the word before it);
    unchanged when there is none. Only words of two or more syllables before the particle are
    touched, so verbs such as 가는 or 하는 stay as they are."""
    words = text.split(" ")
    spots = []
    for i, word in enumerate(words):
        m = _WORD.match(word)
        if m and final_consonant(m["stem"]) is not None:
            name = _particle_name(m["stem"], m["particle"])
            if name is not None:
                spots.append((i, m, name))
    if not spots:
        return text
    i, m, name = rng.choice(spots)
    other = rng.choice(SWAPS[name])
    stem = m["stem"]
    new = stem + other if other in ("하고", "") else attach_particle(stem, other)
    words[i] = new + m["tail"]
    return " ".join(words)


RULES: dict[str, Callable[[str, random.Random], str]] = {
    "spacing": spacing,
    "ending": ending,
    "particle": particle_swap,
}
"""Registry of rule-based variants: name -> ``(text, rng) -> text``."""


def rule_variants(text: str, kinds: Sequence[str], rng: random.Random) -> list[tuple[str, str]]:
    """(variant, how) for ``text``: each rule alone, then every pair of them in order, without
    repeats or the text itself."""
    out: dict[str, str] = {}
    for a in kinds:
        once = RULES[a](text, rng)
        if once != text:
            out.setdefault(once, f"rule:{a}")
        for b in kinds:
            if b == a:
                continue
            twice = RULES[b](once, rng)
            if twice != text:
                out.setdefault(twice, f"rule:{a}+{b}")
    return list(out.items())


def rule_candidates(data: LabelledData, config: AugmentConfig) -> list[Candidate]:
    """Up to ``per_example`` rule-based variants of each query (sampled with ``seed``)."""
    rng = random.Random(config.seed)
    out: list[Candidate] = []
    for ex in data.examples:
        variants = rule_variants(ex.text, config.rules, rng)
        rng.shuffle(variants)
        out.extend(
            Candidate(v, ex.labels[0], how, ex.group) for v, how in variants[: config.per_example]
        )
    return out


# -- LLM ------------------------------------------------------------------------------------

PROMPT_HEAD = "다음은 사용자가 한 말과 그 의도입니다.\n\n"
EXAMPLE = "의도: {intent}\n문장: {text}\n\n"
ASK = "의도: {intent}\n문장:"


def mixed_prompt(data: LabelledData, target: str, config: AugmentConfig, rng: random.Random) -> str:
    """A GPT3Mix/HyperMix-style prompt: examples of ``target`` and of other intents, shuffled,
    then the target intent with an open line for a new query."""
    by_label: dict[str, list[str]] = {}
    for ex in data.examples:
        by_label.setdefault(ex.labels[0], []).append(ex.text)
    others = [lab for lab in by_label if lab != target]
    shown = [target, *rng.sample(others, min(len(others), config.intents_per_prompt - 1))]
    lines = []
    for lab in shown:
        texts = by_label.get(lab, [])
        for text in rng.sample(texts, min(len(texts), config.examples_per_intent)):
            lines.append(EXAMPLE.format(intent=data.description(lab), text=text))
    rng.shuffle(lines)
    return PROMPT_HEAD + "".join(lines) + ASK.format(intent=data.description(target))


def llm_candidates(
    data: LabelledData,
    model: str,
    config: AugmentConfig,
    device: str = "auto",
    progress: Progress | None = None,
) -> list[Candidate]:
    """``llm_per_intent`` sampled completions of :func:`mixed_prompt` per intent, each cut at
    its first line break (empty ones dropped)."""
    import torch

    from kodial.classify.llm import local_scorer

    lm = local_scorer(model, device)
    rng = random.Random(config.seed)
    torch.manual_seed(config.seed)
    tok = lm.tokenizer
    pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
    out: list[Candidate] = []
    for label in data.labels:
        for _ in range(config.llm_per_intent):
            prompt = lm.lead + lm.ids(mixed_prompt(data, label, config, rng))
            ids = torch.tensor([prompt], device=lm.model.device)
            with torch.no_grad():
                gen = lm.model.generate(
                    ids,
                    attention_mask=torch.ones_like(ids),
                    do_sample=True,
                    temperature=config.temperature,
                    top_p=config.top_p,
                    max_new_tokens=config.max_new_tokens,
                    pad_token_id=pad,
                )
            text = tok.decode(gen[0, len(prompt) :], skip_special_tokens=True)
            line = text.strip().split("\n")[0].strip()
            if line:
                out.append(Candidate(line, label, "llm"))
            if progress is not None:
                progress(1)
    return out


# -- filter, measure, write -----------------------------------------------------------------


def train_filter(data: LabelledData, config: AugmentConfig) -> Any:
    """A classifier trained on ``data`` (no dev split: every query teaches)."""
    from kodial.classify.options import TrainConfig
    from kodial.classify.pipeline import fit_classifier

    cfg = TrainConfig(method=config.method, dev_ratio=0, seed=config.seed, noise_report=False)
    return fit_classifier(data, cfg).classifier


def same_text(text: str) -> str:
    """What a candidate must differ in to be new: more than case, repeated spaces and final
    punctuation (a variant without spaces *is* new: the classifier sees other tokens)."""
    import unicodedata

    return " ".join(unicodedata.normalize("NFKC", text).lower().split()).rstrip("?!.~ ")


def apply_filter(
    classifier: Any, data: LabelledData, candidates: list[Candidate], threshold: float
) -> None:
    """Mark as kept the candidates new to ``data`` (:func:`same_text`) whose intent is the
    classifier's top label with probability >= ``threshold``; the first of equal candidates
    wins."""
    seen = {same_text(t) for t in data.texts}
    fresh = []
    for c in candidates:
        key = same_text(c.text)
        if key and key not in seen:
            seen.add(key)
            fresh.append(c)
    known = set(classifier.labels)
    fresh = [c for c in fresh if c.label in known]
    if not fresh:
        return
    scores = classifier.predict_scores([c.text for c in fresh])
    index = {lab: j for j, lab in enumerate(classifier.labels)}
    for c, row in zip(fresh, scores, strict=True):
        c.score = float(row[index[c.label]])
        c.kept = int(row.argmax()) == index[c.label] and c.score >= threshold


def augment_data(
    data: LabelledData,
    config: AugmentConfig,
    classifier: Any = None,
    model: str | None = None,
    device: str = "auto",
    progress: Progress | None = None,
) -> Augmented:
    """Candidates for ``data`` (rules, and the LLM when ``model`` is given), filtered by
    ``classifier`` (default: one trained on ``data``)."""
    cands = rule_candidates(data, config) if config.per_example else []
    if model and config.llm_per_intent:
        has_groups = any(ex.group is not None for ex in data.examples)
        made = llm_candidates(data, model, config, device, progress)
        for n, c in enumerate(made):
            c.group = f"augment-{n}" if has_groups else None
        cands += made
    if classifier is None:
        classifier = train_filter(data, config)
    apply_filter(classifier, data, cands, config.threshold)
    return Augmented(cands, data.labels)


def with_kept(data: LabelledData, kept: Sequence[Candidate]) -> LabelledData:
    extra = [Example(c.text, (c.label,), None, c.group) for c in kept]
    return data.subset(data.examples + extra)


def accuracy(classifier: Any, data: LabelledData) -> dict[str, float]:
    """Top-1 accuracy and macro-F1 of ``classifier`` on ``data`` (fallback not applied)."""
    import numpy as np
    from sklearn.metrics import f1_score

    scores = classifier.predict_scores(data.texts, classifier.labels)
    pred = [classifier.labels[int(i)] for i in np.argmax(scores, 1)]
    gold = data.first_labels
    return {
        "accuracy": float(np.mean([p == g for p, g in zip(pred, gold, strict=True)])),
        "macro_f1": float(f1_score(gold, pred, average="macro", zero_division=0)),
    }


@dataclass
class Measurement:
    n_train: int
    n_heldout: int
    before: dict[str, float]
    after: dict[str, float]
    kept: int
    generated: int
    per_intent: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        change = {k: round(self.after[k] - self.before[k], 4) for k in self.before}
        return {
            "n_train": self.n_train,
            "n_heldout": self.n_heldout,
            "before": self.before,
            "after": self.after,
            "change": change,
            "generated": self.generated,
            "kept": self.kept,
            "per_intent": self.per_intent,
        }


def measure(
    data: LabelledData,
    config: AugmentConfig,
    model: str | None = None,
    device: str = "auto",
    progress: Progress | None = None,
) -> Measurement:
    """Accuracy on a held-out split (whole paraphrase groups) of a classifier trained on the
    rest, before and after augmenting the rest (see the module docstring)."""
    if not 0 < config.heldout < 1:
        raise KodialError("the measurement needs a held-out share between 0 and 1")
    groups, _ = resolve_groups(data, "auto")
    train, held, _ = split_by_group(data, groups, config.heldout, config.seed)
    if not len(held):
        raise KodialError(
            "no queries could be held out to measure the change",
            hint="give more queries per intent, or --heldout 0 to skip the measurement",
        )
    base = train_filter(train, config)
    result = augment_data(train, config, base, model, device, progress)
    after = train_filter(with_kept(train, result.kept), config)
    return Measurement(
        len(train),
        len(held),
        accuracy(base, held),
        accuracy(after, held),
        len(result.kept),
        len(result.candidates),
        result.per_intent(),
    )


def render(data: LabelledData, kept: Sequence[Candidate], fmt: str) -> str:
    """``data`` and the kept candidates in ``fmt`` (csv, tsv, jsonl or yaml); OOD queries stay
    (as the ``__ood__`` label, or the yaml ``__ood__`` key)."""
    import csv
    import io
    import json

    rows: list[tuple[str, str, str | None]] = [
        (ex.text, MULTI_LABEL_SEP.join(ex.labels), ex.group) for ex in data.examples
    ]
    rows += [(c.text, c.label, c.group) for c in kept]
    rows += [(t, OOD_LABEL, None) for t in data.ood]
    has_group = any(g is not None for _, _, g in rows)
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(["text", "label", *(["group"] if has_group else [])])
        for text, label, group in rows:
            writer.writerow([text, label, *([group or ""] if has_group else [])])
        return buf.getvalue()
    if fmt == "jsonl":
        lines = []
        for text, label, group in rows:
            obj: dict[str, Any] = {"text": text, "label": label}
            if group is not None:
                obj["group"] = group
            lines.append(json.dumps(obj, ensure_ascii=False))
        return "\n".join(lines) + "\n"
    if fmt == "yaml":
        import yaml

        doc: dict[str, Any] = {}
        for text, label, _ in rows:
            entry = doc.setdefault(label, {"examples": []})
            if label in data.descriptions and label != data.descriptions[label]:
                entry["description"] = data.descriptions[label]
            entry["examples"].append(text)
        return str(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    raise KodialError(f"cannot write the {fmt} format", hint="use .csv, .tsv, .jsonl or .yaml")


def output_format(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    fmt = {"yml": "yaml", "txt": "tsv"}.get(suffix, suffix)
    if fmt not in ("csv", "tsv", "jsonl", "yaml"):
        raise KodialError(
            f"{path}: cannot tell the format from the extension {path.suffix!r}",
            hint="use .csv, .tsv, .txt, .jsonl or .yaml",
        )
    return fmt


def write_augmented(data: LabelledData, kept: Sequence[Candidate], src: Path, out: Path) -> None:
    """Write the input's queries plus the kept ones to ``out`` in the input's format, atomically;
    ``out`` may not be the input file."""
    from kodial.textio import atomic_write_text

    if out.resolve() == src.resolve():
        raise KodialError(
            f"--out {out} is the input file", hint="write the augmented data to a new file"
        )
    fmt = output_format(src)
    atomic_write_text(out, render(data, kept, fmt))


GENERATORS = ("rules", "llm")
"""The candidate generators: rules always (unless per_example is 0), llm with a model."""
