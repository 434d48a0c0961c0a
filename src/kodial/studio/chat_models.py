"""Everything the studio asks of :mod:`kodial.chat`, in one module: chat-model training with a
live loss curve, evaluation, export, and pointing the assistant's small talk at the export.

Choices come from fixed lists, never from a path typed in a browser: recipes are kodial's
bundled supervised recipes, data is the bundled sample dialogues or the project's own chit-chat
lines, and base models are the tiny test model the studio builds, the operator's
``chat_base_models`` setting, or the studio's own exports. Runs live in ``chat/runs/cNNNN``
(kodial.chat run directories plus ``studio-run.json``), exports in ``chat/exports/cNNNN``.
"""

from __future__ import annotations

import json
import math
import shutil
import threading
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kodial.errors import KodialError
from kodial.studio.document import ProjectDoc
from kodial.studio.jobs import Cancelled, Job
from kodial.studio.workspace import Workspace
from kodial.textio import atomic_write_text, read_yaml

if TYPE_CHECKING:
    from transformers import TrainerCallback

STUDIO_RUN = "studio-run.json"
TINY = "tiny"
TUNABLE = ("epochs", "max_steps", "learning_rate", "batch_size")
"""Recipe keys the form may override; the recipe's own validation checks their values."""


def _resource(*parts: str) -> Path:
    return Path(str(resources.files("kodial").joinpath("resources", *parts)))


def recipes() -> list[dict[str, Any]]:
    """kodial's bundled supervised recipes: name, method, and the first comment line."""
    out = []
    for path in sorted(_resource("recipes").glob("*.yaml")):
        raw = read_yaml(path)
        if not isinstance(raw, dict) or raw.get("stage", "sft") != "sft":
            continue
        first = next(
            (
                line.lstrip("# ").strip()
                for line in path.read_text(encoding="utf-8").splitlines()
                if line.startswith("#")
            ),
            "",
        )
        out.append(
            {
                "name": path.stem,
                "method": raw.get("method", "lora"),
                "description": first,
                "epochs": raw.get("epochs"),
                "max_steps": raw.get("max_steps", -1),
                "learning_rate": raw.get("learning_rate"),
                "batch_size": raw.get("batch_size"),
            }
        )
    return out


