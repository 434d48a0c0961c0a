"""Train & evaluate tab: start training, follow jobs, read runs (report, pictures, comparison),
deploy, and try a trained or the deployed assistant."""

from __future__ import annotations

import dataclasses
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from kodial.serve.deps import AccessDep, CallerDep, ServicesDep
from kodial.serve.errors import ApiError
from kodial.serve.jsonbody import StrictJsonRoute
from kodial.serve.runtime import Services
from kodial.serve.schemas import ChatCompletionRequest, ChatMessage
from kodial.serve.store import Access
from kodial.serve.turns import Piece, prepare, run
from kodial.studio.routes.common import StudioDep
from kodial.studio.services import StudioServices
from kodial.studio.training import REPORT_DIR

router = APIRouter(prefix="/studio/api", tags=["studio"], route_class=StrictJsonRoute)

RUN_FILES = {
    "confusion.png": (REPORT_DIR, "image/png"),
    "report.md": (REPORT_DIR, "text/markdown; charset=utf-8"),
    "f1.png": ("", "image/png"),
    "compare.png": ("", "image/png"),
}
"""Files of a run the console may fetch: name -> (folder in the run, media type)."""


class TrainIn(BaseModel):
    version: int | None = Field(default=None, ge=1)
    """The saved version to train (default: the latest)."""


class DeployIn(BaseModel):
    run: str = Field(pattern=r"^r\d{4,}$")
    confirm: bool = False
    """Deploy even though the run got worse than the version it was compared with."""


class TryIn(BaseModel):
    message: str = Field(min_length=1)
    session_id: str
    session_token: str | None = None
    target: Literal["candidate", "deployed"] = "candidate"
    """``candidate``: the newest trained assistant (not yet deployed); ``deployed``: the one the
    server answers with."""


def _job(studio: StudioServices, job_id: str) -> Any:
    job = studio.jobs.get(job_id)
    if job is None:
        raise ApiError(404, f"작업 {job_id!r}이 없어요.", code="job_not_found")
    return job


@router.post("/train", summary="Train and evaluate a saved version (a background job)")
async def train(body: TrainIn, studio: StudioDep, caller: CallerDep) -> dict[str, Any]:
    job = studio.train(body.version, caller)
    return job.to_dict()


@router.get("/jobs/{job_id}", summary="A job's progress")
async def get_job(
    job_id: str,
    studio: StudioDep,
    _caller: CallerDep,
    since: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    result: dict[str, Any] = _job(studio, job_id).to_dict(since)
    return result


@router.post("/jobs/{job_id}/cancel", summary="Ask a job to stop")
async def cancel_job(job_id: str, studio: StudioDep, _caller: CallerDep) -> dict[str, Any]:
    _job(studio, job_id)
    job = studio.jobs.cancel(job_id)
    assert job is not None
    result: dict[str, Any] = job.to_dict()
    return result


@router.get("/runs", summary="Training runs, newest first")
async def list_runs(studio: StudioDep, _caller: CallerDep) -> dict[str, Any]:
    return {"runs": await run_in_threadpool(studio.runs.list), "deployed": studio.runs.deployed()}


@router.get("/runs/{run_id}", summary="A run with its evaluation report")
async def get_run(
    run_id: Annotated[str, Path(pattern=r"^r\d{4,}$")], studio: StudioDep, _caller: CallerDep
) -> dict[str, Any]:
    found = studio.runs.get(run_id)
    if found is None:
        raise ApiError(404, f"학습 기록 {run_id!r}이 없어요.", code="run_not_found")
    report_file = studio.runs.dir(run_id) / REPORT_DIR / "report.json"
    if report_file.is_file():
        found["report"] = json.loads(report_file.read_text(encoding="utf-8"))
    found["files"] = [
        name
        for name, (folder, _) in RUN_FILES.items()
        if (studio.runs.dir(run_id) / folder / name).is_file()
    ]
    return found


@router.get("/runs/{run_id}/files/{name}", summary="A picture or the Markdown report of a run")
async def run_file(
    run_id: Annotated[str, Path(pattern=r"^r\d{4,}$")],
    name: str,
    studio: StudioDep,
    _caller: CallerDep,
) -> FileResponse:
    if name not in RUN_FILES:
        raise ApiError(404, f"파일 {name!r}이 없어요.", code="file_not_found")
    folder, media = RUN_FILES[name]
    path = studio.runs.dir(run_id) / folder / name
    if not path.is_file():
        raise ApiError(404, f"파일 {name!r}이 없어요.", code="file_not_found")
    return FileResponse(path, media_type=media, headers={"Cache-Control": "no-store"})


@router.post("/deploy", summary="Serve a trained version (hot reload, sessions kept)")
async def deploy(
    body: DeployIn, studio: StudioDep, services: ServicesDep, caller: CallerDep
) -> dict[str, Any]:
    record = await run_in_threadpool(studio.deploy, services, body.run, body.confirm, caller)
    return {"deployed": record, "serving": services.assistant.name}


@router.post("/try", summary="One turn with a trained or the deployed assistant")
async def try_turn(
    body: TryIn,
    studio: StudioDep,
    services: ServicesDep,
    caller: CallerDep,
    access: AccessDep,
) -> dict[str, Any]:
    assistant = services.assistant
    answered_by = "deployed"
    if body.target == "candidate":
        found = studio.candidate()
        if found is not None:
            assistant, answered_by = found[1], found[0]
    # the service's own turn path (history rule, limits, storing the turn with its route), on a
    # view of the services whose assistant is the one being tried
    view = dataclasses.replace(services, assistant=assistant)
    request = ChatCompletionRequest(
        model=assistant.name,
        messages=[ChatMessage(role="user", content=body.message)],
        session_id=body.session_id,
    )
    reach = dataclasses.replace(access, token=body.session_token or access.token)
    final = await run_in_threadpool(_answer, view, caller, request, reach)
    if final.error is not None:
        raise final.error
    assert final.meta is not None
    return {
        "reply": final.reply,
        "answered_by": answered_by,
        "turn": final.meta.turn,
        "route": final.meta.route.model_dump(mode="json"),
    }


def _answer(view: Services, caller: str, request: ChatCompletionRequest, access: Access) -> Piece:
    turn = prepare(view, caller, request, access)
    final = Piece(final=True)
    for piece in run(view, turn, paced=False):
        if piece.final:
            final = piece
    return final
