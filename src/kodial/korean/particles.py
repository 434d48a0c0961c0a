"""Korean text helpers: final consonants (받침) and particle (조사) selection.

Particles such as 은/는, 이/가, 을/를, 와/과 and (으)로 depend on whether the preceding word ends in
a final consonant. Templates can say ``{label}은/는`` and kodial picks the right form.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

_HANGUL_BASE = 0xAC00
_HANGUL_LAST = 0xD7A3
_RIEUL_FINAL = 8  # index of ㄹ among the 28 final-consonant slots

# Reading of a trailing digit/Latin letter, for particles after "3" (삼) or "SNS" (에스).
_DIGIT_HAS_FINAL = {
    "0": True,
    "1": True,
    "2": False,
    "3": True,
    "4": False,
    "5": False,
    "6": True,
    "7": True,
    "8": True,
    "9": False,
}
_LATIN_HAS_FINAL = set("lmnrLMNR")


def syllable_parts(ch: str) -> tuple[int, int, int] | None:
    """The (initial, medial, final) jamo indices of one Hangul syllable (19 x 21 x 28; final 0
    for none), or None for any other character.

    >>> syllable_parts("한"), syllable_parts("a")
    ((18, 0, 4), None)
    """
    code = ord(ch) - _HANGUL_BASE
    if not 0 <= code < 11172:
        return None
    return code // 588, (code % 588) // 28, code % 28


def final_consonant(word: str) -> int | None:
    """Index (1-27) of the last syllable's final consonant, 0 for none, None if not Hangul.

    >>> final_consonant("금융"), final_consonant("영화"), final_consonant("날")
    (21, 0, 8)
    """
    word = unicodedata.normalize("NFC", word).rstrip(" )]\"'")
    if not word:
        return None
    code = ord(word[-1])
    if _HANGUL_BASE <= code <= _HANGUL_LAST:
        return (code - _HANGUL_BASE) % 28
    return None


def has_final_consonant(word: str) -> bool:
    """True when the word ends in a consonant sound (Hangul 받침, digits and Latin letters read aloud).

    >>> has_final_consonant("금융"), has_final_consonant("영화"), has_final_consonant("3")
    (True, False, True)
    """
    fc = final_consonant(word)
    if fc is not None:
        return fc != 0
    stripped = unicodedata.normalize("NFC", word).rstrip(" )]\"'")
    if not stripped:
        return False
    last = stripped[-1]
    if last in _DIGIT_HAS_FINAL:
        return _DIGIT_HAS_FINAL[last]
    return last in _LATIN_HAS_FINAL


# (form after a final consonant, form after a vowel)
PARTICLES: dict[str, tuple[str, str]] = {
    "은/는": ("은", "는"),
    "이/가": ("이", "가"),
    "을/를": ("을", "를"),
    "과/와": ("과", "와"),
    "와/과": ("과", "와"),
    "이랑/랑": ("이랑", "랑"),
    "아/야": ("아", "야"),
    "이나/나": ("이나", "나"),
    "(으)로": ("으로", "로"),
    "으로/로": ("으로", "로"),
    "(이)다": ("이다", "다"),
    "(이)라는": ("이라는", "라는"),
}
for _pair in [p for p in PARTICLES if "/" in p and "(" not in p]:
    _a, _b = _pair.split("/")
    PARTICLES.setdefault(f"{_b}/{_a}", PARTICLES[_pair])


def attach_particle(word: str, particle: str) -> str:
    """Attach the right form of a particle to ``word``.

    >>> attach_particle("금융", "은/는"), attach_particle("영화", "은/는")
    ('금융은', '영화는')
    >>> attach_particle("서울", "(으)로"), attach_particle("부산", "(으)로")
    ('서울로', '부산으로')
    """
    if particle not in PARTICLES:
        raise ValueError(f"unknown particle {particle!r}; known: {', '.join(sorted(PARTICLES))}")
    after_consonant, after_vowel = PARTICLES[particle]
    if particle in ("(으)로", "으로/로") and final_consonant(word) == _RIEUL_FINAL:
        return word + "로"  # ㄹ-final words take 로: 서울로, 지하철로
    return word + (after_consonant if has_final_consonant(word) else after_vowel)


_PLACEHOLDER_RE = re.compile(
    r"\{(?P<name>[^{}]*)\}(?P<particle>"
    + "|".join(re.escape(p) for p in sorted(PARTICLES, key=len, reverse=True))
    + r")?"
)
"""``{name}`` and the particle written right after it, if any (``{장소}에서``, ``{영화}을/를``)."""


def render(template: str, values: Mapping[str, object]) -> str:
    """Fill ``{name}`` placeholders, choosing the particle written right after one; a
    placeholder with no value stays as it is.

    >>> render("{장소}에서 {인원}명, {영화}을/를 볼까요?", {"장소": "강남점", "인원": 4, "영화": "별빛"})
    '강남점에서 4명, 별빛을 볼까요?'
    """

    def sub(m: re.Match[str]) -> str:
        name = m.group("name")
        if name not in values:
            return m.group(0)
        word = str(values[name])
        particle = m.group("particle")
        return attach_particle(word, particle) if particle else word

    return _PLACEHOLDER_RE.sub(sub, template)


def fill_template(template: str, value: str, name: str = "label") -> str:
    """Fill ``{}`` or ``{label}`` in a template, choosing particles written right after it.

    >>> fill_template("이 문장은 {}에 관한 것입니다.", "금융")
    '이 문장은 금융에 관한 것입니다.'
    >>> fill_template("{label}와/과 관련된 문장이다.", "영화")
    '영화와 관련된 문장이다.'
    >>> fill_template("주제는 {label}이/가 맞다.", "장소")
    '주제는 장소가 맞다.'
    """
    if not any(m.group("name") in ("", name) for m in _PLACEHOLDER_RE.finditer(template)):
        raise ValueError(f"template {template!r} has no '{{}}' or '{{{name}}}' placeholder")
    return render(template, {"": value, name: value})
