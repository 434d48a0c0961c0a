"""Streaming corpus readers and their errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kodial.errors import DataError
from kodial.tokenizer.corpus import TextSource, iter_texts


def test_reads_txt_jsonl_tsv_csv(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("\ufeff첫 줄\n\n둘째 줄\r\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(
        "\n".join(json.dumps({"body": t}, ensure_ascii=False) for t in ["제이슨", "라인"]),
        encoding="utf-8",
    )
    (tmp_path / "c.tsv").write_bytes('id\tdocument\n1\t"따옴표" 그대로\n2\t캐리지\r리턴\n'.encode())
    (tmp_path / "d.csv").write_text('Q,A\n"질문, 하나",대답\n', encoding="utf-8")
    assert list(iter_texts([tmp_path / "a.txt"])) == ["첫 줄", "둘째 줄"]
    assert list(iter_texts([tmp_path / "b.jsonl"], TextSource(field="body"))) == ["제이슨", "라인"]
    assert list(iter_texts([tmp_path / "c.tsv"])) == ['"따옴표" 그대로', "캐리지\r리턴"]
    assert list(iter_texts([tmp_path / "d.csv"], TextSource(column="Q,A"))) == [
        "질문, 하나",
        "대답",
    ]


def test_saved_dataset(tmp_path: Path) -> None:
    from datasets import Dataset

    Dataset.from_dict({"text": ["데이터셋", "두 번째"]}).save_to_disk(str(tmp_path / "ds"))
    assert list(iter_texts([tmp_path / "ds"])) == ["데이터셋", "두 번째"]


def test_parquet_file_streams(tmp_path: Path) -> None:
    from datasets import Dataset

    Dataset.from_dict({"body": ["파케이", "두 줄"]}).to_parquet(str(tmp_path / "t.parquet"))
    assert list(iter_texts([tmp_path / "t.parquet"], TextSource(field="body"))) == [
        "파케이",
        "두 줄",
    ]
    with pytest.raises(DataError, match="no such column"):
        list(iter_texts([tmp_path / "t.parquet"]))


def test_cp949_file_is_named_with_line(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes("첫 줄\n".encode() + "옛 인코딩".encode("cp949") + b"\n")
    with pytest.raises(DataError, match="CP949") as info:
        list(iter_texts([path]))
    assert info.value.line == 2 and "iconv" in (info.value.hint or "")


@pytest.mark.parametrize(
    ("name", "content", "source", "message"),
    [
        ("x.jsonl", '{"text": 1}\n', TextSource(), "non-text field"),
        ("x.jsonl", "{broken\n", TextSource(), "invalid JSON"),
        ("x.tsv", "a\tb\n1\t2\n", TextSource(), "which column"),
        ("x.tsv", "a\tb\n1\t2\n", TextSource(column="c"), "no column 'c'"),
        ("x.pdf", "", TextSource(), "unsupported file type"),
        ("x.tsv", "id\ttext\n1\tok\n2\n", TextSource(), "row has 1 column"),
    ],
)
def test_bad_inputs(
    tmp_path: Path, name: str, content: str, source: TextSource, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError, match=message):
        list(iter_texts([path], source))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="not found"):
        list(iter_texts([tmp_path / "nope.txt"]))


def test_long_words_are_cut_before_training(tmp_path: Path) -> None:
    """Regression: one 3,000,000-character word made BPE training run for minutes (its time
    grows with the square of a word's length); words are cut at MAX_WORD_CHARS."""
    from kodial.tokenizer.corpus import MAX_WORD_CHARS, cut_long_words

    path = tmp_path / "a.txt"
    path.write_text("짧은 줄\n" + "가" * (2 * MAX_WORD_CHARS + 10) + " 끝\n", encoding="utf-8")
    texts = list(iter_texts([path]))
    assert texts[0] == "짧은 줄"
    assert [len(w) for w in texts[1].split()] == [MAX_WORD_CHARS, MAX_WORD_CHARS, 10, 1]
    assert cut_long_words("보통 문장") == "보통 문장"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.jsonl", '{"text": "\\ud800"}\n', "lone UTF-16 surrogate"),
        ("x.jsonl", "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
        ("x.csv", 'text\n"열린 따옴표\n다음 줄\n', "unterminated quote"),
        ("x.txt", "x" * 200 + "\n", "KODIAL_MAX_LINE_CHARS"),
    ],
)
def test_bad_lines_are_located_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, content: str, message: str
) -> None:
    if name == "x.txt":
        monkeypatch.setenv("KODIAL_MAX_LINE_CHARS", "100")
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError) as info:
        list(iter_texts([path]))
    assert message in str(info.value) and info.value.line is not None
