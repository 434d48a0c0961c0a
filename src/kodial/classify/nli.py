"""``nli-zeroshot``: zero-shot classification with any NLI cross-encoder.

Each (query, label) pair becomes an NLI premise/hypothesis pair: the query is the premise and the
hypothesis is the template filled with the label's description (``이 문장은 금융에 관한
것입니다.``). The model's *entailment* logit says how well the label fits.

**Needs**: a pretrained NLI checkpoint (hub id such as ``Huffon/klue-roberta-base-nli``, or a
local directory); labels at predict time (``fit`` only stores labels, descriptions and examples:
no training).

**Returns**: single-label mode, a softmax of the entailment logits across the candidate labels
(rows sum to 1); multi-label mode, for each label independently a softmax over its (contradiction,
entailment) logits, i.e. P(entailment | not neutral). With one candidate label the multi-label
formula is used in both modes. These are exactly the transformers
``ZeroShotClassificationPipeline`` formulas, and a test checks the scores match it to 1e-5.

**Relations**: the only method that needs no examples at all. ``nli-finetuned`` subclasses it
after adapting the checkpoint to labelled data; ``embedding`` and ``lexical`` are cheaper but need
examples of every label.

Differences from the pipeline, all deliberate:

- all query-label pairs of a call run together, sorted by length into batches of ``batch_size``
  (less padding, no per-pair Python overhead), then put back in order;
- the entailment index is read from ``config.id2label`` in any order and case, and so is the
  contradiction index (the pipeline assumes contradiction is index 0, or the last index when
  entailment is 0: the two agree for MNLI-ordered and contradiction-first models);
- ``token_type_ids`` are not passed to models with a single token type (klue/roberta with its BERT
  tokenizer would fail with an index error);
- templates may carry particles that depend on the label's final consonant: ``{label}은/는``,
  ``{label}이/가``, ``{label}을/를``, ``{label}와/과`` (see :func:`kodial.korean.fill_template`);
- ``candidates_top_k`` narrows the labels first (see :meth:`NLIZeroShotClassifier.narrow`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar, Literal, Self

import numpy as np
from pydantic import Field

from kodial.classify.artefacts import model_reference
from kodial.classify.base import Classifier, MethodConfig
from kodial.classify.data import LabelledData
from kodial.classify.results import Explanation, Neighbor
from kodial.errors import KodialError
from kodial.korean import fill_template

DEFAULT_TEMPLATE = "이 문장은 {}에 관한 것입니다."


class NLIConfig(MethodConfig):
    model: str = "Huffon/klue-roberta-base-nli"
    """NLI cross-encoder: hub id or local directory (saved with save_pretrained)."""
    hypothesis_template: str = DEFAULT_TEMPLATE
    """Hypothesis with a {} or {label} slot; particles right after it (은/는, 이/가, 을/를, 와/과)
    follow the label's final consonant."""
    multi_label: bool = False
    """Score each label independently (entailment vs contradiction) instead of a softmax across
    labels. Set automatically when the training data is multi-label."""
    batch_size: int = Field(default=32, gt=0)
    """Query-label pairs per forward pass."""
    max_length: int | None = Field(default=None, gt=0)
    """Token limit of a pair (the query is truncated, never the hypothesis); default: the
    tokenizer's model_max_length."""
    candidates_top_k: int | None = Field(default=None, gt=0)
    """Run the NLI model only on the k labels closest to the query by a cheap similarity (see
    narrow_by); the other labels get score 0. None: score every label."""
    narrow_by: Literal["auto", "tfidf", "encoder", "offline-encoder"] = "auto"
    """How candidates_top_k ranks labels: tfidf (character 1-3-gram TF-IDF similarity to the
    label's fitted examples and description), encoder (the NLI encoder's mean-pooled embedding of
    query and label), offline-encoder (encoder-zeroshot's similarity to the label's description
    in Korean templates, with the offline USE-multilingual encoder), auto: tfidf when fitted with
    examples, else encoder."""
    device: str = "auto"
    """auto (CUDA if available), cpu or cuda."""


def _find_label(id2label: dict[int, str], prefix: str) -> int | None:
    for idx, name in id2label.items():
        if str(name).strip().lower().startswith(prefix):
            return int(idx)
    return None


