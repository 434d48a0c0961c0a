"""Studio settings: the service's settings plus where the studio keeps its work."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from kodial.serve.settings import ServeSettings


class StudioSettings(ServeSettings):
    """Everything ``kodial studio`` can be told: every ``kodial serve`` setting (``KODIAL_*``),
    and the fields below. Each field's docstring is its help text."""

    workspace: Path = Path("kodial-studio")
    """Directory of the studio's work: the project's YAML files (``project/``), every saved
    version (``history/``), training runs, chat models and the deploy record."""
    max_body_bytes: int = Field(default=2_097_152, ge=1)
    """Largest accepted request body; a whole project is saved in one request, so the studio
    allows more than the API alone needs."""
    review_margin: float = Field(default=0.15, ge=0, le=1)
    """Review: a classification whose top two intents are closer than this is listed as
    low-margin (worth a look even though it was answered)."""
    review_scan_turns: int = Field(default=2000, ge=1)
    """Review: how many of the most recent stored turns are scanned."""
    chat_base_models: list[str] = Field(default_factory=list)
    """Chat models tab: base models (local directories or hub ids) offered for training, in
    addition to the tiny test model the studio can build. Only these can be chosen: a browser
    cannot make the server load an arbitrary path."""