class ChatModels:
    """The chat-model side of a workspace."""

    def __init__(self, workspace: Workspace, base_models: list[str]) -> None:
        self.ws = workspace
        self.configured = list(base_models)
        self._lock = threading.Lock()

    @property
    def runs_dir(self) -> Path:
        return self.ws.chat / "runs"

    @property
    def exports_dir(self) -> Path:
        return self.ws.chat / "exports"

    @property
    def tiny_dir(self) -> Path:
        return self.ws.chat / "base" / TINY

    # -- choices ---------------------------------------------------------------------------------
    def datasets(self, doc: ProjectDoc | None) -> list[dict[str, Any]]:
        pairs = self._pairs(doc)
        found = [
            {
                "key": "sample",
                "name": "예시 대화: 카페 사장님 하루 (kodial 기본 데이터)",
                "count": sum(
                    1 for _ in _resource("chat", "dialogues.jsonl").open(encoding="utf-8")
                ),
            }
        ]
        if pairs:
            found.append({"key": "chitchat", "name": "프로젝트의 잡담 문장", "count": len(pairs)})
        return found

    def base_models(self) -> list[dict[str, Any]]:
        found = []
        if (self.tiny_dir / "config.json").is_file():
            found.append({"key": TINY, "name": "작은 테스트 모델 (스튜디오에서 만듦)"})
        for i, name in enumerate(self.configured):
            found.append({"key": f"configured:{i}", "name": name})
        for run in self.list_runs():
            if run.get("export"):
                found.append({"key": f"export:{run['id']}", "name": f"내보낸 모델 {run['id']}"})
        return found

    def _base_path(self, key: str) -> str:
        if key == TINY and (self.tiny_dir / "config.json").is_file():
            return str(self.tiny_dir)
        if key.startswith("configured:") and key[11:].isdigit():
            index = int(key[11:])
            if index < len(self.configured):
                return self.configured[index]
        if key.startswith("export:"):
            run = self.get_run(key[7:])
            if run is not None and run.get("export"):
                return str(run["export"])
        raise KodialError("고른 기본 모델이 없어요. 목록을 새로고침해 주세요.")

    @staticmethod
    def _pairs(doc: ProjectDoc | None) -> list[dict[str, str]]:
        if doc is None:
            return []
        pairs = []
        for handler in (doc.assistant.get("handlers") or {}).values():
            if isinstance(handler, dict) and handler.get("type") == "chitchat":
                for pair in doc.files.get(str(handler.get("data")), None) or []:
                    if isinstance(pair, dict) and pair.get("user") and pair.get("reply"):
                        pairs.append({"user": str(pair["user"]), "reply": str(pair["reply"])})
        return pairs

    def _data_path(self, key: str, doc: ProjectDoc | None, version: int) -> Path:
        if key == "sample":
            return _resource("chat", "dialogues.jsonl")
        if key == "chitchat":
            pairs = self._pairs(doc)
            if not pairs:
                raise KodialError("프로젝트에 잡담 문장이 없어요.")
            path = self.ws.chat / "data" / f"chitchat-v{version:04d}.jsonl"
            lines = [
                json.dumps(
                    {
                        "messages": [
                            {"role": "user", "content": p["user"]},
                            {"role": "assistant", "content": p["reply"]},
                        ]
                    },
                    ensure_ascii=False,
                )
                for p in pairs
            ]
            atomic_write_text(path, "\n".join(lines) + "\n")
            return path
        raise KodialError("고른 학습 데이터가 없어요. 목록을 새로고침해 주세요.")

    # -- runs ------------------------------------------------------------------------------------
    def list_runs(self) -> list[dict[str, Any]]:
        if not self.runs_dir.is_dir():
            return []
        ids = sorted(
            (p.name for p in self.runs_dir.iterdir() if p.name[1:].isdigit()), reverse=True
        )
        return [r for r in (self.get_run(i) for i in ids) if r is not None]

    def get_run(self, run_id: str) -> dict[str, Any] | None:
        if not (run_id.startswith("c") and run_id[1:].isdigit()):
            return None
        path = self.runs_dir / run_id / STUDIO_RUN
        if not path.is_file():
            return None
        run: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return run

    def _save_run(self, run: dict[str, Any]) -> None:
        with self._lock:
            atomic_write_text(
                self.runs_dir / run["id"] / STUDIO_RUN,
                json.dumps(run, ensure_ascii=False, indent=2),
            )

    def _new_run_dir(self) -> Path:
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        with self._lock:
            numbers = [int(p.name[1:]) for p in self.runs_dir.iterdir() if p.name[1:].isdigit()]
            number = max(numbers, default=0) + 1
            while True:
                path = self.runs_dir / f"c{number:04d}"
                try:
                    path.mkdir()
                    return path
                except FileExistsError:
                    number += 1

    # -- work (run in jobs) ------------------------------------------------------------------------
    def build_tiny(self, job: Job) -> dict[str, Any]:
        """The tiny random Llama of ``kodial chat tiny-model``: a base to try the loop on."""
        from kodial.testing.causal_lm import build_tiny_llama

        job.step("작은 테스트 모델을 만드는 중", 0.1)
        staging = self.tiny_dir.with_name(f".{TINY}.tmp")
        shutil.rmtree(staging, ignore_errors=True)
        build_tiny_llama(staging)
        if self.tiny_dir.exists():
            shutil.rmtree(self.tiny_dir)
        staging.rename(self.tiny_dir)
        return {"base": TINY}

    def choose(
        self,
        recipe: str,
        data: str,
        base: str,
        overrides: dict[str, Any],
        doc: ProjectDoc | None,
        version: int,
    ) -> tuple[Path, str, Path]:
        """The recipe file, base model and data file of a training request, each picked from
        its list (:class:`KodialError` for anything else), before any job starts."""
        names = {r["name"] for r in recipes()}
        if recipe not in names:
            raise KodialError(f"알 수 없는 레시피예요: {recipe!r}", hint=", ".join(sorted(names)))
        unknown = sorted(set(overrides) - set(TUNABLE))
        if unknown:
            raise KodialError(
                f"바꿀 수 없는 설정이에요: {', '.join(unknown)}", hint=", ".join(TUNABLE)
            )
        data_path = self._data_path(data, doc, version)
        return _resource("recipes", f"{recipe}.yaml"), self._base_path(base), data_path

    def train(
        self,
        job: Job,
        recipe: str,
        chosen: tuple[Path, str, Path],
        overrides: dict[str, Any],
        persona: Path | None,
    ) -> dict[str, Any]:
        """Train the ``chosen`` recipe, base and data (:meth:`choose`), drawing the loss into
        the job as it is logged."""
        from kodial.chat.recipe import load_recipe
        from kodial.chat.train import train

        recipe_file, model, data_path = chosen
        job.step("레시피 확인 중", 0.02)
        run_dir = self._new_run_dir()
        sets = [
            f"model={json.dumps(model)}",
            f"data={json.dumps(str(data_path))}",
            f"output_dir={json.dumps(str(run_dir / 'model'))}",
            "logging_steps=1",
            "save_steps=1000000",
            "report_to=[none]",
            *(f"{k}={json.dumps(v)}" for k, v in overrides.items() if v not in (None, "")),
        ]
        if persona is not None:
            sets.append(f"persona={json.dumps(str(persona))}")
        run: dict[str, Any] = {
            "id": run_dir.name,
            "status": "running",
            "recipe": recipe,
            "data": data_path.name,
            "base": model if not Path(model).is_absolute() else Path(model).name,
            "overrides": overrides,
            "points": [],
        }
        self._save_run(run)
        try:
            loaded = load_recipe(recipe_file, sets)
            job.step("모델과 데이터를 불러오는 중", 0.05)
            result = train(loaded, callbacks=[live_loss(job)])
        except BaseException as exc:
            run["status"] = "cancelled" if isinstance(exc, Cancelled) else "failed"
            run["points"] = [list(p) for p in job.points]
            self._save_run(run)
            raise
        if job.cancel_requested:
            run["status"] = "cancelled"
            self._save_run(run)
            raise Cancelled()
        run.update(
            status="done",
            model=str(result.final_dir),
            metrics={
                k: result.metrics.get(k)
                for k in ("global_step", "train_loss", "first_logged_loss", "last_logged_loss")
            },
            points=[list(p) for p in job.points],
        )
        self._save_run(run)
        return {"run": run["id"], "metrics": run["metrics"]}

    def evaluate(self, job: Job, run_id: str) -> dict[str, Any]:
        """Perplexity, chrF/BLEU and the end-of-turn rate on the run's held-out dialogues."""
        from kodial.chat.evaluate import evaluate, write_report
        from kodial.chat.rundir import heldout_file

        run = self._done_run(run_id)
        model_dir = Path(run["model"]).parent
        try:
            heldout = heldout_file(model_dir)
        except KodialError:
            raise KodialError(
                "평가용으로 따로 둔 대화가 없어요: 대화가 더 많은 데이터로 학습해 주세요."
            ) from None
        job.step("평가 중 (답변 생성)", 0.2)
        report = evaluate(run["model"], heldout, max_new_tokens=48, max_generations=8)
        write_report(report, model_dir / "eval")
        # NaN (no generation to score) is not JSON: shown as "-" in the console
        metrics = {
            k: None if isinstance(v, float) and not math.isfinite(v) else v
            for k, v in report.metrics().items()
        }
        run["eval"] = {
            "metrics": metrics,
            "samples": [
                {"reference": s.reference, "generated": s.generated, "ended": s.ended_on_eot}
                for s in report.samples[:5]
            ],
        }
        self._save_run(run)
        return {"run": run_id, "eval": run["eval"]}

    def export(self, job: Job, run_id: str) -> dict[str, Any]:
        """Merged weights, chat template, stop tokens and model card in ``chat/exports/<run>``."""
        from kodial.chat.export import export

        run = self._done_run(run_id)
        job.step("내보내는 중", 0.2)
        metrics = Path(run["model"]).parent / "eval" / "eval_metrics.json"
        out = export(
            run["model"],
            self.exports_dir / run_id,
            eval_metrics=metrics if metrics.is_file() else None,
        )
        run["export"] = str(out.resolve())
        self._save_run(run)
        return {"run": run_id, "export": run["export"]}

    def _done_run(self, run_id: str) -> dict[str, Any]:
        run = self.get_run(run_id)
        if run is None or run.get("status") != "done":
            raise KodialError("학습이 끝난 모델만 평가하거나 내보낼 수 있어요.")
        return run


