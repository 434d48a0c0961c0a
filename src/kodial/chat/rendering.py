"""How a conversation becomes token ids: one code path for training samples and for serving.

Fine-tuned chat models that "never stop" or answer oddly at serving time usually saw different
tokens in training than they see at inference (another template, a missing end-of-turn token, a
space merged across the prompt boundary). Here a :class:`ChatFormat` turns messages into ids; the
sample builder (:mod:`kodial.chat.samples`) and the generation code both call
:func:`prompt_ids` / :meth:`ChatFormat.encode`, so the prompt a model is served with is, token for
token, a prefix of what it was trained on.

Two formats (:data:`CHAT_FORMATS`):

- ``template``: the tokenizer's own chat template: ids are
  ``tokenizer.apply_chat_template(..., tokenize=True)``, what any Hugging Face based server
  computes. A template that refuses a system message gets it folded into the first user turn.
- ``plain-text``: for base models without a chat template, role-prefixed lines
  (``사용자: ...`` / ``챗봇: ...``), each bot turn ending with the EOS token. Every piece (prefix,
  content, EOS, newline) is tokenized on its own, so the prompt ``...챗봇: `` is a token prefix of
  the trained reply whatever the tokenizer merges.

Message content is text, never control tokens
---------------------------------------------
A user who types ``<|eot_id|><|start_header_id|>system<|end_header_id|>`` must not get a system
turn: Hugging Face tokenizers cut every special-token string out of the text they are given, so
``apply_chat_template`` turns such content into real control-token ids (prompt injection at
serving, and at training a sample that teaches the model to obey it). The rule here, for every
role and for training and serving alike: the control tokens of a conversation are the ones the
*template* writes; the text of a message (:attr:`Message.content`, including a dialogue's own
system prompt and a persona's) is tokenized with ``split_special_tokens=True``, so a
special-token string in it becomes the ordinary text pieces it is spelt with. A conversation whose
content holds no special-token string is encoded by ``apply_chat_template`` exactly as before;
otherwise the template is rendered with each such string replaced by a private-use placeholder,
cut at the template's own special tokens, and each piece of text is tokenized on its own (which
is what Hugging Face tokenizers do between special tokens anyway) with the placeholders put back.
Should a tokenizer still produce a special id from text, the conversation is refused
(:class:`TemplateRefused`). Only the roles ``system``, ``user`` and ``assistant`` are accepted: a
role is pasted into the template as it is.

Per-turn boundaries in linear time
----------------------------------
Exact loss masks need, for every trained reply, the ids of the history (plus the assistant
header) and of the history plus the reply, both prefixes of the whole conversation. Rendering
each prefix costs O(turns) template work, so a 10,000-turn conversation took O(turns²).
:meth:`ChatFormat.spans` finds all boundaries in one pass: turn ``k``'s text is what the template
adds for it after a short context (the first two messages and the two or three before ``k``, so
every message keeps the parity of its position), the pieces must add up to the template's
rendering of the whole conversation, and each boundary is checked against the tokenization of the
text up to it (from the last special token, where tokenization restarts). A template that depends
on more than that context (absolute turn numbers, the last message) fails a check and the caller
falls back to rendering every prefix, which is exact for any template.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from kodial.chat.control_tokens import (
    TemplateRefused,
    check_roles,
    control_tokens,
    special_ids,
    text_ids,
)
from kodial.chat.dialogue import Message
from kodial.chat.persona import Persona, apply_persona
from kodial.errors import KodialError

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


CONTEXT_ANCHOR = 2
"""Leading messages kept in every bounded context of :meth:`TemplateFormat.spans` (a system prompt
and the first user turn): templates treat the first message(s) specially."""

_PRIVATE = re.compile("[\U00100000-\U0010fffd]")
"""Supplementary Private Use Area-B, where content placeholders are taken from."""


class TemplateMismatch(KodialError):
    """The chat template cannot give exact per-turn masks (prefix rendering is not a prefix)."""


@dataclass
class Spans:
    """Token ids of a conversation and where each prefix of it ends."""

    ids: list[int]
    """Ids of the whole conversation (what :meth:`ChatFormat.encode` gives)."""
    ends: list[int]
    """``ends[k]``: number of tokens of ``messages[:k]``, for ``k = 0 .. len(messages)``."""
    heads: dict[int, int] = field(default_factory=dict)
    """``heads[i]``: number of tokens of ``messages[:i]`` plus the generation prompt (the
    assistant header): where the reply ``messages[i]`` starts, as at serving."""


class ChatFormat(Protocol):
    """Turns messages into token ids; used identically for training samples and serving."""

    name: str
    tokenizer: PreTrainedTokenizerBase

    def prepare(self, messages: Sequence[Message]) -> list[Message]:
        """Messages as the format can take them (e.g. system folded into the first user turn)."""
        ...

    def encode(self, messages: Sequence[Message], add_generation_prompt: bool = False) -> list[int]:
        """Token ids of ``messages`` (already prepared); with the assistant header appended when
        ``add_generation_prompt``."""
        ...

    def render(self, messages: Sequence[Message], add_generation_prompt: bool = False) -> str:
        """The same as text (for display; :meth:`encode` is what trains and serves)."""
        ...

    def spans(
        self, messages: Sequence[Message], heads: Sequence[int] = (), full: list[int] | None = None
    ) -> Spans | None:
        """Ids of ``messages`` (prepared) and the token count of every prefix, and of the prefix
        plus generation prompt before each index in ``heads``, in O(conversation) work; ``None``
        when this cannot be done exactly that way (then render each prefix). ``full`` is
        :meth:`encode` of ``messages`` if the caller has it."""
        ...


@dataclass
class TemplateFormat:
    """The tokenizer's chat template."""

    tokenizer: PreTrainedTokenizerBase
    name: str = "template"

    def __post_init__(self) -> None:
        if not getattr(self.tokenizer, "chat_template", None):
            raise KodialError(
                "the tokenizer has no chat template",
                hint="use --strategy plain-text for a base model, or give a tokenizer saved with "
                "a chat template",
            )
        self.system_supported = self._accepts_system()
        self.controls = control_tokens(self.tokenizer)

    def _accepts_system(self) -> bool:
        import jinja2

        probe = [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}]
        try:
            self.tokenizer.apply_chat_template(probe, tokenize=False)
        except jinja2.TemplateError:
            return False
        return True

    def prepare(self, messages: Sequence[Message]) -> list[Message]:
        """Fold system messages into the first user turn when the template refuses them."""
        msgs = list(messages)
        if self.system_supported or not any(m.role == "system" for m in msgs):
            return msgs
        system = "\n\n".join(m.content for m in msgs if m.role == "system")
        rest = [m for m in msgs if m.role != "system"]
        for i, m in enumerate(rest):
            if m.role == "user":
                rest[i] = Message("user", f"{system}\n\n{m.content}")
                break
        return rest

    # -- content masking ------------------------------------------------------------------------

    def _mask(self, messages: Sequence[Message]) -> tuple[list[Message], dict[int, str]]:
        """Messages with every special-token string in their content replaced by a private-use
        placeholder absent from the conversation, and the table to put them back (empty when the
        content holds none: then nothing needs masking)."""
        check_roles(messages)
        find = self.controls.find
        msgs = list(messages)
        if find is None or not any(find.search(m.content) for m in msgs):
            return msgs, {}
        used = {ch for m in msgs for ch in _PRIVATE.findall(m.content)}
        free = (chr(c) for c in range(0x100000, 0x10FFFE) if chr(c) not in used)
        table: dict[str, str] = {}

        def placeholder(match: re.Match[str]) -> str:
            text = match.group()
            if text not in table:
                table[text] = next(free)
            return table[text]

        masked = [Message(m.role, find.sub(placeholder, m.content)) for m in msgs]
        return masked, {ord(ph): text for text, ph in table.items()}

    def _render(self, messages: Sequence[Message], add_generation_prompt: bool = False) -> str:
        import jinja2

        try:
            text = self.tokenizer.apply_chat_template(
                [m.to_dict() for m in messages],
                tokenize=False,
                add_generation_prompt=add_generation_prompt,
            )
        except jinja2.TemplateError as exc:
            raise TemplateRefused(f"the chat template refused the conversation: {exc}") from None
        assert isinstance(text, str)
        return text

    def _segments(self, text: str) -> list[tuple[int, int, int | None]]:
        """``(start, end, id)`` pieces of rendered (masked) text: a special token of the template
        with its id, or a stretch of text between two (id None)."""
        out: list[tuple[int, int, int | None]] = []
        pos = 0
        if self.controls.split is not None:
            for m in self.controls.split.finditer(text):
                if m.start() > pos:
                    out.append((pos, m.start(), None))
                out.append((m.start(), m.end(), self.controls.ids[m.group()]))
                pos = m.end()
        if pos < len(text):
            out.append((pos, len(text), None))
        return out

    def _tokenize(self, text: str, restore: dict[int, str]) -> tuple[list[int], list[Any]]:
        """Ids of rendered masked text, and per segment ``(start, end, index of its first token,
        its ids, whether it is a control token)``."""
        segs = self._segments(text)
        texts = text_ids(
            self.tokenizer, [text[s:e] for s, e, i in segs if i is None], self.controls, restore
        )
        ids: list[int] = []
        table: list[Any] = []
        it = iter(texts)
        for s, e, special in segs:
            seg_ids = [special] if special is not None else next(it)
            table.append((s, e, len(ids), seg_ids, special is not None))
            ids += seg_ids
        return ids, table

    # -- the protocol ---------------------------------------------------------------------------

    def render(self, messages: Sequence[Message], add_generation_prompt: bool = False) -> str:
        """The template's text for ``messages``; a template error becomes :class:`TemplateRefused`."""
        check_roles(messages)
        return self._render(messages, add_generation_prompt)

    def encode(self, messages: Sequence[Message], add_generation_prompt: bool = False) -> list[int]:
        """``apply_chat_template(..., tokenize=True)``, the ids any HF-based server computes, for
        content without special-token strings; content that has some is rendered as text (see the
        module docstring)."""
        import jinja2

        masked, restore = self._mask(messages)
        if restore:
            return self._tokenize(self._render(masked, add_generation_prompt), restore)[0]
        try:
            ids: Any = self.tokenizer.apply_chat_template(
                [m.to_dict() for m in messages],
                tokenize=True,
                return_dict=False,
                add_generation_prompt=add_generation_prompt,
            )
        except jinja2.TemplateError as exc:
            raise TemplateRefused(f"the chat template refused the conversation: {exc}") from None
        return [int(i) for i in ids]

    def _context(self, k: int) -> tuple[int, int]:
        """What the template is shown before message ``k`` to render that turn on its own:
        ``messages[:a] + messages[j:k]`` for the returned ``(a, j)``: the first
        :data:`CONTEXT_ANCHOR` messages and the two or three before ``k``, chosen so every message
        keeps the parity of its position (templates check alternation by parity). ``(k, k)``
        when that is the real prefix ``messages[:k]``."""
        a = CONTEXT_ANCHOR
        j = k - 2 if (k - 2 - a) % 2 == 0 else k - 3
        return (k, k) if j <= a else (a, j)

    def spans(
        self, messages: Sequence[Message], heads: Sequence[int] = (), full: list[int] | None = None
    ) -> Spans | None:
        masked, restore = self._mask(messages)
        n = len(masked)
        if n == 0:
            return None
        wanted = set(heads)
        cache: dict[tuple[int, int, int, bool], str] = {}

        def render(a: int, j: int, k: int, gen: bool = False) -> str:
            """``masked[:a] + masked[j:k]`` rendered (a real prefix when ``a == j``)."""
            if a == j:
                a = j = k
            key = (a, j, k, gen)
            if key not in cache:
                cache[key] = self._render([*masked[:a], *masked[j:k]], gen)
            return cache[key]

        try:
            pieces = [render(1, 1, 1)]
            gen: dict[int, str] = {}
            for k in range(1, n):
                a, j = self._context(k)
                before = render(a, j, k)
                after = render(a, j, k + 1)
                if not after.startswith(before):
                    return None
                pieces.append(after[len(before) :])
                if k in wanted:
                    head = render(a, j, k, gen=True)
                    if not head.startswith(before):
                        return None
                    gen[k] = head[len(before) :]
            whole = render(n, n, n)
            if "".join(pieces) != whole:
                return None
            chars = [0]
            for piece in pieces:
                chars.append(chars[-1] + len(piece))
            head_chars: dict[int, int] = {}
            for k, g in gen.items():
                if whole[chars[k] : chars[k] + len(g)] != g:
                    return None
                head_chars[k] = chars[k] + len(g)
            if gen:  # the generation prompt after a context, checked once against the real one
                last = max(gen)
                if render(last, last, last, gen=True) != whole[: head_chars[last]]:
                    return None
        except TemplateRefused:
            return None  # a context the template refuses: let the exact path decide
        ids, table = self._tokenize(whole, restore)
        if not restore:
            expected = full if full is not None else self.encode(messages)
            if ids != expected:  # a tokenizer that does not tokenize between special tokens alone
                return None
        counts = _token_counts(self, whole, ids, table, [*chars, *head_chars.values()], restore)
        if counts is None:
            return None
        return Spans(ids, [counts[c] for c in chars], {k: counts[c] for k, c in head_chars.items()})


