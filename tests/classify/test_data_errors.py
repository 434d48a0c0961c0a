"""Labelled-query files: mistakes are reported at the line and field where they are."""

from __future__ import annotations

from pathlib import Path

import pytest

from kodial.classify.data import load_labelled
from kodial.errors import DataError, DataErrors


def test_yaml_label_defined_twice_is_refused_at_its_line(tmp_path: Path) -> None:
    p = tmp_path / "q.yaml"
    p.write_text(
        "finance:\n  - 환율 알려줘\n  - 코스피 지수\nweather:\n  - 오늘 날씨\n  - 비 와?\n"
        "finance:\n  - 금리 얼마야\n  - 주가 어때\n",
        encoding="utf-8",
    )
    with pytest.raises(DataErrors) as exc:
        load_labelled(p)
    msg = str(exc.value)
    assert "label 'finance' is defined twice (first on line 1)" in msg
    assert exc.value.errors[0].line == 7 and exc.value.errors[0].field == "finance"


def test_yaml_key_twice_inside_a_label_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "q.yaml"
    p.write_text(
        "finance:\n  examples: [환율, 코스피]\n  examples: [금리, 주가]\n"
        "weather: [오늘 날씨, 비 와]\n",
        encoding="utf-8",
    )
    with pytest.raises(DataErrors) as exc:
        load_labelled(p)
    assert "key 'examples' appears twice" in str(exc.value)
    assert exc.value.errors[0].line == 3


@pytest.mark.parametrize("name", ["adir", "adir.csv"])
def test_directory_is_not_a_data_file(tmp_path: Path, name: str) -> None:
    d = tmp_path / name
    d.mkdir()
    with pytest.raises(DataError) as exc:
        load_labelled(d)
    assert "is a directory, expected a file" in str(exc.value)
    assert "extension" not in str(exc.value)


def test_unknown_extension_hint_names_no_missing_option(tmp_path: Path) -> None:
    p = tmp_path / "q.dat"
    p.write_text("x\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        load_labelled(p)
    assert "cannot tell the format" in str(exc.value)
    assert "explicitly" not in str(exc.value)


def test_csv_unterminated_quote_reported_where_it_opens(tmp_path: Path) -> None:
    p = tmp_path / "q.csv"
    p.write_text(
        'text,label\n환율,finance\n"코스피 지수,finance\n날씨,weather\n비,weather\n주가,finance\n',
        encoding="utf-8",
    )
    with pytest.raises(DataError) as exc:
        load_labelled(p)
    assert exc.value.line == 3 and "unterminated quote" in str(exc.value)
    assert "missing label" not in str(exc.value)


def test_csv_quotes_that_close_are_fine(tmp_path: Path) -> None:
    p = tmp_path / "q.csv"
    p.write_text(
        'text,label\n"환율, 알려줘",finance\n"그는 ""안녕"" 했다",chat\n코스피,finance\n'
        '"여러\n줄",chat\n말 "따옴표" 중간,chat\n',
        encoding="utf-8",
    )
    data = load_labelled(p)
    assert len(data) == 5 and '그는 "안녕" 했다' in data.texts


@pytest.mark.parametrize("name", ["q.csv", "q.tsv", "q.jsonl", "q.yaml"])
@pytest.mark.parametrize("content", ["", "\n  \n"])
def test_empty_file_says_so(tmp_path: Path, name: str, content: str) -> None:
    p = tmp_path / name
    p.write_text(content, encoding="utf-8")
    with pytest.raises(DataError) as exc:
        load_labelled(p)
    assert "file is empty" in str(exc.value) and "missing column" not in str(exc.value)
