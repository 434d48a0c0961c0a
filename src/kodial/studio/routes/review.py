"""Review tab: turns worth a second look, relabelled into training data or dismissed."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from kodial.serve.deps import CallerDep, ServicesDep
from kodial.serve.jsonbody import StrictJsonRoute
from kodial.studio.review import KINDS, stored_turn
from kodial.studio.routes.common import StudioDep

router = APIRouter(prefix="/studio/api/review", tags=["studio"], route_class=StrictJsonRoute)


class RelabelIn(BaseModel):
    key: str = Field(max_length=80)
    """The review item (``session:seq``)."""
    action: Literal["intent", "ood", "faq"]
    """``intent``: an example of ``label``; ``ood``: out of domain; ``faq``: another way of
    asking the FAQ entry ``faq_index`` of ``faq_file``."""
    label: str | None = None
    faq_file: str | None = None
    faq_index: int | None = Field(default=None, ge=0)


class DismissIn(BaseModel):
    key: str = Field(max_length=80)


@router.get("", summary="Turns to review, newest first")
async def list_items(
    studio: StudioDep,
    services: ServicesDep,
    _caller: CallerDep,
    kind: Annotated[str | None, Query()] = None,
    include_handled: bool = False,
) -> dict[str, Any]:
    items = await run_in_threadpool(studio.review, services, kind, include_handled)
    counts = {k: sum(k in item["kinds"] for item in items) for k in KINDS}
    return {"items": items, "kinds": KINDS, "counts": counts}


@router.post("/relabel", summary="Add a reviewed message to the training data (a new version)")
async def relabel(
    body: RelabelIn, studio: StudioDep, services: ServicesDep, caller: CallerDep
) -> dict[str, Any]:
    item = await run_in_threadpool(stored_turn, services.store, body.key)
    result: dict[str, Any] = await run_in_threadpool(
        lambda: studio.relabel(
            item,
            caller,
            action=body.action,
            label=body.label,
            faq_file=body.faq_file,
            faq_index=body.faq_index,
        )
    )
    return result


@router.post("/dismiss", summary="Take a turn off the review lists")
async def dismiss(
    body: DismissIn, studio: StudioDep, services: ServicesDep, caller: CallerDep
) -> dict[str, Any]:
    await run_in_threadpool(stored_turn, services.store, body.key)
    await run_in_threadpool(studio.mark, body.key, {"action": "dismiss", "by": caller})
    return {"key": body.key, "dismissed": True}
