"""Liveness and readiness probes (no API key needed, never rate limited).

Both are ``async``: they need no worker thread, so they answer even when every thread is busy
(turns waiting on a locked store, say). ``/readyz`` checks that the session store could take a
write within ``PROBE_TIMEOUT_S`` (and, for replicas, that Redis answers) and answers 503 with
``Retry-After`` otherwise.
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from kodial.serve.deps import ServicesDep
from kodial.serve.errors import STORE_RETRY_AFTER_S
from kodial.serve.schemas import Health, Ready

router = APIRouter(tags=["health"])

PROBE_TIMEOUT_S = 1.0
"""How long ``/readyz`` waits for the store's write lock."""


@router.get("/healthz", response_model=Health, summary="The process is up")
async def healthz() -> Health:
    return Health()


@router.get(
    "/readyz",
    response_model=Ready,
    summary="The assistant is loaded and the session store answers",
    responses={503: {"model": Ready, "description": "Not ready"}},
)
async def readyz(services: ServicesDep) -> Ready | JSONResponse:
    try:
        # The outer timeout also covers waiting for a free worker thread.
        await asyncio.wait_for(
            run_in_threadpool(services.store.ping, PROBE_TIMEOUT_S), PROBE_TIMEOUT_S + 1.0
        )
        db_ok = True
    except Exception:  # locked, unreachable, timed out: not ready, whatever the reason
        db_ok = False
    redis_ok = None
    if services.redis is not None:
        try:
            await asyncio.wait_for(run_in_threadpool(services.redis.ping), PROBE_TIMEOUT_S + 1.0)
            redis_ok = True
        except Exception:  # down or slow: rate limits and turn locks would fail
            redis_ok = False
    ok = db_ok and redis_ok is not False
    ready = Ready(
        status="ready" if ok else "not_ready",
        assistant=services.assistant.name,
        database=db_ok,
        redis=redis_ok,
    )
    if not ok:
        return JSONResponse(
            ready.model_dump(),
            status_code=503,
            headers={"Retry-After": str(STORE_RETRY_AFTER_S)},
        )
    return ready
