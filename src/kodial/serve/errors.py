"""API errors and the exception handlers that turn every failure into OpenAI's error shape
(``{"error": {"message", "type", "param", "code"}}``) with no stack trace, path or setting in it.
Unexpected exceptions are logged server-side with a request id that the client also receives.
A session store that is locked by another process or unreachable is not unexpected: it is a
prompt 503 with ``Retry-After`` (:func:`store_unavailable`), logged as one line, no traceback.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kodial.errors import KodialError
from kodial.serve import metrics
from kodial.serve.schemas import ErrorBody, ErrorResponse
from kodial.serve.shared import SharedStateUnavailable
from kodial.serve.turnlock import TurnBusy

log = logging.getLogger("kodial.serve")

_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    405: "invalid_request_error",
    408: "invalid_request_error",
    409: "conflict_error",
    413: "invalid_request_error",
    422: "invalid_request_error",
    429: "rate_limit_error",
}


class ApiError(Exception):
    """An error meant for the client: status, a clear message and optional headers."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.param = param
        self.headers = headers or {}

    def body(self) -> ErrorResponse:
        return error_body(self.status, self.message, code=self.code, param=self.param)


def error_body(
    status: int, message: str, *, code: str | None = None, param: str | None = None
) -> ErrorResponse:
    kind = _TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")
    return ErrorResponse(error=ErrorBody(message=message, type=kind, param=param, code=code))


STORE_RETRY_AFTER_S = 2


def store_unavailable(exc: BaseException) -> ApiError:
    """503 + Retry-After for a session store that is locked or unreachable. The driver's own
    message (never the SQL statement or its parameters, which hold user text) goes to the log."""
    reason = str(getattr(exc, "orig", None) or type(exc).__name__).strip().splitlines()
    log.warning("session store unavailable: %s", reason[0] if reason else type(exc).__name__)
    return ApiError(
        503,
        f"the session store is busy or unavailable; retry in {STORE_RETRY_AFTER_S} s",
        code="store_unavailable",
        headers={"Retry-After": str(STORE_RETRY_AFTER_S)},
    )


SESSION_RETRY_AFTER_S = 2


def session_busy(exc: TurnBusy) -> ApiError:
    """409 + Retry-After for a turn whose session kept answering another turn all the wait."""
    return ApiError(
        409,
        f"this session is still answering another turn (waited {exc.waited_s:.0f} s); "
        f"retry in {SESSION_RETRY_AFTER_S} s",
        code="session_busy",
        headers={"Retry-After": str(SESSION_RETRY_AFTER_S)},
    )


def shared_unavailable(exc: SharedStateUnavailable) -> ApiError:
    """503 + Retry-After when Redis (rate limits, turn locks shared by replicas) is down."""
    log.warning("shared state (Redis) unavailable: %s", exc)
    return ApiError(
        503,
        f"the service's shared state is unavailable; retry in {STORE_RETRY_AFTER_S} s",
        code="shared_state_unavailable",
        headers={"Retry-After": str(STORE_RETRY_AFTER_S)},
    )


def count_error(body: ErrorResponse) -> None:
    """One more error answered, by its code (its status when it has none)."""
    metrics.ERRORS.labels(body.error.code or body.error.type).inc()


def _json(
    status: int, body: ErrorResponse, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    count_error(body)
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return _json(exc.status, exc.body(), exc.headers)

    @app.exception_handler(KodialError)
    async def _kodial_error(_request: Request, exc: KodialError) -> JSONResponse:
        return _json(400, error_body(400, exc.message))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        code = getattr(exc, "code", None)  # set by kodial.serve.jsonbody.BadJson
        return _json(exc.status_code, error_body(exc.status_code, message, code=code), exc.headers)

    @app.exception_handler(OperationalError)
    @app.exception_handler(PoolTimeout)
    async def _store_error(_request: Request, exc: Exception) -> JSONResponse:
        err = store_unavailable(exc)
        return _json(err.status, err.body(), err.headers)

    @app.exception_handler(TurnBusy)
    async def _turn_busy(_request: Request, exc: TurnBusy) -> JSONResponse:
        err = session_busy(exc)
        return _json(err.status, err.body(), err.headers)

    @app.exception_handler(SharedStateUnavailable)
    async def _shared_down(_request: Request, exc: SharedStateUnavailable) -> JSONResponse:
        err = shared_unavailable(exc)
        return _json(err.status, err.body(), err.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        """Schema and JSON problems are 400 ``invalid_request_error``, as OpenAI answers them,
        each naming the parameter (dotted path) it is about."""
        problems = []
        param = None
        for err in exc.errors():
            if err.get("type") == "json_invalid":
                loc = err.get("loc", ())
                pos = loc[-1] if len(loc) > 1 else None
                reason = str((err.get("ctx") or {}).get("error") or "JSON decode error")
                where = f" at character {pos}" if isinstance(pos, int) else ""
                message = f"request body is not valid JSON{where}: {reason}"
                return _json(400, error_body(400, message, code="invalid_json"))
        for err in exc.errors()[:5]:
            loc = [str(p) for p in err.get("loc", ()) if p != "body"]
            where = ".".join(loc) or "body"
            param = param or where
            problems.append(f"{where}: {err.get('msg', 'invalid')}")
        message = "invalid request: " + "; ".join(problems)
        return _json(400, error_body(400, message, code="invalid_request", param=param))


class InternalErrors:
    """Turn an unexpected exception into a 500 in the API's error shape, with a reference the
    client can quote, and log the traceback server-side only.

    It sits inside the other middleware and swallows the exception (Starlette's outermost error
    middleware would re-raise it, and uvicorn then drops the keep-alive connection, failing the
    client's next request). If the response had already started (a stream), the client sees
    the stream end early; streams report their own errors as an SSE error event.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception as exc:
            ref = uuid.uuid4().hex[:12]
            metrics.ERRORS.labels("internal").inc()
            # the route template, not the path: a channel's path holds its secret
            where = getattr(scope.get("route"), "path", None) or "(no route)"
            log.error("internal error %s on %s %s", ref, scope.get("method"), where, exc_info=exc)
            if started:
                return
            response = JSONResponse(
                error_body(500, f"internal server error (reference {ref})").model_dump(),
                status_code=500,
            )
            await response(scope, receive, send)
