"""Korean words that say what a request asks to *do*: delete, change, create, look up, or explain.

Closed word lists, not a model (like :mod:`kodial.korean.dialogue_acts`): verb stems and action
nouns per act, interrogatives and lookup verbs, and the words of a question about meaning.
:mod:`kodial.tools.acts` reads them over a request's Kiwi morphemes to tell apart tools that
share every content word (a birthday search and a birthday registration).
"""

from __future__ import annotations

PREDICATE_STEMS: dict[str, tuple[str, ...]] = {
    "delete": ("삭제", "지우", "취소", "없애", "제거"),
    "modify": ("바꾸", "변경", "수정", "업데이트", "고치", "편집"),
    "send": ("보내", "전송", "발송"),
    "create": ("추가", "등록", "만들", "생성", "넣", "저장", "작성", "설정", "맞추"),
}
"""Verb stems and action nouns per act, in the order they win when a request has several.
Sending (a message, a mail) is an act of its own: a request to send something is not served by
a tool that looks up the address it goes to. Setting (설정, 알람 맞추기) creates, as a tool
named ``set_alarm`` / ``setupDday`` does."""

LOOKUP_WORDS = (
    "언제",
    "어디",
    "뭐",
    "무엇",
    "무슨",
    "몇",
    "얼마",
    "누구",
    "어떤",
    "어떻",
    "어때",
    "궁금",
    "검색",
    "조회",
    "확인",
    "찾",
)
"""Interrogatives and lookup verbs: a request with these and no other act asks to look up."""

EXPLAIN_STEMS = ("설명",)
MEANING_NOUNS = ("뜻", "의미", "정의")
"""A request to explain, or a question about what something means, asks for knowledge."""
