"""``GET /metrics``: the Prometheus metrics of :mod:`kodial.serve.metrics` (all workers' under
``--workers``). It needs an API key when the server has keys, like the API: the counts tell
who uses what (Prometheus sends one with ``authorization: {credentials: ...}``)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from kodial.serve import metrics
from kodial.serve.deps import CallerDep

router = APIRouter(tags=["health"])


@router.get(
    "/metrics",
    summary="Prometheus metrics (text exposition format)",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "The metrics"}},
)
async def prometheus_metrics(_caller: CallerDep) -> Response:
    body, content_type = await run_in_threadpool(metrics.exposition)
    return Response(body, media_type=content_type)