def _token_counts(
    fmt: TemplateFormat,
    text: str,
    ids: list[int],
    table: list[Any],
    positions: list[int],
    restore: dict[int, str],
) -> dict[int, int] | None:
    """Number of tokens of ``text[:p]`` for each position ``p``, or None if some ``text[:p]``
    does not tokenize to a prefix of ``ids``. Tokenization restarts after every special token, so
    only the text from the last one to ``p`` is tokenized again."""
    import bisect

    starts = [row[0] for row in table]
    counts: dict[int, int] = {}
    partial: list[tuple[int, int, list[int], str]] = []
    for p in set(positions):
        if p >= len(text):
            counts[p] = len(ids)
            continue
        s = bisect.bisect_right(starts, p) - 1
        start, _end, first, seg_ids, is_special = table[s]
        if p == start:
            counts[p] = first
        elif is_special:
            return None  # a boundary inside a control token
        else:
            partial.append((p, first, seg_ids, text[start:p]))
    got = text_ids(fmt.tokenizer, [t for *_, t in partial], fmt.controls, restore)
    for (p, first, seg_ids, _), head in zip(partial, got, strict=True):
        if seg_ids[: len(head)] != head:
            return None
        counts[p] = first + len(head)
    return counts


@dataclass
class PlainTextFormat:
    """Role-prefixed plain text for base models: ``사용자: ...\\n챗봇: ...<eos>\\n``.

    A system message is written first, followed by a blank line. Every bot turn ends with the
    tokenizer's EOS token, which is what the model learns to emit to stop; the bos token (if the
    tokenizer has one) starts the text. Message content is tokenized as plain text (a
    special-token string in it is not a control token); the prefixes are configuration.
    """

    tokenizer: PreTrainedTokenizerBase
    user_prefix: str = "사용자: "
    """Text before each user turn."""
    assistant_prefix: str = "챗봇: "
    """Text before each bot turn (and the generation prompt)."""
    name: str = "plain-text"

    def __post_init__(self) -> None:
        if self.tokenizer.eos_token is None:
            raise KodialError(
                "plain-text samples need an EOS token to end each bot turn, and the tokenizer has none",
                hint="set tokenizer.eos_token (and save the tokenizer) before building samples",
            )
        self.controls = control_tokens(self.tokenizer)
        self._fixed: dict[str, list[int]] = {}

    def prepare(self, messages: Sequence[Message]) -> list[Message]:
        return list(messages)

    def pieces(self, messages: Sequence[Message], add_generation_prompt: bool = False) -> list[str]:
        """The text pieces, each tokenized on its own (special tokens are whole pieces)."""
        tok = self.tokenizer
        out: list[str] = [tok.bos_token] if tok.bos_token else []
        for m in messages:
            out += [piece for piece, _ in self._message_pieces(m)]
        if add_generation_prompt:
            out.append(self.assistant_prefix)
        return out

    def _message_pieces(self, m: Message) -> list[tuple[str, bool]]:
        """``(text, is_content)`` pieces of one message."""
        if m.role == "system":
            return [(m.content, True), ("\n\n", False)]
        if m.role == "user":
            return [(self.user_prefix, False), (m.content, True), ("\n", False)]
        return [
            (self.assistant_prefix, False),
            (m.content, True),
            (str(self.tokenizer.eos_token), False),
            ("\n", False),
        ]

    def _fixed_ids(self, piece: str) -> list[int]:
        """Ids of a piece the format writes (bos, eos, prefixes), special tokens included."""
        if piece not in self._fixed:
            ids = self.tokenizer(piece, add_special_tokens=False)["input_ids"]
            self._fixed[piece] = [int(i) for i in ids]
        return self._fixed[piece]

    def render(self, messages: Sequence[Message], add_generation_prompt: bool = False) -> str:
        check_roles(messages)
        return "".join(self.pieces(messages, add_generation_prompt))

    def encode(self, messages: Sequence[Message], add_generation_prompt: bool = False) -> list[int]:
        spans = self.spans(messages)
        assert spans is not None
        return spans.ids + (self._fixed_ids(self.assistant_prefix) if add_generation_prompt else [])

    def spans(
        self, messages: Sequence[Message], heads: Sequence[int] = (), full: list[int] | None = None
    ) -> Spans | None:
        """Exact by construction: every piece is tokenized on its own, so the ids of a prefix are
        the ids of its pieces."""
        check_roles(messages)
        content = text_ids(self.tokenizer, [m.content for m in messages], self.controls)
        bos = self.tokenizer.bos_token
        ids: list[int] = list(self._fixed_ids(bos)) if bos else []
        ends = [len(ids)]
        for m, content_ids in zip(messages, content, strict=True):
            for piece, is_content in self._message_pieces(m):
                ids += content_ids if is_content else self._fixed_ids(piece)
            ends.append(len(ids))
        gen = len(self._fixed_ids(self.assistant_prefix))
        return Spans(ids, ends, {i: ends[i] + gen for i in heads})


