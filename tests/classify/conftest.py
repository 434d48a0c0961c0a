"""Session-scoped tiny random checkpoints, built once and saved to a temp dir.

Each fixture returns the directory path; code under test loads it with ``from_pretrained(path)``,
the same call a hub id goes through.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session", autouse=True)
def _one_torch_thread() -> None:
    """Tiny models run many small ops: on a shared 2-core CI box, two torch threads spend more
    time synchronising than computing (measured: ~7x slower per training step)."""
    import torch

    torch.set_num_threads(1)


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tiny-models")


@pytest.fixture(scope="session")
def nli_bert(models_dir: Path) -> Path:
    """BERT NLI cross-encoder, id2label {0: CONTRADICTION, 1: entailment, 2: Neutral}."""
    from kodial.testing.models import build_nli

    return build_nli(models_dir / "nli-bert", style="bert")


@pytest.fixture(scope="session")
def nli_roberta(models_dir: Path) -> Path:
    """RoBERTa NLI cross-encoder with type_vocab_size=1 and a klue-style BERT tokenizer."""
    from kodial.testing.models import build_nli

    return build_nli(models_dir / "nli-roberta", style="roberta")


@pytest.fixture(scope="session")
def nli_trainable(models_dir: Path) -> Path:
    """BERT NLI cross-encoder (non-standard label order) without dropout, so a few hundred
    steps teach the tiny model the toy task."""
    from kodial.testing.models import build_nli

    return build_nli(
        models_dir / "nli-trainable", hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0
    )


@pytest.fixture(scope="session")
def encoder(models_dir: Path) -> Path:
    from kodial.testing.models import build_encoder

    return build_encoder(models_dir / "encoder")


@pytest.fixture(scope="session")
def sentence_model(models_dir: Path) -> Path:
    from kodial.testing.models import build_sentence_transformer

    return build_sentence_transformer(models_dir / "sentence")


@pytest.fixture(scope="session")
def toy_data():
    """Three clearly distinct Korean domains (12 queries each) as LabelledData."""
    from kodial.classify.data import Example, LabelledData
    from kodial.testing.models import TOY_QUERIES

    examples = [Example(t, (lab,)) for lab, texts in TOY_QUERIES.items() for t in texts]
    return LabelledData(examples=examples)
