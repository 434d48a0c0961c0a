"""Control tokens of a tokenizer, and message text kept as text.

A chat template pastes message content between control tokens (``<|eot_id|>``,
``<|im_start|>``...). Content that spells one of them must never become that token: it would end a
turn, start a header or inject a system prompt. Everything here serves that rule: which ids are
control ids for a tokenizer (:func:`control_tokens`), and the ids of message text tokenized as plain
text (:func:`text_ids`), refusing a conversation where a control id would still come out.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kodial.chat.dialogue import Message
from kodial.errors import KodialError

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


ROLES: tuple[str, ...] = ("system", "user", "assistant")
"""Roles a conversation may use; the template pastes the role as it is, so no other is rendered."""


class TemplateRefused(KodialError):
    """The chat template raised (e.g. Gemma's "roles must alternate") for one conversation, or the
    conversation cannot be rendered safely (unknown role, content that would become a control
    token)."""


def special_ids(tokenizer: PreTrainedTokenizerBase) -> set[int]:
    """Ids of the tokenizer's special tokens (control tokens such as ``<|eot_id|>``)."""
    ids = set(tokenizer.all_special_ids)
    for idx, tok in tokenizer.added_tokens_decoder.items():
        if tok.special:
            ids.add(idx)
    return ids


@dataclass(frozen=True)
class ControlTokens:
    """The special tokens of a tokenizer as text: where rendered chat text is cut, and what
    message content is searched for."""

    ids: dict[str, int]
    """Text of each control token that is an *added* token -> its id: strings a Hugging Face
    tokenizer cuts out of text before tokenizing the rest (so tokenization restarts there)."""
    special: frozenset[int]
    """Every control id (:func:`special_ids` and the values of :attr:`ids`): none may come from
    message content."""
    split: re.Pattern[str] | None
    """Matches any key of :attr:`ids`, longest first (the tokenizer's own leftmost-longest rule)."""
    find: re.Pattern[str] | None
    """Matches any special-token string, added or not: what content must not contain as such."""


@functools.lru_cache(maxsize=64)
def _alternation(strings: tuple[str, ...]) -> re.Pattern[str] | None:
    if not strings:
        return None
    return re.compile("|".join(re.escape(s) for s in sorted(strings, key=len, reverse=True)))


def control_tokens(tokenizer: PreTrainedTokenizerBase) -> ControlTokens:
    """:class:`ControlTokens` of ``tokenizer`` (read anew each time: tokens can be added).

    Control tokens are the special tokens, plus the plain (non-special) added tokens that the chat
    template's own text contains, such as Qwen's ``<tool_call>``: a tokenizer cuts those out of
    any text, even with ``split_special_tokens``, so content holding one is refused rather than
    rendered (:func:`text_ids`). Added tokens the template does not write (words added to the
    vocabulary) are ordinary text."""
    template = getattr(tokenizer, "chat_template", None)
    if isinstance(template, dict):
        template = "\n".join(str(t) for t in template.values())
    source = template if isinstance(template, str) else ""
    added = {
        str(tok.content): int(idx)
        for idx, tok in tokenizer.added_tokens_decoder.items()
        if tok.content
        and (tok.special or (not str(tok.content).isspace() and str(tok.content) in source))
    }
    every = set(added) | {str(t) for t in tokenizer.all_special_tokens if t}
    return ControlTokens(
        ids=added,
        special=frozenset(special_ids(tokenizer) | set(added.values())),
        split=_alternation(tuple(sorted(added))),
        find=_alternation(tuple(sorted(every))),
    )


def check_roles(messages: Sequence[Message]) -> None:
    """:class:`TemplateRefused` for a role outside :data:`ROLES` (templates paste roles verbatim,
    so ``"user<|end_header_id|>"`` would otherwise write a header of its own)."""
    for t, m in enumerate(messages, start=1):
        if m.role not in ROLES:
            raise TemplateRefused(
                f"turn {t}: unknown role {m.role[:40]!r}; a conversation uses {', '.join(ROLES)}"
            )


def text_ids(
    tokenizer: PreTrainedTokenizerBase,
    texts: Sequence[str],
    controls: ControlTokens,
    restore: dict[int, str] | None = None,
) -> list[list[int]]:
    """Ids of each text as plain text: special-token strings in it become ordinary pieces
    (``split_special_tokens=True``). ``restore`` maps placeholder code points back to the
    special-token strings they stand for. :class:`TemplateRefused` if a special id still comes out.
    """
    if not texts:
        return []
    plain = [t.translate(restore) for t in texts] if restore else list(texts)
    out: list[list[int]] = [[] for _ in plain]
    todo = [k for k, t in enumerate(plain) if t]
    if todo:
        enc = tokenizer(
            [plain[k] for k in todo], add_special_tokens=False, split_special_tokens=True
        )["input_ids"]
        for k, ids in zip(todo, enc, strict=True):
            out[k] = [int(i) for i in ids]
    for k, ids in enumerate(out):
        bad = next((i for i in ids if i in controls.special), None)
        if bad is not None:
            raise TemplateRefused(
                f"message text {plain[k][:60]!r} would become the control token "
                f"{tokenizer.convert_ids_to_tokens(bad)!r} even as plain text; remove it"
            )
    return out
