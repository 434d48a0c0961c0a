"""How people really type Korean queries: without spaces, with typos, in 반말 or 존댓말.

Three kinds of noise, each a function ``(text, rng) -> text``:

- ``spacing``: spaces dropped (``내일 비 와?`` -> ``내일비와?``), the most common difference
  between typed queries and written examples;
- ``typo``: one syllable mistyped at the jamo level on the 두벌식 keyboard: a neighbouring key
  (ㅂ/ㅈ, ㅏ/ㅓ ...), a dropped final consonant, or a doubled consonant lost (ㅆ -> ㅅ);
- ``ending``: the sentence ending switched between 반말 and 존댓말 (``알려줘`` <-> ``알려주세요``,
  ``어때`` <-> ``어때요``).

:func:`noisy_copies` makes noised copies of the dev queries to measure robustness (the training
report's ``noise`` section); ``augment`` in the training options adds noised copies of the
training queries (same label and paraphrase group) so the model learns them.

>>> import random
>>> noise_text("내일 비 와?", "spacing", random.Random(0))
'내일비와?'
>>> noise_text("날씨 알려줘", "ending", random.Random(0))
'날씨 알려주세요'
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Literal

from kodial.classify.data import Example, LabelledData
from kodial.korean.particles import syllable_parts

NoiseKind = Literal["spacing", "typo", "ending"]
NOISE_KINDS: tuple[NoiseKind, ...] = ("spacing", "typo", "ending")

_CHO = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_JUNG = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_JONG = ["", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"]

# neighbouring keys on the 두벌식 layout (rows ㅂㅈㄷㄱㅅㅛㅕㅑㅐㅔ / ㅁㄴㅇㄹㅎㅗㅓㅏㅣ / ㅋㅌㅊㅍㅠㅜㅡ)
_ROWS = ("ㅂㅈㄷㄱㅅㅛㅕㅑㅐㅔ", "ㅁㄴㅇㄹㅎㅗㅓㅏㅣ", "ㅋㅌㅊㅍㅠㅜㅡ")
_NEIGHBOURS: dict[str, str] = {}
for _r, _row in enumerate(_ROWS):
    for _i, _key in enumerate(_row):
        near = [_row[j] for j in (_i - 1, _i + 1) if 0 <= j < len(_row)]
        for _other in (_r - 1, _r + 1):
            if 0 <= _other < len(_ROWS) and _i < len(_ROWS[_other]):
                near.append(_ROWS[_other][_i])
        _NEIGHBOURS[_key] = "".join(near)
_UNDOUBLE = {"ㄲ": "ㄱ", "ㄸ": "ㄷ", "ㅃ": "ㅂ", "ㅆ": "ㅅ", "ㅉ": "ㅈ"}

ENDINGS = (
    ("알려주세요", "알려줘"),
    ("해주세요", "해줘"),
    ("주세요", "줘"),
    ("있나요", "있어"),
    ("인가요", "이야"),
    ("마세요", "마"),
    ("까요", "까"),
    ("래요", "래"),
    ("어때요", "어때"),
    ("뭐예요", "뭐야"),
    ("됩니까", "돼"),
    ("습니까", "어"),
    ("해요", "해"),
    ("에요", "야"),
    ("예요", "야"),
    ("나요", "니"),
)
"""(존댓말, 반말) sentence endings, longest first: each switches to the other."""


def _compose(cho: int, jung: int, jong: int) -> str:
    return chr(0xAC00 + (cho * 21 + jung) * 28 + jong)


def spacing(text: str, rng: random.Random) -> str:
    """Every space dropped."""
    return "".join(text.split())


def typo(text: str, rng: random.Random) -> str:
    """One Hangul syllable mistyped: a neighbouring key for its vowel or first consonant, its
    final consonant dropped, or a doubled consonant typed single."""
    spots = [i for i, ch in enumerate(text) if syllable_parts(ch) is not None]
    if not spots:
        return text
    i = rng.choice(spots)
    parts = syllable_parts(text[i])
    assert parts is not None
    cho, jung, jong = parts
    moves = ["vowel"]
    near_initial = [c for c in _NEIGHBOURS.get(_CHO[cho], "") if c in _CHO]
    if near_initial:
        moves.append("initial")
    if jong:
        moves.append("final")
    if _CHO[cho] in _UNDOUBLE:
        moves.append("double")
    move = rng.choice(moves)
    if move == "final":
        jong = 0
    elif move == "double":
        cho = _CHO.index(_UNDOUBLE[_CHO[cho]])
    elif move == "initial":
        cho = _CHO.index(rng.choice(near_initial))
    else:
        near = [v for v in _NEIGHBOURS.get(_JUNG[jung], "") if v in _JUNG]
        if not near:
            jong = 0
        else:
            jung = _JUNG.index(rng.choice(near))
    return text[:i] + _compose(cho, jung, jong) + text[i + 1 :]


def ending(text: str, rng: random.Random) -> str:
    """The sentence ending switched between 존댓말 and 반말 (punctuation kept); unchanged when
    no known ending is found."""
    body = text.rstrip("?!.~ ")
    tail = text[len(body) :]
    for polite, plain in ENDINGS:
        if body.endswith(polite):
            return body[: -len(polite)] + plain + tail
    for polite, plain in ENDINGS:
        if body.endswith(plain):
            return body[: -len(plain)] + polite + tail
    return text


NOISES: dict[str, Callable[[str, random.Random], str]] = {
    "spacing": spacing,
    "typo": typo,
    "ending": ending,
}
"""Registry of noise kinds: name -> function."""


def noise_text(text: str, kind: NoiseKind, rng: random.Random) -> str:
    return NOISES[kind](text, rng)


def noisy_copies(texts: list[str], kind: NoiseKind, seed: int = 0) -> list[str]:
    """``texts`` with ``kind`` noise (seeded, one rng for the whole list)."""
    rng = random.Random(seed)
    return [noise_text(t, kind, rng) for t in texts]


def augment(data: LabelledData, copies: int = 1, seed: int = 0) -> tuple[LabelledData, list[int]]:
    """``data`` plus ``copies`` noised copies of each example (a random kind each, same labels
    and group; a copy equal to a text already there is skipped), and for each copy the index of
    the example it was made from."""
    rng = random.Random(seed)
    seen = set(data.texts)
    extra, sources = [], []
    for i, ex in enumerate(data.examples):
        for _ in range(copies):
            text = noise_text(ex.text, rng.choice(NOISE_KINDS), rng)
            if text not in seen:
                seen.add(text)
                extra.append(Example(text, ex.labels, ex.line, ex.group))
                sources.append(i)
    return data.subset(data.examples + extra), sources