CHAT_FORMATS: dict[str, type[TemplateFormat] | type[PlainTextFormat]] = {
    "template": TemplateFormat,
    "plain-text": PlainTextFormat,
}
"""Ways to turn messages into ids: name -> class taking the tokenizer."""


def chat_format(tokenizer: PreTrainedTokenizerBase, plain_text: bool = False) -> ChatFormat:
    """The tokenizer's chat template, or the plain-text format for base models."""
    return PlainTextFormat(tokenizer) if plain_text else TemplateFormat(tokenizer)


def prompt_ids(
    tokenizer: PreTrainedTokenizerBase,
    messages: Sequence[Message | dict[str, Any]],
    persona: Persona | None = None,
    plain_text: bool = False,
) -> list[int]:
    """Ids to generate the next assistant turn from: persona system prompt + history + assistant
    header, exactly as the training samples were built (a sample's ids start with these).

    ``messages`` are :class:`Message` objects or ``{"role", "content"}`` dicts (as a server
    receives them). Example: ``prompt_ids(tok, [{"role": "user", "content": "안녕하세요"}],
    persona=load_persona("persona.yaml"))``. Message content is text: a special-token string a
    user types stays text (see the module docstring).
    """
    fmt = chat_format(tokenizer, plain_text)
    msgs = fmt.prepare(apply_persona(as_messages(messages), persona))
    return fmt.encode(msgs, add_generation_prompt=True)


