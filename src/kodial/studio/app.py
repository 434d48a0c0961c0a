"""The studio application: :func:`kodial.serve.app.create_app` (the assistant service, its API
keys, limits and web chat page) with the studio's routes and page added, and the thumbs
up/down API for turns.

>>> app = create_studio_app(StudioSettings(database_url="sqlite://", workspace=tmp), assistant=None)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from kodial.serve.app import create_app
from kodial.serve.runtime import AssistantLike
from kodial.studio import feedback
from kodial.studio.routes import chat, pages, project, review, training
from kodial.studio.routes.common import install_studio_errors
from kodial.studio.routes.pages import STATIC_DIR
from kodial.studio.services import StudioServices
from kodial.studio.settings import StudioSettings


def create_studio_app(
    settings: StudioSettings | None = None, assistant: AssistantLike | None = None
) -> FastAPI:
    """The service with the studio. The server starts with ``assistant`` if given, else the
    assistant last deployed from the workspace, else ``settings.config`` (default: the bundled
    example)."""
    settings = settings or StudioSettings()
    studio = StudioServices(settings)
    if assistant is None:
        assistant = studio.deployed_assistant()
    app = create_app(settings, assistant)
    app.state.studio = studio
    install_studio_errors(app)
    for module in (project, training, review, chat, pages):
        app.include_router(module.router)
    app.include_router(feedback.router)
    app.mount("/studio/static", StaticFiles(directory=STATIC_DIR), name="studio-static")

    served = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: FastAPI) -> AsyncIterator[None]:
        async with served(a):
            try:
                yield
            finally:
                studio.close()  # stop background jobs before the session store closes

    app.router.lifespan_context = lifespan
    return app
