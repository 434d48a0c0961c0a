"""Values the user labels: ``제목은 X``, ``내용: X``, ``이름 X``, ``성함이 X예요``, ``X라는 메모``,
with the words that label each parameter (its short label, its name, their synonyms) and the
runs of its label's words (``받는 사람``) that tell two parameters sharing a word apart; and
names said with what they name: ``X 이름으로`` (the name a thing is done in) and ``X 장례식장``
for a 장례식장 이름."""

from __future__ import annotations

import re

from kodial.tools.arguments.params import SYNONYMS, param_kind, param_label, per_param
from kodial.tools.arguments.people import SURNAMES, is_person_name, is_relation
from kodial.tools.schema import ParamSpec, ToolSpec
from kodial.tools.text import (
    NumberMention,
    chunks,
    content_words,
    rx,
    split_identifier,
    strip_ending,
    tokens,
)

_COPULA_TAIL = (
    r"(?=\s*(?:이고|이구|고|이야|야|이에요|예요|이요|요|입니다|이며|라고|이라고|으로|로|이렇게|처럼|"
    r",|\.|!|$|\n|이랑|랑|하고))"
)


_SUBJECT_OF_COPULA = re.compile(
    r"([^\s,.!?]+?(?:\s+[^\s,.!?]+){0,2}?)(?:\s*(?:님|씨))?"
    r"(?:이에요|예요|이세요|세요|이야|야|입니다|이고요|고요|이고|이구|고|이요|요)(?![가-힣])"
)
_NOUN_TAGS = ("NN", "SL", "SN", "SH", "W_")
_NEXT_TOPIC = re.compile(r"(?<=[가-힣])(?:이고|고|이구|구|이며|며|인데)\s+(?=[가-힣]+(?:은|는)\s)")
_SELF = re.compile(
    r"(?:제가|저는|저요|저예요|저에요|접니다|저입니다|전|저|내가|나는|나야|나|본인이|본인)(?![가-힣])"
    r"|제\s|아마\s"
)
_NAMING = frozenset({"NNP", "NNG", "NNB", "NR", "MM", "XPN", "XSN", "SL", "SN", "SH", "W_SERIAL"})
"""Tags of the words a name is written in (a team's name, not 아직 없어요)."""
_CLAUSE_JOINT = re.compile(r"(?<=[가-힣])(?:이고|이구|이며)\s+(?=\S)")
_ANY_OF_THE_KIND = re.compile(r"\s*(?:들|중|아무|마다|같은|쪽|근처|[은는]\s*아무)")
_IN_THE_NAME_OF = re.compile(r"([가-힣]{2,4})\s*(?:님\s*)?(?:이름으로|명의로)(?![가-힣])")


def in_the_name_of(text: str) -> tuple[int, int] | None:
    """``박서연 이름으로`` / ``김하늘 명의로`` -> span of the name the thing is done in."""
    m = _IN_THE_NAME_OF.search(text)
    if m is None or is_relation(m.group(1)):
        return None  # (not 엄마 이름으로, 남편 명의로: whose, not a name)
    name = m.group(1)
    if not (any(t.tag == "NNP" for t in tokens(name)) or (len(name) >= 3 and name[0] in SURNAMES)):
        return None  # (not 회사 이름으로, 가게 이름으로: a common noun)
    return m.span(1)


_KIND_NAMED = re.compile(r"([가-힣]{2,})(?:\s*(?:이름|명칭)|명(?![가-힣]))")
_KINDS_OF = {
    "병원": (
        "정형외과|성형외과|신경외과|흉부외과|외과|내과|치과|안과|피부과|소아청소년과|소아과"
        "|이비인후과|산부인과|비뇨기과|비뇨의학과|정신건강의학과|재활의학과|가정의학과|한의원"
        "|의원|병원|클리닉"
    ),
    "지점": "지점|점",
    "매장": "매장|지점|점",
}
"""The kinds a kind of place comes in, which its names end with (연세정형외과 is a 병원,
용산점 a 지점)."""
_NOT_A_NAME = frozenset(
    {
        "동네",
        "근처",
        "대학",
        "종합",
        "개인",
        "전문",
        "동물",
        "요양",
        "한방",
        "편의",
        "백화",
        "가까운",
    }
)
"""Words before a kind that say which sort, not which one (대학병원, 동네의원)."""


