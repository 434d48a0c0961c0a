"""Whether the tool chosen for a request serves it, beyond its score: a tool under the threshold
that two independent views still name, and tools over it that the request does not ask for (a
different act on old values, a new thing the tool does not handle)."""

from __future__ import annotations

import re

from kodial.tools.acts import text_act, tool_act
from kodial.tools.arguments import Filling
from kodial.tools.arguments.people import is_person_name
from kodial.tools.choose import ToolScore, tool_words
from kodial.tools.schema import ToolSpec
from kodial.tools.text import tokens

_CORROBORATED_MARGIN = 0.15
"""How far under the threshold a tool named by two independent views may be."""
_CORROBORATED_LEAD = 0.15
"""How far that tool must lead the next one."""


def corroborated(scores: list[ToolScore], threshold: float) -> bool:
    """Whether the best tool, under the threshold, is still meant: the offline encoder sees
    little likeness between a short request and a tool description it shares few words with
    ("정기후원 하고싶은데요" / "기부금 후원 신청"), but when the request both says one of the
    tool's own words and gives one of its parameters a value by that parameter's words, the two
    views agree; it must not ask for another act, and no other tool may come close."""
    best = scores[0]
    second = scores[1].score if len(scores) > 1 else 0.0
    return (
        best.score >= threshold - _CORROBORATED_MARGIN
        and best.score - second >= _CORROBORATED_LEAD
        and best.words > 0
        and best.evidence > 0
        and best.act >= 0
    )


def other_act_on_old_values(filling: Filling, scores: list[ToolScore]) -> bool:
    """Whether the request asks for another act than ``filling``'s tool does (act -1), gives
    it no value by words that name one, and some of its values come from earlier turns."""
    score = next((s for s in scores if s.name == filling.tool.name), None)
    return (
        score is not None
        and score.act < 0
        and filling.evidence == 0
        and any(f.source in ("call", "tool_result", "history") for f in filling.found.values())
    )


def undoes_unasked(filling: Filling, scores: list[ToolScore], text: str) -> bool:
    """Whether calling ``filling``'s tool would cancel, delete or change something the request
    never asks to: the tool undoes or changes (its act), the request asks for no such act
    ("근처에 주차할 데 있어요?", "회의록 올려줄 수 있어?"), and nothing of the call comes from the
    message; only the id of what an earlier turn made would fill it."""
    if tool_act(filling.tool) not in ("delete", "modify"):
        return False
    score = next((s for s in scores if s.name == filling.tool.name), None)
    return (
        score is not None
        and score.act <= 0
        and text_act(text) not in ("delete", "modify")
        and not filling.from_message
        and bool(filling.found)
    )


_COMPOUND_TAGS = frozenset({"NNG", "NNP", "XPN", "SL", "SH", "SN"})
_NAME_TAGS = frozenset({"NNP", "SL", "SH", "SN"})


def change_it_does_not_make(text: str, tool: ToolSpec, something_made: bool) -> str | None:
    """The act ``text`` asks for (``modify`` or ``delete``) when ``tool`` does another one, once
    something was made in the conversation: "오후로 옮길 수 있어요?" with a clinic search and a
    booking offered is a change no offered tool makes, not a search or a new booking. A tool
    that does no act of the kinds may serve it, and a first request to "바꿔" is as often a
    conversion ("엔으로 바꿔줘"); None otherwise."""
    asks = text_act(text)
    if not something_made or asks not in ("modify", "delete"):
        return None
    does = tool_act(tool)
    return asks if does not in (None, asks) else None


_ID_FIELD = re.compile(r"(?:^|_)(?:id|no|number|ref|code)$|[a-z]Id$|번호$", re.IGNORECASE)


def remakes_what_was_made(text: str, tool: ToolSpec, result_fields: frozenset[str]) -> bool:
    """Whether following up a making call ("짬뽕 세 그릇 주문" ... "두 그릇으로 줄여줄 수
    있어?") would make a second thing where a change of the first is asked: the request asks
    to change or delete, the tool makes things, and the last result gave what it made an
    identifier the tool does not take. A setting made again with a new value ("볼륨 줄여줘"
    after setting it) gives no such identifier and is still the same tool."""
    if text_act(text) not in ("modify", "delete") or tool_act(tool) != "create":
        return False
    taken = {p.name for p in tool.params}
    return any(_ID_FIELD.search(f) and f not in taken for f in result_fields)


def also_phrases(text: str) -> list[tuple[int, int, str, str]]:
    """The noun compounds marked with the additive particle 도 ("주차 자리도", "커튼도"):
    (start, end, head noun, head tag) each. 'X도 해줘' asks for a further thing X."""
    toks = tokens(text)
    out = []
    for i, t in enumerate(toks):
        if t.tag != "JX" or t.form != "도" or i == 0 or toks[i - 1].end != t.start:
            continue
        head = toks[i - 1]
        if head.tag not in ("NNG", "NNP", "SL", "SH"):
            continue  # '풀기도', '으로도': a verb phrase or an adverbial, not a thing
        j = i - 1
        # the compound runs back over nouns written together or one space apart
        while j > 0 and toks[j - 1].tag in _COMPOUND_TAGS and toks[j].start - toks[j - 1].end <= 1:
            j -= 1
        # a name is a name throughout ("인셉션", "BTS"): a common noun before a name-tagged
        # head ("러닝" + "크루") makes the compound a kind of thing, not a name
        tag = head.tag if toks[j].tag in _NAME_TAGS or j == i - 1 else "NNG"
        out.append((toks[j].start, head.end, head.form.lower(), tag))
    return out


