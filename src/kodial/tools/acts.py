"""What a request asks to *do* (look up, create, change, delete, send) and what a tool does, so
that between close neighbours that share every content word (a birthday search and a birthday
registration; a calendar query and a new event) the one whose action the request asks for wins.

The request's act comes from its predicates (Kiwi morphemes): a verb stem that does not modify
a noun (``보낸 물건`` describes the parcel), or an action noun used as the predicate
(``추가해줘``, ``할일에 추가``: followed by 하다 or by no other noun, so the noun in ``예약
취소해줘`` is the object, not the act). Delete beats change beats send beats create, since the
object of a change is often a creation noun (``예약 변경``). A question about what is known in
general (``보통 ...?``, ``왜 하필 ...?``, ``... 하는 사람 많아요?``) or whether one may or must do a
plain thing (``치마 입어도 돼?``) is advice, ``explain``. Without any of those, a
request to explain or a question about what something means (``설명해줘``, ``무슨 뜻이야``) is
``explain`` (knowledge, which a tool serves only when its description says it explains), and an
interrogative (언제, 몇, 얼마, 무슨 ...), a lookup verb (검색, 조회, 확인, 궁금) or a question
whether something is in a state (``등록돼 있어?``) makes it a lookup (the word lists are
:mod:`kodial.korean.request_acts`). The tool's act comes from its
name's first word (``searchFriendBirthday``, ``add_task``), else from its description the same
way as a request.

:func:`act_match` is +1 when both acts are known and equal, -1 when both are known and differ,
0 otherwise; :mod:`kodial.tools.choose` weighs it with a calibrated weight.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kodial.korean.request_acts import (
    EVERYDAY_VERBS,
    EXPLAIN_STEMS,
    LOOKUP_WORDS,
    MEANING_NOUNS,
    PREDICATE_STEMS,
)
from kodial.tools.schema import ToolSpec
from kodial.tools.text import Token, split_identifier, tokens

Act = str
"""``lookup``, ``create``, ``modify``, ``delete``, ``send`` or ``explain``."""

NAME_ACTS: dict[str, Act] = {
    **dict.fromkeys(
        ("get", "search", "query", "inform", "find", "check", "lookup", "show", "list"), "lookup"
    ),
    **dict.fromkeys(("fetch", "read", "retrieve", "calculate", "count", "convert"), "lookup"),
    **dict.fromkeys(("add", "create", "register", "set", "setup", "new", "make"), "create"),
    **dict.fromkeys(("save", "insert", "book", "schedule", "write"), "create"),
    **dict.fromkeys(("order", "place", "reserve", "request", "apply"), "create"),
    **dict.fromkeys(("track",), "lookup"),
    **dict.fromkeys(("update", "modify", "edit", "change", "rename", "extend"), "modify"),
    **dict.fromkeys(("reschedule", "postpone", "reduce", "increase"), "modify"),
    **dict.fromkeys(("delete", "remove", "cancel", "clear"), "delete"),
    **dict.fromkeys(("send", "notify"), "send"),
    **dict.fromkeys(("rent", "subscribe", "enroll", "join", "submit"), "create"),
    **dict.fromkeys(("preregister", "issue", "report"), "create"),
    **dict.fromkeys(("pause", "suspend", "resume", "renew"), "modify"),
    **dict.fromkeys(("terminate", "unsubscribe", "withdraw", "leave", "quit"), "delete"),
    **dict.fromkeys(("view",), "lookup"),
}
"""A tool name's verb (``get_weather``, ``AddAlarm``, ``zoo_book_program``) -> its act."""

_RECORD_NOUNS = frozenset(
    {"history", "status", "list", "info", "detail", "details", "date", "price", "log", "logs"}
    | {"record", "records", "summary", "count", "time", "fee", "limit"}
)
"""Last words of a name that make the verb before it part of a noun (user_join_date)."""
_NOUNS = ("NNG", "NNP")
_BOUND_AFTER = ("수", "것", "거", "줄")


_SHOWING = frozenset({"보이", "보여주", "알리", "알려주", "확인"})
"""Verbs that show what the noun before them names (예약 보여줘: the booking is looked up)."""


