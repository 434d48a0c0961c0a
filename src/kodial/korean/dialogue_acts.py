"""Korean dialogue acts: what a short reply does in a conversation, read from its words.

A task in progress asks a question and gets an answer that may cancel it (취소할래, 그만), accept
or refuse its confirmation (네, 좋아요 / 아니요), say nothing (음, 글쎄요), or take a value back
(7시 말고 8시). These are closed word lists, not a model: the decision must be exact and the
same every time, and a miss only means the assistant asks again.

>>> is_cancel("취소할래"), is_yes("네 좋아요"), is_no("아니요"), is_filler("음...")
(True, True, True, True)
"""

from __future__ import annotations

import re

CANCEL_WORDS = (
    "취소",
    "그만",
    "안 할래",
    "안할래",
    "안 해",
    "됐어",
    "됐습니다",
    "관둘래",
    "관둬",
    "멈춰",
    "중단",
    "필요 없어",
    "필요없어",
    "나중에 할게",
    "cancel",
)
"""Words that end the task in progress, at any step."""

YES_WORDS = (
    "네",
    "넵",
    "넹",
    "예",
    "응",
    "어",
    "좋아",
    "좋습니다",
    "그래",
    "그렇게",
    "맞아",
    "맞습니다",
    "맞아요",
    "확인",
    "ㅇㅇ",
    "ㅇㅋ",
    "오케이",
    "ok",
    "yes",
    "진행",
    "해줘",
    "해 줘",
    "해주세요",
    "해 주세요",
    "부탁",
    "콜",
)
"""Answers that accept the confirmation (checked at the start of the message)."""

NO_WORDS = ("아니", "아뇨", "아니요", "싫어", "노", "no", "잠깐", "잠시만")
"""Answers that refuse the confirmation without saying what to change."""

QUESTION_MARKERS = ("?", "어떻게", "방법", "되나요", "돼요", "규정", "언제까지", "수수료")
"""A message with these asks about cancelling (an FAQ) rather than cancelling."""

FILLERS = re.compile(r"(음+|흠+|으+음|어+|엄+|아+|에+|글쎄[요다]?|ㅎ+|ㅋ+|ㅠ+|ㅜ+|\.+|…+)")
"""Messages that say nothing (음, 글쎄요, ㅋㅋ): during a task the question is asked again."""

CHANGE_WORDS = ("바꿔", "바꿀", "변경", "말고", "수정", "고쳐")
"""Words asking to change something already said (시간 바꿔 줘)."""

NEGATIONS = ("말고", "아니고", "대신", "빼고")
"""Words after a value that take it back: "7시 말고 8시" means 8시."""

CANCEL_FRAME = re.compile(
    r"^(그냥|이제|다|좀|전부|모두|제발|아니|아니요|아뇨|됐고|"
    r"(해|하|할|했)?(줘|줘요|주세요|줄래|줄래요|래|래요|게|게요|요|야|어|어요|습니다)?)$"
)
"""Words around a bare cancel (그냥, 좀, 해 줘 ...): they name nothing to cancel."""

CANCEL_REQUEST = re.compile(
    r"취소\s*(?:좀\s*)?"
    r"(?:해\s*(?:줘|주세요|주실|줄래|줄 수|달라|요)|할래|할게|할께|하고\s*싶|하려|하겠|해(?=\s|$|[.!?~])"
    r"|요청|부탁|가능|되나|돼요\?|할 수)"
)
"""A request to cancel something (예약 취소할래, 예매 좀 취소해 줄래요?), not a mention of
something cancelled (취소된 예약, 회의가 취소돼서, 취소해야 해서)."""


def _norm(text: str) -> str:
    return re.sub(r"[\s.,!?~…]+", " ", text.lower()).strip() + " "


def is_filler(text: str) -> bool:
    """True for a message with no content (음..., 글쎄요, ㅎㅎ).

    >>> is_filler("음..."), is_filler("글쎄요"), is_filler("음 강남")
    (True, True, False)
    """
    words = re.sub(r"[\s.,!?~…]+", " ", text).split()
    return all(FILLERS.fullmatch(w) for w in words)


def is_cancel(text: str) -> bool:
    """True for a request to stop (취소할래, 그만), not a question about cancelling.

    >>> is_cancel("취소할래"), is_cancel("예약 취소는 어떻게 해요?")
    (True, False)
    """
    t = _norm(text)
    return any(w in t for w in CANCEL_WORDS) and not any(q in text for q in QUESTION_MARKERS)


def asks_to_cancel(text: str) -> bool:
    """True for a request (or a question) to cancel something, the signal that a message must
    not start a task even when the classifier ranks one first.

    >>> asks_to_cancel("내일 예약 취소할래"), asks_to_cancel("회의가 취소돼서 오늘 예약할게요")
    (True, False)
    """
    return bool(CANCEL_REQUEST.search(_norm(text)))


def is_bare_cancel(text: str) -> bool:
    """A cancel that names nothing (취소할래, 그냥 그만, 취소해 줘), as opposed to one about
    something (내일 예약 취소할래), which is routed like any other request.

    >>> is_bare_cancel("취소할래"), is_bare_cancel("취소해 줘"), is_bare_cancel("내일 예약 취소할래")
    (True, True, False)
    """
    if not is_cancel(text):
        return False
    words = _norm(text).split()
    rest = [w for w in words if not any(w.startswith(c) for c in CANCEL_WORDS)]
    rest = [w for w in rest if not any(w in c.split() for c in CANCEL_WORDS)]
    return len(rest) < len(words) and all(CANCEL_FRAME.match(w) for w in rest)


def _starts_with_any(text: str, words: tuple[str, ...]) -> bool:
    """True when the message opens with one of ``words``; one-syllable words (네, 응) must be
    the whole first word, so that 예약 does not read as 예."""
    t = _norm(text)
    first = t.split(" ", 1)[0]
    for w in words:
        w = w.strip()
        if len(w) == 1 and first in (w, w + "요", w + w):
            return True
        if len(w) > 1 and t.startswith(w):
            return True
    return False


def is_yes(text: str) -> bool:
    """The message opens with a yes-word (네, 좋아요, 진행해 주세요); 예약 is not 예.

    Some yes-words also spell a hesitation (어 = yes, 어... = 음): where consent matters,
    check :func:`is_filler` first.

    >>> is_yes("네 좋아요"), is_yes("예약할래요"), is_yes("어..."), is_filler("어...")
    (True, False, True, True)
    """
    return _starts_with_any(text, YES_WORDS)


def is_no(text: str) -> bool:
    """The message opens with a no-word (아니요, 싫어, 잠깐).

    >>> is_no("아니요"), is_no("아니 시간은 8시로"), is_no("노래 틀어 줘")
    (True, True, False)
    """
    return _starts_with_any(text, NO_WORDS)


def mentions_change(text: str) -> bool:
    """The message asks to change something (바꿔, 변경, 말고 ...).

    >>> mentions_change("시간 바꿔 줘"), mentions_change("시간")
    (True, False)
    """
    return any(w in text for w in CHANGE_WORDS)


def negated(text: str, end: int) -> bool:
    """True when the words right after ``text[:end]`` take the value back (7시 말고).

    >>> negated("7시 말고 8시", 2), negated("7시 말고 8시", 9)
    (True, False)
    """
    rest = text[end:].lstrip(" 은는이가을를으로에")
    return rest.startswith(NEGATIONS)
