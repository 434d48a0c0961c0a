"""Concurrent replies from one local model share decoding steps: continuous batching.

A causal LM on a CPU (or a small GPU model) spends most of a decoding step on overhead that does
not grow with the batch, so eight conversations decoded together cost little more than one.
:class:`BatchedGenerator` keeps one running batch per model (:mod:`kodial.chat.running_batch`):
a request that arrives while others decode has its prompt encoded and joins between two steps,
and a row leaves the moment it ends (its end-of-turn token, its own ``max_new_tokens``, its
reader gone), so nobody waits for a longer reply to finish. Each row picks its own next token
(greedy, or its own temperature / top-p), so one batch serves every sampling setting. A reader
gets each step's token through a queue and turns it into text a character at a time
(:class:`IncrementalText`, the rule of :func:`kodial.chat.generate.character_streamer`); a
reader that fell behind gets everything waiting as one piece.

transformers' own continuous batching (``generate_batch`` / ``init_continuous_batching``) keeps
a paged KV cache; on a CPU it ran at 8-16 tokens/s on the test model where a plain ``generate``
ran at 150, so kodial lays rows of a ``DynamicCache`` side by side instead. Models that cache
differently (sliding-window layers, prompt-tuning adapters, generation settings only
``generate`` applies; :func:`kodial.chat.running_batch.unsupported` says which) are batched the
earlier way: the requests waiting when the model is free share one ``generate`` call, and a
request that arrives meanwhile waits for the next one.

Under greedy decoding a batched reply is the reply the model gives alone
(``tests/chat/test_batching.py``).

**Shared prefixes.** The prompts of one assistant start with the same persona system prompt
(hundreds of tokens). The longest prefix a prompt shares with a recent one is encoded once, its
KV cache (transformers' ``DynamicCache``) kept in a small LRU, and a later prompt that starts
with it is encoded from a copy of that cache; positions are those of the prompt alone, so greedy
replies stay identical.
"""

from __future__ import annotations