_WHAT_IS_KNOWN = re.compile(
    # what usually happens, asked: "보통 몇 시쯤 재워요?" (not 원래, which is also "originally":
    # "원래 7만원인 건 얼마에 살 수 있어?"); a price asked so ("보통 얼마야?") is a tool's to say
    # (but "보통 유효기간이 얼마나 돼요?", how long, is knowledge)
    r"(?<![가-힣])(?:보통|일반적으로|대개|대체로)(?![가-힣])"
    r"(?![^.!?]*(?:얼마(?!나)|얼마나\s*(?:나와|나오|해|하|들|드)|가격|요금|비용))[^.!?]*\?\s*$"
    # whether a thing heard is true, ending what is said: "방수가 떨어진다던데 진짜예요?",
    # "무료라면서요?" ("... 된다면서요? 성판악으로 올라가려고요" goes on to a request)
    r"|(?:던데|다던데|라던데|다면서|라면서|다며|라며)\S*\s*(?:진짜|정말|사실|맞)[^.!?]*[?.]*\s*$"
    r"|(?:다면서|라면서)요?\s*\?\s*$"
    # whether many people do a thing: "요즘 자전거로 출퇴근하는 사람 많아요?"
    r"|(?:는|은|ㄴ)\s*사람(?:들)?\s*(?:이|도)?\s*(?:많|적)(?:아요|어요|나요|아|어|나|니|죠|을까요?)\s*\?+\s*$"
    # why a custom is so: "개업할 때 왜 하필 시루떡을 돌려?"
    r"|(?<![가-힣])왜\s*(?:하필|꼭|다들|보통)(?![가-힣])[^.!?]*\?\s*$"
    # what is proper, asked: "성묘 가서 절은 몇 번 하는 게 맞아?"
    r"|(?:는|은)\s*(?:게|것이|거)\s*맞(?:아|아요|나요|나|죠|는\s*거야)\s*\?"
    # the price one puts on one's own things: "빈티지 옷은 보통 얼마 정도로 가격 붙여요?"
    r"|(?:가격|값)(?:을|은|는)?\s*(?:붙|매기|매겨|정하|정해)[^.!?]*\?\s*$"
    # whether one thing can be had with another: "이거 받으면서 세액공제도 같이 받을 수 있어?"
    r"|(?:면서|는데)\s[^.!?]*도\s*같이\s*[가-힣]+\s*수\s*(?:있|없)[^.!?]*\?\s*$"
    # what one can do oneself: "상담 전까지 혼자 해볼 만한 거 있을까요?"
    r"|혼자(?:서)?\s*(?:해\s*볼|할\s*수\s*있는)\s*(?:만한\s*)?(?:거|것|게|방법)"
)
"""A question about what is known or true in general, which the assistant answers itself."""
_ASKS_SERVICE = re.compile(
    r"(?:해|해\s*주|알려|보여|잡아|찾아|보내|골라)\s*(?:줘|줄래|주세요|줄\s*수|주실|드려)"
    r"|주문|예약|신청|예매|접수"
)
"""A request for a service said beside it ("... 주문해 줄래?", "날씨 알려줘. 태풍 온다던데
정말이야?"): the message asks for that, not only for what is known."""
_HOW_TO = re.compile(
    r"(?:^|[.!?]\s*)[^.!?]*(?:해\s*봐도|해도)\s*(?:돼|되)[^.!?]*\?\s*"
    r"(?:방법|순서|요령|하는\s*법)(?:을|를)?\s*(?:좀\s*)?(?:알려|가르쳐)"
)
"""Whether one may do a thing oneself, and how ("제가 해봐도 돼요? 순서 좀 알려 주세요"):
advice, though said as a request to be told."""


_COMING_AND_GOING = frozenset({"가", "오", "하"})
"""Verbs whose "may I?" says when or asks for the act (가도 돼?, 와도 돼?, 해도 돼?), not advice."""


