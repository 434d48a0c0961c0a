"""Values of particular kinds read without a label: the object of a search verb, the words of
reported speech, a currency (after an amount or by its name), and a phone number in the
hyphenated form a parameter's description shows."""

from __future__ import annotations

import re

from kodial.tools.schema import ParamSpec
from kodial.tools.text import chunks, numbers, tokens

_SEARCH_STEMS = ("찾", "검색", "조회")


_BETWEEN_OBJECT_AND_VERB = frozenset({"JKO", "JX", "JKS", "MAG", "MM", "NNB"})
"""Tags skipped between a search verb and its object: particles, adverbs, and 몇 개 (a count
is skipped only as a classifier after 몇, never a number: "3개" is not between)."""


def search_object(text: str, taken: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The object of the last search verb (``X 검색해줘``, ``X좀 찾아줘``, ``X 몇 개 찾아줘``):
    the noun phrase right before it, past particles, adverbs and counts."""
    toks = tokens(text)
    verbs = [
        i
        for i, t in enumerate(toks)
        if (t.tag == "VV" and t.form.startswith(_SEARCH_STEMS))
        or (
            t.tag == "NNG"
            and t.form in _SEARCH_STEMS
            and (i + 1 == len(toks) or toks[i + 1].tag in ("XSV", "VV"))
        )
    ]
    if not verbs:
        return None
    i = verbs[-1] - 1
    while i >= 0 and toks[i].tag in _BETWEEN_OBJECT_AND_VERB:
        i -= 1  # 좀, 을, 몇 개
    if i < 0 or toks[i].tag not in ("NNG", "NNP", "SL", "SH", "XSN"):
        return None
    c = next((c for c in chunks(text) if c.start <= toks[i].start < c.end), None)
    # the chunk may run on into the verb noun ("꽃다발 검색"): it ends with the object
    if c is None or any(not (toks[i].end <= a or c.start >= b) for a, b in taken):
        return None
    return (c.start, toks[i].end)


_QUOTATIVE = re.compile(
    r"(?P<q>[^.!?\n]+?)\s*(?:(?:이)?라고|다고|냐고|자고|달라고|해달라고)(?=\s|[.,!?]|$)"
)


def reported_speech(text: str, taken: list[tuple[int, int]]) -> tuple[int, int] | None:
    """``오늘 늦는다고`` / ``회의 자료 보냈다고`` -> the words said (a message's content)."""
    for m in _QUOTATIVE.finditer(text):
        s, e = m.span("q")
        # drop a leading receiver phrase or filler that belongs to the instruction
        head = re.match(
            r"\s*(?:\S+(?:한테|에게|께)\s+)?(?:(?:메시지|메세지|문자)\s*(?:하나|한개)?\s*"
            r"(?:보내|남겨)\S*\s*)?",
            text[s:e],
        )
        if head:
            s += head.end()
        if e - s >= 2 and all(e <= a or s >= b for a, b in taken):
            return (s, e)
    return None


def currency_unit(text: str) -> tuple[int, int] | None:
    """The currency written after an amount (500유로 -> 유로, 50만원 -> 원)."""
    for n in numbers(text):
        if n.unit in ("원", "달러", "불", "유로", "엔", "위안", "파운드"):
            return (n.end - len(n.unit), n.end)
    return None


_CURRENCY_NAME = re.compile(
    r"(?<![가-힣A-Za-z])(?:한국\s?돈|한화|원화|미국\s?달러|달러|유로화?|일본\s?엔화?|엔화|엔|"
    r"중국\s?위안화?|위안화?|영국\s?파운드|파운드|USD|EUR|JPY|CNY|KRW|GBP)"
    r"(?=\s|$|[을를이가은는의와과도에,.?!]|으로|로)"
)


def currency_name(text: str, taken: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The currency converted from when no amount carries it: the first currency named and
    not marked as the target with (으)로 ("한국돈 중국 위안으로 바꿀 때" -> 한국돈)."""
    for m in _CURRENCY_NAME.finditer(text):
        if any(not (m.end() <= a or m.start() >= b) for a, b in taken):
            continue
        if re.match(r"\s*(?:으로|로)(?![가-힣])", text[m.end() :]):
            continue
        return m.span()
    return None


def phone_as_described(p: ParamSpec, value: str) -> str:
    """A phone number in the hyphenated form the description shows (``010-0000-0000 형식``),
    however the user spaced it ("010 9931 4420")."""
    if not re.search(r"\d{2,3}-\d{3,4}-\d{4}", p.description):
        return value
    digits = re.sub(r"\D", "", value)
    m = re.fullmatch(r"(02|0\d{2})(\d{3,4})(\d{4})", digits)
    return "-".join(m.groups()) if m else value
