"""Chat models tab: choices, background training with a live loss curve, evaluation, export,
and switching the assistant's small talk to an exported model."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from kodial.serve.deps import CallerDep
from kodial.serve.errors import ApiError
from kodial.serve.jsonbody import StrictJsonRoute
from kodial.studio.chat_models import recipes
from kodial.studio.routes.common import StudioDep

router = APIRouter(prefix="/studio/api/chat", tags=["studio"], route_class=StrictJsonRoute)

RunId = Annotated[str, Path(pattern=r"^c\d{4,}$")]


class BaseIn(BaseModel):
    kind: Literal["tiny"] = "tiny"


class ChatTrainIn(BaseModel):
    recipe: str = Field(max_length=60)
    data: str = Field(max_length=60)
    base: str = Field(max_length=60)
    overrides: dict[str, float | int | None] = Field(default_factory=dict)
    """``epochs``, ``max_steps``, ``learning_rate``, ``batch_size``."""


class UseIn(BaseModel):
    handler: str = Field(max_length=100)
    """The chit-chat intent whose replies the model takes over."""


@router.get("", summary="Recipes, data, base models, runs and chit-chat intents")
async def overview(studio: StudioDep, _caller: CallerDep) -> dict[str, Any]:
    version, doc = await run_in_threadpool(studio.latest_doc)
    handlers = (doc.assistant.get("handlers") or {}) if doc is not None else {}
    return {
        "recipes": recipes(),
        "datasets": studio.chat.datasets(doc),
        "base_models": studio.chat.base_models(),
        "runs": studio.chat.list_runs(),
        "chitchat_handlers": [
            {"name": name, "backend": h.get("backend", "retrieval"), "model": h.get("model")}
            for name, h in handlers.items()
            if isinstance(h, dict) and h.get("type") == "chitchat"
        ],
        "version": version,
        "jobs": [j.to_dict() for j in studio.jobs.active() if j.lane == "chat"],
    }


@router.post("/base", summary="Build the tiny test base model (a background job)")
async def build_base(body: BaseIn, studio: StudioDep, _caller: CallerDep) -> dict[str, Any]:
    job = studio.jobs.submit("chat-base", "chat", "작은 테스트 모델 만들기", studio.chat.build_tiny)
    return job.to_dict()


@router.post("/train", summary="Train a chat model (a background job with a live loss curve)")
async def train(body: ChatTrainIn, studio: StudioDep, _caller: CallerDep) -> dict[str, Any]:
    job = studio.train_chat(body.recipe, body.data, body.base, dict(body.overrides))
    return job.to_dict()


def _run_job(
    studio: Any, run_id: str, kind: str, title: str, work: Callable[[Any, str], Any]
) -> dict[str, Any]:
    """Submit ``work(job, run_id)`` as a background job on an existing run (404
    ``run_not_found`` otherwise)."""
    if studio.chat.get_run(run_id) is None:
        raise ApiError(404, f"채팅 모델 학습 {run_id!r}이 없어요.", code="run_not_found")
    job = studio.jobs.submit(kind, "chat", f"{run_id} {title}", lambda job: work(job, run_id))
    return dict(job.to_dict())


@router.post("/runs/{run_id}/eval", summary="Evaluate a trained chat model (a background job)")
async def evaluate(run_id: RunId, studio: StudioDep, _caller: CallerDep) -> dict[str, Any]:
    return _run_job(studio, run_id, "chat-eval", "평가", studio.chat.evaluate)


@router.post("/runs/{run_id}/export", summary="Export a trained chat model (a background job)")
async def export(run_id: RunId, studio: StudioDep, _caller: CallerDep) -> dict[str, Any]:
    return _run_job(studio, run_id, "chat-export", "내보내기", studio.chat.export)


@router.post("/runs/{run_id}/use", summary="Let a chit-chat intent answer with the exported model")
async def use(run_id: RunId, body: UseIn, studio: StudioDep, caller: CallerDep) -> dict[str, Any]:
    return await run_in_threadpool(studio.use_chat_model, run_id, body.handler, caller)
