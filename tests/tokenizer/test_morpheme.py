"""Morpheme pre-tokenization: pieces tile the text, and merges stay inside one morpheme."""

from __future__ import annotations

from typing import Any

from kodial.testing.tokenizers import sample_corpus_lines
from kodial.tokenizer.compare import compare_tokenizers, crosses, morpheme_boundaries
from kodial.tokenizer.morpheme import cut_points, get_kiwi, morpheme_spans, split_text

from .conftest import TRICKY


def test_split_keeps_one_leading_space_and_whitespace_runs() -> None:
    spans = [(0, 2), (2, 3), (5, 6), (6, 7), (7, 8)]  # 사과 를 | 먹 었 다
    assert split_text("사과를  먹었다", spans) == ["사과", "를", " ", " 먹", "었", "다"]
    assert cut_points("", []) == [0]


def test_contracted_syllable_stays_whole() -> None:
    text = "했어요"
    pieces = split_text(text, morpheme_spans(text, get_kiwi().tokenize(text)))
    assert pieces == ["했", "어요"]


def test_pieces_tile_every_text() -> None:
    kiwi = get_kiwi()
    for text in [*TRICKY, *list(sample_corpus_lines())[:50]]:
        pieces = split_text(text, morpheme_spans(text, kiwi.tokenize(text)))
        assert "".join(pieces) == text


def test_morpheme_bpe_tokens_never_cross_a_morpheme_boundary(trained: dict[str, Any]) -> None:
    tok = trained["morpheme-byte-bpe"]
    texts = list(sample_corpus_lines())
    kiwi = get_kiwi()
    for text in texts:
        cuts = set(cut_points(text, morpheme_spans(text, kiwi.tokenize(text))))
        enc = tok(text, add_special_tokens=False, return_offsets_mapping=True)
        for start, end in enc["offset_mapping"]:
            assert not any(start < c < end for c in cuts), (text, start, end)


def test_crossing_metric_separates_the_two_byte_level_kinds(trained: dict[str, Any]) -> None:
    texts = list(sample_corpus_lines())
    reports = {
        r.name: r
        for r in compare_tokenizers(
            {k: trained[k] for k in ("byte-bpe", "morpheme-byte-bpe")}, texts
        )
    }
    assert reports["morpheme-byte-bpe"].morpheme_crossing == 0.0
    assert reports["byte-bpe"].morpheme_crossing > 0.0


def test_crosses_ignores_edge_whitespace() -> None:
    assert crosses("사과를", 0, 3, [2])
    assert not crosses(" 사과", 0, 3, [1])
    assert not crosses("사과를", 0, 2, [2])
    assert morpheme_boundaries(["사과를"]) == [[2]]
