"""The FastAPI application: :func:`create_app` wires settings, the assistant, the session store,
security and the routers together. Models are loaded once, in the lifespan, before the first
request is served.

>>> app = create_app(ServeSettings(database_url="sqlite://"), assistant=None)
>>> sorted(r.path for r in app.routes if r.path.startswith("/v1/"))[:3]
['/v1/assistant', '/v1/chat/completions', '/v1/classify']
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kodial import __version__
from kodial.serve.channels import channel_routers
from kodial.serve.deps import SESSION_TOKEN_HEADER
from kodial.serve.errors import InternalErrors, error_body, install_error_handlers
from kodial.serve.logs import RequestIds
from kodial.serve.routes import chat, classify, health, metrics, sessions, web
from kodial.serve.runtime import AssistantLike, Services
from kodial.serve.settings import ServeSettings

STATIC_DIR = Path(__file__).parent / "static"
log = logging.getLogger("kodial.serve")


PROBES = ("/healthz", "/readyz")
"""Paths answered whatever the Host header says (load balancers probe by IP address)."""


def host_of(value: str) -> str:
    """The host part of a Host header, lower-case, without the port.

    >>> host_of("127.0.0.1:8000"), host_of("[::1]:8000"), host_of("Example.COM")
    ('127.0.0.1', '[::1]', 'example.com')
    """
    value = value.strip().lower()
    if value.startswith("["):
        return value[: value.find("]") + 1] if "]" in value else value
    return value.rsplit(":", 1)[0] if ":" in value else value


class AllowedHosts:
    """400 for a request whose Host header is not an allowed host: a web page on another
    site that made its own name resolve to 127.0.0.1 (DNS rebinding) sends its own name as the
    Host, so it cannot reach a server on this machine through the browser."""

    def __init__(self, app: ASGIApp, hosts: list[str]) -> None:
        self.app = app
        self.hosts = frozenset(hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") in PROBES:
            await self.app(scope, receive, send)
            return
        raw = dict(scope.get("headers", ())).get(b"host", b"")
        host = host_of(raw.decode("latin-1"))
        if host in self.hosts:
            await self.app(scope, receive, send)
            return
        shown = host[:80] if host.isascii() and host.isprintable() else "(not printable)"
        message = (
            f"Host {shown!r} is not served here; allowed hosts: {', '.join(sorted(self.hosts))} "
            "(set KODIAL_ALLOWED_HOSTS to serve other names)"
        )
        body = json.dumps(error_body(400, message, code="invalid_host").model_dump()).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 400,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class HttpMetrics:
    """Counts every request and its duration (to the end of the response body) by method,
    route template and status (:mod:`kodial.serve.metrics`). Paths that match no route are
    counted as ``unmatched``: a scanner's paths never become label values."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        from kodial.serve import metrics

        t0 = time.perf_counter()
        status = 500

        async def watched(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, watched)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            method = str(scope.get("method", ""))
            metrics.HTTP_REQUESTS.labels(method, route, str(status)).inc()
            metrics.HTTP_SECONDS.labels(method, route).observe(time.perf_counter() - t0)


class BodyLimit:
    """413 for request bodies over the limit, in the API's error shape. A declared
    ``Content-Length`` over the limit is refused before anything is read; a body sent without
    one (chunked) is counted as it arrives and refused once it passes the limit."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                size = int(value) if value.isdigit() else -1
                if size > self.max_bytes or size < 0:
                    await self._reject(send, size)
                    return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # An HTTPException: FastAPI re-raises it from body parsing, and the
                    # app's handler renders it like every other error.
                    raise StarletteHTTPException(413, self._too_large(received, more=True))
            return message

        await self.app(scope, counted, send)

    def _too_large(self, size: int, more: bool = False) -> str:
        return (
            f"request body too large: {'more than ' if more else ''}{size} bytes, "
            f"the limit is {self.max_bytes}"
        )

    async def _reject(self, send: Send, size: int) -> None:
        status = 413 if size > 0 else 400
        message = self._too_large(size) if status == 413 else "invalid Content-Length header"
        body = json.dumps(error_body(status, message).model_dump()).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def create_app(
    settings: ServeSettings | None = None, assistant: AssistantLike | None = None
) -> FastAPI:
    """A ready-to-serve app. ``assistant`` skips loading one from ``settings.config`` (tests and
    benchmarks share one loaded assistant between apps)."""
    settings = settings or ServeSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = Services.build(settings, assistant)
        app.state.services = services
        hosts = settings.effective_allowed_hosts()
        log.info(
            "serving assistant %r (auth %s, hosts %s, store %s)",
            services.assistant.name,
            "on" if services.keys.enabled else "off (loopback only)",
            ", ".join(hosts) if hosts is not None else "any",
            services.store.engine.url.render_as_string(hide_password=True),
        )
        try:
            yield
        finally:
            services.close()

    # FastAPIOffline: FastAPI whose /docs and /redoc load Swagger UI / ReDoc from files in the
    # fastapi-offline wheel instead of a CDN, so the API docs work on a machine without network
    app = FastAPIOffline(
        title="kodial assistant service",
        version=__version__,
        description="A Korean assistant behind an OpenAI-compatible API: chat completions "
        "(streaming and not), server-side sessions, query classification, and a web chat page "
        "at `/`.",
        lifespan=lifespan,
        responses={
            400: {
                "description": "Invalid request: not JSON, a missing or ill-typed field, or a "
                "value out of range",
                "model": _error_model(),
            },
            401: {"description": "Missing or invalid API key", "model": _error_model()},
            413: {"description": "Request body too large", "model": _error_model()},
            429: {"description": "Rate limit exceeded (see Retry-After)", "model": _error_model()},
            503: {
                "description": "The session store is busy or unavailable (see Retry-After)",
                "model": _error_model(),
            },
        },
    )
    app.state.settings = settings  # read before the lifespan: body parsing, uvicorn limits
    install_error_handlers(app)
    for module in (health, metrics, chat, sessions, classify, web):
        app.include_router(module.router)
    for router in channel_routers(settings):  # KakaoTalk and others, when configured
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(InternalErrors)  # added first: the innermost middleware
    app.add_middleware(HttpMetrics)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", SESSION_TOKEN_HEADER],
            max_age=600,
        )
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    hosts = settings.effective_allowed_hosts()
    if hosts is not None:
        app.add_middleware(AllowedHosts, hosts=hosts)
    app.add_middleware(RequestIds)  # added last: the outermost, every answer carries its id
    return app


def _error_model() -> type:
    from kodial.serve.schemas import ErrorResponse

    return ErrorResponse
