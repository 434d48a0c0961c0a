"""Bad input keeps the promise: exit code 2, one clear message, no traceback, nothing half
written (issue 10, items 7 and 8; SECURITY.md, "Input files").

The real CLIs (``classify train``, ``data convert/stats/check``, ``chat inspect``, ``tokenizer
train``) are run in-process over generated inputs: random bytes, invalid UTF-8, lone surrogates,
NUL bytes, huge cells and lines, JSON nested 10,000 deep, BOMs, CRLF, mixed formats. The random
parts come from a fixed seed. Limits are set low through their environment variables (as a user
would raise them) so that "over the limit" inputs stay small and the module stays fast.
"""

from __future__ import annotations

import io
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ._cli_fuzz import fast_cli, run, tree

__all__ = ["fast_cli"]  # a fixture, used by name

SEED = 20240610

LIMITS = {
    "KODIAL_MAX_INPUT_BYTES": "400000",
    "KODIAL_MAX_ROWS": "300",
    "KODIAL_MAX_CELL_CHARS": "2000",
    "KODIAL_MAX_LINE_CHARS": "50000",
}


@pytest.fixture(scope="module")
def tokenizer_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kodial.testing.tokenizers import build_chat_tokenizer

    out = tmp_path_factory.mktemp("tok")
    build_chat_tokenizer(out, template="llama3", vocab_size=400)
    return out


@pytest.fixture
def limits(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in LIMITS.items():
        monkeypatch.setenv(name, value)


def _payloads() -> Iterator[tuple[str, bytes]]:
    """(name, file content): each a way real files (or attackers) break readers."""
    rng = random.Random(SEED)
    deep = "[" * 10_000 + "]" * 10_000
    yield "random-bytes", rng.randbytes(3000)
    yield "random-text", "".join(chr(rng.randrange(32, 0xD7FF)) for _ in range(2000)).encode()
    # a header that classify (text, label) and question/answer dialogues (Q, A) both accept
    yield "invalid-utf8", b"text,label,Q,A\n\xff\xfe \xc3(,a\n"
    yield "cp949", "text,label,Q,A\n환율 알려줘,금융\n".encode("cp949")
    yield (
        "lone-surrogate",
        (
            b'{"text": "\\ud800", "label": "a", "messages": [{"role": "user", "content": '
            b'"\\udfff"}]}\n'
        ),
    )
    yield (
        "nul",
        b'text,label\nab\x00c,a\nq,a\n{"messages": [{"role": "user", "content": "\\u0000"}]}\n',
    )
    yield "huge-cell", b"text,label\n" + b"a" * 5000 + b",x\n"
    yield "huge-line", b"x" * 60_000 + b"\n"
    yield "huge-file", b"text,label\n" + b"\xed\x99\x98\xec\x9c\xa8,a\n" * 50_000
    yield "too-many-rows", b"text,label\n" + b"".join(b"q%d,a\n" % i for i in range(400))
    yield "nested-json", (deep + "\n").encode()
    yield "nested-record", ('{"messages": ' + deep + ', "text": ' + deep + "}\n").encode()
    yield "nested-yaml", b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n"
    yield "yaml-surrogate", b'a: ["\\ud800", "x"]\nb: [y, z]\n'
    yield "bigint", ('{"text": ' + "1" * 5000 + "}\n").encode()
    yield "bom-crlf", "\ufefftext,label\r\n안녕,a\r\n하이,a\r\n잘가,b\r\n바이,b\r\n".encode()
    yield "mixed", b'{"text": "a", "label": "x"}\ntext,label\n- a\n[1, 2]\n'
    yield "quote-mid-file", 'text,label\n"환율 알려줘,a\n코스피",a\n날씨,b\n비,b\n'.encode()
    yield "quote-never-closes", 'text,label,Q,A\n환율,a\n"코스피,a\n날씨,b\n'.encode()
    yield "empty", b""
    yield "blank", b"\n \r\n\t\n"
    yield "json-list", b'[{"messages": [{"role": "user", "content": "\\udc00"}]}, 3, null]'


PAYLOADS = dict(_payloads())

ALL = (".csv", ".tsv", ".jsonl", ".json", ".yaml", ".txt")
EXTENSIONS: dict[str, tuple[str, ...]] = {
    # the file types each payload is tried as (every command reading that type runs on it)
    "random-bytes": ALL,
    "random-text": ALL,
    "invalid-utf8": (".csv", ".jsonl", ".txt"),
    "cp949": (".csv", ".txt"),
    "lone-surrogate": (".jsonl", ".json"),
    "nul": (".csv", ".jsonl", ".txt"),
    "huge-cell": (".csv", ".tsv"),
    "huge-line": (".jsonl", ".txt", ".csv"),
    "huge-file": (".csv", ".txt"),
    "too-many-rows": (".csv", ".jsonl"),
    "nested-json": (".jsonl", ".json", ".yaml"),
    "nested-record": (".jsonl",),
    "nested-yaml": (".yaml",),
    "yaml-surrogate": (".yaml",),
    "bigint": (".jsonl",),
    "bom-crlf": (".csv", ".txt"),
    "mixed": (".jsonl", ".csv"),
    "quote-mid-file": (".csv",),
    "quote-never-closes": (".csv", ".tsv"),
    "empty": ALL,
    "blank": (".csv", ".jsonl", ".yaml"),
    "json-list": (".json", ".jsonl"),
}

COMMANDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # name: (argv with DATA / OUT / TOK placeholders, file extensions to try)
    "classify": (
        ("classify", "train", "DATA", "--out", "OUT"),
        (".csv", ".tsv", ".jsonl", ".yaml", ".txt"),
    ),
    "convert": (("data", "convert", "DATA", "OUT.jsonl"), (".jsonl", ".json", ".csv")),
    "stats": (("data", "stats", "DATA"), (".jsonl", ".json", ".tsv")),
    "check": (
        ("data", "check", "DATA", "--tokenizer", "TOK", "--max-length", "64"),
        (".jsonl", ".csv"),
    ),
    "inspect": (("chat", "inspect", "DATA", "--tokenizer", "TOK"), (".jsonl",)),
    "tokenizer": (
        ("tokenizer", "train", "DATA", "--out", "OUT", "--kind", "byte-bpe", "--vocab-size", "300"),
        (".txt", ".jsonl", ".csv", ".tsv"),
    ),
}

