"""Values read by meaning with the sentence encoder: an English enum value from the Korean word
that means it (디럭스 -> deluxe, 쉬운 -> easy), and a Korean enum value from a whole answer that
says it in other words (밖에서요 -> 실외, 물이 새요 -> 누수) when the assistant asked for it."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Collection, Sequence
from typing import Any

import numpy as np

from kodial.tools.arguments.choices import glosses
from kodial.tools.arguments.message import turned_down
from kodial.tools.arguments.params import enum_options, words_of
from kodial.tools.arguments.results import Filling, Found
from kodial.tools.schema import ParamSpec
from kodial.tools.text import content_words, message_text, tokens

Encode = Callable[[Sequence[str]], np.ndarray]
"""Texts -> unit vectors (:meth:`kodial.encoders.Encoder.encode`)."""

ENUM_MEANING_MIN = 0.45
"""Least cosine between a user's word and an allowed value it is read as (:func:`enum_by_meaning`)."""
ENUM_MEANING_LEAD = 0.15
"""How far that value must lead the next allowed value for the same word."""
ENUM_PREDICATE_MIN = 0.75
"""Least cosine for an adjective or a verb (쉽다 -> easy 0.92; 하다, 주다 reach 0.64 with
values they do not mean)."""
ENUM_PREDICATE_LEAD = 0.25
"""How far a predicate's value must lead the next one."""
ENUM_ADNOMINAL_MIN = 0.6
"""Least cosine for an adjective said before a noun (무서운 -> horror 0.65, 큰 -> large 0.91):
the form that describes a thing means its value more plainly than the dictionary form."""


def enum_by_meaning(
    p: ParamSpec, text: str, encode: Encode, others: frozenset[str] = frozenset()
) -> tuple[Any, str] | None:
    """The allowed value a word of ``text`` means when the values are Latin identifiers
    the user does not type (``deluxe`` for 디럭스, ``bank_transfer`` for 계좌이체, ``heat``
    for 난방): the multilingual encoder's cosine between each noun (or pair of adjacent nouns)
    and each value, the best over :data:`ENUM_MEANING_MIN` and :data:`ENUM_MEANING_LEAD`
    ahead of the value next to it, with the word; None when no word means one value clearly. Words in
    ``others`` (what the tool's other parameters are about: 주소 of an address-history flag)
    are not read. Values written in Hangul, or glossed in Korean by the description
    (``indoor=실내``), are matched by their words only (:func:`enum_mentions`)."""
    options = enum_options(p)
    if len(options) < 2 or not all(
        isinstance(o, str) and re.fullmatch(r"[A-Za-z][A-Za-z0-9_ -]*", o) for o in options
    ):
        return None
    if any(glosses(p, o, notes=False) for o in options):
        # the app says its values in Korean (indoor=실내): those words decide (words the
        # tool's description gives for them are read too, and meaning still decides the rest)
        return None
    toks = tokens(text)
    nouns = [t for t in toks if t.tag in ("NNG", "NNP", "SL", "XR")]
    nouns = [t for t in nouns if t.form.lower() not in others and not turned_down(text, t.end)]
    words = [t.form for t in nouns if len(t.form) > 1]
    words += [text[a.start : b.end] for a, b in itertools.pairwise(nouns) if b.start - a.end <= 1]
    words = [w for w in dict.fromkeys(words) if w.lower() not in {str(o).lower() for o in options}]
    # a quality said by an adjective or a verb, in its dictionary form (쉬운 코스 -> 쉽다 for
    # easy, 넓은 방 -> 넓다 for large); the encoder relates any verb loosely to many values
    # (하다, 주다 ~ express), so a predicate must mean its value far more clearly than a noun;
    # the adjective as said before a noun (큰, 작은) means its value more clearly to the
    # encoder than its dictionary form (큰 -> large 0.91, 크다 0.66); none said negated
    # (쉽지 않은, 안 넓은)
    plain = [i for i, t in enumerate(toks) if not (i and toks[i - 1].form in ("안", "못"))]
    predicates = [
        toks[i].form + "다"
        for i in plain
        if toks[i].tag in ("VV", "VA")
        and not re.match(r"\s*지\s*(?:않|못|말)", text[toks[i].end :])
    ]
    adnominals = [
        text[toks[i].start : toks[i + 1].end]
        for i in plain
        if i + 1 < len(toks) and toks[i].tag == "VA" and toks[i + 1].tag == "ETM"
    ]
    # each word said with the cosine and lead its kind needs, nouns first
    bars: dict[str, tuple[float, float]] = {}
    for group, bar in (
        (words, (ENUM_MEANING_MIN, ENUM_MEANING_LEAD)),
        (predicates, (ENUM_PREDICATE_MIN, ENUM_PREDICATE_LEAD)),
        (adnominals, (ENUM_ADNOMINAL_MIN, ENUM_PREDICATE_LEAD)),
    ):
        for w in group:
            bars.setdefault(w, bar)
    if not bars:
        return None
    labels = [re.sub(r"[_-]+", " ", str(o)) for o in options]
    said = list(bars)
    vectors = encode(said + labels)
    sims = vectors[: len(said)] @ vectors[len(said) :].T
    clear: list[tuple[float, Any, str]] = []
    for word, row in zip(said, sims, strict=True):
        order = sorted(range(len(options)), key=lambda k: -row[k])
        top, second = float(row[order[0]]), float(row[order[1]])
        least, lead = bars[word]
        if top >= least and top - second >= lead:
            clear.append((top, options[order[0]], word))
    # a compound that means a value clearly is read whole: 계좌이체 is a bank transfer, whatever
    # its part 이체 alone is nearest to
    clear = [c for c in clear if not any(c[2] != o[2] and c[2] in o[2] for o in clear)]
    best = max(clear, key=lambda c: c[0], default=None)
    return (best[1], best[2]) if best else None


