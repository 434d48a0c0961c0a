"""``kodial tokenizer``: train, compare and size the training sample of Korean tokenizers.

Heavy libraries (transformers, tokenizers, kiwipiepy) are imported inside the commands so that
``kodial --help`` stays fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from kodial.errors import KodialError
from kodial.tokenizer.corpus import progress_bar
from kodial.tokenizer.output import check_tokenizer_out, save_tokenizer

app = typer.Typer(
    rich_markup_mode="markdown",
    no_args_is_help=True,
    help="Train and compare Korean tokenizers (BPE, byte-level BPE, WordPiece, Unigram, "
    "morpheme-aware byte-level BPE).",
)
console = Console()

KINDS_HELP = "bpe, byte-bpe, wordpiece, unigram or morpheme-byte-bpe"
FieldOpt = Annotated[
    str,
    typer.Option("--field", help="JSONL key / parquet or saved-dataset column holding the text."),
]
ColumnOpt = Annotated[
    str | None,
    typer.Option(
        "--column",
        help="TSV/CSV column(s) with the text: header names or 0-based indices, comma-separated "
        "(default: a column named document, text, sentence, Q, ...).",
    ),
]


@app.callback()
def _group() -> None:
    """Train and compare Korean tokenizers."""


def _split_list(value: str | None) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()] if value else []


@app.command()
def train(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Training text: .txt (a text per line), .jsonl, .tsv, .csv, .parquet files or "
            "directories saved with datasets' save_to_disk.",
            show_default=False,
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory to save the tokenizer to.")],
    kind: Annotated[
        str, typer.Option("--kind", help=f"Tokenizer kind: {KINDS_HELP}.")
    ] = "morpheme-byte-bpe",
    vocab_size: Annotated[
        int, typer.Option("--vocab-size", help="Vocabulary size, special tokens included.")
    ] = 16000,
    min_frequency: Annotated[
        int, typer.Option("--min-frequency", help="Minimum count for a merge / piece.")
    ] = 2,
    special_tokens: Annotated[
        str | None,
        typer.Option(
            "--special-tokens", help="Extra special tokens, comma-separated (never split)."
        ),
    ] = None,
    chat_template: Annotated[
        str | None,
        typer.Option(
            "--chat-template",
            help="llama3, chatml, gemma, or the path of a Jinja template file; adds the format's "
            "control tokens and sets eos/pad.",
        ),
    ] = None,
    eos_token: Annotated[
        str | None,
        typer.Option("--eos-token", help="End-of-turn token of a custom --chat-template file."),
    ] = None,
    workers: Annotated[
        int,
        typer.Option("--workers", help="Threads for morpheme analysis (0: every core)."),
    ] = 0,
    field: FieldOpt = "text",
    column: ColumnOpt = None,
) -> None:
    """Train a tokenizer on text files and save it as a Hugging Face tokenizer."""
    from kodial.tokenizer.corpus import TextSource, check_inputs, input_bytes, iter_texts
    from kodial.tokenizer.templates import resolve_chat_format
    from kodial.tokenizer.train import TrainConfig, check_kind, train_tokenizer

    check_kind(kind)
    if vocab_size < 300:
        raise KodialError(
            f"--vocab-size {vocab_size} is too small",
            hint="use at least 300 (byte-level kinds need 256 symbols)",
        )
    check_tokenizer_out(out)
    paths = check_inputs(files)
    extra = _split_list(special_tokens)
    fmt = resolve_chat_format(chat_template, eos_token, extra) if chat_template else None
    config = TrainConfig(
        kind=kind,
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        special_tokens=extra,
        chat_format=fmt,
        analysis_workers=workers,
    )
    source = TextSource(field=field, column=column)
    # Validate every input (encoding, columns) on its first lines before the long run.
    for path in paths:
        for _ in zip(range(5), iter_texts([path], source), strict=False):
            pass

    total = input_bytes(paths) or None
    with progress_bar(console, in_bytes=True) as progress:
        task = progress.add_task(f"reading + counting ({kind})", total=total)

        def stream() -> Iterator[str]:
            yield from iter_texts(paths, source, on_bytes=lambda n: progress.advance(task, n))
            progress.update(task, description="learning the vocabulary")

        tokenizer = train_tokenizer(stream(), config)
        progress.update(task, description="done", completed=total or 0)

    save_tokenizer(tokenizer, out)
    console.print(f"saved {kind} tokenizer ({len(tokenizer):,} tokens) to {out}", markup=False)


@app.command()
def compare(
    tokenizers: Annotated[
        list[Path],
        typer.Argument(
            help="Tokenizer directories (from `kodial tokenizer train`).", show_default=False
        ),
    ],
    text: Annotated[
        list[Path], typer.Option("--text", help="Held-out text file(s) to measure on.")
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Report directory (report.md/.json/.png).")
    ],
    max_texts: Annotated[
        int, typer.Option("--max-texts", help="Measure on the first N texts.")
    ] = 5000,
    field: FieldOpt = "text",
    column: ColumnOpt = None,
) -> None:
    """Compare tokenizers: fertility, unknown tokens, round trip, morpheme crossing, speed."""
    from kodial.tokenizer import load_tokenizer
    from kodial.tokenizer.compare import compare_tokenizers, report_table, write_report
    from kodial.tokenizer.corpus import TextSource, iter_texts

    texts = [
        t
        for _, t in zip(range(max_texts), iter_texts(text, TextSource(field, column)), strict=False)
    ]
    if not texts:
        raise KodialError("no text to compare on", hint="check the --text file")
    names: dict[str, object] = {}
    for path in tokenizers:
        name = path.name
        while name in names:
            name = f"{name}'"
        names[name] = load_tokenizer(path)
    with console.status(f"measuring {len(names)} tokenizer(s) on {len(texts):,} texts"):
        reports = compare_tokenizers(names, texts)
    console.print(report_table(reports, f"{len(texts):,} texts"))
    path = write_report(reports, out, f"Tokenizer comparison on {len(texts):,} texts")
    console.print(f"report: {path}", markup=False)


@app.command("sample-size")
def sample_size(
    files: Annotated[
        list[Path], typer.Argument(help="Corpus files (as for `train`).", show_default=False)
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Report directory (sample_size.md/.json/.png).")
    ],
    kind: Annotated[
        str, typer.Option("--kind", help=f"Tokenizer kind: {KINDS_HELP}.")
    ] = "morpheme-byte-bpe",
    vocab_size: Annotated[
        int, typer.Option("--vocab-size", help="Vocabulary size of every run.")
    ] = 16000,
    fractions: Annotated[
        str, typer.Option("--fractions", help="Sample fractions of the corpus, comma-separated.")
    ] = "0.01,0.02,0.05,0.1,0.2",
    seed: Annotated[int, typer.Option("--seed", help="Seed of the (nested) samples.")] = 0,
    field: FieldOpt = "text",
    column: ColumnOpt = None,
) -> None:
    """Train on growing samples and report how much of the largest vocabulary each one learns."""
    from kodial.tokenizer.corpus import TextSource, check_inputs, iter_texts
    from kodial.tokenizer.sample_size import SamplePoint, sample_size_study, write_study
    from kodial.tokenizer.train import TrainConfig, check_kind

    check_kind(kind)
    try:
        values = [float(f) for f in _split_list(fractions)]
    except ValueError:
        raise KodialError(f"--fractions must be numbers, got {fractions!r}") from None
    paths = check_inputs(files)
    source = TextSource(field=field, column=column)
    config = TrainConfig(kind=kind, vocab_size=vocab_size)
    with progress_bar(console, in_bytes=False) as progress:
        task = progress.add_task("training samples (largest first)", total=len(set(values)))

        def done(point: SamplePoint) -> None:
            progress.advance(task)
            progress.console.print(
                f"fraction {point.fraction:g}: {point.texts:,} texts, overlap {point.overlap_with_largest:.3f}"
            )

        points = sample_size_study(
            lambda: iter_texts(paths, source), config, values, seed, on_point=done
        )
    path = write_study(points, out, kind, vocab_size)
    console.print(f"report: {path}", markup=False)
