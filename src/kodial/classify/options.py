"""The options of the understanding pipeline and the registry of classifier methods: pydantic
models whose field docstrings are the help of ``kodial classify train`` (the CLI reads them
from here, so its options and these models cannot drift apart). Light on purpose: importing
it loads no numpy, sklearn or torch."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field, field_validator

from kodial.config import Config, validate
from kodial.errors import DataError, DataErrors
from kodial.registry import check_name

M = TypeVar("M", bound=BaseModel)

METHODS: dict[str, str] = {
    "lexical": "kodial.classify.lexical:LexicalClassifier",
    "embedding": "kodial.classify.embedding:EmbeddingClassifier",
    "hybrid": "kodial.classify.hybrid:HybridClassifier",
    "encoder-zeroshot": "kodial.classify.zeroshot:EncoderZeroShotClassifier",
    "nli-zeroshot": "kodial.classify.nli:NLIZeroShotClassifier",
    "nli-finetuned": "kodial.classify.nli_finetune:NLIFinetunedClassifier",
    "finetune": "kodial.classify.finetune:FinetunedClassifier",
    "llm": "kodial.classify.llm:LLMClassifier",
}
"""Registry of classifier methods: CLI name -> ``module:Class``. A test checks every entry."""

DEFAULT_METHOD = "auto"
"""``auto``: ``hybrid`` for few examples per label when the offline encoder is installed,
``lexical`` otherwise (see :func:`kodial.classify.pipeline.resolve_method`)."""

GroupBy = Literal["auto", "column", "similar", "none"]
"""How to group queries: ``column`` (the data's ``group`` column), ``similar`` (near-duplicate
clusters), ``auto`` (the column when the data has one, else near-duplicates), ``none``."""

OnConflict = Literal["error", "majority", "drop"]
"""What to do with a text that appears under different labels."""


class TrainConfig(Config):
    """How to build a classifier from labelled queries (the options of ``kodial classify
    train``, the ``classifier`` block of ``assistant.yaml`` adds its own)."""

    method: str = DEFAULT_METHOD
    """Classifier method (``kodial classify methods`` lists them), or auto: hybrid when the
    labels have few examples (median 128 or fewer) and the offline encoder is installed, else
    lexical (as accurate with many examples, and a hundred times faster)."""
    options: dict[str, Any] = Field(default_factory=dict)
    """Options of the method (--option key=value)."""
    dev_ratio: float = Field(default=0.2, ge=0, lt=1)
    """Share of the queries held out (whole paraphrase groups, stratified) to evaluate the saved
    model on; 0 trains on everything and reports the out-of-fold numbers only."""
    folds: int | Literal["auto"] = "auto"
    """Cross-validation folds whose out-of-fold scores calibrate the probabilities and the
    fallback thresholds; auto: 5, or 3 for multi-label data (one-vs-rest fits a model per label
    and fold: 3 folds give every query its out-of-fold score with 4 fits instead of 6, for the
    same micro-F1 on KOTE's 44 emotions)."""
    target_recall: float = Field(default=0.95, gt=0, le=1)
    """Share of new in-domain queries that must still get a label (the rest may fall back)."""
    group_by: GroupBy = "auto"
    """Keep paraphrases together when splitting: column (the 'group' column), similar
    (near-duplicate clusters), auto (the column if there is one, else similar), none."""
    augment: int = Field(default=0, ge=0)
    """Noised copies of each training query to add (no spaces, a jamo typo, the other speech
    level's ending), so the model learns how people type."""
    noise_report: bool = True
    """Also measure accuracy on noised copies of the dev queries."""
    seed: int = 0
    """Seed of the split, the folds and the augmentation."""
    near_ood: float | None = Field(default=0.2, ge=0, le=1)
    """With OOD queries: fall back when a query is more similar to an OOD query than to any
    training query by this much (character n-gram cosine); none turns the rule off."""
    min_score: float | None = None
    """Fixed fallback threshold on the top score instead of the calibrated one."""
    min_margin: float | None = None
    """Fixed fallback threshold on the top-two margin instead of the calibrated one."""

    @field_validator("folds", mode="before")
    @classmethod
    def _folds(cls, value: Any) -> Any:
        # one clear message rather than one per member of the union (int, "auto")
        if value == "auto":
            return value
        try:
            folds = int(value)
        except (TypeError, ValueError):
            folds = None
        if folds is None or isinstance(value, bool | float) or folds < 2:
            raise ValueError(f"must be auto or a whole number of at least 2, got {value!r}")
        return folds

    @field_validator("method")
    @classmethod
    def _known_method(cls, value: str) -> str:
        return value if value == "auto" else check_name(METHODS, value, "classifier method")


class DataSource(Config):
    """Where the labelled queries come from and how to read them."""

    data: Path
    """Labelled queries: .csv, .tsv, .txt (tab-separated), .jsonl or .yaml."""
    ood: Path | None = None
    """Out-of-domain queries: one per line (.txt), or any labelled format (its text column)."""
    text_field: str | None = None
    """Column/key of the query (default: found by name, or by content without a header)."""
    label_field: str | None = None
    """Column/key of the label (default: found by name, or by content without a header)."""
    group_field: str | None = None
    """Column/key naming each query's paraphrase group (default: 'group' when present)."""
    ood_field: str | None = None
    """Column/key of the query in a labelled OOD file (default: found as for the data)."""
    on_conflict: OnConflict = "error"
    """A text under different labels: error (report them all), majority (keep its most
    frequent label; a tie drops it), drop (leave it out)."""


def validate_flags(
    schema: type[M], values: Mapping[str, Any], flags: Mapping[str, str], what: str = ""
) -> M:
    """``schema`` from command-line ``values``; a bad value is an error naming its flag
    (``--dev-ratio: must be less than 1.0, got 1.0``) with the default in the hint, an unknown
    key lists the known ones (``what`` names whose they are, e.g. ``options of lexical``)."""
    try:
        return validate(schema, values, "command line", origins=flags)
    except DataErrors as exc:
        fields = schema.model_fields
        errors = []
        for err in exc.errors:
            key = (err.field or "").split(".")[0]
            prefix = f"{err.path}: field {err.field!r}: " if err.field else f"{err.path}: "
            message = err.message.removeprefix(prefix)
            if key in fields:
                default = fields[key].get_default(call_default_factory=True)
                shown = json.dumps(list(default) if isinstance(default, tuple) else default)
                hint = f"the default is {key}={shown}"
            else:
                hint = f"{what or 'known keys'}: {', '.join(fields)}"
            errors.append(DataError(message, path=flags.get(key, err.path), hint=hint))
        raise DataErrors(errors) from None