_AFTER_DOING = re.compile(
    r"[가-힣]고\s*나서(?![^?]*(?:\d|한|두|세|네|다섯|여섯|일곱|여덟|아홉|열)\s*시)"
)
"""One thing done before another ("헌혈하고 나서"), with no time of the going said ("일 끝나고
나서 일곱 시쯤 가도 돼요?" says when)."""


_THERE_CAN_ONE = re.compile(
    r"(?<![가-힣])(?:가|가시|들어가|도착하|오|와)면\s.*?(?<![가-힣])([가-힣]+)[을ㄹ]?\s*수\s*"
    r"(?:있|없)(?:어요|나요|을까요|을까|어|나|죠|습니까)\s*\?\s*$"
)
"""Once there, whether one can do a thing ("울릉도 가면 독도도 배 타고 들어갈 수 있어요?"):
what a place allows, asked (of getting in or seeing it only, see :data:`_GOING_IN`)."""


def _once_there(text: str) -> bool:
    """Whether ``text`` asks what one can do once at a place (see :data:`_THERE_CAN_ONE`), not
    for a tool's act to be done ("가면 예약할 수 있어요?" asks for the booking, "도착하면 픽업 받을
    수 있어요?" for the pickup)."""
    m = _THERE_CAN_ONE.search(text)
    if m is None:
        return False
    if m.group(1).endswith("살"):
        return False  # "가면 표 살 수 있어?": buying (the analyser may read 살다)
    stems = [t.form for t in tokens(m.group(0)[m.start(1) - m.start() :]) if t.tag == "VV"]
    return bool(stems) and stems[0] in _GOING_IN


_GOING_IN = frozenset({"들어가", "타", "건너가", "올라가", "내려가", "구경하", "보"})
"""Verbs of getting somewhere or seeing it, which ask what a place allows."""


def _may_or_must(text: str) -> bool:
    """Whether ``text`` ends asking if one may or must do a thing (a verb + 어도/어야 + 되다 or
    괜찮다 ending the question: "치마 입어도 돼?", "앵커 박아야 돼?"): advice, not a service.
    Not of an action noun's 하다 ("취소해도 돼요?" asks for the cancelling) nor of coming and
    going ("내일 가도 돼?" says when)."""
    if not text.rstrip().endswith("?"):
        return False
    toks = [t for t in tokens(text) if t.tag not in ("SF", "SP")]
    for i in range(len(toks) - 3, -1, -1):
        verb, ending, then = toks[i], toks[i + 1], toks[i + 2]
        k = i
        if (
            verb.tag == "VX"
            and verb.form in ("주", "보", "두", "놓")
            and i >= 2
            and toks[i - 1].form in ("아", "어")
            and toks[i - 2].tag == "VV"
        ):
            k = i - 2  # "뭐 발라 줘야 돼요?", "해 봐도 돼요?": the verb helped
            verb = toks[k]
        if (
            verb.tag == "VV"
            # (after another thing done it is advice again: "헌혈하고 나서 바로 헬스 가도 되나?";
            # and 가 after another verb is how that is done: "뭐 챙겨 가야 돼요?")
            and (
                verb.form not in _COMING_AND_GOING
                or _AFTER_DOING.search(text)
                or (k >= 2 and toks[k - 1].form in ("어", "아") and toks[k - 2].tag == "VV")
            )
            # "바꿔도 돼요?", "미뤄도 될까요?", "잡아도 돼요?": asking for the act itself
            and not any(
                verb.form.startswith(s) for stems in PREDICATE_STEMS.values() for s in stems
            )
            and ending.tag == "EC"
            and ending.form in ("어도", "아도", "어야", "아야")
            and then.form in ("되", "괜찮")
            and all(t.tag.startswith("E") for t in toks[i + 3 :])
        ):
            return True
    return False


_IF = frozenset({"면", "으면", "려면", "으려면"})


