"""Classifier training runs and the deploy record.

A run trains and evaluates one saved version (:mod:`kodial.studio.training`) into
``runs/rNNNN/``: ``run.json`` (status, summary, the comparison with the previous version), the
report, the pictures and the evaluation classifier. ``deployed.json`` says which run the server
answers with. A deploy of a run that got worse than the version it is compared with is refused
unless confirmed (:class:`Worse`).
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kodial.errors import KodialError
from kodial.studio.workspace import JsonFile, Workspace
from kodial.textio import atomic_write_text

RUN_FILE = "run.json"


class Worse(KodialError):
    """The run is worse than the version it was compared with; deploying needs a confirmation."""

    def __init__(self, run: dict[str, Any]) -> None:
        regressions = (run.get("comparison") or {}).get("regressions", [])
        super().__init__(
            "이전 버전보다 나빠진 지표가 있어 배포하지 않았어요: "
            + "; ".join(regressions)
            + ". 그래도 배포하려면 확인란을 체크해 주세요."
        )
        self.regressions = regressions


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Runs:
    def __init__(self, workspace: Workspace) -> None:
        self.ws = workspace
        self._lock = threading.Lock()
        self._deployed = JsonFile(workspace.deployed_file, None)

    def dir(self, run_id: str) -> Path:
        if not (run_id.startswith("r") and run_id[1:].isdigit()):
            raise KodialError(f"학습 기록 {run_id!r}이 없어요.")
        return self.ws.runs / run_id

    def new(self, version: int, by: str) -> dict[str, Any]:
        """A new run of ``version``, status ``running``."""
        self.ws.create()
        with self._lock:
            numbers = [int(p.name[1:]) for p in self.ws.runs.iterdir() if p.name[1:].isdigit()]
            number = max(numbers, default=0) + 1
            while True:
                try:
                    (self.ws.runs / f"r{number:04d}").mkdir()  # atomic: one run per number
                    break
                except FileExistsError:
                    number += 1
            run = {
                "id": f"r{number:04d}",
                "version": version,
                "status": "running",
                "created_at": now_iso(),
                "by": by,
            }
            self._write(run)
        return run

    def _write(self, run: dict[str, Any]) -> None:
        atomic_write_text(
            self.dir(run["id"]) / RUN_FILE, json.dumps(run, ensure_ascii=False, indent=2)
        )

    def update(self, run_id: str, **fields: Any) -> dict[str, Any]:
        with self._lock:
            run = self.get(run_id)
            if run is None:
                raise KodialError(f"학습 기록 {run_id!r}이 없어요.")
            run.update(fields)
            self._write(run)
            return run

    def get(self, run_id: str) -> dict[str, Any] | None:
        path = self.dir(run_id) / RUN_FILE
        if not path.is_file():
            return None
        run: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return run

    def list(self) -> list[dict[str, Any]]:
        """Every run, newest first."""
        if not self.ws.runs.is_dir():
            return []
        ids = sorted((p.name for p in self.ws.runs.iterdir() if p.name[1:].isdigit()), reverse=True)
        return [r for r in (self.get(i) for i in ids) if r is not None]

    # -- deploys -------------------------------------------------------------------------------
    def deployed(self) -> dict[str, Any] | None:
        record: dict[str, Any] | None = self._deployed.read()
        return record

    def record_deploy(self, run: dict[str, Any], by: str, confirmed: bool) -> dict[str, Any]:
        record = {
            "run": run["id"],
            "version": run["version"],
            "deployed_at": now_iso(),
            "by": by,
            "confirmed_worse": confirmed and bool((run.get("comparison") or {}).get("worse")),
        }
        with self._deployed.lock:
            self._deployed.write(record)
        return record

    def baseline(self, exclude: str) -> dict[str, Any] | None:
        """What a new run is compared with: the deployed run, else the latest finished run
        before it."""
        deployed = self.deployed()
        if deployed and deployed.get("run") != exclude:
            run = self.get(deployed["run"])
            if run is not None and run.get("status") == "done":
                return run
        for run in self.list():
            if run["id"] < exclude and run.get("status") == "done":
                return run
        return None

    def check_deployable(self, run_id: str, confirm: bool) -> dict[str, Any]:
        """The run, if it may be deployed now: finished, and not worse unless ``confirm``."""
        run = self.get(run_id)
        if run is None:
            raise KodialError(f"학습 기록 {run_id!r}이 없어요.")
        if run.get("status") != "done":
            raise KodialError("학습이 끝난 버전만 배포할 수 있어요.")
        if (run.get("comparison") or {}).get("worse") and not confirm:
            raise Worse(run)
        return run
