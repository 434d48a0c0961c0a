"""``kodial classify train`` on files shaped like public sets as they ship (our own tiny
fixtures, no text from the sets): a headerless ``label<TAB>text`` file (3i4k), a TSV with an id
column and unbalanced literal quotes (NSMC), a ``question,label`` CSV (kochat), each with a
text under two labels. The default refuses with every conflict listed and the option named;
``--on-conflict majority|drop`` trains and the report counts what it did."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _cli import run

WEATHER = [
    "내일 비 와",
    "오늘 날씨 어때",
    "주말에 눈 온대",
    "우산 챙겨야 해",
    "기온이 몇 도야",
    "바람 많이 불어",
]
FOOD = [
    "김치찌개 맛집",
    "점심 뭐 먹지",
    "떡볶이 먹고 싶다",
    "라면 끓이는 법",
    "저녁 메뉴 추천",
    "비빔밥 맛있어",
]
CONFLICT = "그냥 그래"


def _rows() -> list[tuple[str, str]]:
    rows = [(t, "0") for t in WEATHER] + [(t, "1") for t in FOOD]
    # one text under two labels: majority keeps 0 (twice), drop leaves it out
    return [*rows, (CONFLICT, "0"), (CONFLICT, "0"), (CONFLICT, "1"), (WEATHER[0], "0")]


def write_3i4k(path: Path) -> Path:
    path.write_text("".join(f"{lab}\t{t}\n" for t, lab in _rows()), encoding="utf-8")
    return path


def write_nsmc(path: Path) -> Path:
    lines = ["id\tdocument\tlabel"]
    quoted = {WEATHER[1]: f'"{WEATHER[1]}', FOOD[2]: f'{FOOD[2]} "최고"', FOOD[3]: f'"{FOOD[3]}"'}
    for i, (t, lab) in enumerate(_rows()):
        # NSMC's reviews hold double quotes as plain characters, unbalanced too
        lines.append(f"{1000 + i}\t{quoted.get(t, t)}\t{lab}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_kochat(path: Path) -> Path:
    names = {"0": "weather", "1": "restaurant"}
    body = "".join(f"{t},{names[lab]}\n" for t, lab in _rows())
    path.write_text("question,label\n" + body, encoding="utf-8")
    return path


SHAPES = {"3i4k.txt": write_3i4k, "nsmc.tsv": write_nsmc, "kochat.csv": write_kochat}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_default_refuses_conflicts_and_names_the_option(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = SHAPES[name](tmp_path / name)
    out = tmp_path / "model"
    code, _, err = run(monkeypatch, capsys, "classify", "train", str(data), "--out", str(out))
    assert code == 2, err
    assert "Traceback" not in err and "--on-conflict" in err and str(data.name) in err
    assert not out.exists()  # nothing half-written


@pytest.mark.parametrize("name", sorted(SHAPES))
@pytest.mark.parametrize("choice", ["majority", "drop"])
def test_on_conflict_trains_on_the_file_as_shipped(
    name: str,
    choice: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = SHAPES[name](tmp_path / name)
    out = tmp_path / "model"
    args = ["classify", "train", str(data), "--out", str(out), "--method", "lexical"]
    args += ["--on-conflict", choice, "--dev-ratio", "0", "--folds", "2", "--no-noise-report"]
    code, _, err = run(monkeypatch, capsys, *args)
    assert code == 0, err
    assert "1 text(s) had conflicting labels (3 rows)" in err
    assert "1 duplicate row(s) dropped" in err
    # majority counts the repeated row as a vote: 2 against 1, not a tie
    assert ("kept 1, dropped 0" if choice == "majority" else "kept 0, dropped 1") in err
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["labels"]) == 2
    code, stdout, err = run(
        monkeypatch, capsys, "classify", "predict", str(out), stdin=f"{CONFLICT}\n우산 필요해\n"
    )
    assert code == 0, err
    assert len(stdout.splitlines()) == 2
    if name == "nsmc.tsv":  # the quotes are part of the text, not CSV quoting
        from kodial.classify.data import load_labelled

        texts = load_labelled(data, on_conflict=choice).texts  # type: ignore[arg-type]
        assert f'"{WEATHER[1]}' in texts and f'{FOOD[2]} "최고"' in texts
