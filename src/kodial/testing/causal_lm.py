"""A tiny Llama-style causal LM with a real Korean chat tokenizer, for tests and demos.

The model is randomly initialised (2 layers, hidden 32 by default) and saved with its tokenizer
and a ``generation_config`` whose ``eos_token_id`` lists the chat template's end-of-turn token(s),
so code under test loads it with ``AutoModelForCausalLM.from_pretrained(dir)`` exactly as it would
load a hub checkpoint.

>>> path = build_tiny_llama(tmp_path / "llama")  # doctest: +SKIP
>>> AutoModelForCausalLM.from_pretrained(path)  # doctest: +SKIP
"""

from __future__ import annotations

import tempfile
from pathlib import Path


def build_tiny_llama(
    out_dir: str | Path,
    template: str = "llama3",
    hidden_size: int = 32,
    num_layers: int = 2,
    num_heads: int = 4,
    vocab_size: int = 1000,
    max_positions: int = 1024,
    seed: int = 0,
    initializer_range: float = 0.02,
) -> Path:
    """Build, save and return ``out_dir``: a random tiny ``LlamaForCausalLM`` plus tokenizer.

    ``template`` picks the chat template (``llama3``, ``chatml`` or ``gemma``) of the byte-level
    Korean BPE tokenizer from :func:`kodial.testing.tokenizers.build_chat_tokenizer`. The input and
    output embeddings are tied, as in small Llama-3 models, which keeps the model under 100k
    parameters. A larger ``initializer_range`` gives the tied embeddings a larger scale; with the
    default 0.02 the largest logit a hidden-32 model can reach without training its embeddings is
    about 0.6, so adapter-only methods (LoRA, QLoRA) cannot fit a tiny set until it is raised.
    """
    import torch
    from transformers import AutoTokenizer, GenerationConfig, LlamaConfig, LlamaForCausalLM

    from kodial.chat.generate import end_of_turn_ids
    from kodial.testing.tokenizers import build_chat_tokenizer

    out = Path(out_dir)
    with tempfile.TemporaryDirectory() as tmp:
        build_chat_tokenizer(tmp, template=template, vocab_size=vocab_size)
        tokenizer = AutoTokenizer.from_pretrained(tmp)
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    eot = end_of_turn_ids(tokenizer)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden_size,
        intermediate_size=hidden_size * 2,
        num_hidden_layers=num_layers,
        num_attention_heads=num_heads,
        num_key_value_heads=max(1, num_heads // 2),
        max_position_embeddings=max_positions,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=eot,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=True,
        initializer_range=initializer_range,
    )
    torch.manual_seed(seed)
    model = LlamaForCausalLM(config)
    model.generation_config = GenerationConfig(
        bos_token_id=tokenizer.bos_token_id, eos_token_id=eot, pad_token_id=tokenizer.pad_token_id
    )
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def untie_head(model_dir: Path, seed: int = 1) -> None:
    """Give the random Llama its own random output head. With the input embeddings tied to the
    output, a random model mostly repeats its last input token (a newline after the chat
    template); an untied head makes greedy decoding produce varied byte-level tokens, including
    partial UTF-8 sequences, which is what the streaming path has to handle."""
    import torch
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(model_dir)
    model.config.tie_word_embeddings = False
    torch.manual_seed(seed)
    head = torch.nn.Linear(model.config.hidden_size, model.config.vocab_size, bias=False)
    torch.nn.init.normal_(head.weight, std=1.0)
    model.lm_head = head
    model.save_pretrained(model_dir)
