"""Morpheme-aware byte-level BPE: Kiwi morphemes as the "words" BPE merges within.

Why: Korean glues particles and endings onto stems (사과+를, 먹+었+다). Plain byte-level BPE learns
whatever byte sequences are frequent, so one token often spans a stem and its particle; cutting the
text at morpheme boundaries first makes every token part of a single morpheme, and the vocabulary is
spent on reusable stems and endings.

How the text is cut (:func:`cut_points`): Kiwi gives each morpheme a character span of the
*original* string (offsets, not the analysed forms, so contractions like 했 = 하+었 keep the
syllable whole). We cut at every morpheme start and end; a single space before a morpheme is kept
at the front of that morpheme's piece (`` 사과``, as GPT-2 keeps `` word``), other whitespace runs are
pieces of their own. The pieces are substrings that tile the text, so joining them gives back the
exact input (any Unicode form, NFD included), and the byte-level step that follows makes every
piece representable: ``decode(encode(text)) == text``.

Saving and loading (the trade-off): ``tokenizers`` cannot serialize a Python pre-tokenizer. The
saved ``tokenizer.json`` therefore holds the portable GPT-2 byte-level pre-tokenizer, and
``tokenizer_config.json`` names the class :class:`MorphemeByteBPETokenizer`, which importing this
module registers with ``AutoTokenizer`` (``kodial.tokenizer.load_tokenizer`` does it for you; the
package itself stays light so ``kodial --help`` does not import transformers). After
``import kodial.tokenizer.morpheme``, ``AutoTokenizer.from_pretrained(dir)`` gives the
morpheme-aware tokenizer. Without kodial (a serving stack, another language's ``tokenizers``
binding), the directory still loads: transformers 5 falls back to its generic fast tokenizer,
which reads ``tokenizer.json`` with the GPT-2 regex split. That gives the same vocabulary and
exact decoding, but its merges may join a stem and particle that the regex does not separate, so
ids can differ from the morpheme-aware encoding: serve such a model with kodial imported.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Iterator
from typing import Any, cast

from tokenizers import NormalizedString, PreTokenizedString, Tokenizer, pre_tokenizers
from transformers import PreTrainedTokenizerFast

from kodial.cpus import thread_budget


def get_kiwi(num_workers: int = 0) -> Any:
    """A shared Kiwi analyser (loading takes a few seconds). ``num_workers=0`` uses every core
    the process may use (:func:`kodial.cpus.thread_budget`).

    The typo and multi-word dictionaries are off: typo correction does not change offsets but
    costs time, and multi-word entries would make one "morpheme" span a space.
    """
    return _load_kiwi(num_workers or thread_budget())


@functools.cache
def _load_kiwi(workers: int) -> Any:
    from kiwipiepy import Kiwi

    return Kiwi(num_workers=workers, load_typo_dict=False, load_multi_dict=False)


def morpheme_spans(text: str, tokens: Iterable[Any]) -> list[tuple[int, int]]:
    """``(start, end)`` character spans of Kiwi ``tokens`` in ``text`` (original offsets)."""
    return [(t.start, t.start + t.len) for t in tokens]


def cut_points(text: str, spans: Iterable[tuple[int, int]]) -> list[int]:
    """Sorted cut positions (0 and ``len(text)`` included) for the morpheme pieces of ``text``.

    >>> cut_points("사과를  먹었다", [(0, 2), (2, 3), (5, 6), (6, 7), (7, 8)])
    [0, 2, 3, 4, 6, 7, 8]
    """
    n = len(text)
    cuts = {0, n}
    for start, end in spans:
        if start > 0 and text[start - 1] == " ":
            cuts.add(start - 1)
        else:
            cuts.add(start)
        cuts.add(end)
    return sorted(c for c in cuts if 0 <= c <= n)


def split_text(text: str, spans: Iterable[tuple[int, int]]) -> list[str]:
    """The morpheme pieces of ``text``: substrings that concatenate back to ``text``.

    >>> split_text("사과를  먹었다", [(0, 2), (2, 3), (5, 6), (6, 7), (7, 8)])
    ['사과', '를', ' ', ' 먹', '었', '다']
    """
    cuts = cut_points(text, spans)
    return [text[a:b] for a, b in itertools.pairwise(cuts) if b > a]


def morpheme_pieces(texts: Iterable[str], num_workers: int = 0) -> Iterator[list[str]]:
    """Stream the morpheme pieces of each text, analysed in parallel by Kiwi's worker threads.

    Kiwi reads the iterable lazily and keeps only a bounded window in flight, so a corpus of any
    size streams through without being held in memory. Empty texts are skipped.
    """
    kiwi = get_kiwi(num_workers)
    nonempty = (t for t in texts if t and not t.isspace())
    for tokens, text in kiwi.tokenize(nonempty, echo=True):
        yield split_text(text, morpheme_spans(text, tokens))


def analysed_cut_points(text: str) -> tuple[int, ...]:
    """:func:`cut_points` of one text, analysed by Kiwi."""
    return tuple(cut_points(text, morpheme_spans(text, get_kiwi().tokenize(text))))


_cached_cut_points = functools.lru_cache(maxsize=65536)(analysed_cut_points)
"""Memoised for short segments: chat data repeats role names, persona lines, short replies."""


class MorphemeSplitter:
    """``tokenizers`` custom pre-tokenizer cutting each segment into morpheme pieces.

    Segments are analysed one by one as the Rust encoder asks for them, unless
    :meth:`prefetch` analysed them beforehand in a parallel Kiwi batch (what
    :class:`MorphemeByteBPETokenizer` does for batch calls).
    """

    def __init__(self) -> None:
        self.prefetched: dict[str, tuple[int, ...]] = {}

    def prefetch(self, texts: Iterable[str]) -> None:
        """Analyse ``texts`` in parallel now; later splits of the same strings reuse the result."""
        kiwi = get_kiwi()
        nonempty = (t for t in texts if t and not t.isspace())
        for tokens, text in kiwi.tokenize(nonempty, echo=True):
            self.prefetched[text] = tuple(cut_points(text, morpheme_spans(text, tokens)))

    def _split(self, _index: int, normalized: NormalizedString) -> list[NormalizedString]:
        text = str(normalized)
        if not text:
            return [normalized]
        cuts = self.prefetched.get(text)
        if cuts is None:
            cuts = _cached_cut_points(text) if len(text) <= 256 else analysed_cut_points(text)
        pieces = [normalized[a:b] for a, b in itertools.pairwise(cuts) if b > a]
        return [p for p in pieces if p is not None]

    def pre_tokenize(self, pretok: PreTokenizedString) -> None:
        pretok.split(self._split)


def morpheme_pre_tokenizer(splitter: MorphemeSplitter | None = None) -> pre_tokenizers.PreTokenizer:
    """Morpheme split followed by the byte-level mapping (no regex: pieces are already words)."""
    return pre_tokenizers.Sequence(
        [
            pre_tokenizers.PreTokenizer.custom(splitter or MorphemeSplitter()),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )


def portable_pre_tokenizer() -> pre_tokenizers.PreTokenizer:
    """What the saved ``tokenizer.json`` holds: the serializable GPT-2 byte-level split."""
    return pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)


class MorphemeByteBPETokenizer(PreTrainedTokenizerFast):
    """A fast tokenizer whose pre-tokenizer cuts text at Kiwi morpheme boundaries.

    Behaves like any ``PreTrainedTokenizerFast`` (encode, decode, offsets, chat templates). It
    installs the morpheme pre-tokenizer on load and swaps the portable one in whenever the backend
    has to be serialized (``save_pretrained``, pickling, deep copies).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._splitter = MorphemeSplitter()
        self._backend().pre_tokenizer = morpheme_pre_tokenizer(self._splitter)

    def _encode_plus(self, text: Any, *args: Any, **kwargs: Any) -> Any:
        """Batch calls analyse their texts in one parallel Kiwi pass before encoding."""
        batch = isinstance(text, list | tuple) and len(text) > 1
        if batch and not kwargs.get("is_split_into_words") and isinstance(text[0], str):
            self._splitter.prefetch(text)
        try:
            return super()._encode_plus(text, *args, **kwargs)
        finally:
            self._splitter.prefetched.clear()

    def _backend(self) -> Tokenizer:
        return cast(Tokenizer, self._tokenizer)

    @classmethod
    def convert_to_native_format(cls, trust_remote_code: bool = False, **kwargs: Any) -> Any:
        """Load ``tokenizer.json`` as is (transformers would otherwise rebuild subclasses that
        define ``__init__`` from bare vocab/merges, dropping the byte-level pipeline)."""
        return dict(kwargs)

    def portable_backend(self) -> Tokenizer:
        """A copy of the backend with the serializable pre-tokenizer."""
        current = self._backend().pre_tokenizer
        self._backend().pre_tokenizer = portable_pre_tokenizer()
        try:
            return Tokenizer.from_str(self._backend().to_str())
        finally:
            self._backend().pre_tokenizer = current

    def save_pretrained(self, *args: Any, **kwargs: Any) -> Any:
        current = self._backend().pre_tokenizer
        self._backend().pre_tokenizer = portable_pre_tokenizer()
        try:
            return super().save_pretrained(*args, **kwargs)
        finally:
            self._backend().pre_tokenizer = current

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_tokenizer"] = self.portable_backend()
        state.pop("_splitter", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._splitter = MorphemeSplitter()
        self._backend().pre_tokenizer = morpheme_pre_tokenizer(self._splitter)


def register_with_auto_tokenizer() -> None:
    """Let ``AutoTokenizer.from_pretrained`` build :class:`MorphemeByteBPETokenizer` by name."""
    from transformers import AutoTokenizer, PretrainedConfig

    class KodialMorphemeConfig(PretrainedConfig):
        """Registration key only: ``AutoTokenizer.register`` files tokenizers under a config class."""

        model_type = "kodial-morpheme-byte-bpe"

    AutoTokenizer.register(
        KodialMorphemeConfig, tokenizer_class=MorphemeByteBPETokenizer, exist_ok=True
    )


register_with_auto_tokenizer()
