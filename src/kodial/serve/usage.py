"""How the service counts tokens for ``usage`` and ``max_tokens``.

The rule: **one token per non-whitespace character** (Unicode code point). A Hangul syllable,
a Latin letter, a digit and a punctuation mark each count one; spaces and newlines count
nothing. It is exact, cheap, the same for every handler (FAQ answers, task prompts and the
chat model alike) and independent of any model's tokenizer, so ``max_tokens`` means the same
thing whichever handler answers. For Korean text it is close to, and never below, what a
subword tokenizer trained on Korean produces.

>>> count_tokens("내일 저녁 7시!")
7
"""

from __future__ import annotations


def count_tokens(text: str) -> int:
    """Tokens in ``text`` by the rule above."""
    return sum(1 for ch in text if not ch.isspace())


def truncate_tokens(text: str, budget: int) -> tuple[str, bool]:
    """The longest prefix of ``text`` holding at most ``budget`` tokens, and whether it was cut.

    >>> truncate_tokens("안녕 하세요", 3)
    ('안녕 하', True)
    """
    used = 0
    for i, ch in enumerate(text):
        if not ch.isspace():
            if used == budget:
                return text[:i].rstrip(), True
            used += 1
    return text, False
