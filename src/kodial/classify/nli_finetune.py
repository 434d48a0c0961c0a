"""``nli-finetuned``: adapt an NLI cross-encoder to labelled queries, then classify like
``nli-zeroshot``.

Training pairs come from labelled (text, label) data, with the hypothesis built from the same
template and label descriptions used at predict time:

- (text, hypothesis(gold label)) -> *entailment*, for every gold label of the example;
- (text, hypothesis(other label)) -> *contradiction* for the ``negatives`` hardest other labels,
  hardest first: the labels the base model itself finds most entailed by the text
  (``hard_negatives="model"``), the labels whose embedding is closest to the gold label's
  (``"description"``), or random ones (``"random"``); plus ``random_negatives`` drawn at random
  from the rest. The random ones matter: when the base model is poor at the task, its hardest
  labels are nearly the same for every text, and hard negatives alone then teach "hypothesis X
  is false" whatever the premise (seen on a tiny model: low pair loss, chance-level ranking);
- optionally (text, hypothesis(a remaining, easy label)) -> *neutral*, ``neutrals`` per example,
  which keeps the neutral logit in use so the model stays a 3-way NLI model.

The model keeps its NLI head and label order (indices are read from ``id2label``) and is trained
with the transformers ``Trainer``.

**Needs**: a pretrained NLI checkpoint and labelled examples at fit time.

**Returns**: exactly what ``nli-zeroshot`` returns, from the fine-tuned weights. Labels given at
predict time need not have been seen in training: new classes still work without retraining.

**Relations**: ``nli-zeroshot`` with adapted weights (it subclasses it); :meth:`base_classifier`
gives the untouched base model with the same labels and template, for a base vs fine-tuned
comparison on the same dev set. ``finetune`` is cheaper at predict time but has a fixed label set.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any, ClassVar, Literal, Self

import numpy as np
from pydantic import Field

from kodial.classify.artefacts import read_json_file
from kodial.classify.base import MethodConfig
from kodial.classify.data import LabelledData
from kodial.classify.nli import NLIConfig, NLIZeroShotClassifier, _find_label
from kodial.errors import KodialError


class NLIFinetuneConfig(NLIConfig):
    epochs: float = Field(default=3.0, gt=0)
    """Passes over the generated pairs."""
    learning_rate: float = Field(default=2e-5, gt=0)
    """Peak AdamW learning rate (linear decay)."""
    train_batch_size: int = Field(default=16, gt=0)
    """Pairs per training step."""
    negatives: int = Field(default=2, ge=0)
    """Contradiction pairs per example, hardest labels first (all other labels if fewer)."""
    random_negatives: int = Field(default=1, ge=0)
    """Extra contradiction pairs per example with labels drawn at random from the rest, so every
    label is seen as false for some texts."""
    neutrals: int = Field(default=0, ge=0)
    """Neutral pairs per example, with labels left over after the negatives."""
    hard_negatives: Literal["model", "description", "random"] = "model"
    """How to rank the other labels: by the base model's scores on the text, by embedding
    similarity to the gold label, or at random."""
    weight_decay: float = Field(default=0.01, ge=0)
    """AdamW weight decay."""
    warmup_ratio: float = Field(default=0.1, ge=0, lt=1)
    """Fraction of the steps spent warming the learning rate up."""
    seed: int = 0
    """Seed of the pair sampling and data order."""


class NLIFinetunedClassifier(NLIZeroShotClassifier):
    """Fine-tunes an NLI cross-encoder on pairs from labelled queries; new labels still work.

    See the module docstring for needs, scores and relations."""

    name: ClassVar[str] = "nli-finetuned"
    needs_weights: ClassVar[bool] = True
    labels_at: ClassVar[Literal["fit", "predict"]] = "fit"
    config_class: ClassVar[type[MethodConfig]] = NLIFinetuneConfig
    cheap_refit: ClassVar[bool] = False

    def __init__(self, config: NLIFinetuneConfig | None = None) -> None:
        super().__init__(config or NLIFinetuneConfig())
        self.config: NLIFinetuneConfig
        self._model_dir: Path | None = None
        self.loss_history: list[float] = []
        """Training loss at every optimizer step of the last fit."""
        self.pair_counts: dict[str, int] = {}
        """How many entailment / contradiction / neutral pairs the last fit trained on."""

    def model_source(self) -> str:
        return str(self._model_dir) if self._model_dir else self.config.model

    def base_classifier(self) -> NLIZeroShotClassifier:
        """``nli-zeroshot`` on the base checkpoint with the same labels, descriptions, template and
        examples: the "before" of a base vs fine-tuned comparison."""
        cfg = NLIConfig(**self.config.model_dump(include=set(NLIConfig.model_fields)))
        base = NLIZeroShotClassifier(cfg)
        base.labels = list(self.labels)
        base.descriptions = dict(self.descriptions)
        base.multi_label = self.multi_label
        base.examples = list(self.examples)
        base.fallback = self.fallback
        return base

    def ranked_negatives(self, train: LabelledData) -> list[list[str]]:
        """For each example, the non-gold labels, hardest first."""
        labels = self.labels
        rng = random.Random(self.config.seed)
        how = self.config.hard_negatives
        if how == "model":
            scores = self.raw_scores(train.texts, labels)  # (N, L), base model
        elif how == "description":
            vecs = self.label_vectors(labels)  # (L, H)
            label_sims = vecs @ vecs.T
            index = {lab: j for j, lab in enumerate(labels)}
            scores = np.stack(
                [label_sims[[index[g] for g in ex.labels]].max(0) for ex in train.examples]
            )
        elif how == "random":
            scores = np.array([[rng.random() for _ in labels] for _ in train.examples])
        else:
            raise KodialError(
                f"unknown hard_negatives {how!r}", hint="use model, description or random"
            )
        out = []
        for ex, row in zip(train.examples, scores, strict=True):
            order = np.argsort(-row, kind="stable")
            out.append([labels[int(j)] for j in order if labels[int(j)] not in ex.labels])
        return out

    def training_pairs(self, train: LabelledData) -> tuple[list[str], list[str], list[int]]:
        """(premises, hypotheses, class indices) of the generated NLI pairs."""
        _, model = self._load_model()
        id2label = {int(k): v for k, v in model.config.id2label.items()}
        entail, contra = self.label_indices()
        neutral = _find_label(id2label, "neutral")
        if self.config.neutrals and neutral is None:
            raise KodialError(
                f"neutrals={self.config.neutrals} but the model has no neutral label "
                f"(id2label: {id2label})",
                hint="set neutrals=0",
            )
        rng = random.Random(self.config.seed)
        premises: list[str] = []
        hyps: list[str] = []
        targets: list[int] = []
        counts = {"entailment": 0, "contradiction": 0, "neutral": 0}

        def add(text: str, label: str, target: int, kind: str) -> None:
            premises.append(text)
            hyps.append(self.hypothesis(label))
            targets.append(target)
            counts[kind] += 1

        for ex, negs in zip(train.examples, self.ranked_negatives(train), strict=True):
            for gold in ex.labels:
                add(ex.text, gold, entail, "entailment")
            hard = negs[: self.config.negatives]
            rest = negs[len(hard) :]
            extra = rng.sample(rest, min(self.config.random_negatives, len(rest)))
            for lab in [*hard, *extra]:
                add(ex.text, lab, contra, "contradiction")
            rest = [lab for lab in rest if lab not in extra]
            if neutral is not None:
                for lab in rng.sample(rest, min(self.config.neutrals, len(rest))):
                    add(ex.text, lab, neutral, "neutral")
        self.pair_counts = counts
        return premises, hyps, targets

    def fit(self, train: LabelledData) -> Self:
        """Generate NLI pairs from ``train`` and fine-tune the checkpoint on them."""
        import torch

        from kodial.classify import hf

        super().fit(train)
        if len(self.labels) < 2:
            raise KodialError("nli-finetuned needs at least two labels to make negatives")
        premises, hyps, targets = self.training_pairs(train)
        tokenizer, model = self._load_model()
        torch.manual_seed(self.config.seed)
        encoded = hf.encode(
            tokenizer, premises, hyps, hf.max_input_length(tokenizer, model, self.config.max_length)
        )
        self.loss_history = hf.train(
            model,
            tokenizer,
            hf.EncodedDataset(encoded, targets),
            epochs=self.config.epochs,
            learning_rate=self.config.learning_rate,
            batch_size=self.config.train_batch_size,
            device=hf.resolve_device(self.config.device),
            seed=self.config.seed,
            weight_decay=self.config.weight_decay,
            warmup_ratio=self.config.warmup_ratio,
        )
        self._example_vectors = None  # the encoder changed: embeddings must be recomputed
        self._label_vectors = {}
        return self

    def _save_state(self, directory: Path) -> None:
        super()._save_state(directory)
        tokenizer, model = self._load_model()
        model.save_pretrained(directory / "model")
        tokenizer.save_pretrained(directory / "model")
        record: dict[str, Any] = {"loss_history": self.loss_history, "pairs": self.pair_counts}
        (directory / "training.json").write_text(json.dumps(record), encoding="utf-8")

    def _load_state(self, directory: Path) -> None:
        super()._load_state(directory)
        self._model_dir = directory / "model"
        record = read_json_file(directory / "training.json", "training record")
        if not (
            isinstance(record, dict)
            and isinstance(record.get("loss_history"), list)
            and isinstance(record.get("pairs"), dict)
        ):
            raise KodialError(f"{directory}/training.json lacks loss_history or pairs")
        self.loss_history = list(record["loss_history"])
        self.pair_counts = dict(record["pairs"])
