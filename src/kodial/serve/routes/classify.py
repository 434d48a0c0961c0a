"""``POST /v1/classify``: the assistant's query understanding on its own: ranked labels,
scores, the fallback decision and the explanation, for one text or a batch."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from kodial.serve.deps import CallerDep, ServicesDep
from kodial.serve.errors import ApiError
from kodial.serve.jsonbody import StrictJsonRoute
from kodial.serve.schemas import ClassifyRequest, ClassifyResponse, ClassifyResult
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
    found = await run_in_threadpool(services.assistant.classify, texts)
    data = []
    for index, result in enumerate(found):
        item = ClassifyResult(index=index, **result.model_dump())
        if body.top_k:
            item.ranking = item.ranking[: body.top_k]
        data.append(item)
    return ClassifyResponse(model=services.assistant.name, data=data)
