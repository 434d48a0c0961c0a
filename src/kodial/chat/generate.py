"""Talking to a chat model: persona + message history -> the next reply, whole or streamed.

:class:`ChatModel` is the one place where a trained chat model meets a conversation: it renders
the history with the tokenizer's own chat template (the one saved at training time), puts the
persona's system prompt first, and stops at the end-of-turn token(s) found by
:func:`end_of_turn_ids`. ``kodial chat run``, ``kodial chat eval`` and the assistant service's
chit-chat handler all go through it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from kodial.errors import KodialError

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

    from kodial.chat.batching import BatchedGenerator
    from kodial.chat.persona import Persona


def end_of_turn_ids(tokenizer: PreTrainedTokenizerBase) -> list[int]:
    """Token ids that close an assistant turn: the end-of-turn token the training samples were
    trained on (:func:`kodial.chat.rendering.end_of_turn_token`: ``<|eot_id|>`` for Llama-3,
    ``<|im_end|>`` for ChatML, ``<end_of_turn>`` for Gemma, EOS for plain text), plus the
    tokenizer's ``eos_token_id``. Generation must stop on any of them; a model that only knows
    ``eos`` keeps talking past its turn, the most common fine-tuning complaint.
    """
    from kodial.chat.rendering import end_of_turn_token

    token = end_of_turn_token(tokenizer, plain_text=not tokenizer.chat_template)
    token_id = tokenizer.convert_tokens_to_ids(token)
    assert isinstance(token_id, int)
    ids = [token_id]
    if tokenizer.eos_token_id is not None and tokenizer.eos_token_id not in ids:
        ids.append(int(tokenizer.eos_token_id))
    return ids


def as_messages(messages: Sequence[Any]) -> list[dict[str, str]]:
    """Accept ``{role, content}`` dicts or objects with ``.role``/``.content`` (``kodial.chat.dialogue.Message``)."""
    out = []
    for m in messages:
        if isinstance(m, dict):
            out.append({"role": str(m["role"]), "content": str(m["content"])})
        else:
            out.append({"role": str(m.role), "content": str(m.content)})
    return out


@dataclass
class Reply:
    """One generated reply: its text, token ids, and whether it ended on an end-of-turn token."""

    text: str
    token_ids: list[int]
    ended_on_eot: bool


class ChatModel:
    """A causal LM + its tokenizer + an optional persona, ready to answer a message history.

    >>> bot = ChatModel.from_pretrained("runs/chat/final", persona="persona.yaml")  # doctest: +SKIP
    >>> bot.generate([{"role": "user", "content": "안녕하세요!"}])  # doctest: +SKIP
    """

    def __init__(
        self,
        model: PreTrainedModel,
        tokenizer: PreTrainedTokenizerBase,
        persona: Persona | None = None,
        device: str | None = None,
        max_batch: int = 1,
    ) -> None:
        import torch

        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.model: Any = cast(Any, model)
        self.model.to(torch.device(self.device)).eval()
        self.tokenizer = tokenizer
        self.persona = persona
        self.eot_ids = end_of_turn_ids(tokenizer)
        self.batcher: BatchedGenerator | None = None
        """With ``max_batch > 1``, concurrent replies (from several threads) share ``generate``
        calls (:mod:`kodial.chat.batching`); greedy replies are the same as alone."""
        if max_batch > 1:
            from kodial.chat.batching import BatchedGenerator

            self.batcher = BatchedGenerator(self.model, tokenizer, self.eot_ids, max_batch)

    @classmethod
    def from_pretrained(
        cls,
        path: str | Path,
        persona: Persona | str | Path | None = None,
        device: str | None = None,
        max_batch: int = 1,
    ) -> ChatModel:
        """Load a model directory (full model, or a LoRA/prompt-tuning adapter over its base; for
        a training run directory, its ``final/``) and its tokenizer. ``persona`` is a
        :class:`Persona` or a persona YAML path; by default the persona the model was trained
        with (:func:`kodial.chat.persona.model_persona`), if any."""
        from transformers import AutoModelForCausalLM

        from kodial.hub import load_kwargs, load_tokenizer

        p = Path(path)
        if (p / "final").is_dir():  # a training run directory
            p = path = p / "final"
        if (
            p.exists()
            and not (p / "config.json").exists()
            and not (p / "adapter_config.json").exists()
        ):
            raise KodialError(
                f"{p} holds no model (no config.json or adapter_config.json)",
                hint="pass a model dir",
            )
        tokenizer = load_tokenizer(path)
        try:
            if (p / "adapter_config.json").exists():
                from kodial.chat.adapters import load_peft_model

                model = load_peft_model(p)
            else:
                model = AutoModelForCausalLM.from_pretrained(str(path), **load_kwargs(path))
        except OSError as exc:
            raise KodialError(
                f"cannot load model {path}: {exc}", hint="check the path or hub id"
            ) from None
        if persona is None:
            from kodial.chat.persona import model_persona

            persona = model_persona(p)
        if isinstance(persona, str | Path):
            from kodial.chat.persona import load_persona

            persona = load_persona(persona)
        return cls(model, tokenizer, persona=persona, device=device, max_batch=max_batch)

    def prompt_ids(self, messages: Sequence[Any]) -> list[int]:
        """Render the history and the assistant header to token ids through the same
        :func:`kodial.chat.rendering.prompt_ids` the training samples start with: the persona's
        system prompt replaces any system message, a template that refuses system messages gets
        it folded in as at training, and a model without a chat template gets the plain-text
        role-prefixed format it was trained on."""
        from kodial.chat.rendering import prompt_ids

        plain = not self.tokenizer.chat_template
        return prompt_ids(self.tokenizer, as_messages(messages), self.persona, plain_text=plain)

    @property
    def context_length(self) -> int | None:
        """Most positions the model takes (``max_position_embeddings``), if its config says."""
        config = getattr(self.model, "config", None)
        length = getattr(config, "max_position_embeddings", None)
        return int(length) if isinstance(length, int) else None

    def fitted_prompt_ids(self, messages: Sequence[Any], max_new_tokens: int) -> list[int]:
        """:meth:`prompt_ids`, dropping the oldest turns (never the system prompt or the last
        user message) until the prompt and ``max_new_tokens`` fit the model's context, as the
        training samples drop them (``drop-oldest``): the kept history starts on a user turn. A
        last message that alone does not fit is a :class:`KodialError`.

        The number of turns to drop is searched for (:func:`kodial.chat.fitting.fewest`), from
        an estimate in characters, so a long history costs a few renders, not one per turn."""
        from kodial.chat.fitting import fewest

        msgs = list(as_messages(messages))
        ids = self.prompt_ids(msgs)
        limit = self.context_length
        if limit is None:
            return ids
        budget = limit - max_new_tokens
        if len(ids) <= budget:
            return ids
        system = [m for m in msgs[:1] if m["role"] == "system"]
        turns = msgs[len(system) :]
        # Where the kept turns can start: a user turn, or the last message whatever it is.
        starts = [k for k in range(1, len(turns)) if turns[k]["role"] == "user"]
        if len(turns) > 1 and (not starts or starts[-1] != len(turns) - 1):
            starts.append(len(turns) - 1)
        found: dict[int, list[int]] = {}

        def fits(d: int) -> bool:
            found[d] = self.prompt_ids(system + turns[starts[d - 1] :])
            return len(found[d]) <= budget

        # Estimate: drop as many characters as the excess tokens take at this history's rate.
        before = [0]
        for m in turns:
            before.append(before[-1] + len(m["content"]) + 1)
        excess = (len(ids) - budget) * before[-1] / max(1, len(ids))
        estimate = next(
            (d for d, k in enumerate(starts, start=1) if before[k] >= excess), len(starts)
        )
        d = fewest(len(starts), fits, estimate)
        if d is not None:
            return found[d]
        last = found.get(len(starts), ids)
        raise KodialError(
            f"the message is too long for the model: {len(last)} prompt tokens + "
            f"{max_new_tokens} new tokens > its context of {limit}",
            hint="send a shorter message or lower max_new_tokens",
        )

    def _generate_kwargs(
        self, input_ids: torch.Tensor, max_new_tokens: int, temperature: float, top_p: float
    ) -> dict[str, Any]:
        import torch

        sample = temperature > 0
        kwargs: dict[str, Any] = {
            "input_ids": input_ids,
            "attention_mask": torch.ones_like(input_ids),
            "max_new_tokens": max_new_tokens,
            "do_sample": sample,
            "eos_token_id": self.eot_ids,
            "pad_token_id": self.tokenizer.pad_token_id
            if self.tokenizer.pad_token_id is not None
            else self.eot_ids[0],
        }
        if sample:
            kwargs.update(temperature=temperature, top_p=top_p)
        else:
            kwargs.update(temperature=None, top_p=None, top_k=None)
        return kwargs

    def reply(
        self,
        messages: Sequence[Any],
        max_new_tokens: int = 128,
        temperature: float = 0.7,
        top_p: float = 0.9,
    ) -> Reply:
        """Generate the next assistant turn; ``temperature=0`` is greedy."""
        import torch

        if self.batcher is not None:
            new = list(
                self.batcher.stream_ids(
                    self.fitted_prompt_ids(messages, max_new_tokens),
                    max_new_tokens,
                    temperature=temperature,
                    top_p=top_p,
                )
            )
            return self._reply_from(new)
        ids = torch.tensor([self.fitted_prompt_ids(messages, max_new_tokens)], device=self.device)
        with torch.no_grad():
            out = self.model.generate(
                **self._generate_kwargs(ids, max_new_tokens, temperature, top_p)
            )
        return self._reply_from(out[0, ids.shape[1] :].tolist())

    def _reply_from(self, new: list[int]) -> Reply:
        """The reply for generated ids: a final end-of-turn token is dropped and recorded."""
        ended = bool(new) and new[-1] in self.eot_ids
        if ended:
            new = new[:-1]
        return Reply(str(self.tokenizer.decode(new, skip_special_tokens=True)).strip(), new, ended)

    def generate(
        self,
        messages: Sequence[Any],
        max_new_tokens: int = 128,
        temperature: float = 0.7,
        top_p: float = 0.9,
    ) -> str:
        """The next assistant reply as text (stops at the end-of-turn token)."""
        return self.reply(messages, max_new_tokens, temperature, top_p).text

    def stream(
        self,
        messages: Sequence[Any],
        max_new_tokens: int = 128,
        temperature: float = 0.7,
        top_p: float = 0.9,
    ) -> Iterator[str]:
        """Yield the reply in pieces as it is generated.

        Pieces never split a UTF-8 character and arrive a character at a time, not a word at a
        time (:func:`character_streamer`), so a Korean reply starts to show after its first
        syllable. Closing the iterator early (a client that disconnects, a ``break``) stops the
        generation thread at its next token.
        """
        import torch
        from transformers import StoppingCriteria, StoppingCriteriaList

        if self.batcher is not None:
            yield from self.batcher.stream(
                self.fitted_prompt_ids(messages, max_new_tokens),
                max_new_tokens,
                temperature=temperature,
                top_p=top_p,
            )
            return
        cancelled = threading.Event()

        class Cancelled(StoppingCriteria):
            def __call__(
                self, input_ids: torch.Tensor, scores: torch.Tensor, **kwargs: Any
            ) -> bool:
                return cancelled.is_set()

        ids = torch.tensor([self.fitted_prompt_ids(messages, max_new_tokens)], device=self.device)
        streamer = character_streamer(self.tokenizer)
        kwargs = self._generate_kwargs(ids, max_new_tokens, temperature, top_p)
        errors: list[BaseException] = []

        def run() -> None:
            try:
                with torch.no_grad():
                    self.model.generate(
                        **kwargs,
                        streamer=streamer,
                        stopping_criteria=StoppingCriteriaList([Cancelled()]),
                    )
            except BaseException as exc:
                errors.append(exc)
                streamer.end()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        try:
            for piece in streamer:
                if piece:
                    yield piece
        finally:
            cancelled.set()
            thread.join()
        if errors:
            raise errors[0]


def character_streamer(tokenizer: PreTrainedTokenizerBase) -> Any:
    """A ``TextIteratorStreamer`` that releases text as soon as its characters are complete.

    transformers' streamer holds text back to the last space unless the last character is a CJK
    ideograph, so Hangul, which is not one, waits for the end of each eojeol. This one decodes the
    whole reply so far and releases everything except (a) trailing U+FFFD, the decoder's stand-in
    for the first bytes of a character whose last byte has not been generated yet, and (b)
    trailing white space, which a tokenizer's clean-up may still merge with the next token. A
    newline flushes as before; what is held is released by ``end()``.
    """
    from transformers import TextIteratorStreamer

    class CharacterStreamer(TextIteratorStreamer):
        def put(self, value: Any) -> None:
            if len(value.shape) > 1 and value.shape[0] > 1:
                raise ValueError("CharacterStreamer supports batch size 1")
            if len(value.shape) > 1:
                value = value[0]
            if self.skip_prompt and self.next_tokens_are_prompt:
                self.next_tokens_are_prompt = False
                return
            self.token_cache.extend(value.tolist())
            text = str(self.tokenizer.decode(self.token_cache, **self.decode_kwargs))
            if text.endswith("\n"):
                printable, self.token_cache, self.print_len = text[self.print_len :], [], 0
            else:
                end = len(text.rstrip("\ufffd"))
                end = len(text[:end].rstrip())
                printable = text[self.print_len : max(end, self.print_len)]
                self.print_len += len(printable)
            self.on_finalized_text(printable)

    return CharacterStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True)
