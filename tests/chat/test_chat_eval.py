"""``kodial chat eval`` and the chat model API: perplexity on trained tokens only, reference
metrics, end-of-turn rate, per-persona report, streaming, and the terminal chat."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import pytest
import torch

from kodial.chat.evaluate import evaluate, perplexity, render_markdown, write_report
from kodial.chat.generate import ChatModel

from .conftest import OVERFIT_DIALOGUES, write_dialogues


def base_model(run: Any) -> str:
    """The untrained model the run started from."""
    return json.loads((run.final_dir / "kodial_run.json").read_text())["recipe"]["model"]


@pytest.fixture(scope="module")
def overfit_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_dialogues(
        tmp_path_factory.mktemp("evaldata") / "dialogues.jsonl", OVERFIT_DIALOGUES
    )


def test_trained_model_scores_better_and_stops(
    overfit_run: Any, overfit_data: Path, tmp_path: Path
) -> None:
    trained = evaluate(overfit_run.final_dir, overfit_data, max_new_tokens=40)
    base = evaluate(base_model(overfit_run), overfit_data, max_new_tokens=10)
    assert trained.num_generations == len(OVERFIT_DIALOGUES)
    assert trained.eot_rate == 1.0
    assert trained.perplexity < base.perplexity / 5
    assert trained.chrf > base.chrf
    md, js = write_report(trained, tmp_path)
    text = md.read_text(encoding="utf-8")
    assert "### (no persona)" in text and "chrF" in text
    assert '"eot_rate": 1.0' in js.read_text()


def test_perplexity_counts_trained_tokens_only(overfit_run: Any) -> None:
    """Our number equals an independent masked cross-entropy, and changing the untrained
    (masked) tokens' labels does not change it."""
    from kodial.chat.samples import TokenizedSample

    bot = ChatModel.from_pretrained(overfit_run.final_dir)
    ids = [5, 40, 77, 120, 9, 300, 41, 12]
    labels = [-100, -100, -100, 120, 9, -100, 41, 12]
    ppl, n = perplexity(bot, [TokenizedSample(ids, labels)])
    with torch.no_grad():
        logits = bot.model(input_ids=torch.tensor([ids])).logits[0]
    nll = [
        -torch.log_softmax(logits[t - 1], -1)[ids[t]].item()
        for t in range(1, len(ids))
        if labels[t] != -100
    ]
    assert n == 4
    assert ppl == pytest.approx(math.exp(sum(nll) / len(nll)), rel=1e-4)


def test_report_groups_generations_by_persona(tiny_llama: Path, chat_data: dict[str, Path]) -> None:
    report = evaluate(
        tiny_llama,
        chat_data["dialogues"],
        persona=chat_data["persona"],
        max_new_tokens=3,
        max_generations=2,
    )
    assert report.num_generations == 2 and 0.0 <= report.eot_rate <= 1.0
    text = render_markdown(report)
    assert "### 보리" in text and "**reference**" in text


def test_stream_matches_generate(overfit_run: Any) -> None:
    bot = ChatModel.from_pretrained(overfit_run.output_dir)  # a run dir means its final/
    history = [{"role": "user", "content": OVERFIT_DIALOGUES[0][0][0]}]
    whole = bot.generate(history, max_new_tokens=40, temperature=0)
    pieces = list(bot.stream(history, max_new_tokens=40, temperature=0))
    assert whole and "".join(pieces).strip() == whole
    assert all("\ufffd" not in p for p in pieces)


def test_terminal_chat(
    overfit_run: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from kodial.cli import main

    user = OVERFIT_DIALOGUES[0][0][0]
    bot = ChatModel.from_pretrained(overfit_run.final_dir)
    expected = bot.generate([{"role": "user", "content": user}], max_new_tokens=40, temperature=0)
    lines = iter([user, "/help", "/reset", "/quit"])
    monkeypatch.setattr("rich.console.Console.input", lambda self, prompt="", **kw: next(lines))
    monkeypatch.setattr(
        sys, "argv", ["kodial", "chat", "run", str(overfit_run.output_dir), "--temperature", "0"]
    )
    main()  # returns normally after /exit
    out = capsys.readouterr().out
    assert expected in out and "(conversation reset)" in out
    assert "/reset starts over" in out  # /help is not sent to the model


def test_closing_a_stream_stops_generation(tiny_llama: Path) -> None:
    """A consumer that stops reading (a client gone) must not leave the model generating."""
    bot = ChatModel.from_pretrained(tiny_llama)
    lengths: list[int] = []
    generate = bot.model.generate

    def recording(**kwargs: Any) -> Any:
        out = generate(**kwargs)
        lengths.append(out.shape[1] - kwargs["input_ids"].shape[1])
        return out

    bot.model.generate = recording
    stream = bot.stream(
        [{"role": "user", "content": "안녕하세요"}], max_new_tokens=300, temperature=0
    )
    next(stream)
    stream.close()
    assert lengths and lengths[0] < 300


def test_streamer_releases_hangul_a_character_at_a_time(tiny_llama: Path) -> None:
    """Korean text streams as soon as each syllable is complete, not an eojeol at a time, and a
    syllable spread over several byte-level tokens is never split."""
    import queue

    import torch
    from transformers import AutoTokenizer

    from kodial.chat.generate import character_streamer

    tok = AutoTokenizer.from_pretrained(tiny_llama)
    text = "안녕하세요,반가워요! 오늘은 뭘 드릴까요?\n좋은 아침 😊"
    ids = tok.encode(text, add_special_tokens=False)
    streamer = character_streamer(tok)
    streamer.put(torch.tensor([[1, 2, 3]]))  # the prompt is skipped
    released: list[str] = []
    seen_after: list[str] = []
    for i in ids:
        streamer.put(torch.tensor([i]))
        while True:
            try:
                piece = streamer.text_queue.get_nowait()
            except queue.Empty:
                break
            assert "\ufffd" not in piece
            released.append(piece)
        seen_after.append("".join(released))
    streamer.end()
    rest = []
    while (piece := streamer.text_queue.get_nowait()) is not streamer.stop_signal:
        rest.append(piece)
    assert "".join(released + rest) == text
    # before the first space, the first eojeol has already gone out syllable by syllable
    first_space = next(n for n in range(len(ids)) if " " in tok.decode(ids[: n + 1]))
    assert seen_after[first_space - 1] == tok.decode(ids[:first_space]) != ""
    assert any(s in ("안", "안녕") for s in seen_after)


def test_dialogue_personas_are_told_apart_in_the_report() -> None:
    from types import SimpleNamespace

    from kodial.chat.evaluate import _persona_label
    from kodial.chat.persona import Persona

    facts = ["나는 고양이 두 마리를 키운다.", "주말마다 등산을 간다."]
    conv = SimpleNamespace(persona=facts)
    label = _persona_label(Persona.from_facts(facts), conv, per_dialogue=True)
    assert label == "챗봇: 나는 고양이 두 마리를 키운다."
    bori = Persona(name="보리")
    assert _persona_label(bori, conv, per_dialogue=False) == "보리"
    assert _persona_label(None, conv, per_dialogue=True) == "(no persona)"
