"""Project tab: create a project, read and save versions (with a concurrency check), live
validation, history and diffs."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from kodial.errors import KodialError
from kodial.serve.deps import CallerDep, ServicesDep
from kodial.serve.jsonbody import StrictJsonRoute
from kodial.studio.document import ProjectDoc
from kodial.studio.routes.common import StudioDep

router = APIRouter(prefix="/studio/api", tags=["studio"], route_class=StrictJsonRoute)


class CreateIn(BaseModel):
    source: Literal["example", "starter"] = "example"
    """``example``: kodial's bundled example assistant; ``starter``: a small empty-ish one."""


class SaveIn(BaseModel):
    doc: ProjectDoc
    base_version: int = Field(ge=0)
    """The version the edit started from; a save on top of a newer one is refused (409)."""
    note: str = Field(default="", max_length=200)


class CheckIn(BaseModel):
    doc: ProjectDoc
    base_version: int | None = None


@router.get("/info", summary="The studio's state")
async def info(studio: StudioDep, services: ServicesDep, _caller: CallerDep) -> dict[str, Any]:
    candidate = studio.candidate()
    return {
        "auth_required": services.keys.enabled,
        "has_project": studio.project.exists(),
        "version": studio.project.version(),
        "serving": services.assistant.name,
        "deployed": studio.runs.deployed(),
        "candidate": candidate[0] if candidate else None,
        "jobs": [j.to_dict() for j in studio.jobs.active()],
    }


@router.post("/project", summary="Create the project (version 1)", status_code=201)
async def create_project(body: CreateIn, studio: StudioDep, caller: CallerDep) -> dict[str, Any]:
    version = await run_in_threadpool(studio.create_project, body.source, caller)
    return {"version": version}


@router.get("/project", summary="A saved version of the project (default: the latest)")
async def get_project(
    studio: StudioDep,
    _caller: CallerDep,
    version: Annotated[int | None, Query(ge=1)] = None,
) -> JSONResponse:
    found = await run_in_threadpool(studio.project.load, version)
    return JSONResponse(
        {"version": found.version, "meta": found.meta, "doc": found.doc.model_dump()},
        headers={"ETag": f'"v{found.version}"'},
    )


@router.post("/project/check", summary="Validate a document with the service's loaders")
async def check_project(body: CheckIn, studio: StudioDep, _caller: CallerDep) -> dict[str, Any]:
    base = None
    if body.base_version and studio.project.exists():
        try:
            base = (await run_in_threadpool(studio.project.load, body.base_version)).doc
        except KodialError:
            base = None
    problems = await run_in_threadpool(studio.project.check, body.doc, base)
    return {"ok": not problems, "problems": [p.to_dict() for p in problems]}


@router.put("/project", summary="Save a new version")
async def save_project(body: SaveIn, studio: StudioDep, caller: CallerDep) -> dict[str, Any]:
    version = await run_in_threadpool(
        studio.project.save, body.doc, body.base_version, caller, body.note
    )
    return {"version": version}


@router.get("/project/versions", summary="Every saved version, newest first")
async def versions(studio: StudioDep, _caller: CallerDep) -> dict[str, Any]:
    return {"versions": await run_in_threadpool(studio.project.versions)}


@router.get("/project/diff", summary="What changed between two versions")
async def diff(
    studio: StudioDep,
    _caller: CallerDep,
    a: Annotated[int, Query(ge=1)],
    b: Annotated[int, Query(ge=1)],
) -> dict[str, Any]:
    files = await run_in_threadpool(studio.project.diff, a, b)
    return {"a": a, "b": b, "files": files}