def name_with_its_kind(text: str, p: ParamSpec) -> tuple[int, int] | None:
    """``서울성모병원 장례식장인데`` for a 장례식장 이름, ``수원 골목 여름축제에서`` for a 축제
    이름: a name said with the kind of thing the parameter names, whole (the nouns written
    before the kind, one of them a proper noun)."""
    kind = _KIND_NAMED.search(p.description)
    if kind is None:
        return None
    sorts = _KINDS_OF.get(kind.group(1))
    if sorts:  # "연세본정형외과고": one word, a name before one of the kind's sorts
        tail = rf"(?={_COPULA_TAIL[3:-1]}|에서|에|\s)"
        for m in re.finditer(rf"(?<![가-힣])([가-힣]{{2,8}}?)({sorts}){tail}", text):
            if m.group(1) not in _NOT_A_NAME and not re.fullmatch(sorts, m.group(0)):
                return m.span()
    for m in rx(rf"((?:[가-힣A-Za-z0-9]+ ){{0,3}}[가-힣A-Za-z0-9]*){kind.group(1)}").finditer(text):
        if _ANY_OF_THE_KIND.match(text, m.end()):
            continue  # "제주도 호텔 아무 데나", "서울 시내 호텔 중에": any of the kind
        words = m.group(1).split(" ")
        head = words.pop()  # the word the kind is written in (여름 of 여름축제), if any
        if head and not all(t.tag.startswith(_NOUN_TAGS) for t in tokens(head)):
            continue
        kept: list[str] = []
        for w in reversed(words):
            if not w or not all(t.tag.startswith(_NOUN_TAGS) for t in tokens(w)):
                break
            kept.insert(0, w)
        said = [*kept, head]
        if any(t.tag in ("NNP", "SL") for w in said if w for t in tokens(w)):
            return (m.end() - len(" ".join(said)) - len(kind.group(1)), m.end())
    return None


def label_keys(p: ParamSpec) -> list[str]:
    """Words that label a value of ``p`` in a message: its short label's words, its name's
    words, and their synonyms (제목, 이름/성함, 내용 ...)."""
    return list(_label_words(p))


@per_param
def _label_words(p: ParamSpec) -> tuple[str, ...]:
    keys = [w.lower() for w in re.findall(r"[가-힣A-Za-z]+", param_label(p)) if len(w) > 1]
    keys += [w for w in split_identifier(p.name) if len(w) > 2 and w not in ("new", "the")]
    label = re.findall(r"[가-힣]+", param_label(p))
    if len(label) >= 2 and label[-1] == "이름":
        keys.append(label[-2] + "명")  # 팀 이름 said 팀명 (상품명, 업체명)
    if is_person_name(p) and "명의자" in keys:
        keys.append("명의")  # "명의는 오세린이고" for 명의자 이름
    for group in SYNONYMS:
        if any(k in group for k in keys):
            keys.extend(group)
    return tuple(dict.fromkeys(keys))


@per_param
def label_phrases(p: ParamSpec) -> tuple[str, ...]:
    """Runs of two or more words of the parameter's label, as written and without spaces
    (받는 사람 이름 -> 받는 사람 이름, 받는 사람, 사람 이름, 받는사람 ...), longest first."""
    words = re.findall(r"[가-힣A-Za-z]+", param_label(p).lower())
    out: list[str] = []
    for n in range(len(words), 1, -1):
        for i in range(len(words) - n + 1):
            out += [" ".join(words[i : i + n]), "".join(words[i : i + n])]
    if "분" in words:  # (받는 분 is 받는 사람 said politely)
        out += [
            " ".join("사람" if w == "분" else w for w in ph.split(" "))
            for ph in out
            if "분" in ph.split(" ")
        ]
    return tuple(dict.fromkeys(out))


def said_label_length(p: ParamSpec, text: str) -> int:
    """Length of the longest run of the label's words said as a label in ``text`` (받는 사람은
    X, 받는사람: X); 0 when none is."""
    low = text.lower()
    said = [
        len(ph)
        for ph in label_phrases(p)
        if rx(rf"{re.escape(ph)}\s*(?:은|는|에는|엔|[:：=]|[이가](?=\s))").search(low)
    ]
    return max(said, default=0)


