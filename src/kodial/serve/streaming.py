"""UTF-8-safe streaming: reply pieces -> SSE chunks that never split a character, sent by an
:class:`EventStream` that ends the turn as soon as its client leaves.

A chat model streams token deltas. A byte-level tokenizer can end a delta in the middle of a
UTF-8 sequence (a Hangul syllable is 3 bytes), and even whole code points can split a
user-perceived character: an emoji and its skin-tone modifier, a ZWJ family, a flag's two
regional indicators, conjoining Hangul jamo (ᄒ+ᅡ+ᆫ renders as one syllable) or a letter and
its combining mark. :class:`SafeChunker` buffers pieces and only releases text up to a
**grapheme-cluster boundary** (Unicode UAX #29, via ``regex``'s ``\\X``), holding back the last
cluster until the next piece shows it is complete or the stream ends.

>>> c = SafeChunker()
>>> c.feed("한".encode()[:2]), c.feed("한".encode()[2:] + "국".encode()), c.flush()
([], ['한'], ['국'])
"""

from __future__ import annotations

import codecs
import json
from collections.abc import AsyncIterator, Callable, Generator, Iterable, Iterator
from typing import Any

import anyio
import regex
from starlette.concurrency import run_in_threadpool
from starlette.responses import StreamingResponse
from starlette.types import Send

_GRAPHEME = regex.compile(r"\X")


def graphemes(text: str) -> list[str]:
    """User-perceived characters of ``text``.

    >>> graphemes("가👍🏽!")
    ['가', '👍🏽', '!']
    """
    return _GRAPHEME.findall(text)


class SafeChunker:
    """Turns a stream of ``str`` or ``bytes`` pieces into text chunks cut only between
    grapheme clusters. ``max_chars`` > 0 also splits long pieces into chunks of at most that
    many clusters (a typing effect); 0 keeps the assistant's own piece boundaries."""

    def __init__(self, max_chars: int = 0) -> None:
        self.max_chars = max_chars
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""

    def feed(self, piece: str | bytes) -> list[str]:
        """Add one piece; return the chunks that are now safe to send (maybe none)."""
        text = self._decoder.decode(piece) if isinstance(piece, bytes) else piece
        self._pending += text
        clusters = graphemes(self._pending)
        if len(clusters) <= 1:
            return []
        # The last cluster may still grow (a modifier or jamo in the next piece): hold it back.
        self._pending = clusters[-1]
        return self._split(clusters[:-1])

    def flush(self) -> list[str]:
        """End of stream: release everything held back."""
        self._pending += self._decoder.decode(b"", final=True)
        rest, self._pending = self._pending, ""
        return self._split(graphemes(rest)) if rest else []

    def _split(self, clusters: list[str]) -> list[str]:
        if not clusters:
            return []
        if self.max_chars <= 0:
            return ["".join(clusters)]
        n = self.max_chars
        return ["".join(clusters[i : i + n]) for i in range(0, len(clusters), n)]


def safe_chunks(pieces: Iterable[str | bytes], max_chars: int = 0) -> Iterator[str]:
    """Re-chunk a stream of pieces with :class:`SafeChunker`.

    >>> list(safe_chunks(["안", "녕하", "세요"], max_chars=2))
    ['안녕', '하세', '요']
    """
    chunker = SafeChunker(max_chars)
    for piece in pieces:
        yield from chunker.feed(piece)
    yield from chunker.flush()


def sse_event(payload: dict[str, Any] | str) -> str:
    """One server-sent event: ``data: <json>`` (or a literal such as ``[DONE]``) and a blank
    line. JSON keeps non-ASCII text as is; SSE is UTF-8 by definition."""
    data = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    return f"data: {data}\n\n"


class EventStream(StreamingResponse):
    """A ``text/event-stream`` response whose events come from a blocking generator, each
    produced in a worker thread (a turn runs the assistant and writes to the store).

    When the response ends for any reason (complete, the client gone, the server stopping)
    the generator is closed at once. Starlette leaves a stream it stops reading suspended until
    garbage collection: a turn whose client left would hang there, neither stored nor ended.
    Closed, it ends where it stands, and a reply that was not complete is never stored.
    """

    def __init__(
        self,
        events: Generator[str, None, None],
        headers: dict[str, str],
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self._events = events
        self._on_close = on_close
        """Called once the stream is over, however it ended, even if it never started (a
        generator closed before its first step runs none of its ``finally`` blocks)."""
        super().__init__(self._pump(), media_type="text/event-stream", headers=headers)

    async def _pump(self) -> AsyncIterator[str]:
        while (event := await run_in_threadpool(next, self._events, None)) is not None:
            yield event

    async def stream_response(self, send: Send) -> None:
        try:
            await super().stream_response(send)
        finally:
            # Shielded: a disconnect cancels this task, and the close must still happen. No
            # worker thread is inside the generator now (a cancelled wait for one lasts until
            # its step is done), so it can be closed.
            with anyio.CancelScope(shield=True):
                await run_in_threadpool(self._events.close)
                if self._on_close is not None:
                    await run_in_threadpool(self._on_close)
