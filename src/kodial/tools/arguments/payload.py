"""What part of a message is data rather than instruction: quoted words, the part after a
colon or on its own line, a Latin sentence beside a Korean request, and how much of a line
instructs (its tool words and request verbs)."""

from __future__ import annotations

import re

from kodial.tools.text import content_words

QUOTED = re.compile(r"['\"‘“\[「『]([^'\"’”\]」』]{1,200})['\"’”\]」』]")
SAID_AFTER = re.compile(r"\s*(?:이?라고|하고|라며|(?:을|를|도)?\s*(?:남겨|전해|적어))")
"""After quoted words: they are said (라고), or left as a note (남겨줘, 전해 주세요)."""


def payload(text: str, tool_words: set[str]) -> tuple[int, int] | None:
    """The part of a message that is data, not instruction: after a colon, on its own line, or
    before ``<-``; or a Latin sentence next to a Korean instruction."""
    m = re.search(r"<-|←", text)
    if m and text[: m.start()].strip():
        return (0, len(text[: m.start()].rstrip()))
    lines = [(mm.start(), mm.end()) for mm in re.finditer(r"[^\n]+", text)]
    if len(lines) > 1:
        scored = sorted(lines, key=lambda s: instruction_score(text[s[0] : s[1]], tool_words))
        s, e = scored[0]
        return (s, e)
    m = re.search(r"[:：]\s*", text)
    if m and len(text) - m.end() > 3:
        return (m.end(), len(text.rstrip()))
    latin = re.search(r"[A-Za-z][A-Za-z0-9 ,.'’!?;:-]{15,}[A-Za-z0-9.!?]", text)
    if latin:
        return latin.span()
    return None


POINTING = re.compile(
    r"\s*(?:이거|이걸|그거|그걸|저거)(?:로|으로)?\s*(?:요|할게요|해\s*주세요)?[.!]*$"
)


def instruction_score(line: str, tool_words: set[str]) -> float:
    words = set(content_words(line))
    verbs = len(re.findall(r"(?:해줘|해 줘|주세요|줄래|해주|줘|써줘|하세요|해놔|알려)", line))
    return len(words & tool_words) + 2 * verbs


_SAID_IN = re.compile(r"\s*(?:는|은)?\s*[가-힣A-Za-z]{1,8}(?:어|말)로\s*(?:뭐|어떻게|뭐라)")
"""After quoted words: how they are said in a language ("일본어로 뭐라고 해?")."""


def quoted_object(text: str, q: re.Match[str]) -> bool:
    """Whether quoted words are what the request acts on: marked as the object and followed by
    the instruction only ("'감사합니다'를 일본어로 번역해줘"), not a title quoted inside the
    text to act on ("... '국제 강아지의 날'을 맞아 스페셜 로고를 선보이고 ...")."""
    m = re.match(r"\s*[을를](?![가-힣])", text[q.end() :])
    if m is None and _SAID_IN.match(text, q.end()):
        # "'화장실이 어디에 있나요?' 일본어로 뭐라고 해?": what is said in another tongue
        return True
    return m is not None and len(text[q.end() + m.end() :].split()) <= 3
