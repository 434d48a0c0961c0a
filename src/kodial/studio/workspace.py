"""Where the studio keeps its files, in one directory::

<workspace>/
  project/            the assistant as `kodial serve --config project/assistant.yaml` reads it
  history/0001/ ...   every saved version, whole (the files and meta.json)
  runs/r0001/ ...     classifier training runs: run.json, report/, eval-model/
  chat/base/ ...      base models built here (the tiny test model)
  chat/data/ ...      chat training data made from the project
  chat/runs/c0001/    chat model training runs (kodial.chat run directories)
  chat/exports/c0001/ exported chat models (what chit-chat can switch to)
  deployed.json       which run the server answers with
  review.json         review items already handled
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kodial.textio import atomic_write_text


@dataclass(frozen=True)
class Workspace:
    root: Path

    @property
    def project(self) -> Path:
        return self.root / "project"

    @property
    def history(self) -> Path:
        return self.root / "history"

    @property
    def runs(self) -> Path:
        return self.root / "runs"

    @property
    def chat(self) -> Path:
        return self.root / "chat"

    @property
    def deployed_file(self) -> Path:
        return self.root / "deployed.json"

    @property
    def review_file(self) -> Path:
        return self.root / "review.json"

    def version_dir(self, version: int) -> Path:
        return self.history / f"{version:04d}"

    def create(self) -> Workspace:
        for d in (self.root, self.history, self.runs, self.chat):
            d.mkdir(parents=True, exist_ok=True)
        return self


class JsonFile:
    """A small JSON document on disk, read and replaced whole under a lock (written through a
    temporary sibling, so a crash never leaves half a file)."""

    def __init__(self, path: Path, default: Any) -> None:
        self.path = path
        self.default = default
        self.lock = threading.Lock()

    def read(self) -> Any:
        if not self.path.is_file():
            return json.loads(json.dumps(self.default))
        return json.loads(self.path.read_text(encoding="utf-8"))

    def write(self, value: Any) -> None:
        atomic_write_text(self.path, json.dumps(value, ensure_ascii=False, indent=2))