def end_of_turn_token(tokenizer: PreTrainedTokenizerBase, plain_text: bool = False) -> str:
    """The token that ends an assistant turn (``<|eot_id|>``, ``<|im_end|>``, ``<end_of_turn>``,
    or EOS for plain text): the last special token the format writes after a reply. Generation
    must stop on it; it is trained as part of every assistant turn."""
    fmt = chat_format(tokenizer, plain_text)
    msgs = [Message("user", "가"), Message("assistant", "나")]
    head = fmt.encode(msgs[:1], add_generation_prompt=True)
    full = fmt.encode(msgs)
    specials = special_ids(tokenizer)
    tail = [t for t in full[len(head) :] if t in specials]
    if not tail:
        if tokenizer.eos_token is None:
            raise KodialError("the chat template writes no end-of-turn token and there is no EOS")
        return str(tokenizer.eos_token)
    return str(tokenizer.convert_ids_to_tokens(tail[-1]))


def as_messages(raw: Sequence[dict[str, Any] | Message]) -> list[Message]:
    """Accept ``{"role", "content"}`` dicts (as a server receives them) or :class:`Message`."""
    return [
        m if isinstance(m, Message) else Message(str(m["role"]), str(m["content"])) for m in raw
    ]


def text_safe_tokenizer(tokenizer: PreTrainedTokenizerBase) -> PreTrainedTokenizerBase:
    """A shallow copy of ``tokenizer`` whose ``apply_chat_template(..., tokenize=True)`` goes
    through :meth:`TemplateFormat.encode`: message content is text, system messages are folded
    for templates that refuse them, as in SFT samples and at serving.

    For trainers that tokenize conversations themselves (TRL's DPO and KTO call
    ``processing_class.apply_chat_template(messages, tokenize=True, ...)``). Calls this cannot
    answer the same way (tools, documents, another template, padding, tensors, assistant masks,
    or ``tokenize=False``) go to the original method; kodial's preference rows never need them.
    """
    import copy

    from transformers import BatchEncoding

    fmt = TemplateFormat(tokenizer)
    original = tokenizer.apply_chat_template
    safe = copy.copy(tokenizer)

    def apply_chat_template(
        conversation: Any,
        tools: Any = None,
        documents: Any = None,
        chat_template: str | None = None,
        add_generation_prompt: bool = False,
        tokenize: bool = True,
        return_dict: bool = True,
        **kwargs: Any,
    ) -> Any:
        plain = (
            tokenize
            and tools is None
            and documents is None
            and chat_template is None
            # padding, tensors, continue_final_message, assistant masks: not ours to emulate
            and not any(v for k, v in kwargs.items() if k != "sanitize_control_tokens")
            and isinstance(conversation, list)
            and all(isinstance(m, dict) for m in conversation)
        )
        if not plain:
            return original(
                conversation,
                tools=tools,
                documents=documents,
                chat_template=chat_template,
                add_generation_prompt=add_generation_prompt,
                tokenize=tokenize,
                return_dict=return_dict,
                **kwargs,
            )
        ids = fmt.encode(fmt.prepare(as_messages(conversation)), add_generation_prompt)
        if not return_dict:
            return ids
        return BatchEncoding({"input_ids": ids, "attention_mask": [1] * len(ids)})

    safe.apply_chat_template = apply_chat_template  # type: ignore[method-assign,assignment]
    return safe
