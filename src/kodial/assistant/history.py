"""The conversation so far, and the one rule for how much of it a turn sees.

History is a list of :class:`Exchange` (a user message and the assistant's reply), oldest
first. **The history rule** (:func:`recent_exchanges`): keep at most ``max_turns`` previous
exchanges, then drop the oldest until the rest holds at most ``max_chars`` characters. Whole
exchanges are kept or dropped, never half of one: a reply without the message it answers (or
a message without its reply) misleads a language model about who said what.

The service applies it with its settings (``history_turns``, ``history_chars``) to a session's
stored turns or a session-less request's messages; the language-model chit-chat backends apply
it again with their own ``history_turns`` to build the prompt.

>>> past = [Exchange("안녕", "안녕하세요!"), Exchange("날씨 어때", "맑아요.")]
>>> [e.user for e in recent_exchanges(past, max_turns=1)]
['날씨 어때']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Exchange:
    """One earlier turn: what the user said and what the assistant answered."""

    user: str
    assistant: str

    @property
    def chars(self) -> int:
        return len(self.user) + len(self.assistant)


def recent_exchanges(
    history: Sequence[Exchange], max_turns: int, max_chars: int | None = None
) -> list[Exchange]:
    """The history rule (see the module docstring); ``max_chars`` None means no limit.

    >>> past = [Exchange("가" * 5, "나" * 5), Exchange("다", "라")]
    >>> recent_exchanges(past, max_turns=8, max_chars=4)
    [Exchange(user='다', assistant='라')]
    """
    kept = list(history[-max_turns:]) if max_turns > 0 else []
    if max_chars is not None:
        total = sum(e.chars for e in kept)
        while kept and total > max_chars:
            total -= kept.pop(0).chars
    return kept


def exchanges_from_messages(messages: Iterable[Mapping[str, str]]) -> list[Exchange]:
    """Chat messages (``{"role", "content"}``, oldest first) grouped into exchanges: a user
    message and the assistant messages after it. Other roles are skipped; a reply with no
    message before it (a greeting) or a message with no reply keeps an empty other half.

    >>> exchanges_from_messages([{"role": "assistant", "content": "어서 오세요"},
    ...     {"role": "user", "content": "안녕"}, {"role": "assistant", "content": "안녕하세요"},
    ...     {"role": "user", "content": "예약"}])
    [Exchange(user='', assistant='어서 오세요'), Exchange(user='안녕', assistant='안녕하세요'), Exchange(user='예약', assistant='')]
    """
    out: list[Exchange] = []
    user: str | None = None
    replies: list[str] = []
    for m in messages:
        role, content = m.get("role"), str(m.get("content") or "")
        if role == "user":
            if user is not None or replies:
                out.append(Exchange(user or "", "\n".join(replies)))
            user, replies = content, []
        elif role == "assistant":
            replies.append(content)
    if user is not None or replies:
        out.append(Exchange(user or "", "\n".join(replies)))
    return out


def as_chat_messages(history: Iterable[Exchange]) -> list[dict[str, str]]:
    """Exchanges as chat messages for a language model, empty halves left out.

    >>> as_chat_messages([Exchange("안녕", "안녕하세요"), Exchange("", "어서 오세요")])
    [{'role': 'user', 'content': '안녕'}, {'role': 'assistant', 'content': '안녕하세요'}, {'role': 'assistant', 'content': '어서 오세요'}]
    """
    out: list[dict[str, str]] = []
    for e in history:
        if e.user:
            out.append({"role": "user", "content": e.user})
        if e.assistant:
            out.append({"role": "assistant", "content": e.assistant})
    return out