def _built_on(head: str, words: set[str]) -> bool:
    """Whether ``head`` is a compound that starts or ends with one of ``words`` (two syllables
    or more, Hangul): 반납일 with 반납, 대기열 with 대기."""
    return any(
        len(w) >= 2
        and len(head) > len(w)
        and re.fullmatch(r"[가-힣]+", w) is not None
        and (head.startswith(w) or head.endswith(w))
        for w in words
    )


_WHEN_NOUNS = frozenset(
    {"지금", "오늘", "내일", "낼", "모레", "어제", "현재", "주말", "평일", "오전", "오후"}
    | {"밤", "새벽", "낮", "매일", "올해", "내년", "작년", "나중", "이번"}
)
"""Times a 도 is said of ("지금도", "주말에도"): when, never a further thing asked for (not
the meals, 아침도 나와요? asks for breakfast)."""


def unserved_new_thing(text: str, filling: Filling) -> str | None:
    """The further thing a request adds with 도 ("박물관 주차 자리도 잡아줄 수 있어?",
    "골프채 렌탈도 되나요?") that ``filling``'s tool does not handle: its head noun is a
    common noun that is none of the tool's own words (description, parameter descriptions,
    enum values, name), and no parameter took it by words that name that parameter. A name
    ('인셉션도', 'BMR도') is a value, and what a parameter took by its own words ('내일도',
    '3만원도') is one; a common noun the tool never mentions is a thing it does not do, however
    its other words matched, and a noun guessed into a free-text slot ('주차 자리' as a museum's
    name) does not make it one. None when every such thing is served."""
    words = tool_words(filling.tool)
    strong = [
        f.text for f in filling.found.values() if f.source in ("message", "answer") and f.strong
    ]
    for start, end, head, tag in also_phrases(text):
        span = text[start:end]
        # a head made of a tool word ("반납일" of a tool that extends a 반납 기한) is its thing
        if tag in _NAME_TAGS or head in words or _built_on(span.split()[-1].lower(), words):
            continue
        if head in _WHEN_NOUNS:
            continue  # "케이블카 지금도 운행해요?": still now, no further thing
        if head in _NEWCOMERS and any(is_person_name(p) for p in filling.tool.params):
            continue  # "신입도 하나 등록해줘": the person the tool registers
        if any(s and (s in span or span in s) for s in strong):
            continue
        # the analyser may cut a word the tool names (양말도 -> 양 + 말): the whole word decides
        whole = text[text.rfind(" ", 0, start) + 1 : end].lower()
        if whole != span.lower() and (whole in words or _built_on(whole, words)):
            continue
        return span
    return None


_NEWCOMERS = frozenset({"신입", "신규", "새내기", "신입생", "신입사원", "신인", "신입회원"})
"""Words for a new person (신입도 하나 등록해줘), whom a tool taking a person's name takes."""


_ASKS_TO_DO = re.compile(
    r"(?:해|알려|찾아|보여|잡아|예약해|바꿔|취소해|봐|확인해|조회해|검색해)\s*(?:줘|주세요|줄래|주실|줄\s*수|주시겠)"
    r"|(?:할게|할래|하고\s*싶|하려|할\s*수|되나요|될까요|가능)"
)
"""Words that ask the assistant to do something (알려줘, 예약할게, 가능해?): a request, not a
question about a thing."""


_WHEN_OR_WHETHER = re.compile(r"언제|몇\s*시|시간|시각|있(?:어|나|을까|니|는지|습니까)")
"""Questions of when and whether there is (회의는 몇 시야?, 자리는 있어?): a lookup tool's own."""


def unserved_topic(text: str, filling: Filling) -> str | None:
    """The thing a question is about, said as its topic ("도로주행 시험 합격률은 보통 어느
    정도야?"), when ``filling``'s tool never mentions it and the message asks for nothing to
    be done: a fact none of the tools returns, whatever the question's other words matched.
    None when the question is about a thing the tool handles, asks when or whether there is
    one (what lookups answer: "회의는 몇 시야?", "자리는 있어?"), or asks for something."""
    if not text.rstrip().endswith("?") or _ASKS_TO_DO.search(text):
        return None
    if _WHEN_OR_WHETHER.search(text):
        return None  # "KE123 출발은 몇 시야?", "자리는 있어?": when and whether, a lookup's
    words = tool_words(filling.tool)
    strong = [
        f.text for f in filling.found.values() if f.source in ("message", "answer") and f.strong
    ]
    toks = tokens(text)
    for i, t in enumerate(toks):
        if t.tag != "JX" or t.form not in ("은", "는") or i == 0:
            continue
        head = toks[i - 1]
        if head.end != t.start:
            continue
        word = head.form.lower()
        if head.tag == "XSN" and i > 1 and toks[i - 2].tag == "NNG":
            word = toks[i - 2].form.lower() + word  # 합격 + 률
        elif head.tag != "NNG":
            continue
        if word in words or _built_on(word, words) or len(word) < 2:
            continue
        if any(s and word in s for s in strong):
            continue
        return word
    return None
