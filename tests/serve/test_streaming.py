"""UTF-8-safe chunking: no chunk ever ends inside a character or a grapheme cluster."""

from __future__ import annotations

import pytest

from kodial.serve.streaming import SafeChunker, graphemes, safe_chunks, sse_event
from kodial.serve.usage import count_tokens, truncate_tokens

TEXT = "안녕하세요 👋🏽 가족 👨‍👩‍👧 태극기 🇰🇷, 옛한글 ᄒᆞᆫ글, café, 끝!"


def _check_boundaries(chunks: list[str], text: str) -> None:
    assert "".join(chunks) == text
    bounds = set()
    pos = 0
    for g in graphemes(text):
        pos += len(g)
        bounds.add(pos)
    pos = 0
    for c in chunks:
        assert c, "empty chunk"
        c.encode("utf-8")  # a lone surrogate or half a character would fail here
        pos += len(c)
        assert pos in bounds, f"chunk ends inside a grapheme cluster: {c!r}"


def test_graphemes_keep_clusters_whole() -> None:
    assert graphemes("👨‍👩‍👧🇰🇷👍🏽") == ["👨‍👩‍👧", "🇰🇷", "👍🏽"]
    assert graphemes("ᄒᆞᆫ") == ["ᄒᆞᆫ"]  # conjoining jamo: one syllable
    assert graphemes("e\u0301") == ["e\u0301"]


@pytest.mark.parametrize("max_chars", [0, 1, 3])
def test_byte_pieces_split_at_every_offset(max_chars: int) -> None:
    data = TEXT.encode("utf-8")
    for cut in range(1, len(data)):
        chunks = list(safe_chunks([data[:cut], data[cut:]], max_chars))
        _check_boundaries(chunks, TEXT)


def test_single_byte_pieces() -> None:
    chunks = list(safe_chunks([bytes([b]) for b in TEXT.encode("utf-8")]))
    _check_boundaries(chunks, TEXT)


def test_code_point_pieces_never_split_clusters() -> None:
    """Token deltas that split an emoji from its modifier or a ZWJ sequence."""
    chunks = list(safe_chunks(list(TEXT)))
    _check_boundaries(chunks, TEXT)


def test_max_chars_counts_clusters() -> None:
    chunks = list(safe_chunks([TEXT], max_chars=1))
    assert chunks == graphemes(TEXT)


def test_held_back_until_flush() -> None:
    c = SafeChunker()
    assert c.feed("👍") == []  # a skin-tone modifier may still follow
    assert c.feed("🏽") == []
    assert c.feed("!") == ["👍🏽"]
    assert c.flush() == ["!"]
    assert c.flush() == []


def test_invalid_bytes_become_replacement_chars() -> None:
    assert "".join(safe_chunks([b"\xff", "가".encode()])) == "\ufffd가"


def test_sse_event_keeps_korean() -> None:
    assert sse_event({"a": "한글"}) == 'data: {"a": "한글"}\n\n'
    assert sse_event("[DONE]") == "data: [DONE]\n\n"


def test_token_rule() -> None:
    assert count_tokens("예약해 줘 ! 👍") == 6
    assert count_tokens(" \n\t") == 0
    assert truncate_tokens("가나 다라", 3) == ("가나 다", True)
    assert truncate_tokens("가나", 2) == ("가나", False)
    assert truncate_tokens("가나", 0) == ("", True)