import contextlib
import copy
import queue
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kodial.chat.running_batch import RunningBatch, cache_arg, pick, unsupported

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

    def add(self, *token_ids: int) -> str:
        """The text the new token(s) complete (possibly empty)."""
        if not token_ids:
            return ""
        self.ids.extend(token_ids)
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
        self.batches = 0
        """Number of ``generate`` calls run (for tests and the benchmark)."""
        self.max_rows = 0
        """Most rows decoded together so far."""
        self.running = 0
        """Rows decoding right now (continuous batching; for tests and metrics)."""
        self.ended = 0
        """Replies ended so far (their readers told), however they ended."""
        self.prefix_hits = 0
        """Batches that started from a cached prefix (for tests and the benchmark)."""
        self._prefixes: OrderedDict[tuple[int, ...], Any] = OrderedDict()
        self._recent: list[list[int]] = []  # the last prompts, to find a shared prefix
        self._cache_arg = cache_arg(model)
        self.continuous_off = unsupported(model)
        """Why rows cannot join a running batch (None: they do); then whole batches are
        decoded by one ``generate`` call each."""
        self._thread = threading.Thread(target=self._loop, name="kodial-batcher", daemon=True)
        self._thread.start()

    def _submit(
        self, prompt: list[int], max_new_tokens: int, temperature: float, top_p: float
    ) -> _Request:
        sample = temperature > 0
        request = _Request(
            list(prompt),
            max_new_tokens,
            (sample, temperature if sample else 0.0, top_p if sample else 1.0),
        )
        self._pending.put(request)
        return request

    def _chunks(self, request: _Request) -> Iterator[list[int]]:
        """The reply's token ids as they come, each chunk everything waiting at that moment:
        one id while the reader keeps up, several when it fell behind (so a slow reader makes
        one decode and one piece for them, not one each)."""
        try:
            while True:
                chunk = [request.tokens.get()]
                while True:
                    try:
                        chunk.append(request.tokens.get_nowait())
                    except queue.Empty:
                        break
                ids: list[int] = []
                for item in chunk:
                    if item is _DONE:
                        if ids:
                            yield ids
                        return
                    if isinstance(item, BaseException):
                        raise item
                    ids.append(int(item))
                yield ids
        finally:
            request.cancelled.set()

    def stream_ids(
        self,
        prompt: list[int],
        max_new_tokens: int,
        temperature: float = 0.0,
        top_p: float = 1.0,
    ) -> Iterator[int]:
        """The reply's token ids as they are generated (the end-of-turn id included, last)."""
        for chunk in self._chunks(self._submit(prompt, max_new_tokens, temperature, top_p)):
            yield from chunk

    def stream(
        self,
        prompt: list[int],
        max_new_tokens: int,
        temperature: float = 0.0,
        top_p: float = 1.0,
    ) -> Iterator[str]:
        """The reply as text pieces (end-of-turn not included), a character at a time while the
        reader keeps up, never splitting a character."""
        text = IncrementalText(self.tokenizer)
        request = self._submit(prompt, max_new_tokens, temperature, top_p)
        for chunk in self._chunks(request):
            ended = next((k for k, t in enumerate(chunk) if t in self.eot_ids), None)
            piece = text.add(*chunk[:ended])
            if piece:
                yield piece
            if ended is not None:
                break
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
        if self.continuous_off is None:
            self._continuous()
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
                    self._end(request)

    # -- continuous batching (models :mod:`kodial.chat.running_batch` supports) ---------------

    def _continuous(self) -> None:
        """Rows join the running batch between decoding steps and leave when they end."""
        import torch

        batch = RunningBatch(self.model)
        top_k = getattr(self.model.generation_config, "top_k", None)
        while True:
            if not len(batch):
                waiting = [self._pending.get()]  # idle: block until a request comes
                self.batches += 1
                with contextlib.suppress(queue.Empty):  # requests sent together start together
                    waiting.append(self._pending.get(timeout=self.max_wait))
            else:
                waiting = []
            while len(batch) + len(waiting) < self.max_batch:
                try:
                    waiting.append(self._pending.get_nowait())
                except queue.Empty:
                    break
            for request in waiting:
                self._admit(batch, request, top_k)
            self.running = len(batch)
            if not len(batch):
                continue
            self.max_rows = max(self.max_rows, len(batch))
            try:
                with torch.no_grad():
                    logits = batch.step()
                keep = []
                greedy = logits.argmax(dim=-1).tolist()  # one call for every greedy row
                for row, request in enumerate(batch.rows):
                    token = (
                        pick(logits[row], request.sampling, top_k)
                        if request.sampling[0]
                        else greedy[row]
                    )
                    batch.last[row] = token
                    if self._deliver(request, token):
                        keep.append(row)
                batch.keep(keep)
                self.running = len(batch)
            except BaseException as exc:  # delivered to every reader of the batch
                for request in batch.rows:
                    request.tokens.put(exc)
                    self._end(request)
                batch = RunningBatch(self.model)
                self.running = 0

    def _admit(self, batch: RunningBatch, request: _Request, top_k: int | None) -> None:
        """Encode a new request's prompt (from a cached prefix when one fits), deliver its
        first token and lay its row into ``batch`` unless it already ended."""
        import torch

        if request.cancelled.is_set():
            self._end(request)
            return
        try:
            prefix, cached = self._prefix_of(request.prompt)
            with torch.no_grad():
                cache, logits = batch.prefill(request.prompt, prefix, cached)
            token = pick(logits[0], request.sampling, top_k)
        except BaseException as exc:  # this request's reader gets it; the batch goes on
            request.tokens.put(exc)
            self._end(request)
            return
        self.prefix_hits += cached is not None
        if self._deliver(request, token):
            batch.add(request, cache, len(request.prompt), token)

    def _end(self, request: _Request) -> None:
        """Tell the request's reader its reply is over."""
        request.tokens.put(_DONE)
        self.ended += 1

    def _deliver(self, request: _Request, token: int) -> bool:
        """Hand ``token`` to the request's reader; False (and the reader told it is done) when
        the row ends: its end-of-turn token, its own limit, or its reader gone."""
        if request.cancelled.is_set():
            self._end(request)
            return False
        request.generated += 1
        request.tokens.put(token)
        if token in self.eot_ids or request.generated >= request.max_new_tokens:
            self._end(request)
            return False
        return True

    # -- whole batches through ``generate`` (other models) -----------------------------------

    MIN_PREFIX = 32
    """Shortest shared prefix worth caching, in tokens."""
    MAX_PREFIXES = 8
    """Most prefix caches kept (least recently used dropped first)."""

    def _cached(self, prompt: list[int], limit: int) -> tuple[int, Any]:
        """(length, KV cache) of the longest cached prefix of ``prompt`` no longer than
        ``limit`` tokens, or (0, None)."""
        for key in sorted(self._prefixes, key=len, reverse=True):
            if len(key) <= limit and tuple(prompt[: len(key)]) == key:
                self._prefixes.move_to_end(key)
                return len(key), self._prefixes[key]
        return 0, None

    def _encode_prefix(self, ids: list[int], start: tuple[int, Any] = (0, None)) -> Any:
        """Encode ``ids`` once (from ``start``, the cache of a shorter prefix, when given) and
        keep its KV cache in the LRU."""
        import torch
        from transformers import DynamicCache

        done, base = start
        cache = copy.deepcopy(base) if base is not None else DynamicCache()
        with torch.no_grad():
            self.model(
                torch.tensor([ids[done:]], device=self.model.device),
                attention_mask=torch.ones(
                    (1, len(ids)), dtype=torch.long, device=self.model.device
                ),
                use_cache=True,
                **{self._cache_arg: cache},
                # positions continue the cached prefix (only the running-batch path has one)
                **(
                    {"position_ids": torch.arange(done, len(ids), device=self.model.device)[None]}
                    if done
                    else {}
                ),
            )
        self._prefixes[tuple(ids)] = cache
        while len(self._prefixes) > self.MAX_PREFIXES:
            self._prefixes.popitem(last=False)
        return cache

    def _prefix(self, prompts: list[list[int]]) -> tuple[int, Any]:
        """(length, KV cache) of the longest cached or shared prefix of ``prompts``; every row
        keeps at least one token after it (generate needs a token to start from)."""
        shortest = min(len(p) for p in prompts) - 1
        common = min(_common(prompts[0], p) for p in prompts)
        found = self._cached(prompts[0], min(common, shortest))
        if found[1] is not None:
            return found
        common = min(common, shortest)
        if len(prompts) < 2 or common < self.MIN_PREFIX:
            return 0, None
        return common, self._encode_prefix(prompts[0][:common])

    def _prefix_of(self, prompt: list[int]) -> tuple[int, Any]:
        """For one prompt joining a running batch: (length, KV cache) of its longest cached
        prefix, or of the longest prefix it shares with a recent prompt (encoded now, kept for
        the next ones)."""
        found = self._cached(prompt, len(prompt) - 1)
        shared = max((_common(prompt, other) for other in self._recent), default=0)
        self._recent = [*self._recent[-(self.MAX_PREFIXES - 1) :], prompt]
        shared = min(shared, len(prompt) - 1)
        if shared - found[0] < self.MIN_PREFIX:  # not worth another cache entry
            return found
        return shared, self._encode_prefix(prompt[:shared], found)

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


def _common(a: list[int], b: list[int]) -> int:
    """Length of the longest common prefix of two token lists."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
