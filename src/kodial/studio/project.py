"""The studio's project: whole versions of the assistant the forms edit.

The document the forms edit is :class:`kodial.studio.document.ProjectDoc`; before anything is
saved it is checked by the loaders ``kodial serve`` uses and against what a browser may set
(:mod:`kodial.studio.checks`).

**Versions.** Every save is a new version, written whole under ``history/NNNN`` (staged, then
renamed into place) and mirrored to ``project/``. A save names the version it was edited from;
if another save came first it is refused (:class:`Conflict`), never merged silently.
"""

from __future__ import annotations

import difflib
import json
import shutil
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kodial.errors import KodialError
from kodial.studio.checks import Invalid, Problem, check_files, file_problems, trust_problems
from kodial.studio.document import (
    ASSISTANT_FILE,
    DATA_FILE,
    META_FILE,
    RESERVED,
    ProjectDoc,
    data_files,
    read_doc,
    render,
    write_files,
)
from kodial.studio.workspace import Workspace
from kodial.textio import atomic_write_text


class Conflict(KodialError):
    """The document was edited from a version that is no longer the latest."""

    def __init__(self, base: int, current: int, message: str | None = None) -> None:
        super().__init__(
            message
            or f"다른 곳에서 먼저 저장했어요 (편집을 시작한 버전 {base}, 지금 버전 {current}). "
            "최신 버전을 불러온 뒤 다시 고쳐 주세요."
        )
        self.base = base
        self.current = current


# -- the project and its versions -------------------------------------------------------------


@dataclass
class Version:
    """A saved version: its number, the document and who saved it when."""

    version: int
    doc: ProjectDoc
    meta: dict[str, Any]


class Project:
    """The versions of one project in a :class:`Workspace` (see the module docstring)."""

    def __init__(self, workspace: Workspace, exports: Path | None = None) -> None:
        self.ws = workspace
        self.exports = exports
        """Chat models the studio exported: documents may point chit-chat at them."""
        self._lock = threading.Lock()

    # -- reading -------------------------------------------------------------------------------
    def version(self) -> int:
        """The latest saved version, 0 when there is none."""
        if not self.ws.history.is_dir():
            return 0
        numbers = [int(p.name) for p in self.ws.history.iterdir() if p.name.isdigit()]
        return max(numbers, default=0)

    def exists(self) -> bool:
        return self.version() > 0

    def config_path(self, version: int) -> Path:
        """The ``assistant.yaml`` of a saved version (what training builds and deploy serves)."""
        path = self.ws.version_dir(version) / ASSISTANT_FILE
        if not path.is_file():
            raise KodialError(f"버전 {version}이 없어요.")
        return path

    def load(self, version: int | None = None) -> Version:
        number = self.version() if version is None else version
        directory = self.ws.version_dir(number)
        if number <= 0 or not directory.is_dir():
            raise KodialError("아직 프로젝트가 없어요. 먼저 프로젝트를 만들어 주세요.")
        meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
        return Version(number, read_doc(directory), meta)

    def versions(self) -> list[dict[str, Any]]:
        """The metadata of every saved version, newest first."""
        out = []
        for number in range(self.version(), 0, -1):
            meta_path = self.ws.version_dir(number) / META_FILE
            if meta_path.is_file():
                out.append(json.loads(meta_path.read_text(encoding="utf-8")))
        return out

    def diff(self, a: int, b: int) -> list[dict[str, str]]:
        """Unified diffs of the files that differ between versions ``a`` and ``b``."""
        da, db = self.ws.version_dir(a), self.ws.version_dir(b)
        if not (da.is_dir() and db.is_dir()) or a <= 0 or b <= 0:
            raise KodialError("비교할 버전이 없어요.")
        names = sorted(
            {p.name for p in da.iterdir() if p.name != META_FILE}
            | {p.name for p in db.iterdir() if p.name != META_FILE}
        )
        out = []
        for name in names:
            left = (da / name).read_text(encoding="utf-8") if (da / name).is_file() else ""
            right = (db / name).read_text(encoding="utf-8") if (db / name).is_file() else ""
            if left != right:
                lines = difflib.unified_diff(
                    left.splitlines(keepends=True),
                    right.splitlines(keepends=True),
                    f"v{a}/{name}",
                    f"v{b}/{name}",
                )
                out.append({"file": name, "diff": "".join(lines)})
        return out

    # -- checking and saving ---------------------------------------------------------------------
    def check(self, doc: ProjectDoc, base: ProjectDoc | None = None) -> list[Problem]:
        """Every problem of ``doc`` (empty: it would load); ``base``: the version it was
        edited from (default: the latest), for the trust rule."""
        if base is None and self.exists():
            base = self.load().doc
        problems = file_problems(doc) + trust_problems(doc, base, self.exports)
        with tempfile.TemporaryDirectory(prefix="kodial-studio-check-") as tmp:
            write_files(Path(tmp), render(doc))
            problems += check_files(Path(tmp), data_files(doc))
        return problems

    def create(self, doc: ProjectDoc, by: str) -> int:
        """Version 1 from a trusted document (the bundled example or the starter)."""
        with self._lock:
            if self.exists():
                current = self.version()
                raise Conflict(0, current, f"이미 프로젝트가 있어요 (버전 {current}).")
            return self._write(doc, None, 0, by, "프로젝트 만들기")

    def save(self, doc: ProjectDoc, base_version: int, by: str, note: str = "") -> int:
        """Save ``doc``, edited from ``base_version``, as the next version; :class:`Conflict`
        when another save came first, :class:`Invalid` when it does not load (nothing is
        written then)."""
        with self._lock:
            current = self.version()
            if base_version != current:
                raise Conflict(base_version, current)
            base = self.load(current).doc if current else None
            return self._write(doc, base, current, by, note)

    def _write(
        self, doc: ProjectDoc, base: ProjectDoc | None, current: int, by: str, note: str
    ) -> int:
        problems = file_problems(doc) + trust_problems(doc, base, self.exports)
        if problems:
            raise Invalid(problems)
        files = render(doc)
        self.ws.create()
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.ws.history))
        try:
            write_files(staging, files)
            problems = check_files(staging, data_files(doc))
            if problems:
                raise Invalid(problems)
            number = current + 1
            meta = {
                "version": number,
                "base": current,
                "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "by": by,
                "note": note[:200],
                "files": sorted(files),
            }
            (staging / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2))
            try:
                # a version directory is never empty, so renaming onto one that another process
                # made meanwhile fails: two saves can never both become version N
                staging.rename(self.ws.version_dir(number))
            except OSError:
                raise Conflict(current, self.version()) from None
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
        self._mirror(number)
        return number

    def _mirror(self, number: int) -> None:
        """Copy version ``number`` to ``project/`` (each file atomically), removing files an
        earlier version had there that this one does not."""
        source = self.ws.version_dir(number)
        target = self.ws.project
        target.mkdir(parents=True, exist_ok=True)
        names = {p.name for p in source.iterdir() if p.name != META_FILE}
        previous = self.ws.version_dir(number - 1) / META_FILE
        if previous.is_file():
            # only names the studio wrote itself (listed in the previous version's meta)
            for old in json.loads(previous.read_text(encoding="utf-8")).get("files", []):
                if old not in names and (DATA_FILE.match(old) or old in RESERVED):
                    (target / old).unlink(missing_ok=True)
        for name in sorted(names):
            atomic_write_text(target / name, (source / name).read_text(encoding="utf-8"))
