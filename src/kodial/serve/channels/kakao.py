"""KakaoTalk through Kakao i Open Builder: a skill server (skill request/response v2.0 JSON).

Kakao calls the skill URL with the user's message (``userRequest.utterance``) and the user's id
(``userRequest.user.id``, one session per user) and waits **5 seconds** for the answer. kodial
answers directly when the turn is done within ``kakao_reply_s`` (3.5 s by default: Kakao's
timeout includes the network). A slower turn (an LM reply):

- with a ``userRequest.callbackUrl`` (a block with Callback API on, for "AI chatbots"): the
  webhook answers ``{"version": "2.0", "useCallback": true, ...}`` at once, and the final
  answer is POSTed to the callback URL when the turn is done (the URL is good for one use
  within a minute);
- without one: the user is told to ask again in a moment, and the turn is given up before it is
  stored (what the user never saw is not in the session's history).

**Authentication.** Kakao sends no API key. The skill URL carries the operator's secret
(``kakao_secret``): ``/channels/kakao/<secret>`` as the skill URL in the Open Builder, or
``/channels/kakao`` with the secret in the ``X-Kodial-Channel-Secret`` header (skill settings
can send headers). A wrong or missing secret is 401. Callback URLs are followed only to
``kakao_callback_hosts`` over https (an attacker with the secret still cannot make the server
POST elsewhere). Each Kakao user is rate limited like an API key.

>>> simple_text("안녕하세요")["template"]["outputs"][0]
{'simpleText': {'text': '안녕하세요'}}
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
from typing import Any
from urllib.parse import urlsplit

import httpx
from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from kodial.serve import metrics
from kodial.serve.deps import ServicesDep
from kodial.serve.errors import ApiError
from kodial.serve.jsonbody import parse_json
from kodial.serve.runtime import Services
from kodial.serve.settings import ServeSettings

log = logging.getLogger("kodial.serve")

SECRET_HEADER = "X-Kodial-Channel-Secret"
TEXT_LIMIT = 1000
"""Characters in one simpleText bubble (Kakao's limit); longer replies take several."""
MAX_OUTPUTS = 3
"""Bubbles in one skill response (Kakao's limit)."""
WAIT_TEXT = "답변을 준비하고 있어요. 잠시만 기다려 주세요!"
"""Shown while a slow answer goes to the callback URL."""
LATE_TEXT = "지금은 답이 늦어지고 있어요. 잠시 후 다시 말씀해 주세요."
"""When the answer is not ready in time and there is no callback URL."""
SORRY_TEXT = "죄송해요, 지금은 답할 수 없어요. 잠시 후 다시 말씀해 주세요."
"""When the turn failed (the details are in the log)."""


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class KakaoUser(_Lenient):
    id: str = Field(min_length=1, max_length=200)
    type: str | None = None


class KakaoUserRequest(_Lenient):
    utterance: str
    user: KakaoUser
    callbackUrl: str | None = None
    timezone: str | None = None


class SkillRequest(_Lenient):
    """The parts of a skill payload kodial reads (intent, bot, action... are ignored)."""

    userRequest: KakaoUserRequest


def simple_text(text: str) -> dict[str, Any]:
    """A skill response of simpleText bubbles (split at Kakao's length limit)."""
    text = text.strip() or "..."
    chunks = [text[i : i + TEXT_LIMIT] for i in range(0, len(text), TEXT_LIMIT)][:MAX_OUTPUTS]
    return {
        "version": "2.0",
        "template": {"outputs": [{"simpleText": {"text": c}} for c in chunks]},
    }


def callback_allowed(url: str, settings: ServeSettings) -> bool:
    """Whether ``url`` is a callback kodial may POST to: https to a listed host (or one of its
    subdomains), or http to a listed loopback host.

    >>> s = ServeSettings(_env_file=None)
    >>> callback_allowed("https://bot-api.kakao.com/cb/1", s), callback_allowed("http://10.0.0.1/", s)
    (True, False)
    """
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return False
    listed = any(
        host == h.lower() or host.endswith("." + h.lower()) for h in settings.kakao_callback_hosts
    )
    if not listed or parts.username or parts.password:
        return False
    if parts.scheme == "https":
        return True
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    return parts.scheme == "http" and loopback


def _polite(error: ApiError, settings: ServeSettings) -> str:
    if error.code == "message_too_long":
        return f"메시지가 너무 길어요. {settings.max_message_chars}자 이내로 보내 주세요."
    if error.status == 400 and error.param == "messages":
        return "메시지를 입력해 주세요."
    return SORRY_TEXT


class KakaoChannel:
    """The KakaoTalk skill server (see the module docstring)."""

    name = "kakao"

    @classmethod
    def router(cls, settings: ServeSettings) -> APIRouter | None:
        if settings.kakao_secret is None:
            return None
        router = APIRouter(tags=["channels"])
        secret = settings.kakao_secret.get_secret_value().encode()

        async def answer(request: Request, services: Services, given: str | None) -> JSONResponse:
            if not given or not hmac.compare_digest(given.encode(), secret):
                err = ApiError(
                    401, "missing or wrong channel secret", code="invalid_channel_secret"
                )
                metrics.ERRORS.labels(err.code or "").inc()
                return JSONResponse(err.body().model_dump(), status_code=401)
            raw = parse_json(await request.body(), services.settings.max_json_depth)
            try:
                skill = SkillRequest.model_validate(raw)
            except ValidationError as exc:
                where = ".".join(str(p) for p in exc.errors()[0]["loc"])
                raise ApiError(
                    400, f"not a Kakao skill request: {where} is missing or invalid"
                ) from None
            return await _skill(services, skill)

        @router.post(
            "/channels/kakao/{secret}",
            summary="KakaoTalk skill (Kakao i Open Builder, skill response v2.0)",
        )
        async def kakao_skill(secret: str, request: Request, services: ServicesDep) -> JSONResponse:
            return await answer(request, services, secret)

        @router.post(
            "/channels/kakao",
            summary="KakaoTalk skill, the secret in the X-Kodial-Channel-Secret header",
        )
        async def kakao_skill_header(
            request: Request,
            services: ServicesDep,
            secret: str | None = Header(default=None, alias=SECRET_HEADER),
        ) -> JSONResponse:
            return await answer(request, services, secret)

        return router


async def _skill(services: Services, skill: SkillRequest) -> JSONResponse:
    from kodial.serve.channels.base import ChannelTurn, Outcome

    s = services.settings
    user = skill.userRequest.user.id
    wait = await run_in_threadpool(services.limiter.acquire, f"kakao:{user}")
    if wait is not None:
        metrics.ERRORS.labels("rate_limit_exceeded").inc()
        return JSONResponse(simple_text(f"메시지가 너무 많아요. {wait}초 뒤에 다시 말씀해 주세요."))
    callback = skill.userRequest.callbackUrl
    if callback and not callback_allowed(callback, s):
        log.warning("kakao: callbackUrl to a host not in kakao_callback_hosts ignored")
        callback = None
    turn = ChannelTurn(services, "kakao", user, skill.userRequest.utterance)
    turn.start()
    done = await asyncio.to_thread(turn.wait, s.kakao_reply_s)

    def response(outcome: Outcome) -> dict[str, Any]:
        if outcome.error is not None:
            if outcome.error.status >= 500 and outcome.error.code != "timeout":
                log.warning("kakao turn failed: %s", outcome.error.message)
            return simple_text(_polite(outcome.error, s))
        return simple_text(outcome.reply)

    if not done and callback:

        def deliver(outcome: Outcome) -> None:
            _post_callback(callback, response(outcome))

        if turn.hand_over(deliver):
            return JSONResponse(
                {"version": "2.0", "useCallback": True, "data": {"text": WAIT_TEXT}}
            )
    elif not done and turn.give_up():
        metrics.ERRORS.labels("kakao_late").inc()
        return JSONResponse(simple_text(LATE_TEXT))
    assert turn.outcome is not None  # done meanwhile
    return JSONResponse(response(turn.outcome))


def _post_callback(url: str, body: dict[str, Any]) -> None:
    """POST the final answer to Kakao's callback URL (one try: the URL is single-use)."""
    try:
        r = httpx.post(url, json=body, timeout=10.0)
        if r.status_code >= 400:
            log.warning("kakao callback answered %d", r.status_code)
            metrics.ERRORS.labels("kakao_callback_failed").inc()
    except httpx.HTTPError as exc:
        log.warning("kakao callback failed: %s", type(exc).__name__)
        metrics.ERRORS.labels("kakao_callback_failed").inc()
