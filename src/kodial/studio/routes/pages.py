"""The console page at ``/studio/`` (its scripts and styles are mounted at
``/studio/static``). The page holds no data: everything it shows comes from the API, which
needs a key when the server has keys."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse

router = APIRouter(include_in_schema=False)

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


@router.get("/studio")
def studio_root() -> RedirectResponse:
    return RedirectResponse("/studio/")


@router.get("/studio/")
def studio_page() -> FileResponse:
    return FileResponse(
        STATIC_DIR / "index.html",
        media_type="text/html; charset=utf-8",
        headers={"Cache-Control": "no-cache"},
    )
