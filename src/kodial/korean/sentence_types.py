"""Korean sentence types: what the final ending says a sentence does.

Korean marks the speech act at the end of the sentence: 먹었니 / 먹을까 ask, 먹어라 / 드세요
tell, 먹자 / 갑시다 propose, 먹었다 / 먹었습니다 state. Some endings do all of these by
intonation alone (먹어, 먹어요, 먹지: a question with a rising tone, a statement or an order
without), and a classifier that has seen 먹었니 as a question should not need another example
to read 갔냐 the same way. :func:`sentence_type` folds the endings kiwipiepy finds into these few
types, so the features built on it (kodial.classify.features' sentence-ending view) generalise
across endings with a handful of examples per intent.

The tables are closed lists of endings as kiwipiepy spells them (a final consonant of the
stem's syllable is a jongseong jamo: ``ᆯ까`` in 할까, ``ᆸ니다`` in 합니다).

>>> sentence_type(["먹/VV", "었/EP", "니/EC"]), sentence_type(["가/VV", "자/EF"])
('question', 'proposal')
>>> sentence_type(["하/VV", "어라/EF"]), sentence_type(["배고프/VA", "다/EF"])
('command', 'statement')
>>> sentence_type(["오/VV", "어/EF"]), sentence_type(["내일/NNG", "날씨/NNG"])
('by-intonation', 'noun')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

QUESTION_ENDINGS = frozenset(
    [
        "니",
        "냐",
        "느냐",
        "으냐",
        "으니",
        "나",
        "까",
        "ᆯ까",
        "을까",
        "는가",
        "ᆫ가",
        "은가",
        "던가",
        "나요",
        "가요",
        "까요",
        "ᆯ까요",
        "을까요",
        "습니까",
        "ᆸ니까",
        "읍니까",
        "냐고",
        "니까요",
        "는지",
        "ᆫ지",
        "은지",
        "ᆯ지",
        "을지",
        "는지요",
        "ᆫ지요",
        "은지요",
        "ᆯ지요",
        "을지요",
    ]
)
"""Endings that ask (the last ending of the sentence)."""
COMMAND_ENDINGS = frozenset(
    [
        "어라",
        "아라",
        "여라",
        "라",
        "거라",
        "너라",
        "렴",
        "려무나",
        "게",
        "세요",
        "으세요",
        "십시오",
        "ᆸ시오",
        "읍시오",
        "시오",
        "다오",
    ]
)
"""Endings that tell the listener to do something."""
PROPOSAL_ENDINGS = frozenset(["자", "자고", "자구", "세", "ᆸ시다", "읍시다"])
"""Endings that propose doing something together."""
STATEMENT_ENDINGS = frozenset(
    [
        "다",
        "ᆫ다",
        "는다",
        "ᆸ니다",
        "습니다",
        "읍니다",
        "답니다",
        "랍니다",
        "단다",
        "란다",
        "ᆫ대",
        "는대",
        "대",
        "대요",
        "래요",
        "네",
        "네요",
        "구나",
        "는구나",
        "군",
        "군요",
        "는군요",
        "구먼",
        "더라",
        "더군",
        "더라고",
        "더라구",
        "더라고요",
        "더라구요",
        "거든요",
        "다니",
        "ᆯ게",
        "을게",
        "ᆯ게요",
        "을게요",
        "ᆫ다고",
    ]
)
"""Endings that state, report, exclaim or promise."""
INTONATION_ENDINGS = frozenset(
    [
        "어",
        "아",
        "여",
        "어요",
        "아요",
        "여요",
        "지",
        "죠",
        "지요",
        "래",
        "ᆯ래",
        "을래",
        "야",
        "이야",
        "예요",
        "에요",
        "거든",
        "데",
        "ᆫ데",
        "는데",
        "게요",
        "ᆯ걸",
        "을걸",
        "려고",
        "려구",
        "ᆯ려고",
        "ᆯ려구",
    ]
)
"""Endings that ask, state or tell depending on intonation alone (먹어? / 먹어. / 먹어!)."""

SENTENCE_TYPES: tuple[tuple[str, frozenset[str]], ...] = (
    ("question", QUESTION_ENDINGS),
    ("proposal", PROPOSAL_ENDINGS),
    ("command", COMMAND_ENDINGS),
    ("statement", STATEMENT_ENDINGS),
    ("by-intonation", INTONATION_ENDINGS),
)
"""Each type and its endings, looked up in this order."""

PROHIBITIVE = frozenset({"말/VX", "말/VV", "마/IC"})
"""말다 in 하지 마 / 먹지 마세요 / 그러지 말아요: an order not to, whatever its ending (a bare 마
analysed alone is read as an interjection)."""
BENEFACTIVE = frozenset({"주/VX", "달/VX"})
"""Auxiliaries of asking a favour (알려줘, 확인해주세요, 알려다오)."""
GIVE_VERBS = frozenset({"주/VV", "달/VV", "드리/VV"})
"""The same verbs written as their own word after an 어/아 form (알려 줘, 찾아 드려)."""
LINKING_FORMS = frozenset({"어", "아", "여"})
"""The ending before a 주다 written apart (알려 줘: 알리 + 어)."""
EMBEDDED_QUESTION_ENDINGS = frozenset(["는지", "ᆫ지", "은지", "ᆯ지", "을지", "던지"])
"""Connective endings of a question inside a sentence (언제 오는지 알려 줘)."""
WH_WORDS = (
    "뭐",
    "무엇",
    "무슨",
    "어디",
    "누가",
    "누구",
    "언제",
    "왜",
    "어떻게",
    "어떡",
    "어째",
    "얼마",
    "몇",
    "어느",
    "어떤",
)
"""Beginnings of question words (뭐야, 어디서, 누구랑, 얼마나, 몇 시)."""


def sentence_type(last_word: Sequence[str]) -> str:
    """The type of a sentence from its last word's ``form/TAG`` morphemes: ``question``,
    ``proposal``, ``command``, ``statement``, ``by-intonation``, ``connective`` (it stops on a
    connecting ending: 가는데, 먹고), ``other-ending``, ``stem`` (no ending), ``noun`` (a
    fragment ending on a noun) or ``other``; symbols are skipped."""
    words = [m for m in last_word if "/S" not in m]
    if not words:
        return "other"
    form, _, tag = words[-1].rpartition("/")
    if tag.startswith("V"):
        return "stem"
    if words[-1] in PROHIBITIVE:
        return "command"
    if not tag.startswith("E"):
        return "noun" if tag.startswith("N") else "other"
    if PROHIBITIVE & set(words[-3:]):
        return "command"
    for name, endings in SENTENCE_TYPES:
        if form in endings:
            return name
    return "connective" if tag == "EC" else "other-ending"


def sentence_cues(words: Sequence[str], morphemes: Iterable[str]) -> list[str]:
    """Cues of the act besides the final ending: ``wh`` (a question word), ``embedded-question``
    (언제 오는지), ``favour`` (a 주다 / 달다 auxiliary: 알려 줘), from the sentence's
    whitespace ``words`` and all its ``form/TAG`` ``morphemes``.

    >>> sentence_cues(["언제", "오는지", "알려줘"],
    ...     ["언제/MAG", "오/VV", "는지/EC", "알리/VV", "어/EC", "주/VX", "어/EF"])
    ['wh', 'embedded-question', 'favour']
    """
    cues = []
    if any(w.startswith(WH_WORDS) for w in words):
        cues.append("wh")
    morphs = list(morphemes)
    if any(m.endswith("/EC") and m.rpartition("/")[0] in EMBEDDED_QUESTION_ENDINGS for m in morphs):
        cues.append("embedded-question")
    if any(
        m in BENEFACTIVE
        or (m in GIVE_VERBS and i > 0 and morphs[i - 1].partition("/")[0] in LINKING_FORMS)
        for i, m in enumerate(morphs)
    ):
        cues.append("favour")
    return cues
