"""The KakaoTalk channel (Kakao i Open Builder skill server): recorded skill request shapes
(``data/kakao/``), answers in the skill response v2.0 format within the deadline, one session
per Kakao user, the callback flow for slow replies (a real HTTP receiver here plays Kakao's
callback endpoint), a reply too late without a callback is given up and not stored, and the
channel's secret."""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from gated_lm import REPLY, GatedLM, gated_assistant, gated_lm

from kodial.serve.channels.base import channel_owner, channel_session_id
from kodial.serve.channels.kakao import LATE_TEXT, WAIT_TEXT, callback_allowed
from kodial.serve.settings import ServeSettings
from kodial.serve.store import Access
from kodial.testing.http import LocalHTTPServer

DATA = Path(__file__).parent / "data" / "kakao"
SECRET = "kakao-skill-secret-0123456789"


def recorded(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / name).read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def lm() -> Iterator[GatedLM]:
    with gated_lm() as server:
        yield server


class Receiver:
    """Kakao's callback endpoint: a real HTTP server that keeps what is POSTed to it."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.arrived = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.bodies.append(body)
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")
                outer.arrived.set()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = LocalHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/callback/once"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.server.shutdown()
    r.server.server_close()


@pytest.fixture
def kakao(make_client: Any, assistant: Any, lm: GatedLM, tmp_path: Path) -> Any:
    """``kakao(**settings)``: an app with the channel on, small talk from the gated model."""
    gated = gated_assistant(tmp_path, lm.url, assistant)

    def make(**overrides: Any) -> TestClient:
        values = {"kakao_secret": SECRET, "kakao_callback_hosts": ["127.0.0.1"], **overrides}
        client: TestClient = make_client(assistant=gated, **values)
        return client

    yield make
    lm.release()


def _turns(client: TestClient, user_id: str) -> list[str]:
    store = client.app.state.services.store  # type: ignore[attr-defined]
    sid = channel_session_id("kakao", user_id)
    session = store.get(sid, Access(channel_owner("kakao")), turns=True)
    return [] if session is None else [t.assistant for t in session.turns]


def test_answers_in_time_one_session_per_user(kakao: Any) -> None:
    client = kakao()
    request = recorded("skill_request.json")
    user = request["userRequest"]["user"]["id"]
    r = client.post(f"/channels/kakao/{SECRET}", json=request)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["version"] == "2.0"
    assert body["template"]["outputs"] == [{"simpleText": {"text": REPLY}}]
    again = copy.deepcopy(request)
    again["userRequest"]["utterance"] = "고마워요"
    r = client.post("/channels/kakao", json=again, headers={"X-Kodial-Channel-Secret": SECRET})
    assert r.status_code == 200, r.text
    assert len(_turns(client, user)) == 2  # the same session: the user's second turn
    other = copy.deepcopy(request)
    other["userRequest"]["user"]["id"] = "another-user"
    client.post(f"/channels/kakao/{SECRET}", json=other)
    assert len(_turns(client, "another-user")) == 1 and len(_turns(client, user)) == 2


def test_a_slow_reply_goes_to_the_callback_url(kakao: Any, lm: GatedLM, receiver: Receiver) -> None:
    client = kakao(kakao_reply_s=0)  # every turn is "slow": the flow does not hang on timing
    request = recorded("skill_request_callback.json")
    request["userRequest"]["callbackUrl"] = receiver.url
    user = request["userRequest"]["user"]["id"]
    lm.hold()
    r = client.post(f"/channels/kakao/{SECRET}", json=request)
    assert r.status_code == 200, r.text
    assert r.json() == {"version": "2.0", "useCallback": True, "data": {"text": WAIT_TEXT}}
    assert not receiver.bodies
    lm.release()
    assert receiver.arrived.wait(60)
    assert receiver.bodies == [
        {"version": "2.0", "template": {"outputs": [{"simpleText": {"text": REPLY}}]}}
    ]
    assert _turns(client, user) == [REPLY]


def test_too_late_without_a_callback_is_given_up_and_not_stored(kakao: Any, lm: GatedLM) -> None:
    client = kakao(kakao_reply_s=0)
    request = recorded("skill_request.json")
    request["userRequest"]["user"]["id"] = "late-user"
    lm.hold()
    r = client.post(f"/channels/kakao/{SECRET}", json=request)
    assert r.json()["template"]["outputs"][0]["simpleText"]["text"] == LATE_TEXT
    lm.release()
    # given up before its reply was complete: whenever the turn ends, it stores nothing (it
    # holds the session's turn lock while it runs: taking the lock waits for it if it still is)
    services = client.app.state.services  # type: ignore[attr-defined]
    services.turn_locks.acquire(channel_session_id("kakao", "late-user"), 60).release()
    assert _turns(client, "late-user") == []


def test_a_callback_to_another_host_is_not_followed(
    kakao: Any, lm: GatedLM, receiver: Receiver
) -> None:
    client = kakao(kakao_reply_s=0, kakao_callback_hosts=["kakao.com"])
    request = recorded("skill_request_callback.json")
    request["userRequest"]["callbackUrl"] = receiver.url  # 127.0.0.1 is not listed now
    lm.hold()
    r = client.post(f"/channels/kakao/{SECRET}", json=request)
    lm.release()
    assert r.json()["template"]["outputs"][0]["simpleText"]["text"] == LATE_TEXT
    assert not receiver.bodies


def test_secret_and_shape(kakao: Any, make_client: Any) -> None:
    client = kakao()
    request = recorded("skill_request.json")
    for url, headers in [
        ("/channels/kakao/wrong-secret-0000000000", {}),
        ("/channels/kakao", {}),
        ("/channels/kakao", {"X-Kodial-Channel-Secret": "wrong"}),
    ]:
        r = client.post(url, json=request, headers=headers)
        assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_channel_secret"
    r = client.post(f"/channels/kakao/{SECRET}", json={"userRequest": {"utterance": "hi"}})
    assert r.status_code == 400 and "userRequest.user" in r.json()["error"]["message"]
    assert make_client().post(f"/channels/kakao/{SECRET}", json=request).status_code == 404
    with pytest.raises(ValueError, match="at least 16 characters"):
        ServeSettings(_env_file=None, kakao_secret="short")  # type: ignore[call-arg]


def test_callback_hosts() -> None:
    s = ServeSettings(_env_file=None)  # type: ignore[call-arg]
    assert callback_allowed("https://bot-api.kakao.com/callback/1", s)
    assert not callback_allowed("http://bot-api.kakao.com/callback/1", s)  # https only
    assert not callback_allowed("https://kakao.com.evil.example/cb", s)
    assert not callback_allowed("https://user:pw@bot-api.kakao.com/cb", s)
    assert not callback_allowed("http://127.0.0.1:9/cb", s)
