"""Values said as a clause of their own: where a thing is ("지하 2층 기둥 D-07에 있어요"),
whose make it is ("LG 거고"), what it is for ("회사 제출용이에요"), and a text's payload cut
before another value said in it."""

from __future__ import annotations

import re

from kodial.tools.arguments.message import Msg
from kodial.tools.arguments.people import is_relation
from kodial.tools.text import tokens

MAKER_HEADS = frozenset({"제조사", "브랜드", "메이커", "brand", "maker", "manufacturer"})
_MADE_BY = re.compile(
    r"(?<![\w])([A-Za-z][A-Za-z&.-]*|[가-힣]{2,6})\s?(?:거|꺼|제품|제)"
    r"(?=고|예요|에요|이에요|야|요|인데|라서|$|[\s,.])"
)
"""A thing said to be one maker's ("LG 거고", "삼성 제품이에요", "다이슨 거예요")."""
WHERE_HEADS = frozenset({"위치", "장소", "자리"})
_SOMEONE_IS = re.compile(
    r"(?<![가-힣])(?:제가|저는|전|내가|나는|난|저희는|우리는|[가-힣]+(?:은|는))\s"
)
"""Who or what the clause is about, said with a topic or a subject (제가, 차 키는): where
someone or some other thing is, not the place asked for."""
_CLAUSE_JOINED = re.compile(r"[가-힣A-Za-z0-9](?:이고|고요|이구요|구요|고|인데|이며)\s+")
"""The end of a clause joined to the next (그랜저고, 아반떼인데)."""
_WHERE_IT_IS = re.compile(
    r"(?:^|(?<=[,.!?]))\s*([^,.!?]*[가-힣A-Za-z0-9])에\s*(?:있|세워|주차|대\s*놨|대\s*뒀)"
)
"""Where a thing is, said as a clause (X에 있어요, X에 세워 뒀어요)."""
_HERE_IS = re.compile(
    r"(?:^|(?<=[,.!?]))\s*(?:지금\s*)?여기(?:는)?\s+([^,.!?]*?[가-힣A-Za-z0-9])"
    r"(?:이고|이구요|이에요|예요|이요|요|입니다|인데)(?=[\s,.!?]|$)"
)
"""Where "here" is, said as a clause ("여기 평촌역 2번 출구 앞이에요")."""
_ONLY_AN_ENDING = re.compile(r"[\s,.!?~]*(?:으로|로)?(?:이요|요|예요|이에요|이고|고)?[\s,.!?~]*")


def where_it_is(msg: Msg) -> tuple[int, int] | None:
    """Where a thing is, said as a clause ("회사 지하주차장 B2 기둥 C-14에 있어요", "모닝이고
    집 앞 골목에 세워 뒀어요": after the clause joined before it); None when it is where someone
    or some other thing is ("제가 집에 있어요", "차 키는 경비실에"). The clause's 에 있어요 is
    read with it."""
    here = _HERE_IS.search(msg.masked)
    said = tokens(here.group(1)) if here else []
    if (
        here
        and msg.free(*here.span(1))
        and len(here.group(1).split()) >= 2
        and said[-1].tag in ("NNG", "NNP")
    ):
        return here.span(1)  # "여기 안양 평촌역 2번 출구 앞 공영주차장이고": where "here" is
    m = _WHERE_IT_IS.search(msg.masked)
    if m is None or _SOMEONE_IS.search(m.group(1)) or not msg.free(*m.span(1)):
        return None
    clauses = list(_CLAUSE_JOINED.finditer(m.group(1)))
    start = m.start(1) + (clauses[-1].end() if clauses else 0)
    tail = re.search(r"[,.!?]|$", msg.masked[m.end(1) :])
    msg.take(m.end(1), m.end(1) + (tail.start() if tail else 0))  # (에 있어요)
    return start, m.end(1)


def maker_said(msg: Msg) -> tuple[int, int] | None:
    """The maker a thing is said to be of ("LG 거고", "삼성 제품이에요"): a proper noun or Latin
    letters, not a verb or a common noun that describes the thing ("쓰던 거예요", "작년 거고",
    "중고 제품이에요") nor whose it is ("동생 거예요")."""
    for m in _MADE_BY.finditer(msg.masked):
        if (
            all(t.tag in ("NNP", "SL") for t in tokens(m.group(1)))
            and not is_relation(m.group(1))
            and msg.free(*m.span(1))
        ):
            return m.span(1)
    return None


PURPOSE_HEADS = frozenset({"용도", "목적", "purpose", "usage"})
_NOUNS = frozenset({"NNG", "NNP", "SL"})
_SUBMITTED = frozenset({"제출", "신청", "증빙", "확인", "발급", "등록", "보관"})
"""Acts a paper is for, said with where it goes (회사 제출용, 비자 신청용)."""


def purpose_said(msg: Msg) -> tuple[int, int] | None:
    """What a thing is for, said as a noun with 용 ("회사 제출용이에요", "선물용으로"), with the
    noun said before an act's noun (회사 제출용)."""
    toks = tokens(msg.masked)
    for i, t in enumerate(toks):
        if t.form != "용" or t.tag != "XSN" or i == 0 or toks[i - 1].tag not in _NOUNS:
            continue
        if len(toks[i - 1].form) < 2:
            continue  # "2인용이에요?": a size, not a purpose
        first = i - 1
        # "회사 제출용": where a paper goes is said with it (not 케이크 of 케이크 선물용)
        if (
            toks[first].form in _SUBMITTED
            and first > 0
            and toks[first - 1].tag in _NOUNS
            and msg.masked[toks[first - 1].end : toks[first].start] == " "
        ):
            first -= 1
        if msg.free(toks[first].start, t.end):
            return toks[first].start, t.end
    return None


def before_another_value(
    text: str, span: tuple[int, int], used: list[tuple[int, int]]
) -> tuple[int, int]:
    """``span`` up to the comma before the first value another reader took inside it."""
    inside = [(s, e) for s, e in used if span[0] < s < span[1]]
    if not inside:
        return span
    comma = text.rfind(",", span[0], min(s for s, _ in inside))
    if comma <= span[0] or not text[span[0] : comma].strip():
        return span
    rest = text[comma + 1 : span[1]]
    for s, e in inside:  # "정하윤, 한글로요": after the comma, the other value and its ending only
        rest = rest.replace(text[s:e], " ")
    if not _ONLY_AN_ENDING.fullmatch(rest):
        return span  # "수고했어, 기본이 제일 어렵더라": a word of the text, not a value
    return (span[0], span[0] + len(text[span[0] : comma].rstrip()))
