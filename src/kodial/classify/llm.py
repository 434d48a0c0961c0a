"""``llm``: classification by label likelihood under a causal language model.

Each query is written into a Korean prompt (an instruction listing the labels, optional few-shot
examples from the training data, then ``문장: {text}\\n이 문장의 주제는``) and every candidate
label's verbalisation follows it (`` {label}(이)다.``: the label's description, or its name, with
the particle its final consonant takes, see :func:`kodial.korean.fill_template`). A label scores
the sum of the log-probabilities of its verbalisation's tokens (or their mean, ``score=mean``,
which does not favour short labels).

**Cost.** The prompt is encoded once per query and its KV cache reused for all labels: the labels'
continuations run as one batch over the repeated cache (``label_batch`` rows at a time). The
part of the prompt every query shares (instruction and few-shot examples) is encoded once per
label set and kept. So a query costs one forward pass over its own tokens plus one over the
labels' tokens, not one full prompt per label.

**Needs**: a causal LM (``model``: a hub id or a local directory, loaded through
:mod:`kodial.hub` and ``AutoModelForCausalLM``), or an OpenAI-compatible server that returns
prompt log-probabilities from ``/v1/completions`` (``backend=remote``: vLLM does, with
``echo`` and ``logprobs``). Labels at fit time (for the few-shot examples and the calibration),
though any candidate labels may be given at predict time.

**Returns**: ``softmax(score / temperature)`` over the candidate labels (rows sum to 1), which the
training pipeline calibrates out of fold like every other method.

**Relations**: a zero/few-shot method like ``nli-zeroshot`` but with a generative model: the one
to use when a local chat LM is already loaded for the assistant. With a few dozen examples per
label, ``hybrid`` and ``lexical`` are far cheaper and usually as accurate.

Token pieces are encoded separately (shared head, the query's own part, each continuation) and
concatenated, as likelihood evaluators do, so the continuation's tokens are the same whatever
precedes them; user text is encoded as text, never as control tokens
(:func:`kodial.chat.rendering.text_ids`). A saved model is JSON only: the options (with the
model's path or name), labels, descriptions and the few-shot examples.
"""

from __future__ import annotations

import copy
import inspect
import os
import random
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol, Self

import numpy as np
from pydantic import Field, field_validator

from kodial.classify.artefacts import model_reference, read_json_file, write_json_file
from kodial.classify.base import Classifier, MethodConfig
from kodial.classify.data import LabelledData
from kodial.classify.results import Explanation
from kodial.errors import KodialError
from kodial.korean import fill_template

if TYPE_CHECKING:
    import torch

SHOTS_FILE = "shots.json"

INSTRUCTION = "다음 문장의 주제를 고르세요. 주제: {labels}\n\n"
QUERY_TEMPLATE = "문장: {text}\n이 문장의 주제는"
LABEL_TEMPLATE = " {label}(이)다."


class LLMConfig(MethodConfig):
    model: str = ""
    """Causal LM: a hub id or a local directory (saved with save_pretrained); with
    backend=remote, the model name the server serves."""
    backend: Literal["local", "remote"] = "local"
    """local (transformers on this machine) or remote (an OpenAI-compatible server's
    /v1/completions with echo and logprobs, e.g. vLLM)."""
    base_url: str = ""
    """backend=remote: the server's base URL, ending in /v1."""
    api_key_env: str = "OPENAI_API_KEY"
    """backend=remote: environment variable holding the API key (the key is never saved)."""
    instruction: str = INSTRUCTION
    """Start of every prompt; {labels} becomes the candidate labels' descriptions, comma
    separated."""
    query_template: str = QUERY_TEMPLATE
    """The query's part of the prompt, with a {text} slot; the label follows it directly."""
    label_template: str = LABEL_TEMPLATE
    """A label's verbalisation, with a {label} slot (its description, or its name); particles
    right after it (은/는, 이/가, 을/를, (이)다 ...) follow the label's final consonant."""
    score: Literal["sum", "mean"] = "sum"
    """A label's score: the sum of its verbalisation's token log-probabilities, or their mean
    (length-normalised: does not favour labels of few tokens)."""
    k_shot: int = Field(default=0, ge=0)
    """Training examples per label written into the prompt as solved examples (0: zero-shot)."""
    temperature: float = Field(default=1.0, gt=0)
    """Softness of the softmax over the labels' scores (the calibration refines it)."""
    label_batch: int = Field(default=32, gt=0)
    """Label continuations per forward pass (bounds the memory of the logits)."""
    device: str = "auto"
    """auto (CUDA if available), cpu or cuda."""
    seed: int = 0
    """Seed of the choice of few-shot examples."""

    @field_validator("query_template")
    @classmethod
    def _has_text(cls, value: str) -> str:
        if "{text}" not in value:
            raise ValueError("must contain a {text} slot, e.g. '문장: {text}\\n주제는'")
        return value

    @field_validator("label_template")
    @classmethod
    def _has_label(cls, value: str) -> str:
        fill_template(value, "주제")  # raises ValueError without a {label} / {} slot
        return value


