"""sample-size: nested samples, overlap measured against the largest sample."""

from __future__ import annotations

from pathlib import Path

import pytest

from kodial.errors import KodialError
from kodial.testing.tokenizers import sample_corpus_lines
from kodial.tokenizer.sample_size import sample_size_study, sample_texts, write_study
from kodial.tokenizer.train import TrainConfig


def test_samples_are_nested_and_reproducible() -> None:
    texts = [f"문장 {i}" for i in range(2000)]
    small = list(sample_texts(texts, 0.1, seed=3))
    large = list(sample_texts(texts, 0.3, seed=3))
    assert set(small) < set(large)
    assert small == list(sample_texts(texts, 0.1, seed=3))
    assert 100 < len(small) < 300


def test_study_reports_overlap(tmp_path: Path) -> None:
    config = TrainConfig(kind="byte-bpe", vocab_size=600, min_frequency=1)
    points = sample_size_study(sample_corpus_lines, config, [1.0, 0.1, 0.5])
    assert [p.fraction for p in points] == [0.1, 0.5, 1.0]
    assert points[-1].overlap_with_largest == 1.0
    assert points[0].overlap_with_largest < points[-1].overlap_with_largest
    assert points[0].texts < points[1].texts < points[2].texts
    md = write_study(points, tmp_path, "byte-bpe", 600)
    assert "| 0.1 |" in md.read_text() and (tmp_path / "sample_size.png").exists()


def test_bad_fractions_are_user_errors() -> None:
    config = TrainConfig(kind="byte-bpe", vocab_size=600)
    with pytest.raises(KodialError, match=r"\(0, 1\]"):
        sample_size_study(sample_corpus_lines, config, [0.0, 2.0])
    with pytest.raises(KodialError, match="empty"):
        sample_size_study(lambda: iter(["한 줄"]), config, [1e-9])