def described_label_said(p: ParamSpec, text: str, others: str = "") -> bool:
    """Whether a word of ``p``'s own description is said as a label ("이름은 X" for 출원인 이름,
    not for 상표명, which takes 이름 only as a synonym of its name's "name"); not when the word
    before it is of another parameter's description (``others``: "상표 이름은 X" is 상표명's)."""
    for w in {w for w in re.findall(r"[가-힣]{2,}", p.description)}:
        for m in rx(rf"(?<![가-힣]){re.escape(w)}\s*(?:은|는|[:：])").finditer(text):
            before = re.findall(r"[가-힣]{2,}", text[: m.start()])[-1:]
            if not (before and before[0] in others and before[0] not in p.description):
                return True
    return False


def labelled(text: str, keys: list[str], head: str, kind: str) -> tuple[int, int] | None:
    """``제목은 X``, ``제목: X``, ``내용에는 X``, ``이름 X`` (a bare space only after the
    parameter's head noun and before a noun) -> span of X."""
    for k in sorted(keys, key=len, reverse=True):
        if len(k) < 2 and not re.match(r"[가-힣]", k):
            continue
        for m in rx(
            rf"{re.escape(k)}\s*(?:은|는|이|가|을|를|에는|엔)?\s*[:：=]?\s*", re.IGNORECASE
        ).finditer(text):
            sep = text[m.start() + len(k) : m.end()]
            rest = text[m.end() :]
            if not rest.strip() or (m.start() > 0 and re.match(r"[A-Za-z]", text[m.start() - 1])):
                continue
            if ":" in sep or "：" in sep or "=" in sep:
                end = re.search(r"\s+-\s*\S+\s*[:：]|\n|\s+[가-힣]{1,4}\s*[:：]|\)|$", rest)
                value = rest[: end.start() if end else len(rest)].strip()
                if value:
                    s = m.end() + rest.index(value[0])
                    return (s, s + len(value))
                continue
            particle = sep.strip()
            if not particle:
                if k.lower() != head or kind == "text":
                    continue
                nxt = next((t for t in tokens(text) if t.start >= m.end()), None)
                if nxt is None or nxt.tag not in ("NNP", "NNG", "SL", "SN", "SH", "W_SERIAL"):
                    continue
                word = re.match(r"\S+", rest)
                if word:  # "이름 하람 이메일 ...": one word after a bare label
                    inner = strip_ending(word.group(0))
                    return (m.end(), m.end() + len(inner))
            elif particle in ("이", "가"):
                # "고인 성함이 김정수 님이에요": the subject of a copula is its value
                said = _SUBJECT_OF_COPULA.match(rest)
                if (
                    said
                    and not is_relation(said.group(1))  # "보호자가 아빠예요": who, not a name
                    and all(t.tag.startswith(_NOUN_TAGS) for t in tokens(said.group(1)))
                ):
                    return (m.end(), m.end() + len(said.group(1)))
                continue
            elif particle not in ("은", "는", "에는", "엔"):
                continue
            quoted = re.match(r"\s*['\"‘“](.+?)['\"’”]", rest)
            if quoted:  # "메시지는 '생일 축하해'로": the words in the quotes
                return (m.end() + quoted.start(1), m.end() + quoted.end(1))
            if kind == "text":
                stop = re.search(
                    r"\s*(?:이렇게|이라고|라고|으로\s*(?:해|설정|저장)|로\s*(?:해|설정|저장)|"
                    r"(?:을|를)?\s*(?:추가|저장|등록|작성|써|보내|남겨)|\n|$)",
                    rest,
                )
                value = rest[: stop.start() if stop else len(rest)].strip()
                if value:
                    s = m.end() + rest.index(value[0])
                    return (s, s + len(value))
                continue
            val = re.match(r"[^\s,.!?]+(?:\s+[^\s,.!?]+){0,5}?" + _COPULA_TAIL, rest)
            if val and val.group(0).strip():
                s = m.end()
                # "정다은이고 주소는 ...": the clause ends where the next topic is said
                if _SELF.match(val.group(0)):
                    continue  # "운전은 제가 해요": who, not a name
                joint = _NEXT_TOPIC.search(val.group(0))
                # "명의는 오세린이고 010-...": the copula joining a next clause ends the value
                clause = _CLAUSE_JOINT.search(val.group(0)) if kind != "text" else None
                before = val.group(0)[: clause.start()] if clause else ""
                # (only after a name or a noun: "방이 셋이고 ..." says a clause of its own)
                if (
                    clause
                    and len(before.strip()) >= 2
                    and all(t.tag in _NAMING for t in tokens(before))
                ):
                    joint = joint if joint and joint.start() < clause.start() else clause
                e = s + (joint.start() if joint else len(val.group(0).rstrip()))
                inner = strip_ending(text[s:e])
                return (s, s + len(inner))
    return None