class Scorer(Protocol):
    """Log-probabilities of continuations after a prompt ``head + tail``."""

    def token_logprobs(
        self, head: str, tail: str, continuations: Sequence[str]
    ) -> list[list[float]]:
        """Per continuation, the log-probability of each of its tokens."""
        ...


class LocalScorer:
    """A causal LM on this machine; ``head`` KV caches are kept (``MAX_HEADS``, least recently
    used dropped) so the prompt part shared by every query is encoded once."""

    MAX_HEADS = 4

    def __init__(self, model: Any, tokenizer: Any, label_batch: int = 32) -> None:
        from kodial.chat.rendering import control_tokens

        self.model = model
        self.tokenizer = tokenizer
        self.label_batch = label_batch
        self.controls = control_tokens(tokenizer)
        forward = inspect.signature(model.forward).parameters
        # transformers 5 names the cache argument `cache` (past_key_values is deprecated)
        self._cache_arg = "cache" if "cache" in forward else "past_key_values"
        probe = tokenizer("가")["input_ids"]
        bos = tokenizer.bos_token_id
        self.lead: list[int] = [int(bos)] if bos is not None and probe and probe[0] == bos else []
        """What the tokenizer puts before any text (BOS for Llama-style models)."""
        self._heads: OrderedDict[tuple[int, ...], tuple[Any, torch.Tensor]] = OrderedDict()
        self._head_ids: OrderedDict[str, list[int]] = OrderedDict()

    @classmethod
    def load(cls, name: str, device: str = "auto", label_batch: int = 32) -> LocalScorer:
        from transformers import AutoModelForCausalLM

        from kodial.classify.hf import resolve_device
        from kodial.hub import checkpoint_error, load_kwargs, load_tokenizer

        tokenizer = load_tokenizer(name)
        try:
            model = AutoModelForCausalLM.from_pretrained(name, **load_kwargs(name))
        except (OSError, ValueError, KeyError) as exc:
            raise checkpoint_error(name, exc) from None
        target = resolve_device(device)
        model.to(target).eval()  # type: ignore[arg-type]  # transformers' stub types .to oddly
        return cls(model, tokenizer, label_batch)

    def ids(self, text: str) -> list[int]:
        """``text`` as plain text ids: a special-token string in it stays text."""
        from kodial.chat.rendering import text_ids

        return text_ids(self.tokenizer, [text], self.controls)[0]

    def _run(self, ids: list[int], cache: Any, past: int, rows: int = 1) -> torch.Tensor:
        import torch

        device = self.model.device
        tensor = torch.tensor([ids] * rows, dtype=torch.long, device=device)
        mask = torch.ones((rows, past + len(ids)), dtype=torch.long, device=device)
        out = self.model(
            input_ids=tensor, attention_mask=mask, use_cache=True, **{self._cache_arg: cache}
        )
        return out.logits

    def _head(self, head: list[int]) -> tuple[Any, torch.Tensor]:
        """(KV cache, last-position log-probs) of ``head``, cached."""
        import torch
        from transformers import DynamicCache

        key = tuple(head)
        if key in self._heads:
            self._heads.move_to_end(key)
            return self._heads[key]
        cache = DynamicCache()
        with torch.no_grad():
            logits = self._run(head, cache, 0)
        entry = (cache, torch.log_softmax(logits[0, -1].float(), -1))
        self._heads[key] = entry
        while len(self._heads) > self.MAX_HEADS:
            self._heads.popitem(last=False)
        return entry

    def id_logprobs(
        self, head: list[int], tail: list[int], continuations: Sequence[list[int]]
    ) -> list[list[float]]:
        """Per continuation, the log-probability of each token after ``head + tail`` (ids)."""
        import torch

        if not head:
            raise KodialError("the llm prompt is empty", hint="give the method an instruction")
        if any(not c for c in continuations):
            raise KodialError(
                "a label's verbalisation has no tokens", hint="check the label_template option"
            )
        cached, first = self._head(head)
        with torch.no_grad():
            cache = copy.deepcopy(cached)  # the forward passes extend the cache they are given
            if tail:
                first = torch.log_softmax(self._run(tail, cache, len(head))[0, -1].float(), -1)
            past = len(head) + len(tail)
            out: list[list[float]] = []
            for start in range(0, len(continuations), self.label_batch):
                chunk = continuations[start : start + self.label_batch]
                out.extend(self._continuations(cache, past, first, chunk))
        return out

    def _continuations(
        self, cache: Any, past: int, first: torch.Tensor, conts: Sequence[list[int]]
    ) -> list[list[float]]:
        """Log-probs of ``conts`` after a one-row ``cache`` of ``past`` tokens whose next-token
        log-probs are ``first``: one batch over the cache repeated per continuation, right-padded
        (a causal model never looks right, so padding changes no real position)."""
        import torch

        rows = [[float(first[c[0]])] for c in conts]
        longest = max(len(c) for c in conts)
        if longest == 1:
            return rows
        device = self.model.device
        width = longest - 1  # the last token of each continuation is predicted, never fed
        ids = torch.zeros((len(conts), width), dtype=torch.long, device=device)
        mask = torch.zeros((len(conts), past + width), dtype=torch.long, device=device)
        mask[:, :past] = 1
        for r, c in enumerate(conts):
            ids[r, : len(c) - 1] = torch.tensor(c[:-1], dtype=torch.long)
            mask[r, past : past + len(c) - 1] = 1
        batch_cache = copy.deepcopy(cache)
        batch_cache.batch_repeat_interleave(len(conts))
        out = self.model(
            input_ids=ids, attention_mask=mask, use_cache=True, **{self._cache_arg: batch_cache}
        )
        logp = torch.log_softmax(out.logits.float(), -1)
        for r, c in enumerate(conts):
            for j in range(1, len(c)):
                rows[r].append(float(logp[r, j - 1, c[j]]))
        return rows

    def token_logprobs(
        self, head: str, tail: str, continuations: Sequence[str]
    ) -> list[list[float]]:
        head_ids = self._head_ids.get(head)
        if head_ids is None:  # the shared head (few-shot examples: long) is tokenized once
            head_ids = self._head_ids[head] = self.lead + self.ids(head)
            while len(self._head_ids) > self.MAX_HEADS:
                self._head_ids.popitem(last=False)
        return self.id_logprobs(head_ids, self.ids(tail), [self.ids(c) for c in continuations])


