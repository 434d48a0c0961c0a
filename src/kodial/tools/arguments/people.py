"""People: a parameter that holds a person's name, and words that say how someone is related
to the speaker (엄마, 동생, 남편), which are who the person is, not their name."""

from __future__ import annotations

import re
from collections.abc import Callable

from kodial.tools.acts import tool_act
from kodial.tools.arguments.params import param_head
from kodial.tools.schema import ParamSpec, ToolSpec
from kodial.tools.text import Token, tokens

RELATION_WORDS = frozenset(
    {
        "엄마",
        "어머니",
        "어머님",
        "아빠",
        "아버지",
        "아버님",
        "부모님",
        "할머니",
        "할아버지",
        "외할머니",
        "외할아버지",
        "동생",
        "남동생",
        "여동생",
        "형",
        "누나",
        "언니",
        "오빠",
        "남편",
        "아내",
        "와이프",
        "신랑",
        "아들",
        "딸",
        "애들",
        "아이",
        "아이들",
        "애",
        "자녀",
        "시어머니",
        "시아버지",
        "장모님",
        "장인어른",
        "삼촌",
        "이모",
        "고모",
        "친구",
        "친구들",
        "가족",
        "가족들",
        "식구",
        "식구들",
        "동료",
        "조카",
        "사촌",
        "손자",
        "손녀",
        "며느리",
        "사위",
        "외삼촌",
        "숙모",
        "형부",
        "처제",
        "남친",
        "여친",
        "남자친구",
        "여자친구",
        "선배",
        "후배",
    }
)
"""How someone is related to the speaker: who the person is, never the person's name."""

_PERSON_WORDS = (
    "분",
    "사람",
    "성함",
    "학생",
    "어르신",
    "참가자",
    "예약자",
    "신청자",
    "수신자",
    "수령인",
    "환자",
    "고객",
    "회원",
    "트레이너",
    "강사",
    "선생님",
    "보호자",
    "탑승객",
    "승객",
    "손님",
    "접종자",
    "수강생",
    "자녀",
    "디자이너",
    "담당자",
    "명의자",
    "운전자",
    "상담사",
    "코치",
    "의사",
    "프로",
    "원장",
    "셰프",
    "고인",
    "조문객",
    "방문객",
    "관람객",
    "보낸이",
    "보내는이",
    "작성자",
    "주문자",
    "대표자",
    "보증인",
    "신청인",
    "선수",
    "탑승자",
    "동반자",
    "이용자",
    "구매자",
    "가입자",
    "응시자",
    "지원자",
    "투숙객",
    "임차인",
    "세입자",
    "아이",
    "아기",
    "반려인",
    "견주",
)
"""Words of a description that say its name is a person's (받는 분 이름, 학생 이름)."""

_SAID_TO = re.compile(r"(?:님|께서|께|한테|에게|이가|가|이|은|는)$")


def is_person_name(p: ParamSpec) -> bool:
    """Whether ``p`` holds a person's name: a name (이름, 성함) of a person by its description's
    words (받는 분 이름, 어르신 성함, 학생 이름; not 프로필 이름 or 약 이름)."""
    if p.type != "string" or p.enum:
        return False
    head = param_head(p)
    if head == "성함":
        return True
    return head in ("이름", "name") and any(w in p.description for w in _PERSON_WORDS)


_PERSON_NAME_SHAPE = re.compile(r"[가-힣]{2,4}|[A-Za-z][A-Za-z.' -]{1,30}")


def looks_like_person_name(value: object) -> bool:
    """Whether ``value`` is shaped like a person's name (정민호, Yuki Tanaka), unlike a place's
    (동작구보건소): what a listed item's ``name`` must be to fill a person's name."""
    return isinstance(value, str) and _PERSON_NAME_SHAPE.fullmatch(value.strip()) is not None


def is_relation(value: object) -> bool:
    """Whether ``value`` only says how someone is related to the speaker ("엄마", "어머니께",
    "우리 동생"), which is not the person's name."""
    if not isinstance(value, str):
        return False
    if _WHO_NOT_NAMED.match(value.strip()):
        return True  # "혼자고요", "본인이에요": who or how many, not a name
    words = value.strip(" .,!?").split()
    if words and words[0] in ("우리", "저희", "제", "내"):
        words = words[1:]
    if len(words) != 1:
        return False
    word = words[0]
    return word in RELATION_WORDS or _SAID_TO.sub("", word) in RELATION_WORDS


