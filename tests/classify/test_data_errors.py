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


def test_quote_closing_on_a_later_line_is_reported_where_it_opened(tmp_path: Path) -> None:
    """Regression: a quote left open that a later quote closes merged the rows in between into
    one example without a word; the strict parser stops at the later quote, and the error
    points back to the line where the quote opened."""
    p = tmp_path / "q.csv"
    p.write_text(
        'text,label\n환율,finance\n"코스피 지수,finance\n날씨,weather\n"비 와?",weather\n',
        encoding="utf-8",
    )
    with pytest.raises(DataError) as exc:
        load_labelled(p)
    assert exc.value.line == 3 and "only closes on line 5" in str(exc.value)


def test_a_multi_line_cell_that_swallowed_a_labelled_row_is_refused(tmp_path: Path) -> None:
    """The quote may close right before a delimiter, which the strict parser accepts: a line
    inside the cell that reads as a row with a label of the file gives it away."""
    p = tmp_path / "q.csv"
    p.write_text(
        'text,label\n"환율 알려줘,finance\n코스피 지수",finance\n날씨,weather\n비,weather\n',
        encoding="utf-8",
    )
    with pytest.raises(DataError) as exc:
        load_labelled(p)
    assert exc.value.line == 2 and "reads as a labelled row of its own" in str(exc.value)
    # a real multi-line cell, even one with a comma in it, is fine
    p.write_text(
        'text,label\n"첫 줄, 둘째\n셋째",chat\n"여러\n줄",chat\n환율,finance\n주가,finance\n',
        encoding="utf-8",
    )
    assert load_labelled(p).texts[:2] == ["첫 줄, 둘째 셋째", "여러 줄"]


def test_text_after_a_closing_quote_is_refused(tmp_path: Path) -> None:
    """Regression: ``"안녕" 하세요`` was read as ``안녕 하세요`` (quotes silently dropped)."""
    p = tmp_path / "q.csv"
    p.write_text('text,label\n환율,a\n"안녕" 하세요,b\n', encoding="utf-8")
    with pytest.raises(DataError, match="text after the closing quote") as exc:
        load_labelled(p)
    assert exc.value.line == 3


@pytest.mark.parametrize(
    ("name", "content", "message", "line"),
    [
        ("q.jsonl", '{"text": "\\ud800", "label": "a"}\n', "lone UTF-16 surrogate", 1),
        ("q.yaml", 'a: ["\\ud800", "x"]\n', "lone UTF-16 surrogate", 1),
        ("q.csv", "text,label\nab\x00c,a\n", "NUL character", 2),
        ("q.jsonl", "[" * 5000 + "]" * 5000 + "\n", "nested too deeply", 1),
        ("q.jsonl", '{"text": ' + "1" * 5000 + "}\n", "invalid JSON", 1),
        ("q.yaml", "a: " + "[" * 200 + "]" * 200 + "\n", "nested more than 100 levels", 1),
    ],
)
def test_text_that_is_not_text_is_named(
    tmp_path: Path, name: str, content: str, message: str, line: int
) -> None:
    """Regression: these gave a traceback (RecursionError, ValueError) or passed and failed
    later with a UnicodeEncodeError far from the file."""
    p = tmp_path / name
    p.write_text(content, encoding="utf-8")
    with pytest.raises((DataError, DataErrors)) as exc:
        load_labelled(p)
    errors = exc.value.errors if isinstance(exc.value, DataErrors) else [exc.value]
    assert message in str(exc.value) and errors[0].line == line, str(exc.value)


def test_limits_stop_reading_at_the_row_and_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kodial.textio import ReadLimits

    p = tmp_path / "q.csv"
    p.write_text(
        "text,label\n" + "".join(f"질문입니다 {i},a\n" for i in range(20)), encoding="utf-8"
    )
    with pytest.raises(DataError, match="more than 10 rows") as exc:
        load_labelled(p, limits=ReadLimits(max_rows=10))
    assert exc.value.line == 12 and "KODIAL_MAX_ROWS=N" in (exc.value.hint or "")
    monkeypatch.setenv("KODIAL_MAX_CELL_CHARS", "6")
    with pytest.raises(DataError, match="longer than 6 characters") as exc:
        load_labelled(p)
    assert exc.value.line == 2
    monkeypatch.setenv("KODIAL_MAX_CELL_CHARS", "0")  # 0: no limit
    assert len(load_labelled(p)) == 20