def _is_condition(toks: tuple[Token, ...], i: int) -> bool:
    """Whether the verb or action noun at ``i`` is said in an if-clause ("빌리면 얼마야?", "예약하면
    얼마예요?"): the condition of what is asked, not the act; but not a wish ("예약하면 좋겠어요")."""
    j = i + 1 if toks[i].tag == "VV" else i + 2
    if toks[i].tag == "NNG" and not (
        i + 1 < len(toks) and toks[i + 1].tag == "XSV" and toks[i + 1].form == "하"
    ):
        return False
    if toks[i].tag not in ("VV", "NNG") or j >= len(toks):
        return False
    if toks[j].tag != "EC" or toks[j].form not in _IF:
        return False
    return not (j + 1 < len(toks) and toks[j + 1].form in ("좋", "되"))


def _shown(after: tuple[Token, ...]) -> bool:
    """Whether the next verb, past adverbs (다시 한번 쫙), is one of showing (보여 줘)."""
    verb = next((t for t in after if t.tag not in ("MAG", "MM", "NNB", "JX")), None)
    return verb is not None and verb.tag == "VV" and verb.form in _SHOWING


@lru_cache(maxsize=4096)
def text_act(text: str) -> Act | None:
    """The act ``text`` asks for (see the module docstring), or None when it says none.

    >>> text_act("예약 취소해줘"), text_act("생일 언제지?"), text_act("고마워")
    ('delete', 'lookup', None)
    """
    if _HOW_TO.search(text) or (
        (_WHAT_IS_KNOWN.search(text) or _may_or_must(text) or _once_there(text))
        and not _ASKS_SERVICE.search(text)
    ):
        return "explain"  # "보통 몇 시쯤 재워요?", "배터리 갈면 방수가 떨어진다던데 진짜예요?"
    toks = tokens(text)
    predicates = []
    for i, t in enumerate(toks):
        if _is_condition(toks, i):
            continue  # "캐리어 빌리면 얼마야?": a price asked, not the renting
        if (
            t.tag == "VV"
            and t.form == "보이"
            and not any(u.form == "주" for u in toks[i + 1 : i + 3])
            and any(u.tag == "JKB" and u.form in ("로", "으로") for u in toks[max(0, i - 3) : i])
        ):
            continue  # "망원경으로 보여요?": whether it can be seen with it, not a thing shown
        if t.tag == "VV":
            # a verb that modifies a noun describes it ("로젠으로 보낸 물건", "어제 만든
            # 메모"), except before 수/것/거, where it is still what is asked ("만들 수 있어?")
            ending, after = toks[i + 1 : i + 2], toks[i + 2 : i + 3]
            if ending and ending[0].tag == "ETM" and not (after and after[0].form in _BOUND_AFTER):
                continue
            predicates.append(t.form)
        elif t.tag == "NNG":
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            # an action noun is the predicate when 하다 follows or nothing nominal does ("할일에
            # 추가"); with 되다 it is passive, a state asked about ("등록된 일정", "등록돼 있어?");
            # before a verb of showing it is what is shown ("예약 보여 줄래요")
            if (
                nxt is None
                or (nxt.tag == "XSV" and nxt.form == "하")
                or nxt.tag not in (*_NOUNS, "XSV")
                or _can_be_done(toks[i + 1 :])
            ) and not _shown(toks[i + 1 :]):
                predicates.append(t.form)
    if _asks_when_done(toks):
        return "lookup"  # "나 언제 가입했어?": when it was done, not to do it
    if _DISPATCH.search(text):
        return "create"  # "사람 좀 보내 주세요": someone sent to come, a visit booked
    if _SEE_WHETHER.search(text) or _LOOK_AT.search(text):
        return "lookup"  # "다 됐는지 봐주세요": whether it is so, looked at
    if _TAKE_OUT.search(text):
        return "delete"  # "하나만 빼줘": taken out (not "양파 빼고 주문해줘")
    purpose = next((i for i, t in enumerate(toks) if _intends(toks, i)), None)
    if purpose is not None and _asks_existence(toks[purpose:], text, bound=True):
        return "lookup"  # "한복 빌려 입으려고 하는데 갈 만한 데 있어?": what there is, asked
    for act, stems in PREDICATE_STEMS.items():
        # a one-syllable stem is a whole predicate (잡아줘), not the start of a noun (잡채)
        if any(p == s or (len(s) > 1 and p.startswith(s)) for p in predicates for s in stems):
            return act
    if any(p in _SHOWING for p in predicates):
        return "lookup"  # "예약 보여 줄래요": what is shown is looked up
    asks = (
        any(t.form.startswith(LOOKUP_WORDS) for t in toks)
        or _asks_state(toks)
        or _asks_existence(toks, text)
    )
    # "X가 뭐야? 설명해줘", "X란 무슨 뜻이야": knowledge asked for, not a tool's service (a
    # tool that explains says so in its description and matches)
    if any(p.startswith(EXPLAIN_STEMS) for p in predicates) or (
        asks
        and any(t.tag == "NNG" and t.form in MEANING_NOUNS for t in toks)
        # (a difference in price is a tool's to say: "가격 차이 얼마나 나?")
        and not re.search(r"얼마|가격|요금|비용|금액", text)
    ):
        return "explain"
    if asks:
        return "lookup"
    if _takes_the_choice(toks):
        return "create"  # "검은 우물로 일곱 시 사십 분에 넷이서 갈게": the one chosen, booked
    return None


