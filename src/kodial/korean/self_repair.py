"""Self-repair in a spoken Korean request: "저녁 6시.. 아 아니다 7시로", "콜라 두 개, 아니 세
개", "라떼 말고 아메리카노로". The speaker takes back the words just said and says the right ones
after the repair marker; :func:`repair` keeps only what stands.

Rules, as a Korean speaker would state them: the marker is 아니(다/야/지/고/라) after a word
(not opening the message, where 아니 answers a question) or 말고, or 아 before a value said to
be better (아 4시가 낫겠다); what it takes back is the
last word before it (with its number, when that word is a counter: "두 개"); the rest of the
message stands. A word said again to be taken back is taken back where it was first said too
(모레 오전. 아 잠깐, 모레 말고 토요일: :func:`taken_back_where_first_said`, read before).
"""

from __future__ import annotations

import re

from kodial.korean.numerals import NATIVE_RE

_MARKER = re.compile(
    # ("두지 말고 벨 눌러 주세요": a verb's 지 말고 says not to do it, it takes nothing back)
    r"(?<=[^\s.,…~!])(?:[\s.,…~!]+)(?:아\s+)?(?:아니(?:다|야|지|고|라|요)?|(?<!지\s)말고)"
    r"(?:[\s.,…~!]+)(?=\S)"
    # "3시.. 아 4시가 낫겠다": the better value said after 아 takes back the one before
    r"|(?<=[^\s.,…~!])[\s.,…~!]+아\s+(?=\S+?\s*(?:낫겠|좋겠|나을|낫다|나아))"
)
_MARKER_WORD = re.compile(r"[.,…~!]*(?:아|아니(?:다|야|지|고|라|요)?|말고)?[.,…~!]*")
"""A word a marker may be made of (punctuation, 아, 아니, 말고)."""
_MINUTES = re.compile(r"반|(?:\d{1,2}|[일이삼사오십]+)\s*분")
_HOUR = re.compile(r"(?:\d{1,2}|[가-힣]{1,3})시")
_HOUR_SAID = re.compile(r"\S*?(?:\d{1,2}|[가-힣]{1,3})\s*시(?![간작])")
_WONDERED = re.compile(r"까(?:나|요)?\??$")
"""A verb ending that wonders aloud (할까, 해볼까, 넣을까나), before 아니다 taking it back."""
_NUMBER_WORD = re.compile(rf"\d+(?:[.,]\d+)?|{NATIVE_RE}|[일이삼사오육칠팔구십백천만]+")


_CODE = re.compile(r"(?=[A-Za-z0-9-]*[A-Za-z])(?=[A-Za-z0-9-]*\d)[A-Za-z0-9-]+")
"""A code of letters and digits (G13, B-2), as seats and rooms are named."""


def _shape(word: str) -> str:
    """A code's shape, letters as A and digits as 9 (G13 -> A9), without what follows it; empty
    for a word that is no code."""
    code = _CODE.match(word)
    return re.sub(r"\d+", "9", re.sub(r"[A-Za-z]+", "A", code.group(0))) if code else ""


def _context_start(kept: list[str]) -> int:
    """Where a marker ending at the end of ``kept`` (or reading past it) may start: before the
    marker words at its end, the word a 낫겠 marker reads, the marker words before it and the
    word taken back."""
    i = len(kept)
    for _ in range(2):
        while i > 0 and _MARKER_WORD.fullmatch(kept[i - 1]):
            i -= 1
        i = max(0, i - 1)
    return i


def repair(text: str) -> str:
    """``text`` with each taken-back word and its repair marker removed.

    >>> repair("저녁 6시.. 아 아니다 7시로 해주세요")
    '저녁 7시로 해주세요'
    >>> repair("콜라 두 개, 아니 세 개 주세요")
    '콜라 세 개 주세요'
    """
    # The words kept so far and the text not yet read: each marker is searched for in the rest
    # with the last kept words before it (a marker needs the word it takes back, and may start
    # in the punctuation after it), so a long message with many markers is read once, not
    # again from its start for each one.
    kept: list[str] = []
    rest = text
    while True:
        start = _context_start(kept)
        context = " ".join(kept[start:])
        probe = f"{context} {rest}" if context else rest
        m = _MARKER.search(probe)
        if m is None:
            return f"{' '.join(kept)} {rest}" if kept else rest
        del kept[start:]  # they are read again from the probe
        kept += probe[: m.start()].split()
        taken_back = kept.pop() if kept else ""
        if _WONDERED.search(taken_back) and len(kept) >= 2 and _NUMBER_WORD.fullmatch(kept[-2]):
            del kept[-2:]  # "튤립 열 송이 할까.. 아니다 스무 송이": the count said is taken back
        elif _WONDERED.search(taken_back):
            # "선베드도 같이 할까.. 아니다 파라솔만": a thought wondered aloud is taken back whole,
            # back to where its sentence began
            while kept and not re.search(r"[.?!]$", kept[-1]):
                kept.pop()
        elif kept and not re.search(r"\d", taken_back) and _NUMBER_WORD.fullmatch(kept[-1]):
            kept.pop()  # "두 개" said as two words: both are taken back
        elif (
            kept
            and _MINUTES.fullmatch(taken_back)
            and _HOUR.fullmatch(kept[-1])
            and _HOUR_SAID.match(probe[m.end() :])
        ):
            # "7시 반.. 아 아니다 8시로": the hour and its half are taken back ("3시 15분 아니
            # 20분으로" takes back only the minutes)
            kept.pop()
        said_again = _CODE.match(probe[m.end() :])
        if said_again and (_shape(taken_back) == _shape(said_again.group(0)) or kept):
            # "G12, G13 두 자리.. 아 아니다 G13, G14로", "C4, C5.. 아니다 C5만": codes said again
            # take back the codes of their shape said before
            while kept and _shape(kept[-1]) == _shape(said_again.group(0)):
                kept.pop()
        rest = probe[m.end() :]


def taken_back_where_first_said(text: str) -> str:
    """``text`` without the earlier saying of a word said again to be taken back ("모레 오전. 아
    잠깐, 모레 말고 토요일로" -> "오전. 아 잠깐, 모레 말고 토요일로"), for :func:`repair` to take
    back the second. Words with digits are left alone."""
    for m in reversed(list(_MARKER.finditer(text))):
        before = text[: m.start()].rstrip(".,…~! ")
        word = before.split()[-1:] or [""]
        said = word[0].strip(".,…~!")
        if not said or re.search(r"\d", said):
            continue
        start = len(before) - len(word[0])
        head = re.sub(rf"(?<!\S){re.escape(said)}[.,…~!]*(?!\S)\s*", "", text[:start])
        text = head + text[start:]
    return text
