"""``POST /v1/classify``: the assistant's query understanding on its own: ranked labels,
scores, the fallback decision and the explanation, for one text or a batch."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from kodial.serve.deps import CallerDep, ServicesDep
from kodial.serve.errors import ApiError
from kodial.serve.jsonbody import StrictJsonRoute
from kodial.serve.schemas import ClassifyRequest, ClassifyResponse, ClassifyResult, LabelScoreOut
from kodial.serve.turns import require_model

router = APIRouter(prefix="/v1", tags=["classify"], route_class=StrictJsonRoute)


@router.post("/classify", response_model=ClassifyResponse, summary="Classify texts")
async def classify(
    body: ClassifyRequest, services: ServicesDep, _caller: CallerDep
) -> ClassifyResponse:
    s = services.settings
    if body.model is not None:
        require_model(services, body.model)
    if body.labels is not None:
        raise ApiError(
            400,
            "labels is not supported: /v1/classify ranks the assistant's own labels "
            "(its intents, listed by GET /v1/assistant); use top_k to shorten the ranking",
            code="unsupported_parameter",
            param="labels",
        )
    texts = [body.input] if isinstance(body.input, str) else list(body.input)
    if not texts:
        raise ApiError(400, "input is empty", param="input")
    if len(texts) > s.max_batch:
        raise ApiError(400, f"too many texts: {len(texts)}, at most {s.max_batch}", param="input")
    for i, t in enumerate(texts):
        if not t.strip():
            raise ApiError(400, f"input {i} is empty", param="input")
        if len(t) > s.max_message_chars:
            raise ApiError(
                400,
                f"input {i} is too long: {len(t)} characters, at most {s.max_message_chars}",
                code="message_too_long",
                param="input",
            )
    raw = await run_in_threadpool(services.assistant.classify, texts)
    return ClassifyResponse(
        model=services.assistant.name,
        data=[
            _result(i, t, r, body.top_k) for i, (t, r) in enumerate(zip(texts, raw, strict=True))
        ],
    )


def _result(index: int, text: str, r: dict[str, Any], top_k: int | None) -> ClassifyResult:
    """Map the engine's result (a :meth:`Prediction.to_dict` plus ``explanation``)."""
    ranking = [LabelScoreOut(label=x["label"], score=float(x["score"])) for x in r["ranking"]]
    if top_k:
        ranking = ranking[:top_k]
    explanation = r.get("explanation") or {}
    return ClassifyResult(
        index=index,
        text=text,
        label=r["label"],
        fallback=bool(r.get("fallback", False)),
        fallback_reason=r.get("fallback_reason"),
        ranking=ranking,
        explanation=explanation,
    )