_PROMISE = frozenset({"ᆯ게", "ᆯ게요", "을게", "을게요"})


def _takes_the_choice(toks: tuple[Token, ...]) -> bool:
    """ "20분짜리로 두 시에 할게요", "검은 우물로 넷이서 갈게": a thing chosen with (으)로 and a
    promise to do or go (하다, 가다 + ㄹ게), which takes it: a booking or an order, asked."""
    body = [t for t in toks if t.tag not in ("SF", "SP")]
    return (
        len(body) >= 3
        and body[-1].tag == "EF"
        and body[-1].form in _PROMISE
        and (body[-2].tag, body[-2].form) in (("VV", "하"), ("VV", "가"))
        and any(t.tag == "JKB" and t.form in ("로", "으로") for t in body[:-2])
        # with the time or the party the booking is for ("전화로 할게요", "집으로 갈게요" and
        # "없던 걸로 할게요" book nothing)
        and any(
            (t.tag == "NNB" and t.form in ("시", "명", "분"))
            or (t.tag == "JKS" and t.form == "이서")
            for t in body
        )
    )


_DISPATCH = re.compile(
    # going to collect a thing ("찾으러 갈게요", "받으러 갈게요"): a visit to be booked
    r"(?<![가-힣])(?:찾으|받으|가지|픽업하)러\s*(?:갈게|갈래|가려|갈\s*거|가도|갈\s*수|방문)"
    r"|(?:사람|기사|기사님|직원|수리기사|전문가|누구|누가)\s*(?:을|를|이|가)?\s*(?:좀\s*|빨리\s*|한\s*명\s*)*보내"
    # someone asked to come at a time ("낼 아침 여덟 시 반에 와 주세요")
    r"|(?:시|분|반)에\s*(?:좀\s*)?와\s*(?:주세요|줘요?|주실\s*수|주시겠어요|줄\s*수)[^가-힣]*$"
)
"""A person sent to come ("사람 좀 보내 주세요", "기사님 보내줄 수 있어요?"): a visit is asked
for, not a message sent."""
_SEE_WHETHER = re.compile(
    r"(?:는지|인지|은지|던지|[었았였했됐왔갔]나)\s*(?:좀\s*|한번\s*|한\s*번\s*)?"
    r"(?:봐|확인해|알아\s*봐|체크해)\s*(?:줘|주세요|줄래요?|주실래요?|주시겠어요|줄\s*수\s*있어요?|봐)?"
    r"[\s?.!~]*$"
)
"""Whether something is so, asked to be looked at ("다 됐는지 봐주세요", "왔는지 확인해 줘")."""
_LOOK_AT = re.compile(
    r"(?<![가-힣])(?:배편|뱃편|항공편|운항편|비행편|시간표|운항표|일정|요금|가격|목록|좌석|매물|결과"
    r"|현황|내역)\s*(?:좀\s*|한번\s*)?"
    r"봐\s*(?:줘|주세요|줄래요?|주실래요?|주시겠어요)[\s?.!~]*$"
)
"""A thing listed or shown, asked to be looked at ("배편 좀 봐주세요", "시간표 봐줘")."""
_TAKE_OUT = re.compile(
    r"(?:하나|한\s*(?:장|명|개|자리|매|대)|\d+\s*(?:장|명|개|자리|매|대))\s*(?:만|씩|은|는)?\s*"
    r"빼\s*(?:줘|주세요|줄래요?|주실래요?|주시겠어요|줄\s*수\s*있어요?)[\s?.!~ㅠㅜ]*$"
)
"""Some of what was bought or booked asked to be taken out, ending the request ("하나만 빼줘";
not "양파 빼줘" in an order, which leaves a thing out of it)."""
_WHEN_WORDS = ("언제", "몇", "며칠", "얼마")


