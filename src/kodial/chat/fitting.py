"""Fitting a conversation into a context window by dropping its oldest turns.

Training (``truncation: drop-oldest`` in :mod:`kodial.chat.samples`) and serving
(:meth:`kodial.chat.generate.ChatModel.prompt_ids`) both need the fewest oldest turns whose removal
makes a conversation fit; :func:`fewest` finds that number with few encodes.
"""

from __future__ import annotations

from collections.abc import Callable


def fewest(count: int, fits: Callable[[int], bool], start: int = 1) -> int | None:
    """The smallest ``d`` in ``1..count`` with ``fits(d)``, or None if ``fits(count)`` is false;
    ``fits`` must be monotone (dropping more never stops a sample from fitting).

    The search starts at the estimate ``start`` and gallops away from it (1, 2, 4, ... steps)
    before bisecting, so a good estimate costs a handful of calls, each on a candidate near the
    answer, and a bad one O(log count) calls: never the one call per step of dropping one turn at
    a time, which made dropping the oldest turns of a long conversation quadratic.
    """
    if count < 1:
        return None
    known: dict[int, bool] = {}

    def ok(d: int) -> bool:
        if d not in known:
            known[d] = fits(d)
        return known[d]

    start = min(max(start, 1), count)
    if ok(start):
        lo, hi, step = 0, start, 1  # lo: largest d known not to fit (0: none needed below 1)
        while hi - step >= 1:
            if ok(hi - step):
                hi -= step
                step *= 2
            else:
                lo = hi - step
                break
    else:
        lo, step = start, 1
        while True:
            probe = min(lo + step, count)
            if ok(probe):
                hi = probe
                break
            if probe == count:
                return None
            lo, step = probe, step * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return hi