def live_loss(job: Job) -> TrainerCallback:
    """A callback that puts each logged loss on the job's curve, reports the step, and stops the
    training when the job is cancelled (at the end of a step: checkpoints stay whole)."""
    from transformers import TrainerCallback

    class LiveLoss(TrainerCallback):
        def on_log(self, args: Any, state: Any, control: Any, logs: Any = None, **kw: Any) -> None:
            for key, series in (("loss", "train"), ("eval_loss", "eval")):
                if logs and key in logs:
                    job.add_point(float(state.global_step), float(logs[key]), series)

        def on_step_end(self, args: Any, state: Any, control: Any, **kw: Any) -> None:
            total = state.max_steps or 1
            job.report(
                f"학습 중 ({state.global_step}/{total} 스텝)",
                0.05 + 0.9 * state.global_step / total,
            )
            if job.cancel_requested:
                control.should_training_stop = True

    return LiveLoss()


def use_for_chitchat(doc: ProjectDoc, handler: str, model: str) -> str:
    """Point the chit-chat handler ``handler`` at an exported model (``transformers`` backend);
    its written lines stay, for switching back. Returns a Korean note."""
    handlers = doc.assistant.get("handlers") or {}
    config = handlers.get(handler)
    if not isinstance(config, dict) or config.get("type") != "chitchat":
        raise KodialError(f"{handler!r}은(는) 잡담 인텐트가 아니에요.")
    config["backend"] = "transformers"
    config["model"] = model
    return f"{handler} 잡담이 이제 내보낸 모델로 답해요."
