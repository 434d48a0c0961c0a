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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from kodial.chat.dialogue import Message
from kodial.chat.persona import Persona, apply_persona
from kodial.errors import KodialError

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


class TemplateRefused(KodialError):
    """The chat template raised (e.g. Gemma's "roles must alternate") for one conversation."""


def special_ids(tokenizer: PreTrainedTokenizerBase) -> set[int]:
    """Ids of the tokenizer's special tokens (control tokens such as ``<|eot_id|>``)."""
    ids = set(tokenizer.all_special_ids)
    for idx, tok in tokenizer.added_tokens_decoder.items():
        if tok.special:
            ids.add(idx)
    return ids


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

    def render(self, messages: Sequence[Message], add_generation_prompt: bool = False) -> str:
        """The template's text for ``messages``; a template error becomes :class:`TemplateRefused`."""
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

    def encode(self, messages: Sequence[Message], add_generation_prompt: bool = False) -> list[int]:
        """``apply_chat_template(..., tokenize=True)``: the ids any HF-based server computes."""
        import jinja2

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


@dataclass
class PlainTextFormat:
    """Role-prefixed plain text for base models: ``사용자: ...\\n챗봇: ...<eos>\\n``.

    A system message is written first, followed by a blank line. Every bot turn ends with the
    tokenizer's EOS token, which is what the model learns to emit to stop; the bos token (if the
    tokenizer has one) starts the text.
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

    def prepare(self, messages: Sequence[Message]) -> list[Message]:
        return list(messages)

    def pieces(self, messages: Sequence[Message], add_generation_prompt: bool = False) -> list[str]:
        """The text pieces, each tokenized on its own (special tokens are whole pieces)."""
        tok = self.tokenizer
        out: list[str] = [tok.bos_token] if tok.bos_token else []
        for m in messages:
            if m.role == "system":
                out += [m.content, "\n\n"]
            elif m.role == "user":
                out += [self.user_prefix, m.content, "\n"]
            else:
                out += [self.assistant_prefix, m.content, tok.eos_token, "\n"]
        if add_generation_prompt:
            out.append(self.assistant_prefix)
        return out

    def render(self, messages: Sequence[Message], add_generation_prompt: bool = False) -> str:
        return "".join(self.pieces(messages, add_generation_prompt))

    def encode(self, messages: Sequence[Message], add_generation_prompt: bool = False) -> list[int]:
        ids: list[int] = []
        for piece in self.pieces(messages, add_generation_prompt):
            ids += self.tokenizer(piece, add_special_tokens=False)["input_ids"]
        return ids


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
    persona=load_persona("persona.yaml"))``.
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
