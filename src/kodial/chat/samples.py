"""Training samples from conversations: the sample-shaping strategies and exact loss masks.

A sample is token ids plus labels (``-100`` where no loss). Ids come from the tokenizer's own chat
template, ``apply_chat_template(..., tokenize=True)`` (or the plain-text format, see
:mod:`kodial.chat.rendering`), turn by turn: for a trained assistant turn ``i``,

- ``head`` = ids of ``messages[:i]`` with the generation prompt (the assistant header), which is
  exactly what the model is given at serving time;
- ``turn`` = ids of ``messages[:i+1]``.

Both must be prefixes of the ids of the whole conversation; a template whose rendering of a prefix
is not a prefix of the whole (one that rewrites earlier turns, or marks the last one) is detected
and refused with a clear error, since no exact mask exists for it. The trained tokens of the turn
are ``turn[len(head):]`` up to and including the last special token there: the reply's content and
its end-of-turn token (``<|eot_id|>``, ``<|im_end|>``, ``<end_of_turn>``, EOS), never the header
and never a newline the template writes after the end-of-turn token. Finally the assembled ids are
compared with ``apply_chat_template(whole conversation, tokenize=True)`` for every sample.

Message text is text: a control token typed in a message (``<|eot_id|>``, ``<|im_start|>``, ...)
is trained as the characters it is spelt with, never as the control token (see
:mod:`kodial.chat.rendering`).

Work is linear in the length of a conversation. Encoding ``head`` and ``turn`` for every reply
costs O(turns²) template work, so a short conversation is built that way and a long one from
:meth:`~kodial.chat.rendering.ChatFormat.spans`, which finds every boundary in one pass (same ids,
same masks; a template it cannot follow falls back to the per-turn encodes). ``drop-oldest``
searches for the fewest oldest exchanges to drop (:func:`~kodial.chat.fitting.fewest`) instead of
re-encoding the conversation once per dropped exchange: a 10,000-turn conversation took over 400 s
to build and now takes seconds (``tests/security/test_long_conversations.py`` counts the work).

Strategies (:data:`STRATEGIES`): ``all-turns``, ``last-turn``, ``sliding-window`` and
``plain-text``; see each entry's ``description``. Conversations longer than ``max_length`` are
handled by :data:`TRUNCATION` and counted in :class:`BuildStats`: nothing is dropped or cut
without a count in :meth:`BuildStats.summary`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kodial.chat.control_tokens import TemplateRefused, special_ids
from kodial.chat.dialogue import Conversation, Message
from kodial.chat.fitting import fewest
from kodial.chat.persona import Persona, apply_persona
from kodial.chat.rendering import ChatFormat, TemplateMismatch, chat_format
from kodial.chat.strategies import STRATEGIES, TRUNCATION, SampleSpec
from kodial.errors import DataError, DataErrors, KodialError

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

IGNORE_INDEX = -100
"""Label of a token that gets no loss (the value PyTorch's cross-entropy ignores)."""


@dataclass
class TokenizedSample:
    """One training sample. ``input_ids`` and ``labels`` have the same length ``T``; ``labels[t]``
    is ``input_ids[t]`` where the token is trained and :data:`IGNORE_INDEX` elsewhere (the model
    shifts labels itself)."""

    input_ids: list[int]
    labels: list[int]
    conversation_id: str | None = None
    trained_spans: list[tuple[int, int]] = field(default_factory=list)
    """``[start, end)`` token ranges of the trained assistant turns, in order."""

    @property
    def trained_tokens(self) -> int:
        """How many tokens get loss."""
        return sum(1 for x in self.labels if x != IGNORE_INDEX)

    def __len__(self) -> int:
        return len(self.input_ids)


# ---------------------------------------------------------------------------------------------
# Strategies: conversation -> sample specs (messages, indices of trained assistant turns)


# ---------------------------------------------------------------------------------------------
# Exact masks


def _require_prefix(part: list[int], whole: list[int], what: str, turn: int) -> None:
    if whole[: len(part)] == part:
        return
    at = next((k for k, (x, y) in enumerate(zip(part, whole, strict=False)) if x != y), len(whole))
    raise TemplateMismatch(
        f"turn {turn}: the chat template renders {what} differently from the same turns inside "
        f"the whole conversation (first difference at token {at}), so exact loss masks are "
        "impossible",
        hint="this happens with templates that rewrite earlier turns or mark the last one; for "
        "templates that only strip earlier replies' reasoning, --strategy last-turn or "
        "sliding-window (one sample per reply) works; otherwise use a template whose prefixes "
        "are stable",
    )


PER_PREFIX_WORK = 4
"""Masks are built by rendering every prefix while that costs at most this many messages of
template work per message of the conversation (a handful of turns), in one pass otherwise."""


def encode_with_mask(
    fmt: ChatFormat,
    messages: Sequence[Message],
    trained: Sequence[int],
    full: list[int] | None = None,
) -> TokenizedSample:
    """Ids and labels of ``messages`` (already prepared by ``fmt``) with loss on the assistant
    turns at indices ``trained`` (content + end-of-turn token). Raises :class:`TemplateMismatch`
    when the template's prefixes are unstable or the assembled ids differ from the template
    applied to the whole conversation, and :class:`TemplateRefused` when the template raises.
    ``full`` is ``fmt.encode(messages)`` when the caller has it already.

    The boundaries come from :meth:`ChatFormat.spans` (O(conversation) work); for a template it
    cannot handle, every prefix is rendered and compared (O(turns²), exact for any template).
    """
    msgs = list(messages)
    order = sorted(trained)
    for i in order:
        if msgs[i].role != "assistant" or i == 0:
            raise ValueError(f"turn {i + 1} is not a trainable assistant turn")
    # Rendering every prefix costs about sum(2i + 1) messages of template work, the one pass of
    # spans a few short renders per message: short conversations take the first, long ones the
    # second (both give the same ids and masks; tests/chat/test_samples.py checks it).
    per_prefix = sum(2 * i + 1 for i in order)
    spans = fmt.spans(msgs, order, full=full) if per_prefix > PER_PREFIX_WORK * len(msgs) else None
    if spans is None:
        return _encode_with_mask_per_prefix(fmt, msgs, order, full)
    bounds = [(i, spans.heads[i], spans.ends[i + 1]) for i in order]
    return _assemble(fmt, spans.ids, bounds)


def _encode_with_mask_per_prefix(
    fmt: ChatFormat, msgs: list[Message], order: list[int], full: list[int] | None
) -> TokenizedSample:
    """:func:`encode_with_mask` by encoding ``msgs[:i]`` (with the assistant header) and
    ``msgs[:i+1]`` for every trained turn: exact for any template, and where an unstable one is
    diagnosed, but quadratic in the number of turns."""
    if full is None:
        full = fmt.encode(msgs)
    bounds: list[tuple[int, int, int]] = []
    for i in order:
        head = fmt.encode(msgs[:i], add_generation_prompt=True)
        turn = full if i == len(msgs) - 1 else fmt.encode(msgs[: i + 1])
        _require_prefix(head, full, "the history with the assistant header", i + 1)
        _require_prefix(turn, full, "the conversation up to this turn", i + 1)
        bounds.append((i, len(head), len(turn)))
    return _assemble(fmt, full, bounds)


def _assemble(
    fmt: ChatFormat, full: list[int], bounds: list[tuple[int, int, int]]
) -> TokenizedSample:
    """The sample from the whole conversation's ids and, per trained turn ``i`` (in order), the
    token counts of its history with the assistant header and of the conversation up to it."""
    specials = special_ids(fmt.tokenizer)
    ids: list[int] = []
    labels: list[int] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    for i, head, turn in bounds:
        if head < pos or turn <= head:
            raise TemplateMismatch(
                f"turn {i + 1}: the assistant header overlaps the previous turn or the reply "
                "renders as nothing; exact loss masks are impossible with this template"
            )
        ids += full[pos:head]
        labels += [IGNORE_INDEX] * (head - pos)
        delta = full[head:turn]
        last_special = max((k for k, t in enumerate(delta) if t in specials), default=None)
        # Train up to the end-of-turn token; a newline the template adds after it is not trained.
        end = len(delta) if last_special is None else last_special + 1
        ids += delta
        labels += delta[:end] + [IGNORE_INDEX] * (len(delta) - end)
        spans.append((head, head + end))
        pos = turn
    ids += full[pos:]
    labels += [IGNORE_INDEX] * (len(full) - pos)
    if ids != full:
        raise TemplateMismatch(
            "the per-turn token ids do not add up to the chat template applied to the whole "
            "conversation; exact loss masks are impossible with this template"
        )
    return TokenizedSample(ids, labels, trained_spans=spans)


# ---------------------------------------------------------------------------------------------
# Building samples


@dataclass
class BuildStats:
    """What :func:`build_samples` did, to report to the user (``summary()``)."""

    strategy: str
    max_length: int
    truncation: str
    conversations: int = 0
    """Conversations read."""
    samples: int = 0
    """Samples produced."""
    tokens: int = 0
    """Tokens in all samples."""
    trained_tokens: int = 0
    """Tokens with loss."""
    no_assistant: int = 0
    """Conversations with no assistant turn after a user turn (nothing to train)."""
    too_long: int = 0
    """Samples longer than ``max_length`` before cutting."""
    shortened: int = 0
    """Samples that fit after dropping their oldest turns (``drop-oldest``)."""
    turns_dropped: int = 0
    """Turns removed by ``drop-oldest``."""
    truncated: int = 0
    """Samples cut at ``max_length`` (``truncate``)."""
    dropped: int = 0
    """Samples dropped because they could not fit."""
    conversations_cut: int = 0
    """Conversations with at least one sample shortened, truncated or dropped."""

    def summary(self) -> str:
        """One paragraph for the user: counts, and how many were cut and how."""
        share = self.trained_tokens / self.tokens if self.tokens else 0.0
        text = (
            f"{self.samples} sample(s) from {self.conversations} conversation(s) "
            f"(strategy {self.strategy}, max_length {self.max_length}): {self.tokens} tokens, "
            f"{self.trained_tokens} trained ({share:.0%})."
        )
        if self.too_long:
            text += (
                f" {self.too_long} sample(s) from {self.conversations_cut} conversation(s) were "
                f"longer than {self.max_length} tokens ({self.truncation}): "
                f"{self.shortened} shortened by dropping {self.turns_dropped} oldest turn(s), "
                f"{self.truncated} truncated, {self.dropped} dropped."
            )
        if self.no_assistant:
            text += f" {self.no_assistant} conversation(s) skipped: no assistant turn to train."
        return text


def check_alternation(conversation: Conversation, messages: Sequence[Message]) -> list[DataError]:
    """Errors for turns that break user/assistant alternation (after leading system turns)."""
    errors: list[DataError] = []
    prev: Message | None = None
    for t, m in enumerate(messages, start=1):
        if m.role == "system":
            if prev is not None:
                errors.append(conversation.error("system turn in the middle of a dialogue", t))
            continue
        if prev is None and m.role != "user":
            errors.append(
                conversation.error(
                    "dialogue starts with an assistant turn",
                    t,
                    hint="strategies that need alternation expect user, assistant, user, ...",
                )
            )
        elif prev is not None and prev.role == m.role:
            errors.append(
                conversation.error(
                    f"two {m.role} turns in a row (turns {t - 1} and {t})",
                    t,
                    hint="merge consecutive turns (kodial data convert --merge-consecutive) or "
                    "use --strategy all-turns",
                )
            )
        prev = m
    return errors


def with_system_prompt(
    conversation: Conversation, persona: Persona | None, template: str | None = None
) -> list[Message]:
    """A dialogue's messages with the system prompt samples are built with: ``persona``'s (it
    replaces the dialogue's own system message), else the dialogue's own system message, else a
    prompt from its persona facts (:meth:`Persona.from_facts`)."""
    if persona is not None:
        return apply_persona(conversation.messages, persona, template)
    has_system = any(m.role == "system" for m in conversation.messages)
    if conversation.persona and not has_system:
        return apply_persona(conversation.messages, Persona.from_facts(conversation.persona))
    return list(conversation.messages)


def _prepare(fmt: ChatFormat, spec: SampleSpec) -> SampleSpec:
    """Apply the format's preparation (it may only remove system turns), remapping indices."""
    prepared = fmt.prepare(spec.messages)
    removed = len(spec.messages) - len(prepared)
    if removed == 0:
        return SampleSpec(prepared, list(spec.trained))
    n_system = [0]
    for m in spec.messages:
        n_system.append(n_system[-1] + (m.role == "system"))
    trained = [i - n_system[i] for i in spec.trained]
    assert all(prepared[i].role == "assistant" for i in trained)
    return SampleSpec(prepared, trained)


def _drop_cuts(spec: SampleSpec) -> tuple[int, list[int]]:
    """Where ``drop-oldest`` can cut: the index of the first non-system turn (everything before
    it stays) and, in order, the index where the kept turns start after dropping 1, 2, ...
    oldest exchanges (an exchange runs from the first kept non-system turn up to the next user
    turn), as long as a trained turn is left."""
    msgs = spec.messages
    first = next((i for i, m in enumerate(msgs) if m.role != "system"), len(msgs))
    last_trained = max(spec.trained, default=-1)
    cuts = [i for i in range(first + 1, last_trained + 1) if msgs[i].role == "user"]
    return first, cuts


def _cut(spec: SampleSpec, first: int, cut: int) -> SampleSpec:
    """``spec`` without its turns ``first .. cut-1`` (the leading system turns stay)."""
    n = cut - first
    kept = spec.messages[:first] + spec.messages[cut:]
    return SampleSpec(kept, [i - n for i in spec.trained if i >= cut])


def _truncate(sample: TokenizedSample, max_length: int) -> TokenizedSample | None:
    labels = sample.labels[:max_length]
    spans: list[tuple[int, int]] = []
    for start, end in sample.trained_spans:
        if end <= max_length:
            spans.append((start, end))
        else:
            for k in range(start, min(end, max_length)):
                labels[k] = IGNORE_INDEX
    if not spans:
        return None
    return TokenizedSample(
        sample.input_ids[:max_length], labels, sample.conversation_id, trained_spans=spans
    )


def build_samples(
    conversations: Iterable[Conversation],
    tokenizer: PreTrainedTokenizerBase,
    strategy: str = "all-turns",
    max_length: int = 2048,
    persona: Persona | None = None,
    window: int = 4,
    truncation: str = "drop-oldest",
    system_template: str | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> tuple[list[TokenizedSample], BuildStats]:
    """Tokenized samples with exact loss masks, and what happened on the way.

    ``persona``'s system prompt (filled with ``system_template`` if given) replaces each dialogue's
    own system message; without it, a dialogue's persona facts (``persona`` format) become its
    system prompt. ``window`` is the context size of ``sliding-window``; ``truncation`` is a key of
    :data:`TRUNCATION`. ``on_progress(n)`` is called after each conversation (progress bars).

    Raises :class:`~kodial.errors.DataErrors` for alternation problems (strategies that need it),
    template refusals and, with ``truncation="error"``, too-long conversations, each naming file,
    line and turn; :class:`TemplateMismatch` when the template cannot give exact masks.
    """
    if strategy not in STRATEGIES:
        raise KodialError(
            f"unknown strategy {strategy!r}", hint=f"choose one of: {', '.join(STRATEGIES)}"
        )
    if truncation not in TRUNCATION:
        raise KodialError(
            f"unknown truncation {truncation!r}", hint=f"choose one of: {', '.join(TRUNCATION)}"
        )
    if max_length < 8:
        raise KodialError(f"max_length {max_length} is too small")
    if window < 1:
        raise KodialError(f"window must be at least 1, got {window}")
    strat = STRATEGIES[strategy]
    fmt = chat_format(tokenizer, plain_text=strat.plain_text)
    convs = list(conversations)
    stats = BuildStats(strategy, max_length, truncation, conversations=len(convs))
    errors: list[DataError] = []
    if strat.needs_alternation:
        for conv in convs:
            errors += check_alternation(conv, conv.messages)
        if errors:
            raise DataErrors(errors)
    samples: list[TokenizedSample] = []
    for conv in convs:
        specs = strat.select(with_system_prompt(conv, persona, system_template), window)
        if not specs:
            stats.no_assistant += 1
        cut = False
        for spec in specs:
            try:
                fit = _fit(fmt, spec, max_length, truncation, stats)
            except TemplateRefused as exc:
                errors.append(conv.error(exc.message))
                break
            except TemplateMismatch as exc:
                raise TemplateMismatch(conv.error(exc.message).message, exc.hint) from None
            cut = cut or fit.cut
            if fit.overlong is not None:
                errors.append(
                    conv.error(
                        f"{fit.overlong} tokens, longer than max_length {max_length}",
                        hint="raise --max-length or choose another --truncation",
                    )
                )
            if fit.sample is not None:
                fit.sample.conversation_id = conv.id
                samples.append(fit.sample)
                stats.samples += 1
                stats.tokens += len(fit.sample)
                stats.trained_tokens += fit.sample.trained_tokens
        stats.conversations_cut += cut
        if on_progress is not None:
            on_progress(1)
    if errors:
        raise DataErrors(errors)
    return samples, stats


@dataclass
class _Fit:
    sample: TokenizedSample | None
    """None when the sample was dropped."""
    cut: bool = False
    overlong: int | None = None
    """Length of a too-long sample under ``truncation="error"``."""


def _fit(
    fmt: ChatFormat, spec: SampleSpec, max_length: int, truncation: str, stats: BuildStats
) -> _Fit:
    """Encode one sample, applying the truncation policy when it is longer than ``max_length``."""
    prepared = _prepare(fmt, spec)
    full = fmt.encode(prepared.messages)
    if len(full) <= max_length:
        return _Fit(encode_with_mask(fmt, prepared.messages, prepared.trained, full=full))
    stats.too_long += 1
    if truncation == "error":
        return _Fit(None, True, overlong=len(full))
    if truncation == "drop":
        stats.dropped += 1
        return _Fit(None, True)
    if truncation == "truncate":
        whole = encode_with_mask(fmt, prepared.messages, prepared.trained, full=full)
        cut = _truncate(whole, max_length)
        if cut is None:
            stats.dropped += 1
        else:
            stats.truncated += 1
        return _Fit(cut, True)
    # drop-oldest: the fewest oldest exchanges whose removal makes the sample fit. The search
    # starts where the characters of the dropped turns make up for the excess tokens, and each
    # candidate it encodes is near max_length, so a 10,000-turn conversation costs a few encodes
    # of its kept part instead of one encode of the whole per dropped exchange.
    first, cuts = _drop_cuts(spec)
    candidates: dict[int, list[int]] = {}

    def fits(d: int) -> bool:
        prepared = _prepare(fmt, _cut(spec, first, cuts[d - 1]))
        ids = fmt.encode(prepared.messages)
        candidates[d] = ids
        return len(ids) <= max_length

    d = fewest(len(cuts), fits, _estimate_drops(spec, first, cuts, len(full), max_length))
    if d is None:
        stats.dropped += 1
        return _Fit(None, True)
    stats.shortened += 1
    stats.turns_dropped += cuts[d - 1] - first
    prepared = _prepare(fmt, _cut(spec, first, cuts[d - 1]))
    sample = encode_with_mask(fmt, prepared.messages, prepared.trained, full=candidates[d])
    return _Fit(sample, True)


def _estimate_drops(
    spec: SampleSpec, first: int, cuts: list[int], tokens: int, max_length: int
) -> int:
    """How many oldest exchanges to drop, guessed from characters: enough of them to hold the
    excess tokens at the conversation's own tokens-per-character rate."""
    sizes = [len(m.content) + 1 for m in spec.messages]
    per_char = tokens / max(1, sum(sizes))
    excess = tokens - max_length
    dropped = 0.0
    prev = first
    for d, cut in enumerate(cuts, start=1):
        dropped += sum(sizes[prev:cut]) * per_char
        prev = cut
        if dropped >= excess:
            return d
    return len(cuts)
