"""Liveness and readiness probes (no API key needed, never rate limited)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from kodial.serve.deps import ServicesDep
from kodial.serve.schemas import Health, Ready

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="The process is up")
def healthz() -> Health:
    return Health()


@router.get(
    "/readyz",
    response_model=Ready,
    summary="The assistant is loaded and the session store answers",
    responses={503: {"model": Ready, "description": "Not ready"}},
)
def readyz(services: ServicesDep) -> Ready | JSONResponse:
    try:
        services.store.ping()
        db_ok = True
    except Exception:
        db_ok = False
    ready = Ready(
        status="ready" if db_ok else "not_ready", assistant=services.assistant.name, database=db_ok
    )
    if not db_ok:
        return JSONResponse(ready.model_dump(), status_code=503)
    return ready
