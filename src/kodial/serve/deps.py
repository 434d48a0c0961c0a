"""FastAPI dependencies as ``Annotated`` aliases: the only way routes reach the assistant,
the session store, the settings and the caller's identity. Tests swap them with
``app.dependency_overrides``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from kodial.serve.errors import ApiError
from kodial.serve.runtime import AssistantLike, Services
from kodial.serve.security import OPEN_KEY_ID
from kodial.serve.settings import ServeSettings
from kodial.serve.store import Access, SessionStore

_bearer = HTTPBearer(auto_error=False, description="An API key from `kodial serve --create-key`.")

SESSION_TOKEN_HEADER = "X-Kodial-Session-Token"
"""Header carrying a session's token (``session_token`` from ``POST /v1/sessions``)."""


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_settings(services: ServicesDep) -> ServeSettings:
    return services.settings


def get_assistant(services: ServicesDep) -> AssistantLike:
    return services.assistant


def get_store(services: ServicesDep) -> SessionStore:
    return services.store


SettingsDep = Annotated[ServeSettings, Depends(get_settings)]
AssistantDep = Annotated[AssistantLike, Depends(get_assistant)]
StoreDep = Annotated[SessionStore, Depends(get_store)]


def get_caller(
    request: Request,
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """The caller's id (an API key id, or ``open`` without keys), after the key check (401)
    and the rate limit (429 with Retry-After). Requests without a valid key are limited per
    client address, so a missing or wrong key is no way around the limit (nor a way to guess
    keys at full speed)."""
    address = "addr:" + (request.client.host if request.client else "unknown")
    caller: str | None = OPEN_KEY_ID
    if services.keys.enabled:
        caller = services.keys.check(credentials.credentials if credentials else None)
    _limit(services, caller if caller not in (None, OPEN_KEY_ID) else address)
    if caller is None:
        raise ApiError(
            401,
            "missing or invalid API key: send `Authorization: Bearer <key>`",
            code="invalid_api_key",
            headers={"WWW-Authenticate": "Bearer"},
        )
    request.state.caller = caller
    return caller


def _limit(services: Services, bucket: str) -> None:
    wait = services.limiter.acquire(bucket)
    if wait is not None:
        raise ApiError(
            429,
            f"rate limit exceeded: at most {services.settings.rate_limit_per_minute:g} requests "
            f"per minute (bursts of {services.settings.rate_limit_burst}); retry in {wait} s",
            code="rate_limit_exceeded",
            headers={"Retry-After": str(wait)},
        )


CallerDep = Annotated[str, Depends(get_caller)]


def get_access(
    services: ServicesDep,
    caller: CallerDep,
    token: Annotated[
        str | None,
        Header(
            alias=SESSION_TOKEN_HEADER,
            description="The session's token (from POST /v1/sessions); needed to reach a "
            "session when the server has no API keys.",
        ),
    ] = None,
) -> Access:
    """How the caller reaches sessions: by API key when the server has keys, else by the
    session's own token (every caller without keys is ``open``, so the token tells them
    apart)."""
    return Access(owner=caller, token=token, by_token=not services.keys.enabled)


AccessDep = Annotated[Access, Depends(get_access)]
