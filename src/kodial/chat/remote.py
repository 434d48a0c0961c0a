"""Talking to a chat model behind any OpenAI-compatible server (vLLM, SGLang, `transformers
serve`, LLaMA-Factory's API, a hosted LLM), with the interface of
:class:`kodial.chat.generate.ChatModel`.

:class:`RemoteChatModel` sends the persona's system prompt first (the one the model was trained
with, from its persona file), asks the server to stop at kodial's end-of-turn strings and cuts
there itself too (servers that ignore ``stop`` would otherwise talk past the turn), streams the
reply as it arrives, and retries a request that failed before any text came back (connection
refused, 429/5xx, honouring ``Retry-After``) with back-off. Once text has been shown, a failure
is an error, never a silent second answer.

>>> bot = RemoteChatModel("http://127.0.0.1:8000/v1", model="kodial-chat", persona="persona.yaml")  # doctest: +SKIP
>>> "".join(bot.stream([{"role": "user", "content": "안녕하세요"}]))  # doctest: +SKIP
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kodial.chat.generate import Reply, as_messages
from kodial.errors import KodialError

if TYPE_CHECKING:
    import httpx

    from kodial.chat.persona import Persona

END_OF_TURN_STRINGS = ("<|eot_id|>", "<|im_end|>", "<end_of_turn>", "<|end_of_text|>", "</s>")
"""The end-of-turn tokens of the chat formats kodial trains (Llama-3, ChatML, Gemma) and common
end-of-sequence strings: a reply is cut at the first one that shows up as text."""

RETRY_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
"""Answers worth another try (the request was not, or not fully, processed)."""


class RemoteChatModel:
    """A chat model served over the OpenAI chat-completions API.

    ``base_url`` ends with ``/v1`` (as the ``openai`` client takes it); ``api_key`` is sent as a
    bearer token; ``timeout`` bounds the connection and each wait for more text; a request that
    fails before any text arrives is tried ``retries`` more times.
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None = None,
        persona: Persona | str | Path | None = None,
        stop: Sequence[str] = END_OF_TURN_STRINGS,
        timeout: float = 30.0,
        retries: int = 2,
        backoff: float = 0.5,
    ) -> None:
        import httpx

        if isinstance(persona, str | Path):
            from kodial.chat.persona import load_persona

            persona = load_persona(persona)
        self.persona = persona
        self.model = model
        self.stop = [s for s in stop if s]
        self.retries = retries
        self.backoff = backoff
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.client = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        )

    def messages(self, messages: Sequence[Any]) -> list[dict[str, str]]:
        """The request's messages: the persona's system prompt first (replacing any system
        message of the history), as at training."""
        msgs = as_messages(messages)
        if self.persona is None:
            return msgs
        rest = [m for m in msgs if m["role"] != "system"]
        return [{"role": "system", "content": self.persona.system_prompt()}, *rest]

    def _body(
        self, messages: Sequence[Any], max_new_tokens: int, temperature: float, top_p: float
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": self.messages(messages),
            "max_tokens": max_new_tokens,
            "temperature": temperature,
        }
        if temperature > 0:
            body["top_p"] = top_p
        if self.stop:
            body["stop"] = self.stop[:4]  # the OpenAI API takes at most four
        return body

    def _send(self, body: dict[str, Any]) -> httpx.Response:
        """POST the request, retrying failures that happen before any answer text; the response
        is open (streamed) and must be closed by the caller."""
        import httpx

        for attempt in range(self.retries + 1):
            wait = self.backoff * 2**attempt
            try:
                request = self.client.build_request("POST", "/chat/completions", json=body)
                response = self.client.send(request, stream=True)
            except httpx.TransportError as exc:
                failure = f"{type(exc).__name__}: {exc}"
            else:
                if response.status_code < 400:
                    return response
                response.read()
                failure = f"HTTP {response.status_code}: {response.text[:200]}"
                response.close()
                if response.status_code not in RETRY_STATUS:
                    break
                retry_after = response.headers.get("Retry-After", "")
                if retry_after.replace(".", "", 1).isdigit():
                    wait = max(wait, min(float(retry_after), 30.0))
            if attempt < self.retries:
                time.sleep(wait)
        raise KodialError(
            f"the chat model server {self.client.base_url} did not answer: {failure}",
            hint="check that it runs and serves the model named in the config",
        )

    def _cut(self, text: str) -> tuple[str, bool]:
        """``text`` up to the first end-of-turn string, and whether there was one."""
        hits = [i for i in (text.find(s) for s in self.stop) if i >= 0]
        return (text[: min(hits)], True) if hits else (text, False)

    def stream(
        self,
        messages: Sequence[Any],
        max_new_tokens: int = 128,
        temperature: float = 0.7,
        top_p: float = 0.9,
    ) -> Iterator[str]:
        """Yield the reply in pieces as the server sends them (cut at an end-of-turn string).

        Text that could be the start of an end-of-turn string is held back until it is not."""
        import httpx

        body = {**self._body(messages, max_new_tokens, temperature, top_p), "stream": True}
        response = self._send(body)
        shown = 0
        text = ""
        hold = max((len(s) for s in self.stop), default=1) - 1
        try:
            for line in response.iter_lines():
                if not line.startswith("data:"):
                    continue
                data = line[len("data:") :].strip()
                if data == "[DONE]":
                    break
                try:
                    chunk = json.loads(data)
                except ValueError:
                    raise KodialError(
                        f"the chat model server sent a non-JSON event: {data[:80]!r}"
                    ) from None
                if chunk.get("error"):
                    raise KodialError(f"the chat model server failed: {chunk['error']}")
                for choice in chunk.get("choices") or []:
                    text += (choice.get("delta") or {}).get("content") or ""
                kept, ended = self._cut(text)
                ready = len(kept) if ended else max(shown, len(kept) - hold)
                if ready > shown:
                    yield kept[shown:ready]
                    shown = ready
                if ended:
                    return
            kept, _ = self._cut(text)
            if len(kept) > shown:
                yield kept[shown:]
        except httpx.HTTPError as exc:
            raise KodialError(
                f"the chat model server {self.client.base_url} broke off the reply: "
                f"{type(exc).__name__}"
            ) from None
        finally:
            response.close()

    def reply(
        self,
        messages: Sequence[Any],
        max_new_tokens: int = 128,
        temperature: float = 0.7,
        top_p: float = 0.9,
    ) -> Reply:
        """The whole next reply (no token ids: the server keeps them); ``ended_on_eot`` is
        whether the model ended its turn rather than running out of tokens."""
        response = self._send(self._body(messages, max_new_tokens, temperature, top_p))
        try:
            response.read()
            payload = response.json()
        except ValueError:
            raise KodialError("the chat model server sent a non-JSON answer") from None
        finally:
            response.close()
        choice = (payload.get("choices") or [{}])[0]
        text, cut = self._cut((choice.get("message") or {}).get("content") or "")
        return Reply(text.strip(), [], cut or choice.get("finish_reason") == "stop")

    def generate(self, messages: Sequence[Any], max_new_tokens: int = 128, **kwargs: Any) -> str:
        """The next reply as text."""
        return self.reply(messages, max_new_tokens, **kwargs).text

    def close(self) -> None:
        self.client.close()