def enums_by_meaning(
    filling: Filling,
    messages: list[dict[str, Any]],
    user_idx: list[int],
    last_tool: int,
    encode: Encode,
    asked: Collection[str] = (),
) -> None:
    """Enums still open, read by meaning (:func:`enum_by_meaning`) from the user's messages
    since the last tool result, newest first; the word that gave one is taken out of a string
    read from the same answer ("최유나, 계좌이체요": the name is 최유나). An enum of Korean
    values the assistant just asked about is read from the whole answer
    (:func:`answer_by_meaning`)."""
    tool = filling.tool
    open_enums = [p for p in tool.params if p.enum and p.name not in filling.found]
    if not open_enums:
        return
    latest = message_text(messages[user_idx[-1]]) if user_idx else ""
    for p in [q for q in open_enums if q.name in asked]:
        meant = answer_by_meaning(p, latest, encode)
        if meant is not None:
            filling.found[p.name] = Found(meant[0], "answer", meant[1], strong=False)
    open_enums = [p for p in open_enums if p.name not in filling.found]
    words = {q.name: set(content_words(words_of(q))) for q in tool.params}
    # a word that is another parameter's value (강남역, the destination) says nothing of this
    # one (a subway): only the words no value took are read
    values = {
        w.lower()
        for f in filling.found.values()
        if isinstance(f.value, str)
        for w in (f.value, *f.value.split())
    }
    for p in open_enums:
        others = frozenset(w for name, ws in words.items() if name != p.name for w in ws)
        others |= values
        for rank, i in enumerate(reversed(user_idx)):
            if i < last_tool and rank > 0:
                break
            meant = enum_by_meaning(p, message_text(messages[i]), encode, others)
            if meant is None:
                continue
            source = "message" if rank == 0 else "history"
            filling.found[p.name] = Found(meant[0], source, meant[1], strong=False)
            said = rf"[가-힣]*{re.escape(meant[1])}[가-힣]*"
            for k, other in list(filling.found.items()):
                if k != p.name and isinstance(other.value, str) and meant[1] in other.value:
                    rest = re.sub(said, " ", other.value).strip(" ,./")
                    if rest:
                        filling.found[k] = Found(rest, other.source, rest, other.strong)
            break


ANSWER_MEANING_MIN = 0.5
"""Least cosine between a whole answer and the Korean value it says in other words
(밖에서 -> 실외 0.78, 큰 차로 -> 대형 0.63; 작은 차 reaches 대형 only at 0.35)."""
ANSWER_MEANING_LEAD = 0.25
"""How far that value must lead the next one."""
_ANSWER_WORDS = 5
"""Longest answer (in words) read whole this way: a longer message is a sentence, not an answer."""


def answer_by_meaning(p: ParamSpec, text: str, encode: Encode) -> tuple[Any, str] | None:
    """The Korean allowed value a short answer says in other words ("밖에서 할게요" -> 실외),
    for a parameter the assistant just asked about; None unless one value is clearly meant.
    Values written in Latin letters are read word by word (:func:`enum_by_meaning`)."""
    options = enum_options(p)
    said = text.strip()
    if (
        len(options) < 2
        or not said
        or len(said.split()) > _ANSWER_WORDS
        # Korean values, with an acronym or two among them (경차, 소형, SUV)
        or not all(isinstance(o, str) and re.search(r"[가-힣]|^[A-Z0-9]{2,5}$", o) for o in options)
        or sum(bool(re.search(r"[가-힣]", str(o))) for o in options) * 2 < len(options)
    ):
        return None
    if any(turned_down(said, m.end()) for m in re.finditer(r"\S+", said)):
        return None  # "대형은 너무 비싸요" turns a value down; it chooses none
    vectors = encode([said, *map(str, options)])
    row = vectors[0] @ vectors[1:].T
    order = np.argsort(-row)
    top, second = float(row[order[0]]), float(row[order[1]])
    if top >= ANSWER_MEANING_MIN and top - second >= ANSWER_MEANING_LEAD:
        return options[int(order[0])], said
    return None
