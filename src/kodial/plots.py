"""Figures: one place that sets matplotlib up (headless, a font with Hangul glyphs) and writes
images atomically.

Every plot kodial draws (confusion matrices, training curves, dialogue histograms, tokenizer
charts) goes through :func:`figure` and :func:`save`, so Korean label names render on any
machine: the Nanum Gothic font comes with the ``koreanize-matplotlib`` wheel (MIT; the font is
under the SIL Open Font License), and a Korean font installed on the system is used when that
package is missing. matplotlib's font cache is built once per machine and misses fonts installed
after it; the font files are therefore added to the font manager by path, not looked up by name.

>>> with figure(figsize=(4, 3)) as (fig, ax):  # doctest: +SKIP
...     ax.bar(["금융", "영화"], [3, 5])
...     save(fig, Path("bars.png"))
"""

from __future__ import annotations

import functools
import glob
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kodial.errors import KodialError

SYSTEM_FONT_GLOBS = (
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
    "/usr/share/fonts/**/NanumGothic*.ttf",
    "/usr/share/fonts/**/NotoSansCJK*-Regular.tt[cf]",
    "/usr/share/fonts/**/NotoSansKR*.[ot]tf",
    "/System/Library/Fonts/AppleSDGothicNeo.ttc",
    "/Library/Fonts/AppleGothic.ttf",
    "C:/Windows/Fonts/malgun.ttf",
)
"""Where Korean fonts live when the bundled one is missing (Debian, macOS, Windows)."""


def _font_files() -> Iterator[str]:
    try:
        from importlib.resources import files

        bundled = files("koreanize_matplotlib") / "fonts" / "NanumGothic.ttf"
        if bundled.is_file():
            yield str(bundled)
    except ModuleNotFoundError:
        pass
    for pattern in SYSTEM_FONT_GLOBS:
        yield from sorted(glob.glob(pattern, recursive=True))
    try:  # fontconfig knows fonts in other places (user fonts, other distributions)
        out = subprocess.run(
            ["fc-list", ":lang=ko", "file"], capture_output=True, text=True, timeout=5, check=False
        ).stdout
        yield from sorted(line.split(":")[0].strip() for line in out.splitlines() if line.strip())
    except (OSError, subprocess.SubprocessError):
        pass


@functools.cache
def korean_font() -> str | None:
    """The family name of a font with Hangul glyphs, registered with matplotlib; ``None`` if the
    machine has none (then plots show labels with a legend, see :func:`label_names`)."""
    from matplotlib import font_manager

    for path in _font_files():
        try:
            font_manager.fontManager.addfont(path)
            name = font_manager.FontProperties(fname=path).get_name()
        except (OSError, RuntimeError, ValueError):
            continue
        return str(name)
    return None


def label_names(labels: list[str]) -> tuple[list[str], str | None]:
    """Tick labels for ``labels`` and, when they cannot be drawn, the legend that explains them.

    With a Korean font the labels are drawn as they are. Without one, labels that need glyphs the
    default font lacks become ``L0``, ``L1`` ..., and the returned legend (``L0 = ...`` lines) is
    written next to the image by the caller, so the picture is never left unexplained.
    """
    if korean_font() is not None:
        return list(labels), None
    names = [lab if lab.isascii() else f"L{i}" for i, lab in enumerate(labels)]
    legend = [f"{n} = {lab}" for n, lab in zip(names, labels, strict=True) if n != lab]
    return names, ("\n".join(legend) or None)


@contextmanager
def figure(nrows: int = 1, ncols: int = 1, **subplots: Any) -> Iterator[tuple[Any, Any]]:
    """``plt.subplots`` on the headless Agg backend with the Korean font; closes the figure."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    font = korean_font()
    rc: dict[Any, Any] = (
        {"font.family": [font, "DejaVu Sans"], "axes.unicode_minus": False} if font else {}
    )
    with plt.rc_context(rc):
        fig, axes = plt.subplots(nrows, ncols, **subplots)
        try:
            yield fig, axes
        finally:
            plt.close(fig)


def save(fig: Any, path: Path, dpi: int = 100) -> Path:
    """Write ``fig`` to ``path`` (its format from the suffix) through a temporary sibling, so a
    failed write leaves no half-written image; an OS error is a :class:`KodialError`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp{path.suffix}")
    try:
        fig.savefig(tmp, dpi=dpi)
        tmp.replace(path)
    except OSError as exc:
        raise KodialError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
    return path