def _intends(toks: tuple[Token, ...], i: int) -> bool:
    """Whether ``toks[i]`` is an ending that says what one means to do ("빌리려고요",
    "예약하려는데"; not "타려던 거", which describes a thing): with a question of what there
    is after it, the request asks what there is for that, not for the act itself."""
    t = toks[i]
    if t.form in ("려고", "으려고"):
        return True
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    return t.form in ("려는", "으려는") and nxt is not None and nxt.form == "데"


def _asks_when_done(toks: tuple[Token, ...]) -> bool:
    """ "언제 가입했어?", "몇 시에 예약했었지?": a question word and a predicate in the past
    ending the question: what was done is asked about."""
    if not any(t.form.startswith(_WHEN_WORDS) for t in toks):
        return False
    body = [t for t in toks if t.tag not in ("SF", "SP")]
    return len(body) >= 2 and body[-1].tag == "EF" and body[-2].tag == "EP"


def _can_be_done(after: tuple[Token, ...]) -> bool:
    """ "예약 돼?", "신청 되나요?": whether the action can be done is asked (되 with a question
    ending and nothing after), which asks for it to be done; not "예약돼 있어?" (a state)."""
    after = tuple(t for t in after if t.tag != "SF")
    return (
        len(after) == 2
        and (after[0].tag, after[0].form) in (("XSV", "되"), ("VV", "되"))
        and after[1].tag == "EF"
    )


def _asks_state(toks: tuple[Token, ...]) -> bool:
    """ "등록돼 있어?", "예약되어 있나요?": whether something is in a state (an action noun + 되어
    있다 ending the sentence) is asked, which is a lookup, not a request to do the action."""
    for i in range(len(toks) - 3):
        noun, become, _, stay = toks[i : i + 4]
        if (
            noun.tag == "NNG"
            and (become.tag, become.form) == ("XSV", "되")
            and stay.form == "있"
            and stay.tag in ("VX", "VA")
            and i + 4 < len(toks)
            and toks[i + 4].tag == "EF"
        ):
            return True
    return False


def _asks_existence(toks: tuple[Token, ...], text: str, bound: bool = False) -> bool:
    """ "불편한 편의점 책 있어요?", "투룸 있나요?": whether something is there is asked, which is
    a lookup; not "낼 수 있나요?" (whether one can) nor "있는 거" (describing a thing).
    ``bound``: a thing named by a bound noun counts too ("잘 수 있는 거 있어요?", "갈 만한 데
    있어?"), as after a purpose said (those ask about the world as often as about a tool)."""
    if not bound and not text.rstrip().endswith(("?", "있나요", "있니", "있나")):
        return False  # (a question said before a request is not what the request asks)
    for i, t in enumerate(toks):
        if t.form != "있" or t.tag not in ("VA", "VV", "VX"):
            continue
        prev = toks[i - 1] if i > 0 else None
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if prev is not None and (
            # (a thing there is, 거 or 것: "요금제 같은 거 있어요?"; a place, 데 or 곳, only
            # after a purpose said: "갈 만한 데 있어?" asks the tool, "시간 때울 데" the world)
            (
                prev.tag == "NNB"
                and prev.form not in (("거", "것", "데", "곳") if bound else ("거", "것"))
            )
            or prev.tag.startswith("E")
        ):
            continue  # 할 수 있어?, 해 볼 수 있나, 되어 있어?
        if nxt is not None and nxt.tag == "EF":
            # a question: a question mark after it, a question ending, or the text's own "?"
            # ("네 식구 잘 수 있는 거 있어요? 하루 25만 원 넘으면 부담스럽고요")
            then = toks[i + 2] if i + 2 < len(toks) else None
            if (
                (then is not None and then.form == "?")
                or nxt.form in ("나요", "니", "나", "냐")
                or (then is None and text.rstrip().endswith("?"))
            ):
                return True
    return False


