"""Foundation: Korean particles, labelled-data validation, registries."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kodial import cli
from kodial.classify.base import METHODS, get_method
from kodial.classify.data import OOD_LABEL, load_labelled
from kodial.errors import DataError, DataErrors
from kodial.korean import attach_particle, fill_template, has_final_consonant


@pytest.mark.parametrize(
    ("word", "particle", "expected"),
    [
        ("금융", "은/는", "금융은"),
        ("영화", "은/는", "영화는"),
        ("장소", "이/가", "장소가"),
        ("날씨", "을/를", "날씨를"),
        ("음식", "을/를", "음식을"),
        ("영화", "와/과", "영화와"),
        ("금융", "와/과", "금융과"),
        ("서울", "(으)로", "서울로"),
        ("부산", "(으)로", "부산으로"),
        ("버스", "(으)로", "버스로"),
        ("SNS", "을/를", "SNS를"),
        ("3", "이/가", "3이"),
    ],
)
def test_particles(word: str, particle: str, expected: str) -> None:
    assert attach_particle(word, particle) == expected


def test_fill_template_variants() -> None:
    assert (
        fill_template("이 문장은 {}에 관한 것입니다.", "금융") == "이 문장은 금융에 관한 것입니다."
    )
    assert fill_template("{label}은/는 주제다", "날씨") == "날씨는 주제다"
    assert fill_template("{label}을/를 묻는다", "일정") == "일정을 묻는다"
    with pytest.raises(ValueError):
        fill_template("no placeholder", "x")
    assert has_final_consonant("맛집") and not has_final_consonant("카페")


def write(tmp: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    p = tmp / name
    p.write_bytes(text.encode(encoding))
    return p


def test_all_formats_agree(tmp_path: Path) -> None:
    csv = write(
        tmp_path,
        "q.csv",
        "text,label\n코스닥 지수 알려줘,금융\n환율 얼마야,금융\n"
        "영화 추천해줘,영화\n개봉작 알려줘,영화\n",
    )
    tsv = write(
        tmp_path,
        "q.tsv",
        "text\tlabel\n코스닥 지수 알려줘\t금융\n환율 얼마야\t금융\n"
        "영화 추천해줘\t영화\n개봉작 알려줘\t영화\n",
    )
    jsonl = write(
        tmp_path,
        "q.jsonl",
        "\n".join(
            json.dumps(o, ensure_ascii=False)
            for o in [
                {"text": "코스닥 지수 알려줘", "label": "금융"},
                {"text": "환율 얼마야", "label": "금융"},
                {"text": "영화 추천해줘", "labels": ["영화"]},
                {"text": "개봉작 알려줘", "label": "영화"},
            ]
        ),
    )
    yml = write(
        tmp_path,
        "q.yaml",
        "금융: [코스닥 지수 알려줘, 환율 얼마야]\n"
        "영화:\n  description: 영화와 드라마\n  examples:\n    - 영화 추천해줘\n"
        "    - 개봉작 알려줘\n",
    )
    loaded = [load_labelled(p) for p in (csv, tsv, jsonl, yml)]
    for d in loaded:
        assert d.labels == ["금융", "영화"]
        assert sorted(d.texts) == sorted(loaded[0].texts)
        assert not d.multi_label
    assert loaded[3].description("영화") == "영화와 드라마"
    assert loaded[3].description("금융") == "금융"


def test_multilabel_and_ood(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "m.csv",
        "text,label\n주가랑 영화 둘 다,금융|영화\n환율,금융\n"
        "영화표,영화\n주식 영화,영화|금융\n오늘 기분 어때,__ood__\n",
    )
    d = load_labelled(p)
    assert d.multi_label
    assert d.ood == ["오늘 기분 어때"]
    assert OOD_LABEL not in d.labels


def test_errors_name_file_line_field(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "bad.csv",
        "text,label\n,금융\n환율,\n코스닥,금융\n코스닥,영화\n영화표,영화\n날씨,날씨\n",
    )
    with pytest.raises(DataErrors) as info:
        load_labelled(p)
    msgs = [e.message for e in info.value.errors]
    assert any("bad.csv:2: field 'text': empty text" in m for m in msgs)
    assert any("bad.csv:3: field 'label': missing label" in m for m in msgs)
    assert any("bad.csv:5" in m and "labelled '금융' on line 4" in m for m in msgs)
    assert any("'날씨' has 1 example(s)" in m for m in msgs)


def test_cp949_is_named(tmp_path: Path) -> None:
    p = write(tmp_path, "legacy.csv", "text,label\n환율 알려줘,금융\n", encoding="cp949")
    with pytest.raises(DataError) as info:
        load_labelled(p)
    assert "CP949" in str(info.value) and "iconv" in str(info.value)


def test_missing_column_and_bad_yaml(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="missing column 'label'"):
        load_labelled(write(tmp_path, "c.csv", "text,tag\na,b\n"))
    with pytest.raises(DataError, match=r"y.yaml:\d+"):
        load_labelled(write(tmp_path, "y.yaml", "a: [x, y\nb: z\n"))


def test_stratified_split(tmp_path: Path) -> None:
    rows = "".join(f"질문 {lab} {i},{lab}\n" for lab in "abc" for i in range(10))
    d = load_labelled(write(tmp_path, "s.csv", "text,label\n" + rows))
    train, dev = d.split(0.2, seed=1)
    assert len(train) + len(dev) == 30
    assert dev.counts() == {"a": 2, "b": 2, "c": 2}
    assert not set(train.texts) & set(dev.texts)


def test_classifier_registry_in_sync() -> None:
    for name in METHODS:
        klass = get_method(name)
        assert klass.name == name
        # The docstring template (class or module docstring): Needs / Returns / Relations.
        doc = (klass.__doc__ or "") + (sys.modules[klass.__module__].__doc__ or "")
        for section in ("Needs", "Returns", "Relations"):
            assert section in doc, f"{name}: docstring has no {section!r} section"


def test_cli_registry_loads() -> None:
    for spec in [*cli.GROUPS.values(), *cli.COMMANDS.values()]:
        module, attr = spec.split(":")
        assert getattr(importlib.import_module(module), attr) is not None


def test_the_cli_imports_no_heavy_library_until_a_command_needs_it() -> None:
    """``kodial --help`` and every command's start (a ``kodial chat train`` under torchrun, a
    ``kodial serve`` worker) import the CLI with all its groups: scikit-learn and scipy's
    optimiser (1.5 s together) and torch wait for the commands that use them."""
    heavy = ["sklearn", "scipy.optimize", "scipy.special", "torch", "transformers"]
    script = f"import sys, kodial.cli; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[]"


def test_top_k_does_not_change_the_fallback() -> None:
    import numpy as np

    from kodial.classify.base import FallbackPolicy
    from kodial.classify.lexical import LexicalClassifier

    clf = LexicalClassifier()
    clf.labels = ["a", "b", "c"]
    clf.fallback = FallbackPolicy(min_score=0.1, min_margin=0.2)
    scores = np.array([[0.45, 0.40, 0.15]])
    full = clf.predict(["x"], scores=scores)[0]
    top1 = clf.predict(["x"], top_k=1, scores=scores)[0]
    assert full.fallback_reason == top1.fallback_reason == "ambiguous"
    assert len(top1.ranking) == 1


def test_cli_errors_print_square_brackets_literally(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """User text in an error (a path, a pip extra in a hint) is not read as rich markup."""
    from kodial.errors import KodialError

    def fail() -> None:
        raise KodialError("cannot read [bold]q[v2].csv", hint="pip install 'kodial[gpu]'")

    monkeypatch.setattr(cli, "app", lambda **kw: fail())
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "cannot read [bold]q[v2].csv" in err
    assert "pip install 'kodial[gpu]'" in err


def _run_cli(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int | str | None, str]:
    """Run ``kodial.cli.main()`` with ``argv``; return its exit code and stdout + stderr."""
    monkeypatch.setattr(sys, "argv", ["kodial", *argv])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    out = capsys.readouterr()
    return exit_info.value.code, out.out + out.err


def test_cli_without_arguments_prints_help_without_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bare ``kodial`` prints the help; exit code 2, as typer (click's no_args_is_help) does."""
    code, output = _run_cli([], monkeypatch, capsys)
    assert code == 2
    assert "Traceback" not in output
    assert "NoArgsIsHelpError" not in output
    assert "Usage: kodial" in output
    assert "chat" in output and "classify" in output


