"""Sentence types read from kiwipiepy's analysis of sentences written for this test: the ending
tables must match how Kiwi spells the endings (jongseong jamo, EF or EC tags)."""

from __future__ import annotations

import pytest

from kodial.classify.features import KoreanFeaturizer
from kodial.korean.sentence_types import sentence_cues, sentence_type

CASES = [
    ("밥 먹었니", "question"),
    ("어디 갔냐", "question"),
    ("내일 뭐 할까", "question"),
    ("회의는 몇 시에 시작합니까", "question"),
    ("창문 좀 닫아라", "command"),
    ("여기 앉으십시오", "command"),
    ("조용히 하세요", "command"),
    ("거기서 뛰지 마", "command"),
    ("그러지 마세요", "command"),
    ("주말에 같이 가자", "proposal"),
    ("이제 시작합시다", "proposal"),
    ("오늘은 날이 춥다", "statement"),
    ("저는 학생입니다", "statement"),
    ("벌써 다 끝났네", "statement"),
    ("내일 다시 올게", "statement"),
    ("지금 집에 가요", "by-intonation"),
    ("이거 맛있어요", "by-intonation"),
    ("그거 너도 알지", "by-intonation"),
    ("서울 내일 날씨", "noun"),
    ("밥 먹고", "connective"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_the_final_ending_gives_the_sentence_type(text: str, expected: str) -> None:
    last = KoreanFeaturizer().morphemes([text.split()[-1]])[0].split()
    assert sentence_type(last) == expected


def test_cues_besides_the_ending() -> None:
    f = KoreanFeaturizer()
    words = ["회의가", "언제", "끝나는지", "알려", "줘"]
    morphs = [m for doc in f.morphemes(words) for m in doc.split()]
    assert sentence_cues(words, morphs) == ["wh", "embedded-question", "favour"]
    plain = ["오늘은", "날이", "춥다"]
    assert sentence_cues(plain, [m for d in f.morphemes(plain) for m in d.split()]) == []
