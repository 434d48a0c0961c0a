"""Self-repair in a spoken Korean request: "저녁 6시.. 아 아니다 7시로", "콜라 두 개, 아니 세
개", "라떼 말고 아메리카노로". The speaker takes back the words just said and says the right ones
after the repair marker; :func:`repair` keeps only what stands.

Rules, as a Korean speaker would state them: the marker is 아니(다/야/지/고/라) after a word
(not opening the message, where 아니 answers a question) or 말고, or 아 before a value said to
be better (아 4시가 낫겠다); what it takes back is the
last word before it (with its number, when that word is a counter: "두 개"); the rest of the
message stands.
"""

from __future__ import annotations

import re

from kodial.korean.numerals import NATIVE_RE

_MARKER = re.compile(
    r"(?<=\S)(?:[\s.,…~!]+)(?:아\s+)?(?:아니(?:다|야|지|고|라|요)?|말고)(?:[\s.,…~!]+)(?=\S)"
    # "3시.. 아 4시가 낫겠다": the better value said after 아 takes back the one before
    r"|(?<=\S)[\s.,…~!]+아\s+(?=\S+?\s*(?:낫겠|좋겠|나을|낫다|나아))"
)
_NUMBER_WORD = re.compile(rf"\d+(?:[.,]\d+)?|{NATIVE_RE}|[일이삼사오육칠팔구십백천만]+")


def repair(text: str) -> str:
    """``text`` with each taken-back word and its repair marker removed.

    >>> repair("저녁 6시.. 아 아니다 7시로 해주세요")
    '저녁 7시로 해주세요'
    >>> repair("콜라 두 개, 아니 세 개 주세요")
    '콜라 세 개 주세요'
    """
    while True:
        m = _MARKER.search(text)
        if m is None:
            return text
        words = text[: m.start()].split()
        taken_back = words.pop() if words else ""
        if words and not re.search(r"\d", taken_back) and _NUMBER_WORD.fullmatch(words[-1]):
            words.pop()  # "두 개" said as two words: both are taken back
        head = " ".join(words)
        text = f"{head} {text[m.end() :]}" if head else text[m.end() :]
