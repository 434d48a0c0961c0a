"""Training samples: exact loss masks for Llama-3, ChatML and Gemma templates (hand-written),
strategies, truncation policies, alternation errors and train/serve consistency."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from kodial.chat.dialogue import Conversation, Message, load_dialogues
from kodial.chat.rendering import end_of_turn_token, prompt_ids
from kodial.chat.samples import (
    IGNORE_INDEX,
    TemplateMismatch,
    TokenizedSample,
    build_samples,
)
from kodial.chat.strategies import STRATEGIES, TRUNCATION
from kodial.errors import DataErrors, KodialError

try:  # tests/chat is a package when it has an __init__.py, a plain folder otherwise
    from ._data_fixtures import CAFE, PERSONA, SYSTEM, TEMPLATES, TokenizerCache, chat_tokenizer
except ImportError:
    from _data_fixtures import CAFE, PERSONA, SYSTEM, TEMPLATES, TokenizerCache, chat_tokenizer  # type: ignore[no-redef]

__all__ = ["chat_tokenizer"]

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


def runs(sample: TokenizedSample, tok) -> list[tuple[str, bool]]:
    """Decoded runs of consecutive trained / untrained tokens."""
    out: list[tuple[list[int], bool]] = []
    for tid, lab in zip(sample.input_ids, sample.labels, strict=True):
        trained = lab != IGNORE_INDEX
        if trained:
            assert lab == tid, "a trained label must be the token itself"
        if out and out[-1][1] == trained:
            out[-1][0].append(tid)
        else:
            out.append(([tid], trained))
    return [(tok.decode(ids, skip_special_tokens=False), trained) for ids, trained in out]


# Hand-written expected masks of CAFE under all-turns: (text, trained) runs, in order.
EXPECTED_ALL_TURNS = {
    "llama3": [
        (
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
            f"{SYSTEM}<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n안녕하세요<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\n",
            False,
        ),
        ("어서 오세요! 뭐 드릴까요?<|eot_id|>", True),
        (
            "<|start_header_id|>user<|end_header_id|>\n\n라떼 한 잔 주세요<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\n",
            False,
        ),
        ("네, 따뜻하게 드릴게요.<|eot_id|>", True),
    ],
    "chatml": [
        (
            f"<|im_start|>system\n{SYSTEM}<|im_end|>\n<|im_start|>user\n안녕하세요<|im_end|>\n"
            "<|im_start|>assistant\n",
            False,
        ),
        ("어서 오세요! 뭐 드릴까요?<|im_end|>", True),
        ("\n<|im_start|>user\n라떼 한 잔 주세요<|im_end|>\n<|im_start|>assistant\n", False),
        ("네, 따뜻하게 드릴게요.<|im_end|>", True),
        ("\n", False),
    ],
    "gemma": [
        (
            f"<bos><start_of_turn>user\n{SYSTEM}\n\n안녕하세요<end_of_turn>\n"
            "<start_of_turn>model\n",
            False,
        ),
        ("어서 오세요! 뭐 드릴까요?<end_of_turn>", True),
        ("\n<start_of_turn>user\n라떼 한 잔 주세요<end_of_turn>\n<start_of_turn>model\n", False),
        ("네, 따뜻하게 드릴게요.<end_of_turn>", True),
        ("\n", False),
    ],
}


@pytest.mark.parametrize("template", TEMPLATES)
def test_all_turns_masks_match_hand_written(chat_tokenizer: TokenizerCache, template: str) -> None:
    tok = chat_tokenizer(template)
    samples, stats = build_samples([CAFE], tok, strategy="all-turns")
    assert len(samples) == 1 and stats.samples == 1
    sample = samples[0]
    assert runs(sample, tok) == EXPECTED_ALL_TURNS[template]
    # the ids are the template applied to the whole conversation
    whole = tok.apply_chat_template(CAFE.to_dicts(), tokenize=True, return_dict=False)
    assert sample.input_ids == list(whole)
    assert sample.conversation_id == "cafe-1"
    assert len(sample.trained_spans) == 2
    assert stats.trained_tokens == sample.trained_tokens > 0


@pytest.mark.parametrize("template", TEMPLATES)
def test_last_turn_masks_history(chat_tokenizer: TokenizerCache, template: str) -> None:
    tok = chat_tokenizer(template)
    (sample,), _ = build_samples([CAFE], tok, strategy="last-turn")
    trained = [text for text, t in runs(sample, tok) if t]
    expected_all = EXPECTED_ALL_TURNS[template]
    assert trained == [expected_all[3][0]]
    assert "".join(text for text, _ in runs(sample, tok)) == "".join(t for t, _ in expected_all)


@pytest.mark.parametrize("template", TEMPLATES)
def test_sliding_window_one_sample_per_reply(chat_tokenizer: TokenizerCache, template: str) -> None:
    tok = chat_tokenizer(template)
    samples, stats = build_samples([CAFE], tok, strategy="sliding-window", window=1)
    assert len(samples) == stats.samples == 2
    first, second = (runs(s, tok) for s in samples)
    assert [t for t, tr in first if tr] == [EXPECTED_ALL_TURNS[template][1][0]]
    assert [t for t, tr in second if tr] == [EXPECTED_ALL_TURNS[template][3][0]]
    second_text = "".join(t for t, _ in second)
    assert "라떼 한 잔 주세요" in second_text
    assert "안녕하세요" not in second_text  # outside the window
    assert SYSTEM in second_text  # the system prompt is in every window


def test_sliding_window_starts_on_a_user_turn(chat_tokenizer: TokenizerCache) -> None:
    tok = chat_tokenizer("chatml")
    samples, _ = build_samples([CAFE], tok, strategy="sliding-window", window=2)
    # two turns back from the second reply is an assistant turn: its user turn is kept as well
    assert "안녕하세요" in tok.decode(samples[1].input_ids)
    trained = [t for t, tr in runs(samples[1], tok) if tr]
    assert trained == ["네, 따뜻하게 드릴게요.<|im_end|>"]


EXPECTED_PLAIN = {
    "llama3": [
        (f"<|begin_of_text|>{SYSTEM}\n\n사용자: 안녕하세요\n챗봇: ", False),
        ("어서 오세요! 뭐 드릴까요?<|eot_id|>", True),
        ("\n사용자: 라떼 한 잔 주세요\n챗봇: ", False),
        ("네, 따뜻하게 드릴게요.<|eot_id|>", True),
        ("\n", False),
    ],
    "chatml": [
        (f"{SYSTEM}\n\n사용자: 안녕하세요\n챗봇: ", False),
        ("어서 오세요! 뭐 드릴까요?<|im_end|>", True),
        ("\n사용자: 라떼 한 잔 주세요\n챗봇: ", False),
        ("네, 따뜻하게 드릴게요.<|im_end|>", True),
        ("\n", False),
    ],
}


@pytest.mark.parametrize("template", sorted(EXPECTED_PLAIN))
def test_plain_text_masks(chat_tokenizer: TokenizerCache, template: str) -> None:
    tok = chat_tokenizer(template)
    (sample,), _ = build_samples([CAFE], tok, strategy="plain-text")
    assert runs(sample, tok) == EXPECTED_PLAIN[template]


def test_plain_text_works_without_a_chat_template(chat_tokenizer: TokenizerCache) -> None:
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(chat_tokenizer.dir("chatml"))
    tok.chat_template = None
    with pytest.raises(KodialError, match="no chat template") as err:
        build_samples([CAFE], tok, strategy="all-turns")
    assert "plain-text" in str(err.value)
    (sample,), _ = build_samples([CAFE], tok, strategy="plain-text")
    assert sample.trained_tokens > 0


@pytest.mark.parametrize("template", TEMPLATES)
def test_serving_prompt_is_a_prefix_of_the_trained_sample(
    chat_tokenizer: TokenizerCache, template: str
) -> None:
    tok = chat_tokenizer(template)
    (sample,), _ = build_samples([CAFE], tok, strategy="all-turns", persona=PERSONA)
    history = CAFE.messages[:4]  # up to the second user turn
    ids = prompt_ids(tok, history, persona=PERSONA)
    assert sample.input_ids[: len(ids)] == ids
    start, end = sample.trained_spans[1]
    assert start == len(ids)  # the trained reply starts right where generation starts
    eot = tok.convert_tokens_to_ids(end_of_turn_token(tok))
    assert sample.input_ids[end - 1] == eot


def test_end_of_turn_tokens(chat_tokenizer: TokenizerCache) -> None:
    got = {t: end_of_turn_token(chat_tokenizer(t)) for t in TEMPLATES}
    assert got == {"llama3": "<|eot_id|>", "chatml": "<|im_end|>", "gemma": "<end_of_turn>"}


def test_unstable_template_prefix_is_detected(chat_tokenizer: TokenizerCache) -> None:
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(chat_tokenizer.dir("chatml"))
    # marks the last message: the rendering of a prefix is not a prefix of the whole
    tok.chat_template = (
        "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}"
        "{% if loop.last %} (last){% endif %}<|im_end|>\n{% endfor %}"
        "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
    )
    with pytest.raises(TemplateMismatch, match="turn 3") as err:
        build_samples([CAFE], tok)
    assert "cafe.jsonl:1" in str(err.value)


def test_persona_replaces_the_system_prompt(chat_tokenizer: TokenizerCache) -> None:
    tok = chat_tokenizer("llama3")
    (sample,), _ = build_samples([CAFE], tok, persona=PERSONA)
    text = tok.decode(sample.input_ids)
    assert "너는 하루야. - 작은 카페를 운영한다." in text
    assert SYSTEM not in text
    (sample,), _ = build_samples([CAFE], tok, persona=PERSONA, system_template="{name} 역할")
    assert "하루 역할" in tok.decode(sample.input_ids)


def test_persona_facts_become_the_system_prompt(chat_tokenizer: TokenizerCache) -> None:
    tok = chat_tokenizer("chatml")
    conv = Conversation(CAFE.messages[1:], persona=["나는 고양이를 키운다."])
    (sample,), _ = build_samples([conv], tok)
    assert tok.decode(sample.input_ids).startswith("<|im_start|>system\n")
    assert "- 나는 고양이를 키운다." in tok.decode(sample.input_ids)


def _long_conversation(n: int = 6) -> Conversation:
    msgs: list[Message] = [Message("system", SYSTEM)]
    for k in range(n):
        msgs.append(Message("user", f"{k + 1}번째 질문이에요. 오늘 날씨가 어때요?"))
        msgs.append(Message("assistant", f"{k + 1}번째 대답이에요. 오늘은 맑고 따뜻해요."))
    return Conversation(msgs, id="long", source="long.jsonl", line=7)


def test_drop_oldest_keeps_the_system_prompt_and_the_latest_turns(
    chat_tokenizer: TokenizerCache,
) -> None:
    tok = chat_tokenizer("llama3")
    conv = _long_conversation()
    kept = Conversation([conv.messages[0], *conv.messages[5:]], id="long")  # last 4 exchanges
    (expected,), _ = build_samples([kept], tok)
    samples, stats = build_samples([conv], tok, max_length=len(expected))
    assert samples[0].input_ids == expected.input_ids
    assert samples[0].labels == expected.labels
    assert (stats.too_long, stats.shortened, stats.turns_dropped) == (1, 1, 4)
    assert stats.conversations_cut == 1
    assert "1 shortened by dropping 4 oldest turn(s)" in stats.summary()


def test_drop_oldest_drops_what_cannot_fit(chat_tokenizer: TokenizerCache) -> None:
    samples, stats = build_samples([_long_conversation()], chat_tokenizer("llama3"), max_length=10)
    assert samples == [] and stats.dropped == 1


def test_truncate_masks_the_cut_reply(chat_tokenizer: TokenizerCache) -> None:
    tok = chat_tokenizer("chatml")
    (whole,), _ = build_samples([CAFE], tok)
    (cut,), stats = build_samples([CAFE], tok, max_length=len(whole) - 4, truncation="truncate")
    assert len(cut) == len(whole) - 4
    assert cut.input_ids == whole.input_ids[: len(cut)]
    assert [t for t, tr in runs(cut, tok) if tr] == ["어서 오세요! 뭐 드릴까요?<|im_end|>"]
    assert stats.truncated == 1


def test_drop_and_error_policies(chat_tokenizer: TokenizerCache) -> None:
    tok = chat_tokenizer("gemma")
    samples, stats = build_samples([CAFE], tok, max_length=20, truncation="drop")
    assert samples == [] and stats.dropped == 1 and stats.too_long == 1
    with pytest.raises(DataErrors, match="longer than max_length 20") as err:
        build_samples([CAFE], tok, max_length=20, truncation="error")
    assert "cafe.jsonl:1" in str(err.value)


def test_alternation_errors_name_file_line_and_turn(chat_tokenizer: TokenizerCache) -> None:
    conv = Conversation(
        [Message("user", "안녕"), Message("user", "계세요?"), Message("assistant", "네!")],
        source="chat.jsonl",
        line=3,
    )
    with pytest.raises(DataErrors) as err:
        build_samples([conv], chat_tokenizer("llama3"), strategy="sliding-window")
    assert "chat.jsonl:3: turn 2: two user turns in a row (turns 1 and 2)" in str(err.value)
    assert "--merge-consecutive" in str(err.value)
    # all-turns does not need alternation, and Llama-3's template accepts it
    (sample,), _ = build_samples([conv], chat_tokenizer("llama3"), strategy="all-turns")
    assert [t for t, tr in runs(sample, chat_tokenizer("llama3")) if tr] == ["네!<|eot_id|>"]
    # Gemma's template refuses it: a located error, not a traceback
    with pytest.raises(DataErrors, match=r"chat\.jsonl:3: the chat template refused"):
        build_samples([conv], chat_tokenizer("gemma"), strategy="all-turns")


def test_conversations_without_a_reply_are_counted(chat_tokenizer: TokenizerCache) -> None:
    greeting_only = Conversation([Message("assistant", "어서 오세요"), Message("user", "안녕")])
    samples, stats = build_samples([greeting_only, CAFE], chat_tokenizer("chatml"))
    assert len(samples) == 1 and stats.no_assistant == 1
    assert "1 conversation(s) skipped" in stats.summary()


def test_bad_options_are_user_errors(chat_tokenizer: TokenizerCache) -> None:
    tok = chat_tokenizer("chatml")
    with pytest.raises(KodialError, match="unknown strategy"):
        build_samples([CAFE], tok, strategy="every-other")
    with pytest.raises(KodialError, match="unknown truncation"):
        build_samples([CAFE], tok, truncation="cut")


def test_registries() -> None:
    assert set(STRATEGIES) == {"all-turns", "last-turn", "sliding-window", "plain-text"}
    assert all(s.name == name and s.description for name, s in STRATEGIES.items())
    assert set(TRUNCATION) == {"drop-oldest", "truncate", "drop", "error"}


def test_shipped_dialogues_build_with_every_template(chat_tokenizer: TokenizerCache) -> None:
    from importlib import resources

    from kodial.chat.persona import load_persona

    base = resources.files("kodial") / "resources" / "chat"
    convs = load_dialogues(str(base / "dialogues.jsonl"))
    persona = load_persona(str(base / "persona.yaml"))
    replies = sum(m.role == "assistant" for c in convs for m in c.messages)
    for template in TEMPLATES:
        samples, stats = build_samples(convs, chat_tokenizer(template), persona=persona)
        assert stats.samples == len(convs) and stats.too_long == 0
        assert sum(len(s.trained_spans) for s in samples) == replies


@pytest.mark.skipif(not (SHARED / "xpersona_ko").exists(), reason="../shared data not present")
def test_real_persona_dialogues_build_exactly(chat_tokenizer: TokenizerCache) -> None:
    path = SHARED / "xpersona_ko" / "dataset" / "Ko_persona_split_valid_human_annotated.json"
    convs = load_dialogues(path)[:25]
    samples, stats = build_samples(convs, chat_tokenizer("llama3"), max_length=4096)
    assert stats.samples == 25
    replies = sum(m.role == "assistant" for c in convs for m in c.messages)
    assert sum(len(s.trained_spans) for s in samples) == replies


def test_masks_match_transformers_generation_tags(chat_tokenizer: TokenizerCache) -> None:
    """Parity with the reference: transformers' ``return_assistant_tokens_mask`` on the same ChatML
    template written with ``{% generation %}`` around each reply and its end-of-turn token."""
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(chat_tokenizer.dir("chatml"))
    tok.chat_template = (
        "{%- for m in messages -%}{{ '<|im_start|>' + m['role'] + '\\n' }}"
        "{%- if m['role'] == 'assistant' -%}"
        "{% generation %}{{ m['content'] + '<|im_end|>' }}{% endgeneration %}"
        "{%- else -%}{{ m['content'] + '<|im_end|>' }}{%- endif -%}{{ '\\n' }}{%- endfor -%}"
        "{%- if add_generation_prompt -%}{{ '<|im_start|>assistant\\n' }}{%- endif -%}"
    )
    conv = Conversation(
        [*CAFE.messages, Message("user", "고마워요"), Message("assistant", "또 오세요!")]
    )
    (sample,), _ = build_samples([conv], tok)
    ref = tok.apply_chat_template(
        conv.to_dicts(), tokenize=True, return_dict=True, return_assistant_tokens_mask=True
    )
    assert sample.input_ids == list(ref["input_ids"])
    assert [int(lab != IGNORE_INDEX) for lab in sample.labels] == list(ref["assistant_masks"])


@pytest.mark.parametrize("template", TEMPLATES)
def test_plain_text_serving_prompt_is_a_prefix(
    chat_tokenizer: TokenizerCache, template: str
) -> None:
    tok = chat_tokenizer(template)
    (sample,), _ = build_samples([CAFE], tok, strategy="plain-text")
    ids = prompt_ids(tok, [m.to_dict() for m in CAFE.messages[:4]], plain_text=True)
    assert sample.input_ids[: len(ids)] == ids
    assert sample.trained_spans[1][0] == len(ids)


def test_system_is_folded_for_templates_that_refuse_it(chat_tokenizer: TokenizerCache) -> None:
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(chat_tokenizer.dir("gemma"))
    # Gemma-2 style: a system message raises instead of being folded by the template
    tok.chat_template = (
        "{{ bos_token }}{% if messages[0]['role'] == 'system' %}"
        "{{ raise_exception('System role not supported') }}{% endif %}"
        "{% for m in messages %}{% set role = 'model' if m['role'] == 'assistant' else m['role'] %}"
        "{{ '<start_of_turn>' + role + '\\n' + m['content'] | trim + '<end_of_turn>\\n' }}"
        "{% endfor %}{% if add_generation_prompt %}{{ '<start_of_turn>model\\n' }}{% endif %}"
    )
    (sample,), _ = build_samples([CAFE], tok)
    assert runs(sample, tok) == EXPECTED_ALL_TURNS["gemma"]
    ids = prompt_ids(tok, CAFE.messages[:4])
    assert sample.input_ids[: len(ids)] == ids


# ---------------------------------------------------------------------------------------------
# One-pass boundaries (spans) == rendering every prefix, for any conversation


def _random_conversation(rng: random.Random, turns: int, alternate: bool) -> Conversation:
    words = ["안녕", "소금빵", " 라떼", "주세요\n", "네!", "  ", "😀", "<b>", "|>", "<|", "123"]
    msgs = [Message("system", SYSTEM)] if rng.random() < 0.5 else []
    for k in range(turns):
        role = ("user", "assistant")[k % 2]
        if not alternate and rng.random() < 0.2:
            role = rng.choice(["user", "assistant"])
        text = "".join(rng.choice(words) for _ in range(rng.randint(1, 12)))
        msgs.append(Message(role, text))
    return Conversation(msgs, id=f"r{turns}", source="r.jsonl", line=1)


@pytest.mark.parametrize("template", TEMPLATES)
def test_one_pass_masks_equal_rendering_every_prefix(
    chat_tokenizer: TokenizerCache, template: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kodial.chat.samples as samples_module
    from kodial.chat.rendering import chat_format

    tok = chat_tokenizer(template)
    fmt = chat_format(tok)
    rng = random.Random(7)
    for n in [2, 3, 5, 8, 13, 30]:
        for alternate in (True, False):
            conv = _random_conversation(rng, n, alternate or template == "gemma")
            msgs = fmt.prepare(conv.messages)
            trained = [i for i, m in enumerate(msgs) if m.role == "assistant" and i > 0]
            if not trained:
                continue
            spans = fmt.spans(msgs, trained)
            assert spans is not None, "the bundled templates take the one-pass path"
            monkeypatch.setattr(samples_module, "PER_PREFIX_WORK", 0)
            fast = samples_module.encode_with_mask(fmt, msgs, trained)
            monkeypatch.setattr(samples_module, "PER_PREFIX_WORK", 10**9)
            slow = samples_module.encode_with_mask(fmt, msgs, trained)
            assert (fast.input_ids, fast.labels, fast.trained_spans) == (
                slow.input_ids,
                slow.labels,
                slow.trained_spans,
            )
            assert fast.input_ids == fmt.encode(msgs)


def test_an_unstable_template_is_still_detected_on_long_conversations(
    chat_tokenizer: TokenizerCache,
) -> None:
    """The one-pass path gives up on a template it cannot follow; rendering every prefix then
    names the turn, as for short conversations."""
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(chat_tokenizer.dir("chatml"))
    tok.chat_template = (
        "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}"
        "{% if loop.last %} (last){% endif %}<|im_end|>\n{% endfor %}"
        "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
    )
    with pytest.raises(TemplateMismatch, match="turn 3"):
        build_samples([_long_conversation(20)], tok)
    # numbered turns: each turn renders differently in a short context, so the one pass refuses
    # and the exact path builds the sample
    tok.chat_template = (
        "{% for m in messages %}<|im_start|>{{ loop.index }} {{ m['role'] }}\n{{ m['content'] }}"
        "<|im_end|>\n{% endfor %}"
        "{% if add_generation_prompt %}<|im_start|>{{ messages|length + 1 }} assistant\n"
        "{% endif %}"
    )
    conv = _long_conversation(20)
    (sample,), _ = build_samples([conv], tok, max_length=10**6)
    assert len(sample.trained_spans) == 20
    assert sample.input_ids == tok.apply_chat_template(conv.to_dicts(), return_dict=False)
    assert "<|im_start|>41 assistant\n" in tok.decode(sample.input_ids)


def test_fewest_finds_the_smallest_fitting_drop_with_few_calls() -> None:
    from kodial.chat.fitting import fewest

    for count in range(0, 40):
        for answer in range(1, count + 2):  # count + 1: nothing fits
            for start in range(-1, count + 2):
                calls: list[int] = []

                def fits(d: int, answer: int = answer, calls: list[int] = calls) -> bool:
                    calls.append(d)
                    return d >= answer

                got = fewest(count, fits, start)
                assert got == (answer if answer <= count else None)
                assert len(calls) == len(set(calls)) <= 2 * count.bit_length() + 2
    calls = []
    assert fewest(10_000, lambda d: calls.append(d) or d >= 4_321, 4_321) == 4_321
    assert len(calls) == 2  # a right estimate: itself and the one below


@pytest.mark.parametrize("template", TEMPLATES)
def test_drop_oldest_keeps_what_dropping_one_exchange_at_a_time_keeps(
    chat_tokenizer: TokenizerCache, template: str
) -> None:
    """The search for the fewest dropped exchanges gives the sample the one-by-one rule gives."""
    tok = chat_tokenizer(template)
    rng = random.Random(3)
    for _ in range(6):
        conv = _random_conversation(rng, rng.randint(6, 40), alternate=True)
        (whole,), _ = build_samples([conv], tok, max_length=10**6)
        for max_length in sorted({len(whole) // 3, len(whole) // 2, len(whole) - 5}):
            samples, stats = build_samples([conv], tok, max_length=max_length)
            expected = None
            first = next(i for i, m in enumerate(conv.messages) if m.role != "system")
            for cut in range(first + 1, len(conv.messages)):
                if conv.messages[cut].role != "user":
                    continue
                kept = Conversation(conv.messages[:first] + conv.messages[cut:])
                built, _ = build_samples([kept], tok, max_length=10**6)
                if not built:  # no reply left to train: the sample is dropped
                    break
                (candidate,) = built
                if len(candidate) <= max_length:
                    expected = (candidate, cut - first)
                    break
            if expected is None:
                assert samples == [] and stats.dropped == 1
                continue
            assert samples[0].input_ids == expected[0].input_ids
            assert samples[0].labels == expected[0].labels
            assert stats.turns_dropped == expected[1]