@lru_cache(maxsize=4096)
def predicate_nouns(text: str) -> frozenset[str]:
    """Action nouns ``text`` uses as its predicate (``충전 좀 해줘`` -> 충전, ``교통카드를
    충전합니다`` -> 충전): a noun of two or more syllables followed by 하다 or ending the
    sentence. A request whose predicate noun is the one a tool's description ends in asks for
    what that tool does, whichever act the noun is."""
    toks = tokens(text)
    out = set()
    for i, t in enumerate(toks):
        if t.tag != "NNG" or len(t.form) < 2:
            continue
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        after = toks[i + 2] if i + 2 < len(toks) else None
        if nxt is not None and nxt.tag == "MAG":
            # "충전 좀 해줘", "추천 좀"
            nxt, after = after, (toks[i + 3] if i + 3 < len(toks) else None)
            if nxt is not None and nxt.tag.startswith("S"):
                nxt = None
        if nxt is None or (
            nxt.form == "하"
            and nxt.tag in ("XSV", "VV", "VX")
            # "공부 할 일", "공부하기 싫다": a noun phrase, not what is asked
            and not (after is not None and after.tag in ("ETM", "ETN"))
        ):
            out.add(t.form)
    return frozenset(out)


_LIGHT_VERBS = frozenset({"하", "되", "있", "없", "주", "보", "알", "싶", "가", "오", "드리"})
"""Verbs too light to say what is asked (해 주세요, 알려 주세요, 보고 싶어요)."""


@lru_cache(maxsize=4096)
def predicate_verbs(text: str) -> frozenset[str]:
    """Verb stems ``text`` uses as its predicates, not as modifiers of a noun ("견적을 받습니다"
    -> 받; "받은 견적으로 예약합니다" has none), light verbs left out."""
    toks = tokens(text)
    out = set()
    for i, t in enumerate(toks):
        if t.tag != "VV" or t.form in _LIGHT_VERBS:
            continue
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if nxt is not None and nxt.tag == "ETM":
            continue
        out.add(t.form)
    return frozenset(out)


_HEAD_ACTS: dict[str, Act] = {
    **dict.fromkeys(("revision", "modification", "change", "edit", "update"), "modify"),
    **dict.fromkeys(("postponement", "extension", "reschedule"), "modify"),
    **dict.fromkeys(("cancel", "cancellation", "deletion", "removal", "withdrawal"), "delete"),
    **dict.fromkeys(("refund", "termination"), "delete"),
}
"""A name's last word that is itself an act (``caricature_order_revision``: a revision of an
order, not an order), unless the name starts with a verb (``find_schedule_change`` looks up)."""
_NOUN_OR_VERB = frozenset({"order", "request", "book", "schedule", "report", "place"})
"""First words of a name that may be the noun of what is acted on (``order_cancel``)."""


_NOUN_HEADS: dict[str, Act] = {
    **dict.fromkeys(("request", "application", "filing", "submission", "order"), "create"),
    **dict.fromkeys(("preorder", "prebook"), "create"),
    **dict.fromkeys(("registration", "reservation", "booking", "signup", "enrollment"), "create"),
    **dict.fromkeys(("quote", "estimate", "search", "lookup", "inquiry"), "lookup"),
}
"""A name's last word that names what is made (trademark_filing_request, coffee_order) or looked
up (beolcho_quote_estimate, trademark_similarity_search), when no other word of the name is a
verb (massage_change_reservation changes)."""
_GENERIC_HEADS = frozenset({"request", "application"})
"""Head nouns that take the act of the word before when it is one (refund_request deletes)."""
_NEGATED = re.compile(r"않|아님|아닙니다|아니에요|불가|안\s?됩|안\s?돼")
"""A sentence of a description that says what the tool does *not* do ("신청은 되지 않습니다")."""