class RemoteScorer:
    """Prompt log-probabilities from an OpenAI-compatible ``/v1/completions`` endpoint: the
    prompt and each continuation are sent with ``echo`` and ``logprobs``, and the tokens from
    the continuation's first character on are summed. Servers that do not return prompt
    log-probabilities (most hosted chat APIs) are refused with a clear error."""

    def __init__(self, base_url: str, model: str, api_key: str | None, timeout: float = 60.0):
        import httpx

        if not base_url:
            raise KodialError(
                "backend=remote needs the server's base URL",
                hint="--option base_url=http://HOST:PORT/v1",
            )
        self.model = model
        self.base_url = base_url.rstrip("/")
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.client = httpx.Client(
            base_url=self.base_url, headers=headers, timeout=httpx.Timeout(timeout)
        )

    def _unsupported(self, why: str) -> KodialError:
        return KodialError(
            f"the server at {self.base_url} does not return prompt log-probabilities ({why})",
            hint="the llm method needs /v1/completions with echo=true and logprobs (vLLM has "
            "them); otherwise use a local model (backend=local)",
        )

    def token_logprobs(
        self, head: str, tail: str, continuations: Sequence[str]
    ) -> list[list[float]]:
        import httpx

        prompt = head + tail
        body = {
            "model": self.model,
            "prompt": [prompt + c for c in continuations],
            "max_tokens": 1,  # some servers refuse 0; the generated token is not read
            "temperature": 0,
            "echo": True,
            "logprobs": 1,
        }
        try:
            response = self.client.post("/completions", json=body)
        except httpx.HTTPError as exc:
            raise KodialError(
                f"cannot reach {self.base_url}: {exc.__class__.__name__}",
                hint="check base_url and that the server is running",
            ) from None
        if response.status_code != 200:
            raise self._unsupported(f"HTTP {response.status_code} from /completions")
        try:
            choices = sorted(response.json()["choices"], key=lambda c: int(c.get("index", 0)))
            out = []
            for choice, cont in zip(choices, continuations, strict=True):
                lp = choice["logprobs"]
                start, end = len(prompt), len(prompt) + len(cont)
                picked = [
                    float(v)
                    for off, v in zip(lp["text_offset"], lp["token_logprobs"], strict=True)
                    if start <= int(off) < end and v is not None
                ]
                if not picked:
                    raise ValueError("no log-probabilities for the continuation")
                out.append(picked)
        except (KeyError, TypeError, ValueError) as exc:
            raise self._unsupported(f"answer without echoed log-probs: {exc}") from None
        return out