def test_cli_missing_argument_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, output = _run_cli(["chat", "train"], monkeypatch, capsys)
    assert code == 2
    assert "Traceback" not in output
    assert "Usage: kodial chat train" in output
    assert "Try 'kodial chat train --help' for help." in output
    assert "Error: Missing argument 'recipe'" in output


def test_cli_unknown_command_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, output = _run_cli(["chat", "trian"], monkeypatch, capsys)
    assert code == 2
    assert "Traceback" not in output
    assert "Error: No such command 'trian'" in output
    assert "Did you mean 'train'?" in output


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["chat", "run", "M", "--temperature", "abc"], "--temperature"),
        (["chat", "train", "r.yaml", "--max-steps", "two"], "--max-steps"),
    ],
)
def test_cli_bad_option_value_is_a_usage_error(
    argv: list[str],
    option: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, output = _run_cli(argv, monkeypatch, capsys)
    assert code == 2
    assert "Traceback" not in output
    assert f"Error: Invalid value for '{option}'" in output


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["chat", "train", "r.yaml", "--nope"], "Error: No such option: --nope"),
        (["chat", "recipe-keys", "extra"], "Error: Got unexpected extra argument"),
    ],
)
def test_cli_unknown_option_or_extra_argument_is_a_usage_error(
    argv: list[str],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, output = _run_cli(argv, monkeypatch, capsys)
    assert code == 2
    assert "Traceback" not in output
    assert message in output


def test_cli_help_exits_zero(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["kodial", "chat", "--help"])
    cli.main()  # click's --help returns normally in non-standalone mode: exit code 0
    output = capsys.readouterr().out
    assert "Usage: kodial chat" in output


def test_cli_recognises_click_errors_from_plain_click_and_typer_bundle() -> None:
    """Usage errors are recognised whether they come from click or typer's bundled copy."""
    import click
    import typer

    bundled = type(typer.BadParameter("x")).__mro__
    assert any(c.__name__ == "ClickException" for c in bundled)
    assert cli._is_click_exception(typer.BadParameter("x"))
    assert cli._is_click_exception(click.UsageError("x"))
    assert cli._is_click_exception(click.ClickException("x"))
    assert not cli._is_click_exception(ValueError("x"))


def test_cli_plain_click_error_from_a_command_is_shown(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import click

    def fail() -> None:
        raise click.UsageError("bad input")

    monkeypatch.setattr(cli, "app", lambda **kw: fail())
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 2
    assert "Error: bad input" in capsys.readouterr().err


@pytest.mark.parametrize(("raised", "code"), [(3, 3), (130, 130), ("interrupt", 130)])
def test_cli_exit_codes_and_ctrl_c_pass_through(
    raised: int | str,
    code: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``typer.Exit(n)`` exits with n and Ctrl-C prints "aborted" with 130, also through typer."""
    import typer

    app = typer.Typer()

    @app.command()
    def go() -> None:
        if raised == "interrupt":
            raise KeyboardInterrupt
        assert isinstance(raised, int)
        raise typer.Exit(raised)

    @app.command()
    def other() -> None:  # a second command, so that "go" is a sub-command
        pass

    monkeypatch.setattr(cli, "app", app)
    monkeypatch.setattr(sys, "argv", ["kodial", "go"])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == code
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if code == 130:
        assert "aborted" in err


def test_atomic_write_leaves_no_temp_file_when_the_rename_fails(tmp_path: Path) -> None:
    from kodial.textio import atomic_write_text

    target = tmp_path / "out"
    target.mkdir()
    (target / "x").write_text("occupied")  # a non-empty directory cannot be replaced by a file
    with pytest.raises(OSError):
        atomic_write_text(target, "text")
    assert not (tmp_path / ".out.tmp").exists() and (target / "x").exists()


def test_yaml_with_a_repeated_key_is_refused_at_its_line(tmp_path: Path) -> None:
    from kodial.textio import read_yaml

    path = tmp_path / "r.yaml"
    path.write_text("epochs: 2\nmodel: m\nepochs: 5\n", encoding="utf-8")
    with pytest.raises(DataError, match="duplicate key 'epochs'") as err:
        read_yaml(path)
    assert err.value.line == 3
    path.write_text("a:\n  b: 1\nc:\n  b: 2\n", encoding="utf-8")  # same key in two mappings
    assert read_yaml(path) == {"a": {"b": 1}, "c": {"b": 2}}


def test_yaml_merge_keys_and_anchors_still_work(tmp_path: Path) -> None:
    from kodial.textio import read_yaml

    path = tmp_path / "m.yaml"
    path.write_text(
        "common: &c {type: faq, data: a}\nh:\n  <<: *c\n  data: b\n"
        "b: &b {k: 1}\ndefs:\n  b2: &b2\n    <<: *b\n    k: 9\ny:\n  <<: *b2\n",
        encoding="utf-8",
    )
    data = read_yaml(path)
    assert data["h"] == {"type": "faq", "data": "b"} and data["y"] == {"k": 9}
    # YAML 1.1 merge order: own keys win, then the earlier of several merged mappings
    path.write_text(
        "a: &a {x: 1, y: 2}\nb: &b {x: 3, z: 4}\nc: {<<: [*a, *b], y: 0}\n", encoding="utf-8"
    )
    assert read_yaml(path)["c"] == {"x": 1, "y": 0, "z": 4}
    path.write_text("a: &a [1]\nc: {<<: *a}\n", encoding="utf-8")
    with pytest.raises(DataError, match="merge key"):
        read_yaml(path)
    path.write_text("b: &b {a: 1, a: 2}\nx: {<<: *b}\n", encoding="utf-8")
    with pytest.raises(DataError, match="duplicate key 'a'"):
        read_yaml(path)
