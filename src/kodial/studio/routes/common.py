"""What the studio routes share: the studio's services as a dependency, and the studio's
refusals in the API's error shape (messages in Korean, for the console)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse

from kodial.serve.errors import error_body
from kodial.studio.checks import Invalid
from kodial.studio.project import Conflict
from kodial.studio.runs import Worse
from kodial.studio.services import StudioServices


def get_studio(request: Request) -> StudioServices:
    studio: StudioServices = request.app.state.studio
    return studio


StudioDep = Annotated[StudioServices, Depends(get_studio)]


def install_studio_errors(app: FastAPI) -> None:
    """409 for a save on top of a newer version (with the current version) and for a deploy
    of a worse run (with what got worse: confirm to deploy anyway), 422 with every located
    problem for a document that does not load. Other studio refusals are
    :class:`~kodial.errors.KodialError` and get the service's 400."""

    @app.exception_handler(Invalid)
    async def _invalid(_request: Request, exc: Invalid) -> JSONResponse:
        body: dict[str, Any] = error_body(422, exc.message, code="invalid_project").model_dump()
        body["problems"] = [p.to_dict() for p in exc.problems]
        return JSONResponse(body, status_code=422)

    @app.exception_handler(Conflict)
    async def _conflict(_request: Request, exc: Conflict) -> JSONResponse:
        body: dict[str, Any] = error_body(409, exc.message, code="version_conflict").model_dump()
        body["current_version"] = exc.current
        return JSONResponse(body, status_code=409)

    @app.exception_handler(Worse)
    async def _worse(_request: Request, exc: Worse) -> JSONResponse:
        body: dict[str, Any] = error_body(
            409, exc.message, code="deploy_needs_confirmation"
        ).model_dump()
        body["regressions"] = exc.regressions
        return JSONResponse(body, status_code=409)
