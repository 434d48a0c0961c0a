"""Chit-chat handler: small talk in the persona's voice, from one of three backends.

Backends register in :data:`CHAT_BACKENDS`:

- ``retrieval`` (offline default): the nearest user line among chit-chat pairs written in the
  persona's voice answers with its reply; below ``min_similarity`` one of ``default_replies``
  (picked by a hash of the message, so the same message always gets the same reply).
- ``transformers``: any causal LM directory through :class:`kodial.chat.generate.ChatModel`,
  with the persona's system prompt; streams text pieces as they are generated.
- ``vllm``: the same model served by vLLM on a GPU (``pip install 'kodial[gpu]'``); the whole
  reply arrives at once.

Every backend answers ``reply(message, history) -> (text or pieces, route facts)``.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from pydantic import Field, TypeAdapter

from kodial.assistant.config import ChitchatConfig, load_yaml
from kodial.assistant.history import Exchange, as_chat_messages, recent_exchanges
from kodial.assistant.interface import Answer, Environment, Handler, TurnContext
from kodial.assistant.retrieval import NearestText
from kodial.assistant.route import ChitchatRoute
from kodial.config import FrozenConfig
from kodial.errors import KodialError


class ChatPair(FrozenConfig):
    """A user line and the persona's reply to it."""

    user: str = Field(min_length=1)
    reply: str = Field(min_length=1)


PAIRS_FILE = TypeAdapter(list[ChatPair])


def load_pairs(path: str | Path) -> list[ChatPair]:
    """Read and validate a chit-chat pairs file."""
    pairs: list[ChatPair] = load_yaml(path, PAIRS_FILE)
    return pairs


class ChatBackend(Protocol):
    def reply(
        self, message: str, history: list[Exchange]
    ) -> tuple[str | Iterator[str], dict[str, Any]]: ...


class RetrievalChat:
    """Offline small talk: the reply of the nearest written pair."""

    def __init__(self, config: ChitchatConfig, persona: Any) -> None:
        assert config.data is not None
        self.config = config
        self.pairs = load_pairs(config.data)
        self.index = NearestText([p.user for p in self.pairs])

    def reply(
        self, message: str, history: list[Exchange]
    ) -> tuple[str | Iterator[str], dict[str, Any]]:
        hit = self.index.search(message, k=1)[0]
        facts: dict[str, Any] = {
            "nearest": self.index.texts[hit.index],
            "similarity": round(hit.similarity, 4),
            "threshold": self.config.min_similarity,
        }
        if hit.similarity >= self.config.min_similarity:
            return self.pairs[hit.index].reply, facts
        replies = self.config.default_replies
        facts["default_reply"] = True
        return replies[zlib.crc32(message.encode("utf-8")) % len(replies)], facts


def _lm_messages(
    config: ChitchatConfig, message: str, history: list[Exchange]
) -> list[dict[str, str]]:
    """The last ``history_turns`` exchanges (by the history rule,
    :func:`kodial.assistant.history.recent_exchanges`) plus the new message (the persona's
    system prompt is added by the model wrapper)."""
    recent = recent_exchanges(history, config.history_turns)
    return [*as_chat_messages(recent), {"role": "user", "content": message}]


class TransformersChat:
    """A causal LM via :class:`kodial.chat.generate.ChatModel`, streamed."""

    def __init__(self, config: ChitchatConfig, persona: Any) -> None:
        from kodial.chat.generate import ChatModel

        assert config.model is not None
        self.config = config
        self.model = ChatModel.from_pretrained(config.model, persona=persona)

    def reply(
        self, message: str, history: list[Exchange]
    ) -> tuple[str | Iterator[str], dict[str, Any]]:
        pieces = self.model.stream(
            _lm_messages(self.config, message, history),
            max_new_tokens=self.config.max_new_tokens,
            temperature=self.config.temperature,
        )
        return pieces, {"model": self.config.model}


class VLLMChat:
    """The same model served by vLLM (GPU). One generation at a time through ``LLM``.

    Prompts are rendered to token ids by :func:`kodial.chat.rendering.prompt_ids`, the renderer
    the training samples were built with (persona, system folding, plain-text models), and
    generation stops on the same end-of-turn ids as the transformers backend."""

    def __init__(self, config: ChitchatConfig, persona: Any) -> None:
        try:
            from vllm import LLM, SamplingParams
        except ImportError:
            raise KodialError(
                "the vllm chit-chat backend needs vLLM, which is not installed",
                hint="pip install 'kodial[gpu]' on a CUDA machine, or use backend: transformers",
            ) from None
        from transformers import AutoTokenizer

        from kodial.chat.generate import end_of_turn_ids

        assert config.model is not None
        self.config = config
        self.persona = persona
        self.tokenizer = AutoTokenizer.from_pretrained(config.model)
        self.llm = LLM(model=config.model)
        self.params = SamplingParams(
            max_tokens=config.max_new_tokens,
            temperature=config.temperature,
            stop_token_ids=end_of_turn_ids(self.tokenizer),
        )
        self.lock = threading.Lock()

    def reply(
        self, message: str, history: list[Exchange]
    ) -> tuple[str | Iterator[str], dict[str, Any]]:
        from kodial.chat.rendering import prompt_ids

        ids = prompt_ids(
            self.tokenizer,
            _lm_messages(self.config, message, history),
            self.persona,
            plain_text=not self.tokenizer.chat_template,
        )
        with self.lock:
            out = self.llm.generate([{"prompt_token_ids": ids}], self.params)
        return out[0].outputs[0].text.strip(), {"model": self.config.model}


CHAT_BACKENDS: dict[str, type] = {
    "retrieval": RetrievalChat,
    "transformers": TransformersChat,
    "vllm": VLLMChat,
}
"""Registry of chit-chat backends: ``backend`` in YAML -> class."""


class ChitchatHandler(Handler):
    """Small talk through the configured backend, in the persona's voice."""

    config_class = ChitchatConfig
    config: ChitchatConfig

    def __init__(self, name: str, config: ChitchatConfig, env: Environment) -> None:
        super().__init__(name, config, env)
        self.backend: ChatBackend = CHAT_BACKENDS[config.backend](config, env.persona)

    def respond(self, ctx: TurnContext) -> Answer:
        out, facts = self.backend.reply(ctx.message, ctx.history)
        route = ChitchatRoute(backend=self.config.backend, **facts)
        reason = f"small talk ({self.config.backend} backend)"
        if isinstance(out, str):
            return Answer(text=out, keep_task=True, reason=reason, chitchat=route)
        return Answer(stream=out, keep_task=True, reason=reason, chitchat=route)
