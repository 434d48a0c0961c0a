"""``finetune``: plain sequence-classification fine-tuning of a pretrained encoder.

A classification head over the encoder's first-token state, trained end to end with the
transformers ``Trainer``. The same path serves topic, sentiment and emotion classification:
single-label data trains with cross-entropy (scores are a softmax), multi-label data with
``problem_type="multi_label_classification"`` (binary cross-entropy; scores are independent
sigmoids).

**Needs**: a pretrained encoder (hub id such as ``klue/roberta-base``, or a local directory) and
labelled examples of every label at fit time; the label set is fixed by training.

**Returns**: ``(N, L)`` softmax (single-label) or sigmoid (multi-label) scores over the fitted
labels.

**Relations**: usually the most accurate with hundreds of examples per label, and the only
transformer method whose cost does not grow with the number of labels; ``nli-finetuned`` keeps
the ability to take new labels without retraining, ``embedding`` and ``lexical`` need no training
of weights.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar, Literal, Self

import numpy as np
from pydantic import Field

from kodial.classify.artefacts import load_array, model_reference, read_examples, read_json_file
from kodial.classify.base import Classifier, MethodConfig
from kodial.classify.data import LabelledData
from kodial.classify.results import Explanation, Neighbor
from kodial.errors import KodialError


class FinetuneConfig(MethodConfig):
    model: str = "klue/roberta-base"
    """Pretrained encoder: hub id or local directory."""
    epochs: float = Field(default=3.0, gt=0)
    """Passes over the training data."""
    learning_rate: float = Field(default=5e-5, gt=0)
    """Peak AdamW learning rate (linear decay)."""
    batch_size: int = Field(default=16, gt=0)
    """Training examples per step."""
    predict_batch_size: int = Field(default=64, gt=0)
    """Texts per forward pass at predict time."""
    max_length: int = Field(default=128, gt=0)
    """Token limit of a text (longer texts are truncated)."""
    weight_decay: float = Field(default=0.01, ge=0)
    """AdamW weight decay."""
    warmup_ratio: float = Field(default=0.1, ge=0, lt=1)
    """Fraction of the steps spent warming the learning rate up."""
    seed: int = 0
    """Seed of the head initialisation and data order."""
    device: str = "auto"
    """auto (CUDA if available), cpu or cuda."""


class FinetunedClassifier(Classifier):
    """Fine-tunes an encoder with a classification head (softmax or multi-label sigmoid).

    See the module docstring for needs, scores and relations."""

    name: ClassVar[str] = "finetune"
    needs_weights: ClassVar[bool] = True
    labels_at: ClassVar[Literal["fit", "predict"]] = "fit"
    config_class: ClassVar[type[MethodConfig]] = FinetuneConfig
    cheap_refit: ClassVar[bool] = False

    def __init__(self, config: FinetuneConfig | None = None) -> None:
        super().__init__(config or FinetuneConfig())
        self.config: FinetuneConfig
        self.config.model = model_reference(self.config.model)
        self._tokenizer: Any = None
        self._model: Any = None
        self._model_dir: Path | None = None
        self.loss_history: list[float] = []
        """Training loss at every optimizer step of the last fit."""
        self.texts: list[str] = []
        self.example_labels: list[tuple[str, ...]] = []
        self.vectors = np.zeros((0, 0), dtype=np.float32)
        """(M, H) unit-length first-token states of the training examples, for ``explain``."""

    def _loaded(self) -> tuple[Any, Any]:
        if self._model is None:
            if self._model_dir is None:
                raise KodialError(
                    "the finetune classifier is not trained", hint="fit it on labelled data first"
                )
            from kodial.classify import hf

            device = hf.resolve_device(self.config.device)
            self._tokenizer, self._model = hf.load_sequence_classifier(str(self._model_dir), device)
        return self._tokenizer, self._model

    def fit(self, train: LabelledData) -> Self:
        """Fine-tune the encoder with a fresh head on ``train``."""
        import torch

        from kodial.classify import hf

        self.labels = train.labels
        self.descriptions = {lab: train.description(lab) for lab in self.labels}
        self.multi_label = train.multi_label
        device = hf.resolve_device(self.config.device)
        torch.manual_seed(self.config.seed)
        self._tokenizer, self._model = hf.load_sequence_classifier(
            self.config.model,
            device,
            num_labels=len(self.labels),
            id2label=dict(enumerate(self.labels)),
            label2id={lab: i for i, lab in enumerate(self.labels)},
            problem_type="multi_label_classification"
            if self.multi_label
            else "single_label_classification",
            ignore_mismatched_sizes=True,
        )
        index = {lab: i for i, lab in enumerate(self.labels)}
        targets: list[Any]
        if self.multi_label:
            targets = [
                [1.0 if lab in ex.labels else 0.0 for lab in self.labels] for ex in train.examples
            ]
        else:
            targets = [index[ex.labels[0]] for ex in train.examples]
        encoded = hf.encode(self._tokenizer, train.texts, None, self.config.max_length)
        self.loss_history = hf.train(
            self._model,
            self._tokenizer,
            hf.EncodedDataset(encoded, targets),
            epochs=self.config.epochs,
            learning_rate=self.config.learning_rate,
            batch_size=self.config.batch_size,
            device=device,
            seed=self.config.seed,
            weight_decay=self.config.weight_decay,
            warmup_ratio=self.config.warmup_ratio,
        )
        self.texts = train.texts
        self.example_labels = [ex.labels for ex in train.examples]
        self.vectors = self.embed(self.texts)
        return self

    def _run(self, texts: Sequence[str], fn: Any) -> np.ndarray:
        from kodial.classify import hf

        tokenizer, model = self._loaded()
        encoded = hf.encode(tokenizer, texts, None, self.config.max_length)
        return hf.bucketed_forward(tokenizer, model, encoded, self.config.predict_batch_size, fn)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """(N, H) unit-length last-layer first-token states: what the head reads."""
        from kodial.classify import hf

        return hf.normalize_rows(self._run(texts, hf.first_token_embedding))

    def raw_scores(self, texts: Sequence[str], labels: Sequence[str]) -> np.ndarray:
        """Scores over the fitted labels; asking for a subset renormalizes the softmax over it."""
        from kodial.classify import hf

        cands = list(labels)
        unknown = [lab for lab in cands if lab not in self.labels]
        if unknown:
            raise KodialError(
                f"the finetune classifier was not trained on: {', '.join(unknown)}",
                hint="retrain with examples of these labels, or use nli-zeroshot / nli-finetuned",
            )
        if not texts:
            return np.zeros((0, len(cands)), dtype=np.float32)
        cols = [self.labels.index(lab) for lab in cands]
        logits = self._run(texts, hf.logits_of)[:, cols].astype(np.float64)  # (N, L)
        if self.multi_label:
            return (1.0 / (1.0 + np.exp(-logits))).astype(np.float32)
        e = np.exp(logits - logits.max(1, keepdims=True))
        return (e / e.sum(1, keepdims=True)).astype(np.float32)

    def explain(self, text: str, labels: Sequence[str] | None = None) -> Explanation:
        """The prediction, the nearest training examples by the fine-tuned first-token state, and
        the raw logits."""
        cands = self.candidate_labels(labels)
        pred = self.predict([text], cands)[0]
        query = self.embed([text])[0]
        sims = self.vectors @ query  # (M,)
        neighbors = [
            Neighbor(text=self.texts[i], label=self.example_labels[i][0], similarity=float(sims[i]))
            for i in np.argsort(-sims, kind="stable")[:5]
        ]
        return Explanation(
            prediction=pred, neighbors=neighbors, details={"pooling": "first-token state"}
        )

    def _save_state(self, directory: Path) -> None:
        tokenizer, model = self._loaded()
        model.save_pretrained(directory / "model")
        tokenizer.save_pretrained(directory / "model")
        np.save(directory / "embeddings.npy", self.vectors)
        (directory / "examples.json").write_text(
            json.dumps(
                [[t, list(labs)] for t, labs in zip(self.texts, self.example_labels, strict=True)],
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        (directory / "training.json").write_text(
            json.dumps({"loss_history": self.loss_history}), encoding="utf-8"
        )

    def _load_state(self, directory: Path) -> None:
        self._model_dir = directory / "model"
        self.vectors = load_array(directory / "embeddings.npy", "example embeddings")
        self.texts, self.example_labels = read_examples(directory / "examples.json")
        if len(self.texts) != len(self.vectors):
            raise KodialError(
                f"{directory}: {len(self.texts)} examples but {len(self.vectors)} embeddings",
                hint="re-train the model",
            )
        history = read_json_file(directory / "training.json", "training record")
        losses = history.get("loss_history") if isinstance(history, dict) else None
        if not isinstance(losses, list):
            raise KodialError(f"{directory}/training.json has no loss_history list")
        self.loss_history = list(losses)
