"""`kodial data convert/stats` and `kodial chat inspect`, run through their typer apps."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from typer.testing import CliRunner

from kodial.chat.data_cli import app as data_app
from kodial.chat.dialogue import load_dialogues, save_messages_jsonl
from kodial.chat.inspect_cli import CONTEXT_STYLE, TRAINED_STYLE, highlighted
from kodial.chat.samples import build_samples
from kodial.errors import DataError, DataErrors, KodialError

try:  # tests/chat is a package when it has an __init__.py, a plain folder otherwise
    from ._data_fixtures import CAFE, TokenizerCache, chat_tokenizer
except ImportError:
    from _data_fixtures import CAFE, TokenizerCache, chat_tokenizer  # type: ignore[no-redef]

__all__ = ["chat_tokenizer"]

runner = CliRunner()
RESOURCES = resources.files("kodial") / "resources" / "chat"


def chat_app():
    from kodial.chat.cli import app

    return app


def test_convert_qa_csv_to_messages(tmp_path: Path) -> None:
    src = tmp_path / "qa.csv"
    src.write_text("질문,답변\n안녕,반가워요\n뭐 해?,쉬어요\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(
        data_app, ["convert", str(src), str(out), "--map", "질문=user,답변=assistant"]
    )
    assert result.exit_code == 0, result.output
    assert "wrote 2 conversation(s), 4 message(s)" in result.output
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert rows[0] == {
        "messages": [
            {"role": "user", "content": "안녕"},
            {"role": "assistant", "content": "반가워요"},
        ]
    }


def test_convert_turn_per_row_csv(tmp_path: Path) -> None:
    src = tmp_path / "turns.csv"
    src.write_text(
        "dialog_id,speaker,utterance\nd1,A,안녕\nd1,B,반가워요\nd2,A,뭐 해?\nd2,B,쉬어요\n",
        encoding="utf-8",
    )
    out = tmp_path / "o.jsonl"
    mapping = "speaker=role,utterance=content,A=user,B=assistant,dialog_id=conversation"
    for extra in ([], ["-f", "turns"]):
        result = runner.invoke(data_app, ["convert", str(src), str(out), "--map", mapping, *extra])
        assert result.exit_code == 0, result.output
        assert "wrote 2 conversation(s), 4 message(s)" in result.output
        rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
        assert rows[1] == {
            "id": "d2",
            "messages": [
                {"role": "user", "content": "뭐 해?"},
                {"role": "assistant", "content": "쉬어요"},
            ],
        }


def test_nothing_to_convert_is_an_error(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    for name, text in [("empty.jsonl", ""), ("blank.jsonl", "\n\n"), ("header.csv", "Q,A\n")]:
        src = tmp_path / name
        src.write_text(text, encoding="utf-8")
        result = runner.invoke(data_app, ["convert", str(src), str(out)])
        assert isinstance(result.exception, DataError), result.output
        assert f"{name}: no conversations found, nothing to convert" in str(result.exception)
        assert not out.exists()
    result = runner.invoke(data_app, ["stats", str(tmp_path / "empty.jsonl")])
    assert isinstance(result.exception, DataError)
    assert "nothing to count" in str(result.exception)


def test_convert_turns_with_merge_and_persona_facts(tmp_path: Path) -> None:
    src = tmp_path / "t.json"
    data = [
        {
            "facts": "unused",
            "turns": [
                {"who": "A", "text": "안녕"},
                {"who": "A", "text": "계세요?"},
                {"who": "B", "text": "네"},
            ],
        }
    ]
    src.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    args = ["convert", str(src), str(out), "--map", "who=role,text=content,A=user,B=assistant"]
    result = runner.invoke(data_app, [*args, "--merge-consecutive"])
    assert result.exit_code == 0, result.output
    (conv,) = load_dialogues(out)
    assert [m.content for m in conv.messages] == ["안녕\n계세요?", "네"]

    persona_src = tmp_path / "p.json"
    persona_src.write_text(
        json.dumps(
            [{"persona": ["나는 빵을 굽는다."], "dialogue": [["안녕", "반가워"]]}],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    result = runner.invoke(data_app, ["convert", str(persona_src), str(out), "--persona-as-system"])
    assert result.exit_code == 0, result.output
    (conv,) = load_dialogues(out)
    assert conv.messages[0].role == "system" and "나는 빵을 굽는다." in conv.messages[0].content
    assert conv.persona is None


def test_convert_errors_are_located(tmp_path: Path) -> None:
    src = tmp_path / "bad.jsonl"
    src.write_text('{"messages": [{"role": "robot", "content": "삐"}]}\n', encoding="utf-8")
    result = runner.invoke(data_app, ["convert", str(src), str(tmp_path / "o.jsonl")])
    assert isinstance(result.exception, DataErrors)
    assert "bad.jsonl:1: turn 1: unknown role 'robot'" in str(result.exception)
    assert not (tmp_path / "o.jsonl").exists()
    result = runner.invoke(data_app, ["convert", str(src), str(src)])
    assert isinstance(result.exception, KodialError)


def test_convert_checks_the_output_path_before_reading(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("{not json\n", encoding="utf-8")  # never read: the output is refused first
    folder = tmp_path / "w"
    folder.mkdir()
    result = runner.invoke(data_app, ["convert", str(src), str(folder)])
    assert isinstance(result.exception, KodialError)
    assert f"the output {folder} is a directory" in str(result.exception)
    result = runner.invoke(data_app, ["convert", str(src), str(tmp_path / "no" / "o.jsonl")])
    assert isinstance(result.exception, KodialError)
    assert "does not exist" in str(result.exception)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "w"]
    assert not any(folder.iterdir())


def test_convert_refuses_other_output_extensions(tmp_path: Path) -> None:
    src = tmp_path / "d.jsonl"
    save_messages_jsonl([CAFE], src)
    for name in ("o.csv", "o.json", "o"):
        result = runner.invoke(data_app, ["convert", str(src), str(tmp_path / name)])
        assert isinstance(result.exception, KodialError), result.output
        assert "its name must end in .jsonl" in str(result.exception)
        assert f"e.g. {tmp_path / 'o.jsonl'}" in str(result.exception)
    assert [p.name for p in tmp_path.iterdir()] == ["d.jsonl"]
    result = runner.invoke(data_app, ["convert", str(src), str(tmp_path / "o.JSONL")])
    assert result.exit_code == 0, result.output


def test_cli_prints_errors_without_traceback(
    tmp_path: Path, kodial_cli: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    """Through the ``kodial`` entry point (in this process: ``kodial_cli``)."""
    src = tmp_path / "bad.jsonl"
    src.write_text('{"messages": [{"role": "user", "content": ""}]}\n', encoding="utf-8")
    proc = kodial_cli(
        "data", "convert", str(src), str(tmp_path / "o.jsonl"), env={"COLUMNS": "200"}
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "turn 1: empty user turn" in proc.stderr


def test_stats_with_tokenizer_and_plot(tmp_path: Path, chat_tokenizer: TokenizerCache) -> None:
    png = tmp_path / "plots" / "stats.png"
    args = [
        "stats",
        str(RESOURCES / "dialogues.jsonl"),
        "--tokenizer",
        str(chat_tokenizer.dir("llama3")),
        "--persona",
        str(RESOURCES / "persona.yaml"),
        "--max-length",
        "200",
        "--plot",
        str(png),
    ]
    result = runner.invoke(data_app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "tokens per conversation" in result.output
    assert "longer than 200 tokens" in result.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in png.parent.iterdir()] == ["stats.png"]


def test_stats_in_characters(tmp_path: Path) -> None:
    src = tmp_path / "d.jsonl"
    save_messages_jsonl([CAFE, CAFE], src)
    result = runner.invoke(data_app, ["stats", str(src)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "characters per conversation" in result.output
    assert re.search(r"^\W*5\W+2\W+█+", result.output, re.M)  # both conversations: 5 turns
    result = runner.invoke(data_app, ["stats", str(src), "--max-length", "10"])
    assert isinstance(result.exception, KodialError)


def test_stats_refuses_unsupported_plot_types(tmp_path: Path) -> None:
    src = tmp_path / "d.jsonl"
    save_messages_jsonl([CAFE], src)
    result = runner.invoke(data_app, ["stats", str(src), "--plot", str(tmp_path / "stats.txt")])
    assert isinstance(result.exception, KodialError)
    assert "unsupported image type '.txt'" in str(result.exception)
    assert ".png, .svg, .pdf" in str(result.exception)
    assert [p.name for p in tmp_path.iterdir()] == ["d.jsonl"]
    svg = tmp_path / "stats.svg"
    result = runner.invoke(data_app, ["stats", str(src), "--plot", str(svg)])
    assert result.exit_code == 0, result.output
    assert b"<svg" in svg.read_bytes()[:500]


def test_inspect_shows_a_sample(tmp_path: Path, chat_tokenizer: TokenizerCache) -> None:
    args = [
        "inspect",
        str(RESOURCES / "dialogues.jsonl"),
        "--tokenizer",
        str(chat_tokenizer.dir("chatml")),
        "--persona",
        str(RESOURCES / "persona.yaml"),
        "--strategy",
        "sliding-window",
        "--window",
        "2",
        "--index",
        "1",
        "--tokens",
    ]
    result = runner.invoke(chat_app(), args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "sample 1 · conversation haru-001" in result.output
    assert "뭐가 제일 맛있어요?" in result.output
    assert "trained (loss)" in result.output and "<|im_end|>" in result.output
    result = runner.invoke(chat_app(), [*args[:-2], "999"])
    assert isinstance(result.exception, KodialError)
    assert "out of range" in str(result.exception)
    result = runner.invoke(
        chat_app(), ["inspect", str(RESOURCES / "dialogues.jsonl"), "--tokenizer", str(tmp_path)]
    )
    assert isinstance(result.exception, KodialError)


def test_highlighting_covers_exactly_the_trained_tokens(chat_tokenizer: TokenizerCache) -> None:
    tok = chat_tokenizer("llama3")
    (sample,), _ = build_samples([CAFE], tok)
    text = highlighted(sample, tok)
    trained = [text.plain[s.start : s.end] for s in text.spans if s.style == TRAINED_STYLE]
    assert trained == ["어서 오세요! 뭐 드릴까요?<|eot_id|>", "네, 따뜻하게 드릴게요.<|eot_id|>"]
    assert all(s.style in (TRAINED_STYLE, CONTEXT_STYLE) for s in text.spans)
    assert text.plain == tok.decode(sample.input_ids, skip_special_tokens=False)


def test_check_reports_cut_conversations(chat_tokenizer: TokenizerCache) -> None:
    convs = load_dialogues(RESOURCES / "dialogues.jsonl")
    samples, _ = build_samples(convs, chat_tokenizer("gemma"))
    lengths = sorted(len(s) for s in samples)
    limit = lengths[len(lengths) // 2]  # half the dialogues are longer
    longer = sum(n > limit for n in lengths)
    args = [
        "check",
        str(RESOURCES / "dialogues.jsonl"),
        "--tokenizer",
        str(chat_tokenizer.dir("gemma")),
        "--max-length",
        str(limit),
    ]
    result = runner.invoke(data_app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert f"{len(convs)} sample(s) from {len(convs)} conversation(s)" in result.output
    assert (
        f"{longer} sample(s) from {longer} conversation(s) were longer than {limit}"
        in result.output
    )
    assert f"{longer} shortened by dropping" in result.output
    result = runner.invoke(data_app, [*args, "--truncation", "error"])
    assert isinstance(result.exception, DataErrors)
    assert len(result.exception.errors) == longer
    assert f"longer than max_length {limit}" in str(result.exception)


def test_histogram_bins() -> None:
    from kodial.chat.datastats import Histogram

    few = Histogram.of([2, 2, 4, 6])
    assert (few.labels(), few.counts) == (["2", "3", "4", "5", "6"], [2, 0, 1, 0, 1])
    wide = Histogram.of([0, 5, 999, 1000])
    assert wide.labels()[:2] == ["0-199", "200-399"] and wide.labels()[-1] == "1000-1199"
    assert sum(wide.counts) == 4 and wide.counts[0] == 2 and wide.counts[-1] == 1


def test_inspect_and_check_build_what_the_recipe_trains(
    tmp_path: Path, chat_tokenizer: TokenizerCache
) -> None:
    """Sample options are one config (SampleOptions): the recipe's strategy, max_length,
    truncation and persona drive inspect and check, their defaults are the recipe defaults, and
    a bad option is named as the option."""
    from kodial.chat.recipe import TrainRecipe
    from kodial.chat.strategies import SampleOptions

    assert TrainRecipe.model_fields["max_length"].default == SampleOptions().max_length
    recipe = tmp_path / "r.yaml"
    recipe.write_text(
        f"model: {chat_tokenizer.dir('llama3')}\ndata: {RESOURCES / 'dialogues.jsonl'}\n"
        f"persona: {RESOURCES / 'persona.yaml'}\nstrategy: last-turn\nmax_length: 600\n"
        "truncation: drop\n",
        encoding="utf-8",
    )
    args = ["inspect", str(RESOURCES / "dialogues.jsonl"), "--tokenizer"]
    args += [str(chat_tokenizer.dir("llama3")), "--recipe", str(recipe), "--tokens"]
    result = runner.invoke(chat_app(), args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "· last-turn ·" in result.output
    # the same sample as training builds from the recipe
    from kodial.chat.persona import load_persona
    from kodial.chat.recipe import load_recipe

    r = load_recipe(recipe)
    assert isinstance(r, TrainRecipe)
    built, _ = build_samples(
        load_dialogues(RESOURCES / "dialogues.jsonl"),
        chat_tokenizer("llama3"),
        persona=load_persona(RESOURCES / "persona.yaml"),
        **r.sample_kwargs(),
    )
    assert f"{len(built[0])} tokens, {built[0].trained_tokens} trained" in result.output
    result = runner.invoke(
        data_app,
        [
            "check",
            str(RESOURCES / "dialogues.jsonl"),
            "--tokenizer",
            str(chat_tokenizer.dir("llama3")),
            "--recipe",
            str(recipe),
        ],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0 and "last-turn · max_length 600" in result.output
    result = runner.invoke(chat_app(), [*args, "--window", "0"])
    assert isinstance(result.exception, DataErrors)
    assert "--window" in str(result.exception) and "at least 1" in str(result.exception)
