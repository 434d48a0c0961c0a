"""Tiny real tokenizers for tests and examples: byte-level BPE on our own Korean sample text.

No hub is reachable, so tests that need a chat model's tokenizer build one here in about a second:
a byte-level BPE (exact round trip for any string) trained on ``resources/corpus/ko_sample.txt``
(original sentences written for kodial), with a real model family's chat template and its control
tokens registered as special tokens.

>>> import tempfile
>>> tok = build_chat_tokenizer(tempfile.mkdtemp(), template="chatml")
>>> tok.apply_chat_template([{"role": "user", "content": "안녕"}], tokenize=False)
'<|im_start|>user\\n안녕<|im_end|>\\n'
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from kodial.tokenizer.templates import resolve_chat_format
from kodial.tokenizer.train import TrainConfig, train_tokenizer

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerFast


def sample_corpus_lines() -> Iterator[str]:
    """The non-empty lines of kodial's own Korean sample corpus (a few hundred sentences)."""
    text = (
        resources.files("kodial")
        .joinpath("resources", "corpus", "ko_sample.txt")
        .read_text("utf-8")
    )
    return (line for line in text.splitlines() if line.strip())


def build_chat_tokenizer(
    out_dir: str | Path, template: str = "llama3", vocab_size: int = 2000
) -> PreTrainedTokenizerFast:
    """Train a byte-level BPE on the Korean sample corpus with a chat template; save and return it.

    ``template`` is a name in :data:`kodial.tokenizer.templates.CHAT_FORMATS`:

    - ``llama3``: bos ``<|begin_of_text|>`` (also added by plain ``encode``), eos ``<|eot_id|>``,
      pad ``<|finetune_right_pad_id|>``.
    - ``chatml``: no bos, eos ``<|im_end|>``, pad ``<|endoftext|>``.
    - ``gemma``: bos ``<bos>`` (also added by plain ``encode``), eos ``<end_of_turn>``, pad
      ``<pad>``; system messages are folded into the first user turn.

    All control tokens are special (never split, skipped by ``decode(skip_special_tokens=True)``)
    and come first in the vocabulary. ``vocab_size`` is an upper bound: the small corpus may yield
    fewer merges. The tokenizer is saved to ``out_dir`` (created if needed) with its chat template,
    so ``AutoTokenizer.from_pretrained(out_dir)`` loads the same tokenizer. Render chat text with
    ``apply_chat_template``; when encoding rendered text yourself, pass
    ``add_special_tokens=False`` (the template already holds the bos token).
    """
    config = TrainConfig(
        kind="byte-bpe",
        vocab_size=vocab_size,
        min_frequency=1,
        chat_format=resolve_chat_format(template),
    )
    tokenizer = train_tokenizer(sample_corpus_lines(), config)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tokenizer.save_pretrained(out)
    return tokenizer
