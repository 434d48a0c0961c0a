"""Chit-chat handler: small talk in the persona's voice, from one of three backends.

Backends register in :data:`CHAT_BACKENDS`:

- ``retrieval`` (offline default): the nearest user line among chit-chat pairs written in the
  persona's voice answers with its reply; below ``min_similarity`` one of ``default_replies``
  (picked by a hash of the message, so the same message always gets the same reply).
- ``transformers``: any causal LM directory through :class:`kodial.chat.generate.ChatModel`,
  with the persona's system prompt, in this process; streams text pieces as they are generated,
  and concurrent replies share decoding steps (``max_batch``, :mod:`kodial.chat.batching`).
- ``openai`` (alias ``remote``): any OpenAI-compatible server through
  :class:`kodial.chat.remote.RemoteChatModel`: vLLM (``vllm serve MODEL_DIR``), SGLang,
  ``transformers serve``, LLaMA-Factory's API or a hosted LLM; the persona's system prompt and
  kodial's end-of-turn stop strings are sent, the reply streams, and a request that fails before
  any text is retried. This is how a GPU serves the chit-chat model: the engine batches and
  pages its cache, kodial stays a client.

Every backend answers ``reply(message, history) -> (text or pieces, route facts)``.
"""

from __future__ import annotations

import logging
import os
import uuid
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

log = logging.getLogger("kodial.assistant")


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


class _LanguageModelChat:
    """What the language-model backends share: the reply streamed from ``self.model`` (a
    :class:`kodial.chat.generate.ChatModel` or a remote one) over the recent history."""

    config: ChitchatConfig
    model: Any

    def reply(
        self, message: str, history: list[Exchange]
    ) -> tuple[str | Iterator[str], dict[str, Any]]:
        pieces = self.model.stream(
            _lm_messages(self.config, message, history),
            max_new_tokens=self.config.max_new_tokens,
            temperature=self.config.temperature,
        )
        return pieces, {"model": self.config.model}


class TransformersChat(_LanguageModelChat):
    """A causal LM via :class:`kodial.chat.generate.ChatModel`, streamed; concurrent replies
    share batches (``max_batch``)."""

    def __init__(self, config: ChitchatConfig, persona: Any) -> None:
        from kodial.chat.generate import ChatModel

        assert config.model is not None
        self.config = config
        self.model = ChatModel.from_pretrained(
            config.model, persona=persona, max_batch=config.max_batch
        )


class OpenAIChat(_LanguageModelChat):
    """The chit-chat model behind an OpenAI-compatible server, streamed
    (:class:`kodial.chat.remote.RemoteChatModel`). The API key is read from the environment
    variable named by ``api_key_env`` when the assistant is built."""

    def __init__(self, config: ChitchatConfig, persona: Any) -> None:
        from kodial.chat.remote import RemoteChatModel

        assert config.base_url is not None and config.model is not None
        key = None
        if config.api_key_env is not None:
            key = os.environ.get(config.api_key_env)
            if not key:
                raise KodialError(
                    f"the openai chit-chat backend reads its API key from ${config.api_key_env}, "
                    "which is not set",
                    hint=f"export {config.api_key_env}=... before starting, or remove api_key_env "
                    "for a server without keys",
                )
        self.config = config
        self.model = RemoteChatModel(
            config.base_url,
            model=config.model,
            api_key=key,
            persona=persona,
            timeout=config.timeout_s,
            retries=config.retries,
        )


CHAT_BACKENDS: dict[str, type] = {
    "retrieval": RetrievalChat,
    "transformers": TransformersChat,
    "openai": OpenAIChat,
}
"""Registry of chit-chat backends: ``backend`` in YAML -> class (``remote`` is read as
``openai`` by :class:`~kodial.assistant.config.ChitchatConfig`)."""


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
        return Answer(stream=_polite(out), keep_task=True, reason=reason, chitchat=route)


UNAVAILABLE_REPLY = (
    "죄송해요, 지금은 대화가 어려워요. 잠시 후 다시 말씀해 주세요. (오류 번호 {ref})"
)
"""The reply when the chat model fails before saying anything (its server down, say): the
user gets a polite answer with an error id, the details go to the log under the same id."""


def _polite(pieces: Iterator[str]) -> Iterator[str]:
    """``pieces``, or :data:`UNAVAILABLE_REPLY` when the model fails before its first piece.
    A failure after text was shown still raises: half a reply is not passed off as whole."""
    try:
        first = next(pieces)
    except StopIteration:
        return
    except KodialError as exc:
        ref = uuid.uuid4().hex[:8]
        log.warning("chat model failed (error id %s): %s", ref, exc.message)
        yield UNAVAILABLE_REPLY.format(ref=ref)
        return
    yield first
    yield from pieces