def _affirmed(description: str) -> str:
    """``description`` without its sentences (or parenthesised notes) that say what the tool
    does not do, so that "견적을 조회합니다. 신청은 되지 않습니다." reads as a lookup."""
    parts = [p for p in re.split(r"[.!?\n()]+", description) if p.strip()]
    kept = [p for p in parts if not _NEGATED.search(p)]
    return ". ".join(kept) if kept else description


def tool_act(tool: ToolSpec) -> Act | None:
    """The act a tool performs: its name's verb (the first word, or the second after the name
    of a service: ``coffee_get_subscription``, ``scholarship_apply``), unless the name ends in
    an act noun (``order_revision``, ``booking_cancel``, ``refund_request``,
    ``beolcho_quote_estimate``); else its description's predicates, leaving out what it says
    the tool does not do."""
    words = split_identifier(tool.name)
    head = words[-1] if words else ""
    if head in _GENERIC_HEADS and len(words) >= 3 and words[-2] in _HEAD_ACTS:
        head = words[-2]
    if (
        len(words) >= 2
        and head in _HEAD_ACTS
        and (words[0] not in NAME_ACTS or words[0] in _NOUN_OR_VERB)
    ):
        return _HEAD_ACTS[head]
    if (
        len(words) >= 2
        and head in _NOUN_HEADS
        and not any(w in NAME_ACTS and w not in _NOUN_OR_VERB for w in words[:-1])
    ):
        # unless the description says it changes, undoes or sends (move_booking: "예약 변경")
        said = text_act(_affirmed(tool.description)) if tool.description else None
        return said if said in ("modify", "delete", "send") else _NOUN_HEADS[head]
    if words and words[0] in NAME_ACTS:
        if len(words) >= 2 and words[0] in _NOUN_OR_VERB and words[-1] in _RECORD_NOUNS:
            # ``order_history``, ``booking_status``: a record of the thing, looked up
            return text_act(_affirmed(tool.description)) if tool.description else "lookup"
        return NAME_ACTS[words[0]]
    if (
        len(words) >= 2
        and words[1] in NAME_ACTS
        and (len(words) >= 3 or words[1] not in _NOUN_OR_VERB)
        and words[-1] not in _RECORD_NOUNS
    ):
        return NAME_ACTS[words[1]]  # (not coupon_issue_history: a record of issuing)
    return text_act(_affirmed(tool.description)) if tool.description else None


def tool_predicates(tool: ToolSpec) -> frozenset[str]:
    """The action nouns a tool's description uses as predicates (:func:`predicate_nouns`)."""
    return predicate_nouns(tool.description) if tool.description else frozenset()


def predicate_match(text: str, act: Act | None, tool: ToolSpec) -> float:
    """:func:`act_match`, or +1 when the request's predicate is an action noun or a verb the
    tool's description uses as its own (충전해줘 / 충전합니다, 받아 / 받습니다), whichever act
    class it is in.
    (Two different such nouns are not taken as different acts: 환산 and 변환, 세어 and 계산
    name the same service too often.)"""
    if predicate_nouns(text) & tool_predicates(tool):
        return 1.0
    if tool.description and predicate_verbs(text) & predicate_verbs(tool.description):
        return 1.0  # "견적 받아 보고 싶어요" / "견적을 받습니다": the verb the tool does
    matched = act_match(act, tool_act(tool))
    if matched != 0.0:
        return matched
    # "표 끊을게요" / "입장권을 구매합니다" (a tool of no one act): the everyday verb for it
    everyday = {n for t in tokens(text) if t.tag == "VV" for n in EVERYDAY_VERBS.get(t.form, ())}
    return 1.0 if everyday & tool_predicates(tool) else 0.0


def act_match(request: Act | None, tool: Act | None) -> float:
    """+1 when the request asks for what the tool does, -1 when for something else, 0 when
    either is unknown."""
    if request is None or tool is None:
        return 0.0
    return 1.0 if request == tool else -1.0