EXPECTED: dict[tuple[str, str], str] = {
    # (payload, extension): a fragment every command reading that file must print
    ("invalid-utf8", ".csv"): "not valid UTF-8",
    ("cp949", ".csv"): "CP949",
    ("lone-surrogate", ".jsonl"): "surrogate",
    ("huge-line", ".jsonl"): "KODIAL_MAX_LINE_CHARS",
    ("huge-line", ".txt"): "KODIAL_MAX_",
    ("nested-json", ".jsonl"): "nested too deeply",
    ("nested-record", ".jsonl"): "nested too deeply",
    ("bigint", ".jsonl"): "invalid JSON",
    ("quote-never-closes", ".csv"): "unterminated quote",
}


def _cases() -> Iterator[tuple[str, str, str]]:
    for payload, payload_exts in EXTENSIONS.items():
        for command, (_, exts) in COMMANDS.items():
            for ext in exts:
                if ext in payload_exts:
                    yield payload, command, ext


def test_every_payload_is_tried() -> None:
    assert set(EXTENSIONS) == set(PAYLOADS)
    assert {p for p, _, _ in _cases()} == set(PAYLOADS)


def test_every_cli_reader_fails_cleanly_on_bad_input(
    tmp_path: Path,
    tokenizer_dir: Path,
    limits: None,
    fast_cli: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """One loop over every (payload, command, extension): exit 0 or 2, never a traceback (an
    exception escaping ``main`` fails the test), and after exit 2 no output and no hidden
    staging file left. A failure lists every case that broke."""
    broken: list[str] = []
    work = tmp_path / "work"
    work.mkdir()
    for payload, command, ext in _cases():
        data = work / f"{payload}{ext}"
        data.write_bytes(PAYLOADS[payload])
        argv, _ = COMMANDS[command]
        out = work / "out"
        args = [
            {"DATA": str(data), "OUT": str(out), "OUT.jsonl": str(out) + ".jsonl"}.get(a, a)
            for a in argv
        ]
        args = [str(tokenizer_dir) if a == "TOK" else a for a in args]
        before = tree(work)
        case = f"{payload}{ext} {command}"
        try:
            code, stdout, err = run(monkeypatch, capsys, *args)
        except Exception as exc:  # what the user would see as a traceback
            broken.append(f"{case}: {type(exc).__name__}: {exc}"[:300])
            continue
        message = " ".join(err.split())
        if code not in (0, 2):
            broken.append(f"{case}: exit {code}: {message[-200:]}")
        elif "Traceback" in stdout + err:
            printed = (stdout + err)[(stdout + err).index("Traceback") :]
            broken.append(f"{case}: traceback printed: {printed[-600:]}")
        elif code == 2:
            if tree(work) != before:
                broken.append(f"{case}: left {sorted(set(tree(work)) - set(before))}")
            if not message.startswith("error:") and "Error:" not in message:
                broken.append(f"{case}: no error message: {message[:200]}")
            want = EXPECTED.get((payload, ext))
            if want and want not in message:
                broken.append(f"{case}: expected {want!r} in: {message[:300]}")
        elif (payload, ext) in EXPECTED:
            broken.append(f"{case}: accepted bad input")
        for leftover in (out, Path(str(out) + ".jsonl")):
            if leftover.is_dir():
                for p in sorted(leftover.rglob("*"), reverse=True):
                    p.unlink() if p.is_file() else p.rmdir()
                leftover.rmdir()
            elif leftover.exists():
                leftover.unlink()
        data.unlink()
    assert not broken, "\n".join(broken)


# -- item 7: limits, each with the variable that raises it ---------------------------------


@pytest.mark.parametrize(
    ("content", "env", "message"),
    [
        (PAYLOADS["too-many-rows"], "KODIAL_MAX_ROWS", "more than 300 rows"),
        (PAYLOADS["huge-file"], "KODIAL_MAX_INPUT_BYTES", "over the limit of 400,000"),
        (PAYLOADS["huge-cell"], "KODIAL_MAX_CELL_CHARS", "longer than 2,000 characters"),
    ],
)
def test_limits_name_the_line_and_how_to_raise_them(
    tmp_path: Path,
    limits: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    env: str,
    message: str,
) -> None:
    """Regression: a 200 MB CSV was read whole (and copied twice) and drove ``classify train``
    past 9 GB. Readers now stream and stop at a limit, before training."""
    data = tmp_path / "q.csv"
    data.write_bytes(content)
    code, _, err = run(
        monkeypatch, capsys, "classify", "train", str(data), "--out", str(tmp_path / "m")
    )
    err = " ".join(err.split())
    assert code == 2 and message in err and f"{env}=N" in err, err
    assert not (tmp_path / "m").exists()


def test_a_raised_cell_limit_reads_cells_past_the_csv_module_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Regression: a cell over 131,072 characters (the csv module's own limit) gave a
    ``field larger than field limit`` traceback. By default it is a clear error; raised, it
    is read."""
    long_text = "가" * 140_000
    rows = [
        f"{long_text},a",
        "환율 알려줘,a",
        "코스피 지수,a",
        "영화 추천,b",
        "배우 누구,b",
        "개봉작,b",
    ]
    data = tmp_path / "q.csv"
    data.write_text("text,label\n" + "\n".join(rows) + "\n", encoding="utf-8")
    code, _, err = run(
        monkeypatch, capsys, "classify", "train", str(data), "--out", str(tmp_path / "m")
    )
    assert code == 2 and "KODIAL_MAX_CELL_CHARS" in err and "q.csv:2" in err, err
    monkeypatch.setenv("KODIAL_MAX_CELL_CHARS", "200000")
    from kodial.classify.data import load_labelled

    assert max(len(t) for t in load_labelled(data).texts) == 140_000


def test_a_bad_limit_setting_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KODIAL_MAX_ROWS", "lots")
    data = tmp_path / "q.csv"
    data.write_text("text,label\n환율,a\n", encoding="utf-8")
    code, _, err = run(
        monkeypatch, capsys, "classify", "train", str(data), "--out", str(tmp_path / "m")
    )
    assert code == 2 and "KODIAL_MAX_ROWS='lots' is not a whole number" in err, err


# -- item 8: the reproduced cases, each through its CLI ---------------------------------------


def test_quote_closed_on_a_later_line_does_not_merge_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Regression: an unterminated quote mid-CSV silently merged the rows up to the next quote
    into one example; now it is an error at the line where the quote opened."""
    data = tmp_path / "q.csv"
    data.write_text(
        'text,label\n환율 알려줘,a\n"코스피 지수,a\n주가 어때,a\n영화 추천해줘,b\n"배우 누구",b\n개봉작,b\n',
        encoding="utf-8",
    )
    code, _, err = run(
        monkeypatch, capsys, "classify", "train", str(data), "--out", str(tmp_path / "m")
    )
    assert code == 2 and "q.csv:3: unterminated quote" in " ".join(err.split()), err
    data.write_text(
        'text,label\n"환율 알려줘,a\n코스피 지수",a\n주가 어때,a\n영화 추천해줘,b\n배우 누구,b\n개봉작,b\n',
        encoding="utf-8",
    )
    code, _, err = run(
        monkeypatch, capsys, "classify", "train", str(data), "--out", str(tmp_path / "m")
    )
    assert code == 2 and "q.csv:2: unterminated quote" in " ".join(err.split()), err
    assert not (tmp_path / "m").exists()


def test_lone_surrogate_is_named_in_every_reader(
    tmp_path: Path,
    tokenizer_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Regression: ``"\\ud800"`` in a JSON escape read fine and failed later with a
    UnicodeEncodeError traceback (classify, data, chat, tokenizer)."""
    labelled = tmp_path / "q.jsonl"
    labelled.write_text(
        '{"text": "환율", "label": "a"}\n{"text": "\\ud800 주가", "label": "a"}\n', encoding="utf-8"
    )
    dialogues = tmp_path / "d.jsonl"
    dialogues.write_text(
        '{"messages": [{"role": "user", "content": "안녕\\ud800"}, '
        '{"role": "assistant", "content": "네"}]}\n',
        encoding="utf-8",
    )
    for args in (
        ["classify", "train", str(labelled), "--out", str(tmp_path / "m")],
        ["data", "convert", str(dialogues), str(tmp_path / "o.jsonl")],
        ["data", "stats", str(dialogues)],
        ["chat", "inspect", str(dialogues), "--tokenizer", str(tokenizer_dir)],
        ["tokenizer", "train", str(labelled), "--out", str(tmp_path / "t"), "--vocab-size", "300"],
    ):
        code, _, err = run(monkeypatch, capsys, *args)
        err = " ".join(err.split())
        assert code == 2, (args, err)
        assert "lone UTF-16 surrogate" in err and "Traceback" not in err, (args, err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.jsonl", "q.jsonl"]


def test_predict_from_stdin_that_is_not_utf8(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Regression: undecodable bytes on standard input gave a UnicodeDecodeError traceback."""
    from kodial.classify.base import create_classifier
    from kodial.classify.bundled import load_sample_queries

    model = create_classifier("lexical").fit(load_sample_queries()).save(tmp_path / "m")
    stdin = io.TextIOWrapper(io.BytesIO("환율 알려줘\n".encode() + b"\xff\xfe\n"), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    code, out, err = run(monkeypatch, capsys, "classify", "predict", str(model))
    assert code == 2 and "<stdin>:2: not valid UTF-8" in err and not out, err


def test_dialogue_lines_bounded_and_json_list_records_counted(
    tmp_path: Path,
    limits: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    turn = {
        "messages": [{"role": "user", "content": "안녕"}, {"role": "assistant", "content": "네"}]
    }
    data = tmp_path / "d.json"
    data.write_text(json.dumps([turn] * 301), encoding="utf-8")
    code, _, err = run(monkeypatch, capsys, "data", "stats", str(data))
    assert code == 2 and "more than 300 records" in err and "KODIAL_MAX_ROWS" in err, err