class NLIZeroShotClassifier(Classifier):
    """Zero-shot: an NLI cross-encoder scores "query entails <label hypothesis>" per label.

    See the module docstring for needs, scores and relations."""

    name: ClassVar[str] = "nli-zeroshot"
    needs_weights: ClassVar[bool] = True
    labels_at: ClassVar[Literal["fit", "predict"]] = "predict"
    config_class: ClassVar[type[MethodConfig]] = NLIConfig

    def __init__(self, config: NLIConfig | None = None) -> None:
        super().__init__(config or NLIConfig())
        self.config: NLIConfig
        self.config.model = model_reference(self.config.model)
        self.multi_label = self.config.multi_label
        self.examples: list[tuple[str, tuple[str, ...]]] = []
        """(text, labels) seen at fit: used by the candidate narrowing and by ``explain``."""
        self._tokenizer: Any = None
        self._model: Any = None
        self._example_vectors: np.ndarray | None = None
        self._label_vectors: dict[tuple[str, str], np.ndarray] = {}
        self._tfidf: Any = None
        self._tfidf_examples: Any = None
        self._tfidf_profiles: dict[tuple[str, str], np.ndarray] = {}

    # -- model ------------------------------------------------------------------------------
    def model_source(self) -> str:
        """Where the weights come from (``nli-finetuned`` points at its own saved copy)."""
        return self.config.model

    def _load_model(self) -> tuple[Any, Any]:
        if self._model is None:
            from kodial.classify import hf

            device = hf.resolve_device(self.config.device)
            self._tokenizer, self._model = hf.load_sequence_classifier(self.model_source(), device)
            self.label_indices()
        return self._tokenizer, self._model

    def label_indices(self) -> tuple[int, int]:
        """(entailment, contradiction) indices in the model's logits, read from ``id2label``.

        Without a label named contradiction: the other label of a two-label model (e.g.
        ``not_entailment``), else the pipeline's rule (index 0, or the last when entailment is 0).
        """
        model = self._model if self._model is not None else self._load_model()[1]
        id2label = {int(k): v for k, v in model.config.id2label.items()}
        entail = _find_label(id2label, "entail")
        if entail is None:
            raise KodialError(
                f"the model at {self.model_source()!r} has no entailment label "
                f"(id2label: {id2label})",
                hint="use an NLI checkpoint, or fix its config.json so id2label names "
                "'entailment' (any case), e.g. {0: 'entailment', 1: 'neutral', 2: 'contradiction'}",
            )
        contra = _find_label(id2label, "contradict")
        if contra is None:
            others = [i for i in id2label if i != entail]
            contra = others[0] if len(others) == 1 else (-1 if entail == 0 else 0)
        return entail, contra % len(id2label)

    # -- labels and hypotheses ----------------------------------------------------------------
    def hypothesis(self, label: str) -> str:
        """The hypothesis for ``label``: the template filled with its description."""
        try:
            return fill_template(
                self.config.hypothesis_template, self.descriptions.get(label, label)
            )
        except ValueError as e:
            raise KodialError(
                str(e),
                hint="write the label slot as {} or {label}, e.g. '이 문장은 {}에 관한 것입니다.'",
            ) from e

    def fit(self, train: LabelledData) -> Self:
        """Store labels, descriptions and examples (no training)."""
        self.labels = train.labels
        self.descriptions = {lab: train.description(lab) for lab in self.labels}
        self.multi_label = train.multi_label or self.config.multi_label
        self.config.multi_label = self.multi_label
        self.examples = [(ex.text, ex.labels) for ex in train.examples]
        self._example_vectors = None
        self._label_vectors = {}
        self._tfidf = None
        self._tfidf_profiles = {}
        return self

    # -- scoring ----------------------------------------------------------------------------
    def pair_logits(
        self, texts: Sequence[str], labels: Sequence[str], mask: np.ndarray | None = None
    ) -> np.ndarray:
        """(N, L, C) NLI logits of every (text, label) pair where ``mask`` (N, L) is True (NaN
        elsewhere), all pairs of the call batched together by length."""
        from kodial.classify import hf

        tokenizer, model = self._load_model()
        n, n_labels = len(texts), len(labels)
        n_classes = int(model.config.num_labels)
        out = np.full((n, n_labels, n_classes), np.nan, dtype=np.float32)
        if n == 0:
            return out
        run = np.ones((n, n_labels), dtype=bool) if mask is None else mask
        rows, cols = np.nonzero(run)
        hyps = [self.hypothesis(lab) for lab in labels]
        encoded = hf.encode(
            tokenizer,
            [texts[int(i)] for i in rows],
            [hyps[int(j)] for j in cols],
            hf.max_input_length(tokenizer, model, self.config.max_length),
        )
        logits = hf.bucketed_forward(
            tokenizer, model, encoded, self.config.batch_size, hf.logits_of
        )  # (P, C)
        out[rows, cols] = logits
        return out

    def scores_from_logits(self, logits: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        """(N, L) scores from (N, L, C) logits, as the zero-shot pipeline computes them; labels
        outside ``mask`` get 0 and are left out of the single-label softmax."""
        entail, contra = self.label_indices()
        n, n_labels = logits.shape[:2]
        keep = np.ones((n, n_labels), dtype=bool) if mask is None else mask
        lg = logits.astype(np.float64)
        if self.multi_label or n_labels == 1:
            pair = lg[..., [contra, entail]]  # (N, L, 2)
            pair = pair - pair.max(-1, keepdims=True)
            probs = np.exp(pair[..., 1]) / np.exp(pair).sum(-1)
        else:
            ent = np.where(keep, lg[..., entail], -np.inf)  # (N, L)
            ent = ent - ent.max(-1, keepdims=True)
            e = np.exp(ent)
            probs = e / e.sum(-1, keepdims=True)
        return np.where(keep, probs, 0.0).astype(np.float32)

    def raw_scores(self, texts: Sequence[str], labels: Sequence[str]) -> np.ndarray:
        cands = list(labels)
        k = self.config.candidates_top_k
        mask = self.narrow(texts, cands, k) if k and k < len(cands) else None
        return self.scores_from_logits(self.pair_logits(texts, cands, mask), mask)

    # -- candidate narrowing ----------------------------------------------------------------
    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        """(N, H) unit-length mean-pooled encoder states of single texts (one forward per text,
        not per pair)."""
        from kodial.classify import hf

        tokenizer, model = self._load_model()
        encoded = hf.encode(
            tokenizer, texts, None, hf.max_input_length(tokenizer, model, self.config.max_length)
        )
        vecs = hf.bucketed_forward(
            tokenizer, model, encoded, self.config.batch_size, hf.mean_embedding
        )
        return hf.normalize_rows(vecs)

    def label_vectors(self, labels: Sequence[str]) -> np.ndarray:
        """(L, H) one vector per label: its description's embedding, averaged with the mean of
        its fitted examples' embeddings when there are any. Cached per (label, description)."""
        from kodial.classify import hf

        if self.examples and self._example_vectors is None:
            self._example_vectors = self._embed([t for t, _ in self.examples])
        missing = [
            lab
            for lab in labels
            if (lab, self.descriptions.get(lab, lab)) not in self._label_vectors
        ]
        if missing:
            desc_vecs = self._embed([self.descriptions.get(lab, lab) for lab in missing])
            for lab, vec in zip(missing, desc_vecs, strict=True):
                rows = [i for i, (_, labs) in enumerate(self.examples) if lab in labs]
                if rows and self._example_vectors is not None:
                    ex_mean = hf.normalize_rows(self._example_vectors[rows].mean(0, keepdims=True))
                    vec = hf.normalize_rows((vec + ex_mean[0])[None])[0]
                self._label_vectors[(lab, self.descriptions.get(lab, lab))] = vec
        return np.stack(
            [self._label_vectors[(lab, self.descriptions.get(lab, lab))] for lab in labels]
        )

    def tfidf_similarities(self, texts: Sequence[str], labels: Sequence[str]) -> np.ndarray:
        """(N, L) cosine similarity of character 1-3-gram TF-IDF vectors: the query against each
        label's profile (mean of its fitted examples' vectors plus its description's vector)."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        example_texts = [t for t, _ in self.examples]
        if self._tfidf is None:
            self._tfidf = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True)
            self._tfidf.fit(example_texts + list(self.descriptions.values()) + list(labels))
            self._tfidf_examples = self._tfidf.transform(example_texts) if example_texts else None
        for lab in labels:
            key = (lab, self.descriptions.get(lab, lab))
            if key in self._tfidf_profiles:
                continue
            vec = np.asarray(self._tfidf.transform([key[1]]).toarray()[0], dtype=np.float64)
            rows = [i for i, (_, labs) in enumerate(self.examples) if lab in labs]
            if rows and self._tfidf_examples is not None:
                vec = vec + np.asarray(self._tfidf_examples[rows].mean(0)).ravel()
            self._tfidf_profiles[key] = vec / max(float(np.linalg.norm(vec)), 1e-12)
        profiles = np.stack(
            [self._tfidf_profiles[(lab, self.descriptions.get(lab, lab))] for lab in labels]
        )  # (L, V)
        return np.asarray(self._tfidf.transform(list(texts)) @ profiles.T)  # (N, L)

    def narrow(self, texts: Sequence[str], labels: Sequence[str], k: int) -> np.ndarray:
        """(N, L) mask of the k labels per text to run the NLI model on.

        Two cheap rankings (``narrow_by``), both far cheaper than N x L pair passes:

        - ``tfidf``: character n-gram TF-IDF similarity to each label's fitted examples and
          description; no model call at all. Needs examples to be useful (a label known only by
          a one-word description shares few n-grams with queries).
        - ``encoder``: cosine similarity between mean-pooled states of the NLI model's own
          encoder for the query and for each label (its description, plus its examples when
          fitted): N + L single-text passes, label vectors cached. The encoder was trained for
          NLI, not for similarity, so expect misses.

        ``auto`` takes tfidf when the classifier was fitted with examples, else encoder.
        bench/bench_nli.py measures how often the gold label survives each.
        """
        how = self.config.narrow_by
        if how == "auto":
            how = "tfidf" if self.examples else "encoder"
        if how == "tfidf":
            sims = self.tfidf_similarities(texts, labels)
        elif how == "encoder":
            sims = self._embed(texts) @ self.label_vectors(labels).T  # (N, L)
        elif how == "offline-encoder":
            sims = self._offline_narrower().similarities(texts, labels)
        else:
            raise KodialError(f"unknown narrow_by {how!r}", hint="use auto, tfidf or encoder")
        top = np.argsort(-sims, axis=1, kind="stable")[:, :k]
        mask = np.zeros(sims.shape, dtype=bool)
        np.put_along_axis(mask, top, True, axis=1)
        return mask

    def _offline_narrower(self) -> Any:
        """An ``encoder-zeroshot`` classifier over this classifier's label descriptions."""
        from kodial.classify.zeroshot import EncoderZeroShotClassifier

        if getattr(self, "_zeroshot", None) is None:
            self._zeroshot = EncoderZeroShotClassifier()
        self._zeroshot.descriptions = self.descriptions
        return self._zeroshot

    # -- explanation and persistence ----------------------------------------------------------
    def explain(self, text: str, labels: Sequence[str] | None = None) -> Explanation:
        """The ranked prediction plus, per label, the hypothesis used and its entailment
        probability; with fitted examples, the nearest ones by the encoder's embedding."""
        cands = self.candidate_labels(labels)
        k = self.config.candidates_top_k
        mask = self.narrow([text], cands, k) if k and k < len(cands) else None
        logits = self.pair_logits([text], cands, mask)  # (1, L, C)
        scores = self.calibrated(self.scores_from_logits(logits, mask), cands)
        pred = self.predict([text], cands, scores=scores)[0]
        entail, _ = self.label_indices()
        lg = logits[0].astype(np.float64)
        ent_prob = np.exp(lg[:, entail] - lg.max(-1)) / np.exp(lg - lg.max(-1, keepdims=True)).sum(
            -1
        )
        details: dict[str, Any] = {
            "mode": "multi-label" if self.multi_label or len(cands) == 1 else "single-label",
            "hypotheses": {
                lab: {
                    "hypothesis": self.hypothesis(lab),
                    "entailment_probability": None
                    if np.isnan(ent_prob[j])
                    else round(float(ent_prob[j]), 6),
                }
                for j, lab in enumerate(cands)
            },
        }
        if mask is not None:
            details["narrowed_to"] = [lab for j, lab in enumerate(cands) if mask[0, j]]
        neighbors: list[Neighbor] = []
        if self.examples:
            self.label_vectors(cands)
            assert self._example_vectors is not None
            sims = self._example_vectors @ self._embed([text])[0]
            for i in np.argsort(-sims)[:5]:
                t, labs = self.examples[int(i)]
                neighbors.append(Neighbor(text=t, label=labs[0], similarity=float(sims[i])))
        return Explanation(prediction=pred, neighbors=neighbors, details=details)

    def _save_state(self, directory: Path) -> None:
        (directory / "examples.json").write_text(
            json.dumps([[t, list(labs)] for t, labs in self.examples], ensure_ascii=False),
            encoding="utf-8",
        )

    def _load_state(self, directory: Path) -> None:
        path = directory / "examples.json"
        if path.exists():
            rows = json.loads(path.read_text(encoding="utf-8"))
            self.examples = [(t, tuple(labs)) for t, labs in rows]
