"""What one running studio holds: the workspace, the project and its versions, training runs,
background jobs, the candidate assistants built by training, review marks and chat models.
Built once by :func:`kodial.studio.app.create_studio_app` and kept on ``app.state.studio``."""

from __future__ import annotations

import logging
import shutil
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kodial.errors import KodialError
from kodial.serve.runtime import AssistantLike, Services
from kodial.studio import charts, review, training
from kodial.studio.chat_models import ChatModels, use_for_chitchat
from kodial.studio.document import PERSONA_FILE, ProjectDoc, bundled_example, starter
from kodial.studio.jobs import Job, Jobs, user_message
from kodial.studio.project import Conflict, Project
from kodial.studio.runs import Runs
from kodial.studio.settings import StudioSettings
from kodial.studio.workspace import JsonFile, Workspace

log = logging.getLogger("kodial.studio")

CANDIDATES_KEPT = 2
"""Assistants built by training kept in memory for a quick deploy (older ones are rebuilt from
their saved version when deployed)."""

SOURCES = {"example": bundled_example, "starter": starter}
"""What a new project starts from."""


class StudioServices:
    def __init__(self, settings: StudioSettings) -> None:
        self.settings = settings
        self.ws = Workspace(Path(settings.workspace)).create()
        self.chat = ChatModels(self.ws, settings.chat_base_models)
        self.project = Project(self.ws, exports=self.chat.exports_dir)
        self.runs = Runs(self.ws)
        self.jobs = Jobs()
        self.handled = JsonFile(self.ws.review_file, {})
        self._candidates: dict[str, AssistantLike] = {}
        self._lock = threading.Lock()
        self._deploy_lock = threading.Lock()

    def close(self) -> None:
        self.jobs.close()

    # -- start-up ------------------------------------------------------------------------------
    def deployed_assistant(self) -> AssistantLike | None:
        """The assistant of the deployed run, rebuilt from its saved version; None when nothing
        was deployed from this workspace yet (the server then answers with the bundled
        example, or the ``config`` setting)."""
        record = self.runs.deployed()
        if not record:
            return None
        return training.build_assistant(self.project.config_path(int(record["version"])))

    # -- project -------------------------------------------------------------------------------
    def create_project(self, source: str, by: str) -> int:
        if source not in SOURCES:
            raise KodialError(f"알 수 없는 시작 방법이에요: {source!r}", hint=", ".join(SOURCES))
        return self.project.create(SOURCES[source](), by)

    # -- training and deploys ------------------------------------------------------------------
    def train(self, version: int | None, by: str) -> Job:
        """Queue training and evaluation of ``version`` (default: the latest)."""
        number = version if version is not None else self.project.version()
        config = self.project.config_path(number)  # refuses a version that does not exist
        return self.jobs.submit(
            "train",
            "assistant",
            f"버전 {number} 학습",
            lambda job: self._train(job, number, config, by),
        )

    def _train(self, job: Job, version: int, config: Path, by: str) -> dict[str, Any]:
        run = self.runs.new(version, by)
        run_dir = self.runs.dir(run["id"])
        job.result = {"run": run["id"]}
        try:
            report = training.evaluate_version(config, run_dir, job.step)
            charts.f1_bars(report, run_dir / "f1.png")
            job.step("배포할 비서를 만드는 중 (전체 예문으로 학습)", 0.6)
            assistant = training.build_assistant(config)
            comparison = None
            baseline = self.runs.baseline(run["id"])
            if baseline is not None:
                job.step(f"이전 버전(학습 {baseline['id']})과 비교하는 중", 0.85)
                comparison = training.compare_versions(
                    self.runs.dir(baseline["id"]), run_dir, config
                )
                comparison["against"] = {"run": baseline["id"], "version": baseline["version"]}
                if comparison.get("comparable"):
                    charts.comparison_bars(comparison, run_dir / "compare.png")
        except BaseException:
            self.runs.update(run["id"], status="failed")
            raise
        with self._lock:
            self._candidates[run["id"]] = assistant
            for old in sorted(self._candidates)[:-CANDIDATES_KEPT]:
                del self._candidates[old]
        summary = {
            "metrics": report["metrics"],
            "fallback": report["fallback"],
            "assistant_rules": report["assistant_rules"],
            "split": report["split"],
        }
        self.runs.update(
            run["id"],
            status="done",
            finished_at=datetime.now(UTC).isoformat(timespec="seconds"),
            summary=summary,
            comparison=comparison,
        )
        return {"run": run["id"], "version": version}

    def candidate(self, run_id: str | None = None) -> tuple[str, AssistantLike] | None:
        """A trained, not necessarily deployed, assistant: ``run_id``'s or the newest."""
        with self._lock:
            if run_id is None:
                if not self._candidates:
                    return None
                run_id = max(self._candidates)
            found = self._candidates.get(run_id)
        return (run_id, found) if found is not None else None

    def deploy(self, services: Services, run_id: str, confirm: bool, by: str) -> dict[str, Any]:
        """Swap the run's assistant into the running server (sessions stay); refused while the
        run is worse than its baseline unless ``confirm``. The server keeps answering with the
        assistant it has until the new one is ready, and keeps it if building fails."""
        with self._deploy_lock:
            run = self.runs.check_deployable(run_id, confirm)
            found = self.candidate(run_id)
            if found is not None:
                assistant = found[1]
            else:
                try:
                    assistant = training.build_assistant(
                        self.project.config_path(int(run["version"]))
                    )
                except KodialError as exc:
                    raise KodialError(
                        "이 버전으로 비서를 만들지 못해 배포하지 않았어요: " + user_message(exc)
                    ) from None
            services.swap_assistant(assistant)
            record = self.runs.record_deploy(run, by, confirm)
            self._mirror_deployed(int(run["version"]))
        log.info("deployed run %s (version %s) by %s", run_id, run["version"], by)
        return record

    def _mirror_deployed(self, version: int) -> None:
        """Copy the deployed version's files to ``deployed/``, so that ``kodial serve --config
        <workspace>/deployed/assistant.yaml`` elsewhere serves exactly what the studio serves
        (``project/`` holds the latest saved version, deployed or not)."""
        target = self.ws.root / "deployed"
        staging = self.ws.root / ".deployed.tmp"
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(self.ws.version_dir(version), staging)
        (staging / "meta.json").unlink(missing_ok=True)
        old = self.ws.root / ".deployed.old"
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            target.rename(old)
        staging.rename(target)
        shutil.rmtree(old, ignore_errors=True)

    # -- review --------------------------------------------------------------------------------
    def review(
        self, services: Services, kind: str | None, include_handled: bool
    ) -> list[dict[str, Any]]:
        return review.scan(
            services.store,
            self.settings.review_margin,
            self.settings.review_scan_turns,
            self.handled.read(),
            kind,
            include_handled,
        )

    def relabel(self, item: dict[str, Any], by: str, **choice: Any) -> dict[str, Any]:
        """Add a reviewed turn's message to the training data of the latest version (a new
        version); the turn is marked handled."""
        for _ in range(3):  # another save in between: apply to the newer version
            current = self.project.load()
            doc = current.doc.model_copy(deep=True)
            note = review.relabel(doc, item["user"], **choice)
            try:
                version = self.project.save(doc, current.version, by, f"검토: {note}")
            except Conflict:
                continue
            self.mark(
                item["key"], {"action": choice.get("action"), "version": version, "note": note}
            )
            return {"version": version, "note": note}
        raise KodialError("다른 저장과 계속 겹쳐서 추가하지 못했어요. 잠시 뒤 다시 시도해 주세요.")

    def mark(self, key: str, what: dict[str, Any]) -> None:
        with self.handled.lock:
            handled = self.handled.read()
            handled[key] = {**what, "at": datetime.now(UTC).isoformat(timespec="seconds")}
            self.handled.write(handled)

    # -- chat models ---------------------------------------------------------------------------
    def latest_doc(self) -> tuple[int, ProjectDoc | None]:
        if not self.project.exists():
            return 0, None
        current = self.project.load()
        return current.version, current.doc

    def train_chat(self, recipe: str, data: str, base: str, overrides: dict[str, Any]) -> Job:
        version, doc = self.latest_doc()
        persona = self.ws.version_dir(version) / PERSONA_FILE if version else None
        if persona is not None and not persona.is_file():
            persona = None
        chosen = self.chat.choose(recipe, data, base, overrides, doc, version)
        return self.jobs.submit(
            "chat-train",
            "chat",
            f"채팅 모델 학습 ({recipe})",
            lambda job: self.chat.train(job, recipe, chosen, overrides, persona),
        )

    def use_chat_model(self, run_id: str, handler: str, by: str) -> dict[str, Any]:
        run = self.chat.get_run(run_id)
        if run is None or not run.get("export"):
            raise KodialError("먼저 모델을 내보내 주세요.")
        current = self.project.load()
        doc = current.doc.model_copy(deep=True)
        note = use_for_chitchat(doc, handler, str(run["export"]))
        version = self.project.save(doc, current.version, by, f"채팅 모델: {note}")
        return {"version": version, "note": note}