SURNAMES = frozenset(
    "김이박최정강조윤장임한오서신권황안송류유전홍고문양손배백허남심노하곽성차주우구민나진지엄"
    "채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예봉경사부가"
    "복태목형피두감음빈동온호범좌팽승간상갈시"
)
"""Korean surnames (one syllable), for telling a full name from a common noun."""


_WHO_NOT_NAMED = re.compile(r"(?:혼자|둘이|셋이|넷이|본인|처음)(?:고요|이고|이에요|예요|요|$)")


def not_a_name(value: object) -> bool:
    """Whether ``value``, read for a person's name, is common nouns instead ("등급", "메시지",
    "박스", "로봇코딩", "생일 케이크"): the analyser reads every part of every word as a common
    noun, and no word is a surname and a given name of three syllables (이서준, which the analyser also calls common).
    Names the analyser knows as proper nouns (김영희, 서연) and Latin names are names."""
    if not isinstance(value, str):
        return False
    if _WHO_NOT_NAMED.match(value.strip()):
        return True  # "혼자고요", "본인이에요": who or how many, not a name
    words = value.strip(" .,!?").split()
    if not words or not all(re.fullmatch(r"[가-힣]{2,6}", w) for w in words):
        return False
    for word in words:
        if len(word) == 3 and word[0] in SURNAMES:
            return False
        toks = tokens(word)
        if not toks or not all(t.tag in ("NNG", "XSN") for t in toks):
            return False
    return True


_SENDS = re.compile(r"송금|이체|보내|보냅|전송|메시지|문자|transfer|send|message", re.IGNORECASE)
"""What a tool that sends to a saved contact (a message, money) says it does."""


def sends_to_contacts(tool: ToolSpec) -> bool:
    """Whether ``tool`` sends a message or money to a saved contact, who may be saved as a
    relation (엄마) or a nickname."""
    return tool_act(tool) == "send" or bool(_SENDS.search(f"{tool.name} {tool.description}"))


_TITLE = re.compile(
    r"\s*(?:(?:실장|원장|선생|강사|디자이너|팀장|과장|부장|차장|대리|매니저|코치|교수|기사|상담사"
    r"|변호사|세무사|간호사|약사|팀원|프로|셰프)님?|쌤|님|씨)$"
)
"""A title said after a person's name (한지우 실장님, 박민수 선생님, 김태호 프로님, 지우님, 김철수 씨)."""
_NAME_THEN_CLAUSE = re.compile(r"([가-힣]{2,4}?)(?:이고|이며|이구요|이구|이고요)(?=\s)")
"""A name joined by the copula to what is said next ("정하늘이고 거기 처음 가보는 거예요")."""


def the_name_said(value: str) -> str:
    """The name in what was said for a person's name: without a title after it (한지우
    실장님 -> 한지우) or the clause the copula joins it to (정하늘이고 거기 처음 ... -> 정하늘)."""
    joined = _NAME_THEN_CLAUSE.match(value)
    if joined:
        return joined.group(1)
    bare = _TITLE.sub("", value)
    return bare if bare != value and re.fullmatch(r"[가-힣]{2,4}", bare) else value


def a_name_first(text: str, run: re.Match[str]) -> bool:
    """Whether ``run`` opens what is left of a message with a person's name before a comma or
    a full stop ("김도윤. 카드에는 ...")."""
    name = run.group(0)
    return (
        not text[: run.start()].strip()
        and text[run.end() : run.end() + 1] in (",", ".")
        and looks_like_person_name(name)
        and not not_a_name(name)
    )


_NO_NAME_JOINED = re.compile(r"저|제|우리|저희|다들|다|지우")
"""Words joined by the copula that say who, not a name (저희고요; 혼자고요 and 둘이고요 are
:func:`not_a_name`'s)."""
_NAME_THEN_MORE = re.compile(r"([가-힣]{2,4}?)(?:이고요|이구요|이고|이구|고요|구요)(?=\s|$)")


def name_joined_first(text: str, run: re.Match[str]) -> tuple[int, int] | None:
    """Where a person's name opens what is left of a message, joined by the copula to what is
    said next ("정하은이고요 메일은 ..."); None when it does not."""
    joined = _NAME_THEN_MORE.match(run.group(0))
    if joined is None or text[: run.start()].strip():
        return None
    name = joined.group(1)
    if not looks_like_person_name(name) or not_a_name(name) or _NO_NAME_JOINED.fullmatch(name):
        return None
    return run.start(), run.start() + len(name)


