"""Korean tokenizers: train, compare and size the sample for BPE, byte-level BPE, WordPiece,
Unigram and morpheme-aware byte-level BPE.

Modules: :mod:`~kodial.tokenizer.train` (kinds registry and training), :mod:`~kodial.tokenizer.morpheme`
(Kiwi morpheme pre-tokenization and its Hugging Face class), :mod:`~kodial.tokenizer.corpus`
(streaming text sources), :mod:`~kodial.tokenizer.compare` (metrics, table, plot),
:mod:`~kodial.tokenizer.sample_size` (vocabulary stability vs sample size),
:mod:`~kodial.tokenizer.templates` (chat formats) and :mod:`~kodial.tokenizer.cli`.

This package imports nothing heavy, so the CLI stays fast; :func:`load_tokenizer` loads any saved
kodial tokenizer (morpheme-aware ones included).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def load_tokenizer(path: str | Path) -> Any:
    """Load a saved tokenizer with ``AutoTokenizer``, kodial's tokenizer classes registered.

    Returns a ``PreTrainedTokenizerFast`` (a :class:`~kodial.tokenizer.morpheme.MorphemeByteBPETokenizer`
    for morpheme-aware ones).
    """
    from kodial.errors import KodialError
    from kodial.hub import load_tokenizer as load

    p = Path(path)
    if not (p / "tokenizer_config.json").is_file() and not (p / "tokenizer.json").is_file():
        raise KodialError(
            f"no tokenizer in {p}", hint="pass a directory written by `kodial tokenizer train`"
        )
    return load(p)
