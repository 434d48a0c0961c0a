"""The rows one model is decoding right now, and the decoding step they share (continuous
batching).

A request joins the batch between two decoding steps: its prompt is encoded alone (from a
cached shared prefix when there is one: :meth:`RunningBatch.prefill`), which gives its first token, and its
KV cache is laid beside the others'. Rows have different lengths, so every row's cache is
left-padded to the longest and the padding is masked; each row's positions count its own
tokens only, so a row computes what it would compute alone. A row leaves as soon as it ends
(its end-of-turn token, its own ``max_new_tokens``, its reader gone), and leading columns that
only padding uses any more are dropped, so a long reply that finished does not keep costing.

This works on transformers' ``DynamicCache`` made of plain ``DynamicLayer`` (full attention:
Llama, Qwen, Mistral without a sliding window, GPT-2 ...); :func:`unsupported` says why a model
cannot (sliding-window or other cache layers, prompt-tuning adapters, generation settings this
step does not apply), and :class:`kodial.chat.batching.BatchedGenerator` then batches whole
``generate`` calls instead.
"""

from __future__ import annotations

import copy
import inspect
from typing import Any

import torch
from transformers import DynamicCache
from transformers.cache_utils import DynamicLayer

# generation_config settings the step applies (or that do not change the next token); any other
# setting away from its default sends the model to whole-batch ``generate`` calls
_NEUTRAL: dict[str, Any] = {
    "repetition_penalty": (None, 1.0),
    "no_repeat_ngram_size": (None, 0),
    "encoder_repetition_penalty": (None, 1.0),
    "bad_words_ids": (None,),
    "min_length": (None, 0),
    "min_new_tokens": (None, 0),
    "suppress_tokens": (None,),
    "begin_suppress_tokens": (None,),
    "forced_bos_token_id": (None,),
    "forced_eos_token_id": (None,),
    "sequence_bias": (None,),
    "min_p": (None,),
    "typical_p": (None, 1.0),
    "epsilon_cutoff": (None, 0.0),
    "eta_cutoff": (None, 0.0),
    "guidance_scale": (None, 1.0),
    "watermarking_config": (None,),
    "num_beams": (None, 1),
}


def unsupported(model: Any) -> str | None:
    """Why ``model`` cannot decode in a running batch (None: it can)."""

    if getattr(model, "peft_config", None):
        active = model.peft_config.get(getattr(model, "active_adapter", "default"))
        if active is not None and getattr(active, "is_prompt_learning", False):
            return "a prompt-learning adapter prepends virtual tokens inside generate"
    config = getattr(model, "config", None)
    if config is None:
        return "the model has no config"
    try:
        cache = DynamicCache(config=config)
    except Exception as exc:  # a config transformers cannot lay a cache out for
        return f"no DynamicCache for this config ({type(exc).__name__})"
    if any(type(layer) is not DynamicLayer for layer in cache.layers):
        return "its cache has sliding-window or other non-plain layers"
    forward = _forward_params(model)
    if not {"position_ids", "attention_mask"} <= set(forward):
        return "its forward takes no position_ids / attention_mask"
    gen = getattr(model, "generation_config", None)
    for name, neutral in _NEUTRAL.items():
        value = getattr(gen, name, None)
        if value not in neutral:
            return f"generation_config.{name}={value!r} is applied by generate only"
    return None


def _forward_params(model: Any) -> Any:
    """The parameters of the forward that takes the arguments: a PEFT model passes its keyword
    arguments on to the model it wraps."""
    inner = model.get_base_model() if hasattr(model, "get_base_model") else model
    return inspect.signature(inner.forward).parameters


def cache_arg(model: Any) -> str:
    """transformers 5 names the cache argument ``cache`` (``past_key_values`` is deprecated)."""
    return "cache" if "cache" in _forward_params(model) else "past_key_values"


def _logits_kwargs(model: Any) -> dict[str, Any]:
    """Only the last position's logits, where the model can skip the others."""
    return {"logits_to_keep": 1} if "logits_to_keep" in _forward_params(model) else {}


class GrowingLayer(DynamicLayer):
    """:class:`DynamicLayer` that writes each step's keys and values into spare room instead of
    concatenating (``DynamicLayer.update`` copies the whole cache every step: at 8 rows of 400
    tokens that copy was three quarters of a step on a small model)."""

    def __init__(self, keys: torch.Tensor, values: torch.Tensor) -> None:
        super().__init__()
        self.is_initialized = True
        self.device = keys.device
        self.replace(keys, values)

    def replace(self, keys: torch.Tensor, values: torch.Tensor, spare: int = 64) -> None:
        """Hold exactly ``keys`` / ``values`` (copied), with room for ``spare`` more tokens."""
        n = keys.shape[-2]
        self._k = keys.new_empty((*keys.shape[:-2], n + spare, keys.shape[-1]))
        self._v = values.new_empty((*values.shape[:-2], n + spare, values.shape[-1]))
        self._k[..., :n, :] = keys
        self._v[..., :n, :] = values
        self._n = n
        self._views()

    def _views(self) -> None:
        self.keys = self._k[..., : self._n, :]
        self.values = self._v[..., : self._n, :]

    def update(
        self, key_states: torch.Tensor, value_states: torch.Tensor, *args: Any, **kwargs: Any
    ) -> tuple[torch.Tensor, torch.Tensor]:
        new = key_states.shape[-2]
        if self._n + new > self._k.shape[-2]:  # out of room: double it
            self.replace(self._k[..., : self._n, :], self._v[..., : self._n, :], max(64, self._n))
        self._k[..., self._n : self._n + new, :] = key_states
        self._v[..., self._n : self._n + new, :] = value_states
        self._n += new
        self._views()
        return self._k[..., : self._n, :], self._v[..., : self._n, :]

    def batch_select_indices(self, indices: torch.Tensor) -> None:
        self._k, self._v = self._k[indices], self._v[indices]
        self._views()