def named_by(text: str, keys: list[str]) -> tuple[int, int] | None:
    """``X라는 메모``, ``X이라는 앨범``, ``'X'로 메모`` -> span of X."""
    for k in keys:
        span = _before_marker(text, rx(rf"(?:이라는|라는|이란|란)\s*{re.escape(k)}"))
        if span:
            start = span[0]
            head = text[start : span[1]]
            quoted = re.search(r"['\"‘“]([^'\"’”]+)['\"’”]\s*$", head)
            if quoted:
                return (start + quoted.start(1), start + quoted.end(1))
            cs = [c for c in chunks(head)]
            if cs:
                last = cs[-1]
                # a run of chunks ending right before 라는 (road trip, 여행 준비물)
                first = last
                for c in reversed(cs[:-1]):
                    if head[c.end : first.start].strip() == "":
                        first = c
                    else:
                        break
                return (start + first.start, start + last.end)
    return None


def _before_marker(text: str, marker: re.Pattern[str]) -> tuple[int, int] | None:
    """The span of the line before the first ``marker`` that has words before it, less the
    spaces before the marker. (A lazy ``(.+?)\\s*`` before the marker read the same span in
    time cubic in a message's run of spaces.)"""
    for m in marker.finditer(text):
        end = m.start()
        while end > 0 and text[end - 1].isspace():
            end -= 1
        start = text.rfind("\n", 0, end) + 1
        if end > start:
            return (start, end)
    return None


_WORD_AND_PARTICLE = re.compile(r"([가-힣]+?)(?:에서|에|은|는|이|가|의|으로|로)\s+")


def without_other_params_word(left: str, tool: ToolSpec, asked: ParamSpec) -> str:
    """What is left of an answer without the word of another parameter said first with its
    particle: "달빛검객" of "서버에 달빛검객" once the server (벨로나) was read."""
    m = _WORD_AND_PARTICLE.match(left)
    if m is None or m.end() >= len(left):
        return left
    others = {
        w for q in tool.params if q is not asked for w in content_words(q.description) if len(w) > 1
    }
    return left[m.end() :] if m.group(1) in others else left


def labelled_answer(
    tool: ToolSpec, text: str, asked: set[str]
) -> tuple[ParamSpec, tuple[int, int]] | None:
    """The one string asked for, answered as its label and one or two words ("팀명 새벽세시",
    "팀 이름은 새벽세시요"): the words are the value whole, even where a date or time could be
    read in them (세시)."""
    strings = [p for p in tool.params if p.name in asked and param_kind(p) == "string"]
    if len(strings) != 1:
        return None
    p = strings[0]
    for k in sorted({*label_phrases(p), *label_keys(p)}, key=len, reverse=True):
        m = rx(rf"\s*{re.escape(k)}\s*(?:은|는|[:：])?\s+(\S+(?:\s\S+)?)\s*$", re.IGNORECASE).match(
            text
        )
        if (
            m
            and re.match(r"[가-힣A-Za-z]", m.group(1))
            and not re.search(r"\d", m.group(1))  # ("이름은 X이고 010-...": the phone is read)
        ):
            value = strip_ending(m.group(1))
            if value and all(t.tag in _NAMING for t in tokens(value)):
                return p, (m.start(1), m.start(1) + len(value))
    return None


_TOPIC_BEFORE = re.compile(r"(?<![가-힣])([가-힣]{2,}?)(?:은|는)\s*$")
"""The word said right before a number as its topic ("통장은 7년")."""


def named_by_another(
    text: str, n: NumberMention, p: ParamSpec, tool: ToolSpec, asked: set[str]
) -> bool:
    """Whether the word said before ``n`` as its topic ("통장은 7년", answering how long the
    account is) is a word of the description of another parameter, the one asked, and of none
    of ``p``'s."""
    if p.name in asked:
        return False
    label = _TOPIC_BEFORE.search(text[max(0, n.start - 12) : n.start])
    if label is None:
        return False
    word = label.group(1)
    if any(word in w for w in re.findall(r"[가-힣]{2,}", p.description)):
        return False
    return any(
        word in w
        for q in tool.params
        if q is not p and q.name in asked
        for w in re.findall(r"[가-힣]{2,}", q.description)
    )
