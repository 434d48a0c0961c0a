"""Concurrent replies from one local model share batches: dynamic batching around ``generate``.

A causal LM on a CPU (or a small GPU model) spends most of a decoding step on overhead that does
not grow with the batch, so eight conversations decoded together cost little more than one.
:class:`BatchedGenerator` collects the requests that arrive while the model is busy (or within
``max_wait_ms`` of each other), left-pads them into one batch and runs one
``model.generate`` call for all of them; a streamer fans the new tokens of each step out to the
requests, which turn them into text a character at a time (:class:`IncrementalText`, the rule
of :func:`kodial.chat.generate.character_streamer`).

transformers' own continuous batching (``generate_batch`` / ``init_continuous_batching``) keeps
a paged KV cache and admits requests between steps; on a CPU it ran at 8-16 tokens/s on the
test model where a plain ``generate`` ran at 150, so kodial batches whole requests around the
plain ``generate`` instead: a request that arrives while a batch is decoding waits for the next
one (its wait is bounded by ``max_new_tokens`` steps of the running batch).

Requests are grouped by their sampling settings (greedy, or the same temperature and top-p);
each row stops at its own end-of-turn token, its own ``max_new_tokens``, or when its reader goes
away. Under greedy decoding a batched reply is the reply the model gives alone
(``tests/chat/test_batching.py``).

**Shared prefixes.** The prompts of one assistant start with the same persona system prompt
(hundreds of tokens); encoding it once per batch row dominated the cost of a batch. The longest
prefix the rows share is encoded once, its KV cache (transformers' ``DynamicCache``) is kept in
a small LRU and repeated for the rows, and each row is laid out as ``[prefix][padding][rest]``
with the padding masked, so positions are those of the prompt alone and greedy replies stay
identical. A later batch whose prompts start with a cached prefix reuses it.
"""

from __future__ import annotations

import copy
import inspect
import queue
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch


_DONE = object()


class IncrementalText:
    """Token ids in, text pieces out, never splitting a character: the whole text so far is
    decoded and everything is released except trailing U+FFFD (the first bytes of a character
    whose last byte has not been generated) and trailing white space (which a tokenizer's
    clean-up may still merge with the next token); :meth:`flush` releases the rest."""

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        self.ids: list[int] = []
        self.released = 0

    def _text(self) -> str:
        return str(self.tokenizer.decode(self.ids, skip_special_tokens=True))

    def add(self, token_id: int) -> str:
        self.ids.append(token_id)
        text = self._text()
        end = len(text.rstrip("\ufffd"))
        end = len(text[:end].rstrip())
        piece = text[self.released : max(end, self.released)]
        self.released += len(piece)
        return piece

    def flush(self) -> str:
        piece = self._text()[self.released :]
        self.released += len(piece)
        return piece


@dataclass(eq=False)
class _Request:
    prompt: list[int]
    max_new_tokens: int
    sampling: tuple[bool, float, float]
    tokens: queue.Queue[Any] = field(default_factory=queue.Queue)
    cancelled: threading.Event = field(default_factory=threading.Event)
    generated: int = 0
    finished: bool = False