def _left_pad(tensor: torch.Tensor, columns: int, dim: int) -> torch.Tensor:

    if columns == 0:
        return tensor
    shape = list(tensor.shape)
    shape[dim] = columns
    return torch.cat([tensor.new_zeros(shape), tensor], dim=dim)


class RunningBatch:
    """The decoding rows: one KV cache for all of them (left-padded), the attention mask, each
    row's next input token and position. ``rows`` are the callers' objects, in cache order."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.rows: list[Any] = []
        self.cache: Any = None
        self.mask: torch.Tensor | None = None  # (rows, columns), 0 over padding
        self.last: list[int] = []  # each row's newest token: the next step's input
        self.positions: list[int] = []  # each row's position for that token
        self._cache_arg = cache_arg(model)
        self._logits = _logits_kwargs(model)

    def __len__(self) -> int:
        return len(self.rows)

    def prefill(self, prompt: list[int], prefix: int, prefix_cache: Any) -> tuple[Any, Any]:
        """(KV cache, last-position logits) of ``prompt`` alone, starting from ``prefix_cache``
        (the cache of ``prompt[:prefix]``, copied, never changed) when given; :meth:`add` then
        lays the row in."""

        cache = copy.deepcopy(prefix_cache) if prefix_cache is not None else DynamicCache()
        start = prefix if prefix_cache is not None else 0
        device = self.model.device
        out = self.model(
            input_ids=torch.tensor([prompt[start:]], device=device),
            attention_mask=torch.ones((1, len(prompt)), dtype=torch.long, device=device),
            position_ids=torch.arange(start, len(prompt), device=device).unsqueeze(0),
            use_cache=True,
            **{self._cache_arg: cache},
            **self._logits,
        )
        return cache, out.logits[:, -1, :].float()

    def add(self, row: Any, cache: Any, length: int, token: int) -> None:
        """Lay a prefilled row (its cache holds ``length`` prompt tokens; ``token`` is the
        first token it generated) beside the others."""

        mask = torch.ones((1, length), dtype=torch.long, device=self.model.device)
        if self.cache is None or self.mask is None:
            cache.layers = [GrowingLayer(layer.keys, layer.values) for layer in cache.layers]
            self.cache, self.mask = cache, mask
        else:
            width = max(self.mask.shape[1], length)
            grow, pad = width - self.mask.shape[1], width - length
            for mine, theirs in zip(self.cache.layers, cache.layers, strict=True):
                mine.replace(
                    torch.cat(
                        [_left_pad(mine.keys, grow, 2), _left_pad(theirs.keys, pad, 2)], dim=0
                    ),
                    torch.cat(
                        [_left_pad(mine.values, grow, 2), _left_pad(theirs.values, pad, 2)], dim=0
                    ),
                )
            self.mask = torch.cat([_left_pad(self.mask, grow, 1), _left_pad(mask, pad, 1)])
        self.rows.append(row)
        self.last.append(token)
        self.positions.append(length)

    def keep(self, keep: list[int]) -> None:
        """Keep only the rows at ``keep`` (in that order), then drop leading columns that no
        remaining row uses."""

        if len(keep) == len(self.rows):
            return
        if not keep:
            self.rows, self.last, self.positions = [], [], []
            self.cache = self.mask = None
            return
        assert self.mask is not None
        index = torch.tensor(keep, device=self.mask.device)
        self.cache.batch_select_indices(index)
        self.mask = self.mask[index]
        self.rows = [self.rows[i] for i in keep]
        self.last = [self.last[i] for i in keep]
        self.positions = [self.positions[i] for i in keep]
        used = self.mask.any(dim=0).nonzero()
        first = int(used[0]) if len(used) else 0
        if first:
            self.mask = self.mask[:, first:]
            for layer in self.cache.layers:
                layer.replace(layer.keys[:, :, first:, :], layer.values[:, :, first:, :])

    def step(self) -> torch.Tensor:
        """Feed every row its newest token: (rows, vocab) float32 logits of the next one."""

        assert self.mask is not None
        device = self.mask.device
        self.mask = torch.cat(
            [self.mask, torch.ones((len(self.rows), 1), dtype=torch.long, device=device)], dim=1
        )
        out = self.model(
            input_ids=torch.tensor(self.last, device=device).unsqueeze(1),
            attention_mask=self.mask,
            position_ids=torch.tensor(self.positions, device=device).unsqueeze(1),
            use_cache=True,
            **{self._cache_arg: self.cache},
            **self._logits,
        )
        self.positions = [p + 1 for p in self.positions]
        return out.logits[:, -1, :].float()


def pick(logits: torch.Tensor, sampling: tuple[bool, float, float], top_k: int | None) -> int:
    """The next token from one row's logits: greedy (argmax) or sampled with temperature,
    top-k (the model's generation config) and top-p, in ``generate``'s order."""

    sample, temperature, top_p = sampling
    if not sample:
        return int(torch.argmax(logits))
    scores = logits / temperature
    if top_k:
        kth = torch.topk(scores, min(top_k, scores.shape[-1])).values[-1]
        scores = scores.masked_fill(scores < kth, float("-inf"))
    if top_p < 1.0:
        ordered, order = torch.sort(scores, descending=False)
        cumulative = ordered.softmax(dim=-1).cumsum(dim=-1)
        drop = cumulative <= 1 - top_p
        drop[-1] = False  # keep at least one token
        scores = scores.masked_fill(drop.scatter(0, order, drop), float("-inf"))
    return int(torch.multinomial(scores.softmax(dim=-1), 1))
