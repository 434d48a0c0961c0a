"""Messaging channels: the assistant answering users of a messenger (KakaoTalk) or a web widget,
each through its own webhook route, on server-side sessions.

A channel is a class with a ``name`` and ``router(settings)``: the FastAPI router of its
webhook, or None when the settings do not enable it. :data:`CHANNELS` lists them;
:func:`kodial.serve.app.create_app` mounts every enabled one. What they share is in
:mod:`kodial.serve.channels.base`: one session per channel user (its id derived from the
channel and the user id, owned by ``channel:<name>``, so no API key reaches it), and a turn run
in the background that can be waited for with a deadline (messengers give a webhook a few
seconds) and handed to a callback after it.

A new channel (a web widget, LINE, Slack) is a module here with such a class, added to
:data:`CHANNELS`, and its settings in :class:`~kodial.serve.settings.ServeSettings`.
"""

from __future__ import annotations

from typing import Protocol

from fastapi import APIRouter

from kodial.serve.channels.kakao import KakaoChannel
from kodial.serve.settings import ServeSettings


class Channel(Protocol):
    name: str

    @classmethod
    def router(cls, settings: ServeSettings) -> APIRouter | None: ...


CHANNELS: dict[str, type[Channel]] = {"kakao": KakaoChannel}
"""Registry of channels: name -> class."""


def channel_routers(settings: ServeSettings) -> list[APIRouter]:
    """The routers of the channels ``settings`` enable."""
    routers = [channel.router(settings) for channel in CHANNELS.values()]
    return [r for r in routers if r is not None]
