"""Training tokenizers with the ``tokenizers`` library: one builder per kind, in :data:`TRAINERS`.

Every kind returns a ``tokenizers.Tokenizer`` (normalizer, pre-tokenizer, model, decoder) and its
trainer; :func:`train_tokenizer` streams text through the trainer and wraps the result as a Hugging
Face tokenizer (``PreTrainedTokenizerFast``) with special tokens and an optional chat template, so
``save_pretrained`` / ``AutoTokenizer.from_pretrained`` work as for any hub tokenizer.

Kinds and how they treat text (what ``kodial tokenizer compare`` then measures):

- ``bpe``: character-level BPE on whitespace/punctuation-split words (Sennrich style, ``</w>``
  end-of-word marker). Unseen characters become ``[UNK]``; decoding puts one space after every
  word, so spacing around punctuation and repeated spaces are lost.
- ``byte-bpe``: byte-level BPE (GPT-2 / Llama-3 family). Every string is representable, decoding is
  exact.
- ``wordpiece``: BERT WordPiece (``##`` continuation). Unseen characters become ``[UNK]``; spacing
  is not kept.
- ``unigram``: SentencePiece-style Unigram with NFKC normalisation and ``▁`` for spaces. NFKC
  rewrites some characters (compatibility jamo such as ``ㅋ``, full-width forms), so decoding is
  not always exact.
- ``morpheme-byte-bpe``: byte-level BPE whose words are Kiwi morphemes (see
  :mod:`kodial.tokenizer.morpheme`): merges never cross a morpheme boundary, decoding is exact.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tokenizers import (
    Tokenizer,
    decoders,
    models,
    normalizers,
    pre_tokenizers,
    processors,
    trainers,
)

from kodial.errors import KodialError
from kodial.tokenizer.templates import ChatFormat

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerFast


@dataclass
class TrainConfig:
    """How to train a tokenizer."""

    kind: str = "byte-bpe"
    """Tokenizer kind, one of :data:`TRAINERS`."""
    vocab_size: int = 16000
    """Target vocabulary size, special tokens included."""
    min_frequency: int = 2
    """A pair (BPE) or piece must occur this often to enter the vocabulary."""
    special_tokens: list[str] = field(default_factory=list)
    """Extra special tokens, added to the vocabulary first and never split."""
    chat_format: ChatFormat | None = None
    """Chat template and its control tokens (see :mod:`kodial.tokenizer.templates`)."""
    model_max_length: int = 4096
    """Longest sequence the tokenizer reports as supported (``model_max_length``)."""
    analysis_workers: int = 0
    """Kiwi worker threads for the morpheme analysis of ``morpheme-byte-bpe`` (0: every core)."""


@dataclass(frozen=True)
class Built:
    """An untrained tokenizer pipeline, its trainer and how to wrap it for Hugging Face."""

    tokenizer: Tokenizer
    trainer: trainers.Trainer
    unk_token: str | None
    """Unknown token for kinds that cannot represent every string; None for byte-level kinds."""
    prepare: Callable[[Iterable[str]], Iterator[str | list[str]]] | None = None
    """Turns raw text into what the trainer is fed (morpheme pieces); None feeds text as is."""
    wrapper: str = "fast"
    """Hugging Face class to wrap with: ``fast`` (plain) or ``morpheme``."""


def _special_tokens(config: TrainConfig, defaults: list[str]) -> list[str]:
    chat = config.chat_format.special_tokens if config.chat_format else []
    return list(dict.fromkeys([*defaults, *chat, *config.special_tokens]))


def _alphabet_limit(config: TrainConfig) -> int:
    """Most characters a character-level kind keeps (rarer ones become unknown): a quarter of the
    vocabulary, so that Korean's thousands of syllables cannot push it past ``vocab_size``."""
    return max(100, min(4000, config.vocab_size // 4))


def _bpe_trainer(config: TrainConfig, specials: list[str], **kwargs: Any) -> trainers.BpeTrainer:
    return trainers.BpeTrainer(
        vocab_size=config.vocab_size,
        min_frequency=config.min_frequency,
        special_tokens=specials,
        show_progress=False,
        **kwargs,
    )


def build_bpe(config: TrainConfig) -> Built:
    """Character-level BPE with an end-of-word marker and ``[UNK]`` for unseen characters."""
    tok = Tokenizer(models.BPE(unk_token="[UNK]", end_of_word_suffix="</w>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.decoder = decoders.BPEDecoder(suffix="</w>")
    specials = _special_tokens(config, ["[UNK]"])
    trainer = _bpe_trainer(
        config, specials, end_of_word_suffix="</w>", limit_alphabet=_alphabet_limit(config)
    )
    return Built(tok, trainer, unk_token="[UNK]")


def build_byte_bpe(config: TrainConfig) -> Built:
    """Byte-level BPE: GPT-2 regex pre-split, 256 byte symbols, exact decoding."""
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    specials = _special_tokens(config, [])
    trainer = _bpe_trainer(config, specials, initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    return Built(tok, trainer, unk_token=None)


def build_wordpiece(config: TrainConfig) -> Built:
    """BERT WordPiece: ``##`` continuations, ``[UNK]`` for words it cannot spell."""
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(
        clean_text=True, handle_chinese_chars=True, strip_accents=False, lowercase=False
    )
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece(prefix="##")
    specials = _special_tokens(config, ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
    trainer = trainers.WordPieceTrainer(
        vocab_size=config.vocab_size,
        min_frequency=config.min_frequency,
        special_tokens=specials,
        limit_alphabet=_alphabet_limit(config),
        show_progress=False,
    )
    return Built(tok, trainer, unk_token="[UNK]")


def build_unigram(config: TrainConfig) -> Built:
    """SentencePiece-style Unigram: NFKC, ``▁`` marks spaces."""
    tok = Tokenizer(models.Unigram())
    tok.normalizer = normalizers.NFKC()
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    specials = _special_tokens(config, ["<unk>"])
    trainer = trainers.UnigramTrainer(
        vocab_size=config.vocab_size,
        special_tokens=specials,
        unk_token="<unk>",
        show_progress=False,
    )
    return Built(tok, trainer, unk_token="<unk>")


def build_morpheme_byte_bpe(config: TrainConfig) -> Built:
    """Byte-level BPE over Kiwi morphemes (see :mod:`kodial.tokenizer.morpheme`)."""
    from kodial.tokenizer.morpheme import morpheme_pieces

    tok = Tokenizer(models.BPE())
    # Training is fed pre-cut morpheme pieces, so the pipeline's pre-tokenizer only maps bytes.
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)
    tok.decoder = decoders.ByteLevel()
    specials = _special_tokens(config, [])
    trainer = _bpe_trainer(config, specials, initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    prepare = functools.partial(morpheme_pieces, num_workers=config.analysis_workers)
    return Built(tok, trainer, unk_token=None, prepare=prepare, wrapper="morpheme")


TRAINERS: dict[str, Callable[[TrainConfig], Built]] = {
    "bpe": build_bpe,
    "byte-bpe": build_byte_bpe,
    "wordpiece": build_wordpiece,
    "unigram": build_unigram,
    "morpheme-byte-bpe": build_morpheme_byte_bpe,
}
"""Tokenizer kinds by name (the ``--kind`` of ``kodial tokenizer train``)."""


def _post_processor(built: Built, config: TrainConfig, tok: Tokenizer) -> None:
    """BOS for chat formats that add it (Llama-3, Gemma); [CLS]/[SEP] for WordPiece."""
    fmt = config.chat_format
    if fmt is not None and fmt.add_bos and fmt.bos_token is not None:
        bos = fmt.bos_token
        bos_id = tok.token_to_id(bos)
        tok.post_processor = processors.TemplateProcessing(
            single=f"{bos} $A", pair=f"{bos} $A {bos} $B", special_tokens=[(bos, bos_id)]
        )
    elif isinstance(built.trainer, trainers.WordPieceTrainer):
        cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
        tok.post_processor = processors.TemplateProcessing(
            single="[CLS] $A [SEP]",
            pair="[CLS] $A [SEP] $B [SEP]",
            special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)],
        )


def check_kind(kind: str) -> None:
    """Refuse a tokenizer kind that is not in :data:`TRAINERS`, naming the ones that are."""
    if kind not in TRAINERS:
        raise KodialError(
            f"unknown tokenizer kind {kind!r}", hint=f"use one of: {', '.join(TRAINERS)}"
        )


def train_tokenizer(
    texts: Iterable[str],
    config: TrainConfig,
    *,
    length: int | None = None,
) -> PreTrainedTokenizerFast:
    """Train a tokenizer of ``config.kind`` on ``texts`` (streamed once) and wrap it.

    ``length`` is the number of texts if known (only used by the trainer's bookkeeping).

    >>> tok = train_tokenizer(["안녕하세요 반가워요"] * 20, TrainConfig(vocab_size=300))
    >>> tok.decode(tok("안녕하세요 반가워요")["input_ids"])
    '안녕하세요 반가워요'
    """
    check_kind(config.kind)
    built = TRAINERS[config.kind](config)
    seen = 0

    def counted() -> Iterator[str]:
        nonlocal seen
        for text in texts:
            seen += 1
            yield text

    stream: Iterable[str | list[str]] = built.prepare(counted()) if built.prepare else counted()
    built.tokenizer.train_from_iterator(stream, trainer=built.trainer, length=length)
    if seen == 0:
        raise KodialError("no text to train on", hint="check that the input files are not empty")
    _post_processor(built, config, built.tokenizer)
    return wrap_for_transformers(built, config)


def wrap_for_transformers(built: Built, config: TrainConfig) -> PreTrainedTokenizerFast:
    """The trained pipeline as a Hugging Face tokenizer with its special tokens and template."""
    fmt = config.chat_format
    kwargs: dict[str, Any] = {"model_max_length": config.model_max_length}
    if built.unk_token is not None:
        kwargs["unk_token"] = built.unk_token
    if fmt is not None:
        kwargs.update(eos_token=fmt.eos_token, pad_token=fmt.pad_token, chat_template=fmt.template)
        if fmt.bos_token is not None:
            kwargs["bos_token"] = fmt.bos_token
    elif config.kind == "wordpiece":
        kwargs.update(pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]")
    specials = _special_tokens(config, [])
    if specials:
        kwargs["extra_special_tokens"] = [
            t for t in specials if t not in kwargs.values() and t != built.unk_token
        ]
    if built.wrapper == "morpheme":
        from kodial.tokenizer.morpheme import MorphemeByteBPETokenizer

        return MorphemeByteBPETokenizer(tokenizer_object=built.tokenizer, **kwargs)
    from transformers import PreTrainedTokenizerFast

    return PreTrainedTokenizerFast(tokenizer_object=built.tokenizer, **kwargs)
