"""English words written in Hangul (이코노미, 라지, 퍼스트 클래스): a consonant skeleton of both
spellings, so that a loanword a user types can be matched to the English value a schema lists.

Korean writes English words by sound: vowels shift (economy -> 이코노미), an r before a consonant
or at the end is not written (first -> 퍼스트, large -> 라지), f and p, b and v, l and r, s, z, j
and a soft g each share a letter, and an epenthetic 으 is added between consonants (스탠다드). The
skeleton keeps only the consonants, in classes that survive those changes::

    skeleton("economy") == skeleton("이코노미") == "KNM"
    skeleton("large") == skeleton("라지") == "LS"

It is a coarse key: a match is evidence for one of a schema's listed values, never a spelling.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from kodial.korean.particles import syllable_parts

_INITIAL = [
    "K",
    "K",
    "N",
    "T",
    "T",
    "L",
    "M",
    "P",
    "P",
    "S",
    "S",
    "",
    "S",
    "S",
    "S",
    "K",
    "T",
    "P",
    "",
]
"""Classes of the 19 initial consonants (ㄱ ㄲ ㄴ ㄷ ㄸ ㄹ ㅁ ㅂ ㅃ ㅅ ㅆ ㅇ ㅈ ㅉ ㅊ ㅋ ㅌ ㅍ ㅎ)."""

_FINAL = [
    "", "K", "K", "K", "N", "N", "N", "T", "L", "L", "M", "L", "L", "L", "P", "L",
    "M", "P", "P", "T", "T", "N", "S", "S", "K", "T", "P", "",
]  # fmt: skip
"""Classes of the 28 finals; a final ㅅ/ㅆ writes an English t (로봇, 마켓), a final ㅇ an ng."""


def _hangul_skeleton(word: str) -> str:
    out = []
    for ch in word:
        parts = syllable_parts(ch)
        if parts is None:
            if ch.isascii() and ch.isalpha():
                out.append(_latin_skeleton(ch))
            continue
        out.append(_INITIAL[parts[0]] + _FINAL[parts[2]])
    return "".join(out)


_LATIN_STEPS: list[tuple[str, str]] = [
    (r"ph", "f"),
    (r"ck", "k"),
    (r"qu", "kw"),
    (r"x", "ks"),
    (r"th", "s"),
    (r"sh|ch|tch", "j"),
    (r"c(?=[eiy])", "s"),
    (r"g(?=[eiy])", "j"),  # large -> 라지; (a hard g, beginner -> 비기너: see skeletons)
    (r"c", "k"),
    (r"(?<=[aeiou])r(?![aeiouy])", ""),  # first -> 퍼스트: no r before a consonant or at the end
    (r"(?<=[aeiou])gh", ""),
]
_LATIN_CLASS = str.maketrans(
    {
        "k": "K", "g": "K", "q": "K",
        "t": "T", "d": "T",
        "p": "P", "b": "P", "f": "P", "v": "P",
        "s": "S", "z": "S", "j": "S",
        "l": "L", "r": "L",
        "m": "M", "n": "N",
    }
)  # fmt: skip


def _latin_skeleton(word: str, hard_g: bool = False) -> str:
    w = word.lower()
    for pat, rep in _LATIN_STEPS:
        if not (hard_g and pat.startswith("g")):
            w = re.sub(pat, rep, w)
    w = re.sub(r"[^a-z]", "", w)
    w = re.sub(r"ng(?![a-z])", "n", w)  # king -> 킹, but single -> 싱글
    return "".join(ch.translate(_LATIN_CLASS) for ch in w if ch in "kgqtdpbfvszjlrmn")


def _once(raw: str) -> str:
    """A doubled class written once (STTNT -> STNT)."""
    return re.sub(r"(.)\1+", r"\1", raw)


def skeleton(word: str) -> str:
    """The consonant skeleton of a word in Hangul or Latin letters, a doubled class written once
    (스탠다드 -> STNT, standard -> STNT)."""
    latin = re.fullmatch(r"[A-Za-z\s_-]+", word)
    return _once(_latin_skeleton(word) if latin else _hangul_skeleton(word))


_MEDIALS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_FIRST_VOWELS = {
    "a": set("ㅏㅐㅑㅒㅓㅔㅖㅗㅘㅙㅚ"),
    "e": set("ㅔㅐㅣㅓㅕㅖㅒㅟㅢ"),
    "i": set("ㅣㅏㅓㅘㅟㅢㅐ"),
    "o": set("ㅗㅓㅏㅘㅚㅛㅜ"),
    "u": set("ㅓㅜㅠㅗㅣㅏㅝㅟ"),
    "y": set("ㅣㅏㅘ"),
}
"""Hangul vowels an English word's first vowel letter is written with (economy -> 이, first ->
퍼, business -> 비, white -> 화)."""


def _first_vowels_agree(hangul: str, latin: str) -> bool:
    """Whether the first vowel of the Hangul spelling (not an added 으) may write the first
    vowel letter of the English word: 파이썬 (ㅏ) is not beginner (e), though both are PSN."""
    first = next((ch for ch in latin.lower()[1:] if ch in "aeiouy"), None)
    if latin[:1].lower() in "aeiou":
        first = latin[0].lower()
    medials = [_MEDIALS[parts[1]] for ch in hangul if (parts := syllable_parts(ch)) is not None]
    vowel = next((v for v in medials if v != "ㅡ"), None)
    return first is None or vowel is None or vowel in _FIRST_VOWELS[first]


def skeletons(latin: str) -> set[str]:
    """An English word's skeletons: a g before e, i or y is soft (large -> 라지) or hard
    (beginner -> 비기너), and English spelling does not say which."""
    return {skeleton(latin), _once(_latin_skeleton(latin, hard_g=True))}


def sounds_like(hangul: str, latin: str) -> bool:
    """Whether ``hangul`` may be ``latin`` written in Hangul: the same skeleton, of two
    consonants at least (a one-consonant key says too little)."""
    a = skeleton(hangul)
    return len(a) >= 2 and a in skeletons(latin) and _first_vowels_agree(hangul, latin)


_KIND_NOUNS = (
    *("석", "형", "급", "색", "맛", "룸", "컵", "잔", "권", "실", "좌석", "객실", "방"),
    *("타입", "사이즈", "등급", "클래스", "모드", "코스", "플랜", "요금제", "버전"),
)
"""A noun said after a loanword value that names its kind (이코노미석, 라지 사이즈)."""
_AFTER = re.compile(
    r"(?:으로|로|이요|요|이에요|예요|입니다|이고요|고요|이고|이랑|랑|하고|으로요|로요|은|는|이|가|을|를|도|만"
    r"|이나|나)$"
)


_NEGATED = re.compile(r"\s*(?:말고|빼고|제외|아니|말구|없이|는\s*빼|은\s*빼|는\s*말고|은\s*말고)")
"""A value said and refused ("버스 말고요", "라지는 빼고")."""


def _bare(word: str) -> str:
    """The word without its particle and a kind noun after it (이코노미석으로 -> 이코노미)."""
    word = _AFTER.sub("", word)
    for noun in sorted(_KIND_NOUNS, key=len, reverse=True):
        if word.endswith(noun) and len(word) > len(noun) + 1:
            return word[: -len(noun)].rstrip()
    return word


def loanword_mentions(
    text: str,
    options: list[str],
    asked: bool = False,
    nouns_only: Callable[[str], bool] | None = None,
) -> list[tuple[int, int, str]]:
    """(start, end, option) for each Hangul word (or two) of ``text`` that sounds like exactly
    one of the English ``options`` ("퍼스트 클래스요" -> first_class, "이코노미석으로" ->
    economy). A short key fits Korean words by chance, so in an answer to a question about the
    value (``asked``) a key needs two consonants and elsewhere three, and the first vowels must
    agree (파이썬 and beginner are both PSN, but 파 does not write be-). Two words are read
    together for a value of two words (퍼스트 클래스), and for a one-word value (오션 뷰 ->
    oceanview) only when ``nouns_only`` (the caller's morpheme analyser) reads both as bare
    nouns: 건 너무 (것 + 은, an adverb) is not economy."""
    one: dict[str, list[str]] = {}  # keys of one-word forms (economy; first of first_class)
    two: dict[str, list[str]] = {}  # keys of whole multi-word values (first class)
    for opt in options:
        words = [w for w in re.split(r"[\s_-]+", opt) if w]
        for key in skeletons(words[0]) if words else ():
            one.setdefault(key, []).append(opt)
        for key in skeletons(" ".join(words)) if len(words) > 1 else ():
            two.setdefault(key, []).append(opt)
    found: list[tuple[int, int, str]] = []
    runs = list(re.finditer(r"[가-힣]+", text))
    for i, m in enumerate(runs):
        # one word: a one-word value, or a value of two English words written together
        # (핫데스크 for hot_desk)
        spans = [(m.start(), m.end(), {**two, **one})]
        if i + 1 < len(runs) and not text[m.end() : runs[i + 1].start()].strip():
            # 퍼스트 클래스 for first_class; 오션 뷰 for oceanview only when both words are
            # nouns said bare before the last one's particle (건 너무 is not economy)
            nouns = nouns_only is not None and all(
                nouns_only(w) for w in (m.group(0), _AFTER.sub("", runs[i + 1].group(0)))
            )
            spans.insert(0, (m.start(), runs[i + 1].end(), {**one, **two} if nouns else two))
        for start, end, keys in spans:
            bare = _bare(text[start:end])
            key = skeleton(bare)
            if len(key) < (2 if asked else 3):
                continue
            if nouns_only is not None and not nouns_only(bare.replace(" ", "")):
                continue  # 걸로요 (것 + 을), 갔다, 거기서: words of Korean grammar, not values
            latin = any(re.search(r"[A-Za-z]", o) for o in keys.get(key, []))
            if latin and len(re.sub(r"[^가-힣]", "", bare)) < 2:
                continue  # 달, 걸: an English value is two syllables at least in Hangul
            if _NEGATED.match(text[end:]):
                continue  # "버스 말고요": the value is refused, not chosen
            owners = [o for o in dict.fromkeys(keys.get(key, [])) if _first_vowels_agree(bare, o)]
            if len(owners) == 1 and not any(s <= start < e for s, e, _ in found):
                nxt = runs[i + 1] if i + 1 < len(runs) else None
                if (
                    end == m.end()
                    and nxt is not None
                    and not text[end : nxt.start()].strip()
                    and _AFTER.sub("", nxt.group(0)) in _KIND_NOUNS
                ):
                    end = nxt.end()  # "디럭스 룸으로": the kind noun said apart is the value's
                found.append((start, end, owners[0]))  # with its kind noun and particle
                break
    return found