class BatchedGenerator:
    """One decoding thread per model; :meth:`stream` may be called from many threads at once.

    ``max_batch`` caps the rows of one ``generate`` call; ``max_wait_ms`` is how long the
    thread waits for more requests before starting a batch when the model is idle.
    """

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        eot_ids: list[int],
        max_batch: int = 8,
        max_wait_ms: float = 5.0,
    ) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.eot_ids = list(eot_ids)
        self.pad_id = (
            int(tokenizer.pad_token_id) if tokenizer.pad_token_id is not None else self.eot_ids[0]
        )
        self.max_batch = max(1, max_batch)
        self.max_wait = max_wait_ms / 1000
        self._pending: queue.Queue[_Request] = queue.Queue()
        self._held: list[_Request] = []  # taken from the queue but for a later batch
        self._thread = threading.Thread(target=self._loop, name="kodial-batcher", daemon=True)
        self._thread.start()
        self.batches = 0
        """Number of ``generate`` calls run (for tests and the benchmark)."""
        self.max_rows = 0
        """Most rows decoded together so far."""
        self.prefix_hits = 0
        """Batches that started from a cached prefix (for tests and the benchmark)."""
        self._prefixes: OrderedDict[tuple[int, ...], Any] = OrderedDict()
        # transformers 5 names the cache argument `cache` (past_key_values is deprecated)
        forward = inspect.signature(model.forward).parameters
        self._cache_arg = "cache" if "cache" in forward else "past_key_values"

    def stream_ids(
        self,
        prompt: list[int],
        max_new_tokens: int,
        temperature: float = 0.0,
        top_p: float = 1.0,
    ) -> Iterator[int]:
        """The reply's token ids as they are generated (the end-of-turn id included, last)."""
        sample = temperature > 0
        request = _Request(
            list(prompt),
            max_new_tokens,
            (sample, temperature if sample else 0.0, top_p if sample else 1.0),
        )
        self._pending.put(request)
        try:
            while True:
                item = request.tokens.get()
                if item is _DONE:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield int(item)
        finally:
            request.cancelled.set()

    def stream(self, prompt: list[int], max_new_tokens: int, **sampling: Any) -> Iterator[str]:
        """The reply as text pieces (end-of-turn not included), a character at a time."""
        text = IncrementalText(self.tokenizer)
        for token in self.stream_ids(prompt, max_new_tokens, **sampling):
            if token in self.eot_ids:
                break
            piece = text.add(token)
            if piece:
                yield piece
        rest = text.flush()
        if rest:
            yield rest

    # -- the decoding thread ---------------------------------------------------------------

    def _next_batch(self) -> list[_Request]:
        first = self._held.pop(0) if self._held else self._pending.get()
        batch = [first]
        deadline = self.max_wait
        while len(batch) < self.max_batch:
            try:
                request = (
                    self._pending.get(timeout=deadline) if deadline else self._pending.get_nowait()
                )
            except queue.Empty:
                break
            deadline = 0.0  # after the first extra arrival, take only what is already waiting
            if request.sampling == first.sampling:
                batch.append(request)
            else:
                self._held.append(request)
        return [r for r in batch if not r.cancelled.is_set()]

    def _loop(self) -> None:
        while True:
            batch = self._next_batch()
            if not batch:
                continue
            try:
                self._run(batch)
            except BaseException as exc:  # delivered to every reader of the batch
                for request in batch:
                    request.tokens.put(exc)
            finally:
                for request in batch:
                    request.tokens.put(_DONE)

    MIN_PREFIX = 32
    """Shortest shared prefix worth caching, in tokens."""
    MAX_PREFIXES = 8
    """Most prefix caches kept (least recently used dropped first)."""

    def _prefix(self, prompts: list[list[int]]) -> tuple[int, Any]:
        """(length, KV cache) of the longest cached or shared prefix of ``prompts``; every row
        keeps at least one token after it (generate needs a token to start from)."""
        import torch

        shortest = min(len(p) for p in prompts) - 1
        common = 0
        while common < shortest and all(p[common] == prompts[0][common] for p in prompts):
            common += 1
        for key in sorted(self._prefixes, key=len, reverse=True):
            if len(key) <= common and tuple(prompts[0][: len(key)]) == key:
                self._prefixes.move_to_end(key)
                return len(key), self._prefixes[key]
        if len(prompts) < 2 or common < self.MIN_PREFIX:
            return 0, None
        from transformers import DynamicCache

        cache = DynamicCache()
        head = torch.tensor([prompts[0][:common]], device=self.model.device)
        with torch.no_grad():
            self.model(head, use_cache=True, **{self._cache_arg: cache})
        self._prefixes[tuple(prompts[0][:common])] = cache
        while len(self._prefixes) > self.MAX_PREFIXES:
            self._prefixes.popitem(last=False)
        return common, cache

    def _run(self, batch: list[_Request]) -> None:
        import torch
        from transformers import StoppingCriteria, StoppingCriteriaList
        from transformers.generation.streamers import BaseStreamer

        prefix, cached = self._prefix([r.prompt for r in batch])
        rest = max(len(r.prompt) for r in batch) - prefix
        ids = torch.full((len(batch), prefix + rest), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(batch), prefix + rest), dtype=torch.long)
        for row, request in enumerate(batch):
            # [shared prefix][padding][rest of the prompt]: every prompt ends at column -1 and
            # the prefix sits at the same positions in every row, as its cache expects
            tail = request.prompt[prefix:]
            ids[row, :prefix] = torch.tensor(request.prompt[:prefix], dtype=torch.long)
            mask[row, :prefix] = 1
            ids[row, prefix + rest - len(tail) :] = torch.tensor(tail)
            mask[row, prefix + rest - len(tail) :] = 1
        eot = set(self.eot_ids)

        class Fanout(BaseStreamer):
            """Each step's (B,) new tokens to their requests; the prompt (first call) is skipped."""

            def __init__(self) -> None:
                self.prompt_seen = False

            def put(self, value: torch.Tensor) -> None:
                if not self.prompt_seen:
                    self.prompt_seen = True
                    return
                for request, token in zip(batch, value.reshape(-1).tolist(), strict=True):
                    if request.finished:
                        continue
                    request.generated += 1
                    request.tokens.put(token)
                    if token in eot or request.generated >= request.max_new_tokens:
                        request.finished = True

            def end(self) -> None:
                pass

        class RowsDone(StoppingCriteria):
            """Per row: done when it ended, reached its own limit, or its reader left."""

            def __call__(self, input_ids: torch.Tensor, scores: Any, **kwargs: Any) -> torch.Tensor:
                return torch.tensor(
                    [r.finished or r.cancelled.is_set() for r in batch], device=input_ids.device
                )

        sample, temperature, top_p = batch[0].sampling
        kwargs: dict[str, Any] = {
            "input_ids": ids.to(self.model.device),
            "attention_mask": mask.to(self.model.device),
            "max_new_tokens": max(r.max_new_tokens for r in batch),
            "do_sample": sample,
            "eos_token_id": self.eot_ids,
            "pad_token_id": self.pad_id,
            "streamer": Fanout(),
            "stopping_criteria": StoppingCriteriaList([RowsDone()]),
        }
        if sample:
            kwargs.update(temperature=temperature, top_p=top_p)
        else:
            kwargs.update(temperature=None, top_p=None, top_k=None)
        if cached is not None:
            cache = copy.deepcopy(cached)  # generate extends the cache it is given
            if len(batch) > 1:
                cache.batch_repeat_interleave(len(batch))
            kwargs[self._cache_arg] = cache
            self.prefix_hits += 1
        self.batches += 1
        self.max_rows = max(self.max_rows, len(batch))
        with torch.no_grad():
            self.model.generate(**kwargs)
