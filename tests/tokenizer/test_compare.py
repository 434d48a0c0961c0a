"""compare: byte-level kinds are exact; the others' failures are counted and explained."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kodial.tokenizer.compare import compare_tokenizers, failure_cause, write_report

from .conftest import TRICKY


def test_reports_failures_of_non_byte_kinds(trained: dict[str, Any], tmp_path: Path) -> None:
    reports = {r.name: r for r in compare_tokenizers(trained, TRICKY)}
    for kind in ("byte-bpe", "morpheme-byte-bpe"):
        assert reports[kind].roundtrip_rate == 1.0 and not reports[kind].failures
        assert reports[kind].unk_rate == 0.0
    for kind in ("bpe", "wordpiece", "unigram"):
        r = reports[kind]
        assert r.roundtrip_rate < 1.0
        assert sum(r.failures.values()) == round((1 - r.roundtrip_rate) * len(TRICKY))
        assert r.examples and all(e["text"] != e["decoded"] for e in r.examples)
    assert reports["wordpiece"].failures.get("unknown token", 0) > 0
    assert reports["wordpiece"].unk_rate > 0
    assert reports["bpe"].failures.get("lost or added spaces", 0) > 0
    assert reports["unigram"].failures.get("normalization", 0) > 0

    md = write_report(list(reports.values()), tmp_path / "rep", "test")
    assert "| morpheme-byte-bpe |" in md.read_text()
    assert (tmp_path / "rep" / "report.png").stat().st_size > 0
    rows = json.loads((tmp_path / "rep" / "report.json").read_text())
    assert {row["name"] for row in rows} == set(trained)


def test_failure_causes() -> None:
    assert failure_cause("a  b", "a b", has_unk=False) == "lost or added spaces"
    assert failure_cause("ㅋㅋ", "\u110f\u110f", has_unk=False) == "normalization"
    assert failure_cause("뷁", "[UNK]", has_unk=True) == "unknown token"
    assert failure_cause("가", "나", has_unk=False) == "other"
