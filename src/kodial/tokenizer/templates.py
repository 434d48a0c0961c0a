"""Chat formats: the Jinja chat template of each model family with the special tokens it needs.

One registry, :data:`CHAT_FORMATS`, used by ``kodial tokenizer train --chat-template`` and by
:func:`kodial.testing.tokenizers.build_chat_tokenizer`, so the tiny tokenizers in our tests render
conversations exactly as the real model families do:

- ``llama3``: Meta Llama-3 Instruct. ``<|begin_of_text|>`` once, then per message
  ``<|start_header_id|>{role}<|end_header_id|>\\n\\n{content|trim}<|eot_id|>``; the generation
  prompt is the assistant header. End of turn (eos) is ``<|eot_id|>``.
- ``chatml``: ChatML as used by Qwen2/Qwen2.5 and many fine-tunes:
  ``<|im_start|>{role}\\n{content}<|im_end|>\\n``. No BOS. End of turn is ``<|im_end|>``. Unlike
  Qwen2's own template we add no default system prompt when the conversation has none.
- ``gemma``: Gemma 2/3 instruct. ``<bos>`` then ``<start_of_turn>user\\n{content|trim}<end_of_turn>\\n``
  and ``<start_of_turn>model\\n...``; there is no system role: a system message is folded into the
  first user turn followed by a blank line (as Gemma 3's template does). Roles must alternate
  user/assistant. End of turn is ``<end_of_turn>``.

The ``| trim`` in the Llama-3 and Gemma templates is the real templates' behaviour: leading and
trailing whitespace of each message is dropped when rendering, so loss masks must be computed on
the rendered text, not on the raw message strings.

Every control token of a format, a custom one's included, is registered as a *special* token:
that is what :mod:`kodial.chat.rendering` relies on to keep message text from ever becoming a
control token (a user typing ``<|eot_id|>`` gets those characters, not the end of their turn).

For ``llama3`` and ``gemma`` the tokenizer's post-processor adds the BOS token when encoding with
``add_special_tokens=True`` (as the real tokenizers do); the template already contains it, so
encode rendered chat text with ``add_special_tokens=False`` (``apply_chat_template(tokenize=True)``
does this).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kodial.errors import KodialError

LLAMA3_TEMPLATE = (
    "{%- for message in messages -%}"
    "{%- if loop.first -%}{{ bos_token }}{%- endif -%}"
    "{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' }}"
    "{{ message['content'] | trim }}"
    "{{ '<|eot_id|>' }}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}"
    "{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}"
    "{%- endif -%}"
)

CHATML_TEMPLATE = (
    "{%- for message in messages -%}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}"
    "{{ '<|im_start|>assistant\\n' }}"
    "{%- endif -%}"
)

GEMMA_TEMPLATE = (
    "{{ bos_token }}"
    "{%- if messages[0]['role'] == 'system' -%}"
    "{%- set first_user_prefix = messages[0]['content'] + '\\n\\n' -%}"
    "{%- set loop_messages = messages[1:] -%}"
    "{%- else -%}"
    "{%- set first_user_prefix = '' -%}"
    "{%- set loop_messages = messages -%}"
    "{%- endif -%}"
    "{%- for message in loop_messages -%}"
    "{%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) -%}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}"
    "{%- endif -%}"
    "{%- if message['role'] == 'assistant' -%}{%- set role = 'model' -%}"
    "{%- else -%}{%- set role = message['role'] -%}{%- endif -%}"
    "{{ '<start_of_turn>' + role + '\\n' + (first_user_prefix if loop.first else '') }}"
    "{{ message['content'] | trim }}"
    "{{ '<end_of_turn>\\n' }}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}"
    "{{ '<start_of_turn>model\\n' }}"
    "{%- endif -%}"
)


@dataclass(frozen=True)
class ChatFormat:
    """A model family's chat template and the special tokens it relies on."""

    name: str
    """Registry name (``llama3``, ``chatml``, ``gemma``)."""
    template: str
    """Jinja chat template stored as the tokenizer's ``chat_template``."""
    eos_token: str
    """End-of-turn token: generation must stop here (the tokenizer's ``eos_token``)."""
    pad_token: str
    """Padding token, distinct from eos so padding is never confused with a turn end."""
    bos_token: str | None
    """Beginning-of-sequence token the template starts with, or None (ChatML has none)."""
    control_tokens: tuple[str, ...]
    """Every special token the format uses (including bos/eos/pad), in vocabulary order."""
    add_bos: bool
    """Whether plain ``encode(text)`` prepends ``bos_token`` (as the real tokenizer does)."""

    @property
    def special_tokens(self) -> list[str]:
        """All special tokens of the format, bos/eos/pad included, without duplicates."""
        return list(dict.fromkeys(self.control_tokens))


CHAT_FORMATS: dict[str, ChatFormat] = {
    "llama3": ChatFormat(
        name="llama3",
        template=LLAMA3_TEMPLATE,
        eos_token="<|eot_id|>",
        pad_token="<|finetune_right_pad_id|>",
        bos_token="<|begin_of_text|>",
        control_tokens=(
            "<|begin_of_text|>",
            "<|end_of_text|>",
            "<|start_header_id|>",
            "<|end_header_id|>",
            "<|eot_id|>",
            "<|finetune_right_pad_id|>",
        ),
        add_bos=True,
    ),
    "chatml": ChatFormat(
        name="chatml",
        template=CHATML_TEMPLATE,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        bos_token=None,
        control_tokens=("<|endoftext|>", "<|im_start|>", "<|im_end|>"),
        add_bos=False,
    ),
    "gemma": ChatFormat(
        name="gemma",
        template=GEMMA_TEMPLATE,
        eos_token="<end_of_turn>",
        pad_token="<pad>",
        bos_token="<bos>",
        control_tokens=("<pad>", "<eos>", "<bos>", "<start_of_turn>", "<end_of_turn>"),
        add_bos=True,
    ),
}


def resolve_chat_format(
    name_or_path: str, eos_token: str | None = None, special_tokens: list[str] | None = None
) -> ChatFormat:
    """A registered format by name, or a custom one from a Jinja file.

    A custom template needs its end-of-turn token: ``eos_token`` (or, if omitted, the last of
    ``special_tokens``). Its pad token is ``<pad>``.
    """
    if name_or_path in CHAT_FORMATS:
        return CHAT_FORMATS[name_or_path]
    path = Path(name_or_path)
    if not path.is_file():
        raise KodialError(
            f"unknown chat template {name_or_path!r}",
            hint=f"use one of {', '.join(CHAT_FORMATS)} or the path of a Jinja template file",
        )
    from kodial.textio import read_text

    extra = list(special_tokens or [])
    eos = eos_token or (extra[-1] if extra else None)
    if eos is None:
        raise KodialError(
            f"custom chat template {path} needs an end-of-turn token",
            hint="pass --eos-token (or list it last in --special-tokens)",
        )
    return ChatFormat(
        name=path.stem,
        template=read_text(path),
        eos_token=eos,
        pad_token="<pad>",
        bos_token=None,
        control_tokens=tuple(dict.fromkeys(["<pad>", *extra, eos])),
        add_bos=False,
    )