_NAME_OPENING = re.compile(
    r"(?:^|(?<=[.!?~])\s*)([가-힣]{3})(?=\s*,)"
    # said as a clause of its own with the copula, after another clause or a relative one
    # ("두 명이고 정유진이요", "전북대 다니는 서하은이고")
    # (or after a value another reader took, masked: "두 명이고" read as a count)
    r"|(?:^\s*|(?<=[.!?~,])\s*|(?<=[가-힣]고\s)|(?<=[가-힣]는\s)|(?<=\s\s))([가-힣]{3})"
    r"(?=(?:이요|이에요|이고|입니다|이야|이며)(?:[\s.,!?~]|$))"
)
"""A word of three syllables opening a sentence before a comma ("한지후, 등번호 27번"), or said
as a clause with the copula ("두 명이고 정유진이요")."""


def named_like_a_person(name: str) -> bool:
    """Whether a three-syllable word reads as a person's name: one proper noun where a person
    is addressed (X 씨가), not two words (안녕 + 하, 고등 + 학, 김치 + 전) before 님, and no
    place's last syllable (서울역, 박물관, 사무실)."""
    addressed = tokens(f"{name} 씨가 왔어요")
    honoured = tokens(f"{name}님")
    return (
        addressed[0].form == name
        and addressed[0].tag == "NNP"
        and not (len(honoured[0].form) == 2 and honoured[0].tag == "NNG")
        and name[-1] not in "역관실학점청"
    )


def _surname_split_off(toks: list[Token]) -> bool:
    """Whether the analyser read a name as its surname alone and the rest (윤재석 -> 윤 +
    재석, 박서준 -> 박 + 서 + 준): a name it does not know, not a word it does (김치전 -> 김치
    + 전; 고양이 is one word)."""
    return (
        len(toks) in (2, 3)
        and len(toks[0].form) == 1
        and all(t.tag in ("NNG", "NNP") for t in toks)
    )


def full_name_opening(text: str, free: Callable[[int, int], bool]) -> tuple[int, int] | None:
    """Where a full name (a surname and two syllables, a proper noun to the analyser) opens a
    sentence before a comma, as a person is introduced ("신입 등록해줘. 한지후, 등번호 27번");
    None when no such name, or more than one, is said."""
    spans = []
    for m in _NAME_OPENING.finditer(text):
        g = 1 if m.group(1) else 2
        name = m.group(g)
        toks = [t for t in tokens(text) if m.start(g) <= t.start < m.end(g)]
        # (said with the copula, a name the analyser does not know is read as its surname
        # alone and the rest: 박서준이고 -> 박 + 서 + 준; a word it knows is not: 김치전 -> 김치 + 전)
        # (in the message or on its own: the analyser reads a name by its context)
        alone = [t for t in tokens(f"{name}이고") if t.start < len(name)]
        unknown = g == 2 and (_surname_split_off(toks) or _surname_split_off(alone))
        if (
            name[0] in SURNAMES
            and (
                unknown
                or (
                    len(toks) == 1
                    and (toks[0].tag == "NNP" or g == 2)  # (서하은이고: a common noun)
                    and toks[0].end == m.end(g)
                    and named_like_a_person(name)
                )
            )
            and not is_relation(name)
            and free(*m.span(g))
        ):
            spans.append(m.span(g))
    return spans[0] if len(spans) == 1 else None


def lists_people(p: ParamSpec) -> bool:
    """Whether ``p`` is a list of people's names (탑승자 이름 목록, 참가자 명단)."""
    return (
        p.type == "array"
        and p.items_type == "string"
        and bool(re.search(r"이름|성함|명단|실명", p.description))
        and any(w in p.description for w in _PERSON_WORDS)
    )


_NAMES_JOINED = re.compile(
    r"(?<![가-힣])[가-힣]{3}(?:\s*(?:,|、|/|이랑|랑|하고|와|과)\s*[가-힣]{3})+(?![가-힣])"
)


def names_listed(text: str, free: Callable[[int, int], bool]) -> list[tuple[int, int]]:
    """The spans of full names said one after another ("김도윤, 박서하"), each a surname and
    two syllables; empty when no such run of two names or more is said."""
    for m in _NAMES_JOINED.finditer(text):
        spans = [(n.start(), n.end()) for n in re.finditer(r"[가-힣]{3}", m.group(0))]
        spans = [(m.start() + a, m.start() + b) for a, b in spans]
        names = [text[a:b] for a, b in spans]
        if all(n[0] in SURNAMES and not is_relation(n) for n in names) and all(
            free(a, b) for a, b in spans
        ):
            return spans
    return []