_LOADED: OrderedDict[tuple[str, str, int], LocalScorer] = OrderedDict()
"""Local models already loaded (a model directory serves every fold and every copy)."""


def local_scorer(name: str, device: str = "auto", label_batch: int = 32) -> LocalScorer:
    """The :class:`LocalScorer` of ``name``, loaded once per process (the last two kept)."""
    key = (name, device, label_batch)
    if key not in _LOADED:
        _LOADED[key] = LocalScorer.load(name, device, label_batch)
        while len(_LOADED) > 2:
            _LOADED.popitem(last=False)
    _LOADED.move_to_end(key)
    return _LOADED[key]


def softmax_rows(scores: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    s = scores / temperature
    e = np.exp(s - s.max(1, keepdims=True))
    return np.asarray(e / e.sum(1, keepdims=True))


class LLMClassifier(Classifier):
    """Label likelihood under a causal LM: which label's words the model expects after the query.

    See the module docstring for needs, scores and relations."""

    name: ClassVar[str] = "llm"
    needs_weights: ClassVar[bool] = True
    labels_at: ClassVar[Literal["fit", "predict"]] = "fit"
    config_class: ClassVar[type[MethodConfig]] = LLMConfig

    def __init__(self, config: LLMConfig | None = None) -> None:
        super().__init__(config or LLMConfig())
        self.config: LLMConfig
        if self.config.backend == "local" and self.config.model:
            self.config.model = model_reference(self.config.model)
        self.shots: list[tuple[str, str]] = []
        """(text, label) few-shot examples written into the prompt, in prompt order."""
        self._scorer: Scorer | None = None

    def unfitted_copy(self) -> Classifier:
        copy_ = super().unfitted_copy()
        assert isinstance(copy_, LLMClassifier)
        copy_._scorer = self._scorer  # one loaded model for every cross-validation fold
        return copy_

    def scorer(self) -> Scorer:
        if self._scorer is None:
            cfg = self.config
            if not cfg.model:
                raise KodialError(
                    "the llm method needs a model",
                    hint="--model PATH (or --option model=PATH): a causal LM directory or hub id",
                )
            if cfg.backend == "remote":
                key = os.environ.get(cfg.api_key_env) if cfg.api_key_env else None
                self._scorer = RemoteScorer(cfg.base_url, cfg.model, key)
            else:
                self._scorer = local_scorer(cfg.model, cfg.device, cfg.label_batch)
        return self._scorer

    # -- prompt -------------------------------------------------------------------------------
    def verbalise(self, label: str) -> str:
        """The label's words as they follow the prompt (description, particles chosen)."""
        return fill_template(self.config.label_template, self.descriptions.get(label, label))

    def query_part(self, text: str) -> str:
        return self.config.query_template.replace("{text}", text)

    def head(self, labels: Sequence[str]) -> str:
        """The prompt part every query shares: the instruction and the few-shot examples of
        ``labels``."""
        names = ", ".join(self.descriptions.get(lab, lab) for lab in labels)
        wanted = set(labels)
        shots = "".join(
            self.query_part(text) + self.verbalise(lab) + "\n\n"
            for text, lab in self.shots
            if lab in wanted
        )
        return self.config.instruction.replace("{labels}", names) + shots

    def label_scores(self, texts: Sequence[str], labels: Sequence[str]) -> np.ndarray:
        """(N, L) sum (or mean) log-probability of each label's verbalisation after each query."""
        head = self.head(labels)
        conts = [self.verbalise(lab) for lab in labels]
        out = np.zeros((len(texts), len(labels)))
        scorer = self.scorer()
        for i, text in enumerate(texts):
            for j, lp in enumerate(scorer.token_logprobs(head, self.query_part(text), conts)):
                out[i, j] = sum(lp) / (len(lp) if self.config.score == "mean" else 1)
        return out

    # -- Classifier ---------------------------------------------------------------------------
    def fit(self, train: LabelledData) -> Self:
        """Store the labels, their descriptions and ``k_shot`` examples per label (no
        training). Examples are interleaved across labels so no label is always nearest the
        query."""
        self.labels = train.labels
        self.descriptions = {lab: train.description(lab) for lab in self.labels}
        self.multi_label = train.multi_label
        self.shots = []
        if self.config.k_shot:
            rng = random.Random(self.config.seed)
            per_label: dict[str, list[str]] = {lab: [] for lab in self.labels}
            for ex in train.examples:
                per_label[ex.labels[0]].append(ex.text)
            picked = {}
            for lab, texts in per_label.items():
                rng.shuffle(texts)
                picked[lab] = texts[: self.config.k_shot]
            for k in range(self.config.k_shot):
                self.shots.extend(
                    (picked[lab][k], lab) for lab in self.labels if k < len(picked[lab])
                )
        return self

    def raw_scores(self, texts: Sequence[str], labels: Sequence[str]) -> np.ndarray:
        if not len(texts):
            return np.zeros((0, len(labels)))
        return softmax_rows(self.label_scores(texts, labels), self.config.temperature)

    def explain(self, text: str, labels: Sequence[str] | None = None) -> Explanation:
        """The prediction, the few-shot examples in the prompt and, per label, its words and
        log-probability (sum and mean)."""
        cands = self.candidate_labels(labels)
        conts = [self.verbalise(lab) for lab in cands]
        lps = self.scorer().token_logprobs(self.head(cands), self.query_part(text), conts)
        details = {
            lab: {
                "verbalisation": cont,
                "tokens": len(lp),
                "logprob_sum": round(sum(lp), 6),
                "logprob_mean": round(sum(lp) / len(lp), 6),
            }
            for lab, cont, lp in zip(cands, conts, lps, strict=True)
        }
        wanted = set(cands)
        return Explanation(
            prediction=self.predict([text], cands)[0],
            details={
                "labels": details,
                "shots": [{"text": t, "label": lab} for t, lab in self.shots if lab in wanted],
                "prompt": self.head(cands) + self.query_part(text),
            },
        )

    def _save_state(self, directory: Path) -> None:
        """The few-shot examples as JSON (the model is referenced by its path in the options)."""
        write_json_file(directory / SHOTS_FILE, [[t, lab] for t, lab in self.shots])

    def _load_state(self, directory: Path) -> None:
        path = directory / SHOTS_FILE
        shots = read_json_file(path, "the few-shot examples") if path.is_file() else []
        if not (
            isinstance(shots, list)
            and all(
                isinstance(s, list) and len(s) == 2 and all(isinstance(x, str) for x in s)
                for s in shots
            )
        ):
            raise KodialError(f"{path}: expected a list of [text, label] pairs")
        self.shots = [(t, lab) for t, lab in shots]
