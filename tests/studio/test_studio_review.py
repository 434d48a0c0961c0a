"""The review loop over the API: the lists (fallbacks, low margins, task failures,
thumbs-down) come from the turns stored in the session store, relabelling saves a new version
with the message where it belongs, handled turns leave the lists; the thumbs up/down API rates
only turns the caller can reach."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from kodial.serve.security import hash_key
from kodial.studio.review import kinds_of

OUT_OF_SCOPE = "자동차 엔진오일 교체 주기는?"


def session(client: TestClient, **headers: str) -> dict[str, Any]:
    found: dict[str, Any] = client.post("/v1/sessions", json={}, headers=headers).json()
    return found


def say(client: TestClient, s: dict[str, Any], text: str, **headers: str) -> dict[str, Any]:
    res = client.post(
        "/v1/chat/completions",
        json={
            "model": "kodial-demo",
            "messages": [{"role": "user", "content": text}],
            "session_id": s["id"],
            "session_token": s["session_token"],
        },
        headers=headers,
    )
    assert res.status_code == 200, res.json()
    found: dict[str, Any] = res.json()
    return found


def review(client: TestClient, query: str = "") -> dict[str, Any]:
    found: dict[str, Any] = client.get("/studio/api/review" + query).json()
    return found


def by_text(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["user"]: item for item in items}


def test_the_lists_come_from_the_stored_turns(make_studio: Any) -> None:
    client = make_studio(review_margin=0.9)  # a wide margin: what is not near-certain is "close"
    s = session(client)
    say(client, s, "안녕하세요")  # certain: on no list
    say(client, s, OUT_OF_SCOPE)  # fallback
    say(client, s, "오늘 뭐 먹지")  # answered, top two 0.77 apart
    t = session(client)
    say(client, t, "내일 저녁 7시에 4명 예약하고 싶어요")
    say(client, t, "부산점으로 해줘")  # not a branch: the task asks again (a failure)
    rated = say(client, t, "고마워")["kodial"]["turn"]
    res = client.post(
        f"/v1/sessions/{t['id']}/turns/{rated}/feedback",
        json={"rating": "down", "comment": "딱딱해요"},
        headers={"X-Kodial-Session-Token": t["session_token"]},
    )
    assert res.status_code == 200 and res.json()["rating"] == "down"

    found = review(client)
    items = by_text(found["items"])
    assert "안녕하세요" not in items
    assert "fallback" in items[OUT_OF_SCOPE]["kinds"]
    assert (
        items["오늘 뭐 먹지"]["kinds"] == ["low_margin"] and items["오늘 뭐 먹지"]["margin"] < 0.9
    )
    assert "task_failure" in items["부산점으로 해줘"]["kinds"]
    assert "thumbs_down" in items["고마워"]["kinds"] and items["고마워"]["comment"] == "딱딱해요"
    assert found["counts"]["fallback"] >= 1 and found["counts"]["thumbs_down"] == 1
    only = review(client, "?kind=thumbs_down")["items"]
    assert [i["user"] for i in only] == ["고마워"]
    assert client.get("/studio/api/review?kind=nope").status_code == 400


def test_kinds_of_a_route() -> None:
    ranking = [{"label": "a", "score": 0.5}, {"label": "b", "score": 0.45}]
    assert kinds_of({"handler": "a", "type": "faq", "classifier": {"ranking": ranking}}, 0.1) == [
        "low_margin"
    ]
    assert kinds_of({"handler": "fallback", "type": "fallback"}, 0.1) == ["fallback"]
    failed = {"handler": "t", "type": "task", "action": {"ok": False, "error_id": "x"}}
    assert kinds_of(failed, 0.1) == ["task_failure"]
    assert kinds_of({"handler": "a", "type": "faq", "classifier": {"ranking": ranking}}, 0.01) == []


def test_relabelling_saves_a_version_and_takes_the_turn_off_the_list(make_studio: Any) -> None:
    studio = make_studio(review_margin=1.0)  # the FAQ answer below is listed as a close call
    assert studio.post("/studio/api/project", json={"source": "example"}).status_code == 201
    s = session(studio)
    for text in (OUT_OF_SCOPE, "주차비 내야 돼요?", "치킨 시켜 먹고 싶다"):
        say(studio, s, text)
    items = by_text(review(studio)["items"])

    res = studio.post(
        "/studio/api/review/relabel", json={"key": items[OUT_OF_SCOPE]["key"], "action": "ood"}
    )
    assert res.status_code == 200 and res.json()["version"] == 2
    res = studio.post(
        "/studio/api/review/relabel",
        json={
            "key": items["주차비 내야 돼요?"]["key"],
            "action": "faq",
            "faq_file": "faq.yaml",
            "faq_index": 3,  # 주차 가능한가요
        },
    )
    assert res.status_code == 200 and res.json()["version"] == 3
    res = studio.post(
        "/studio/api/review/relabel",
        json={"key": items["치킨 시켜 먹고 싶다"]["key"], "action": "intent", "label": "smalltalk"},
    )
    assert res.status_code == 200 and res.json()["version"] == 4
    assert "smalltalk" in res.json()["note"]

    doc = studio.get("/studio/api/project").json()["doc"]
    assert OUT_OF_SCOPE in doc["ood"]
    assert "주차비 내야 돼요?" in doc["files"]["faq.yaml"][3]["q"]
    assert "주차비 내야 돼요?" in doc["intents"]["faq"]["examples"]
    assert "치킨 시켜 먹고 싶다" in doc["intents"]["smalltalk"]["examples"]
    assert review(studio)["items"] == []
    handled = review(studio, "?include_handled=true")["items"]
    assert {i["handled"]["version"] for i in handled} == {2, 3, 4}
    notes = [v["note"] for v in studio.get("/studio/api/project/versions").json()["versions"]]
    assert notes[0].startswith("검토:")

    # moving a message to another intent takes it out of the first one (one text, one label)
    res = studio.post(
        "/studio/api/review/relabel",
        json={
            "key": items["치킨 시켜 먹고 싶다"]["key"],
            "action": "intent",
            "label": "book_table",
        },
    )
    doc = studio.get("/studio/api/project").json()["doc"]
    assert "치킨 시켜 먹고 싶다" not in doc["intents"]["smalltalk"]["examples"]
    assert "치킨 시켜 먹고 싶다" in doc["intents"]["book_table"]["examples"]


def test_relabel_refusals_are_clear_and_change_nothing(studio: TestClient) -> None:
    assert studio.post("/studio/api/project", json={"source": "example"}).status_code == 201
    s = session(studio)
    say(studio, s, OUT_OF_SCOPE)
    key = review(studio)["items"][0]["key"]
    for body in (
        {"key": key, "action": "intent", "label": "nope"},
        {"key": key, "action": "faq", "faq_file": "faq.yaml", "faq_index": 999},
        {"key": "missing:1", "action": "ood"},
    ):
        res = studio.post("/studio/api/review/relabel", json=body)
        assert res.status_code == 400
        assert any("가" <= ch <= "힣" for ch in res.json()["error"]["message"])
    assert studio.get("/studio/api/project").json()["version"] == 1
    assert studio.post("/studio/api/review/dismiss", json={"key": key}).status_code == 200
    assert review(studio)["items"] == []


def test_ratings_reach_only_the_callers_turns(make_studio: Any) -> None:
    client = make_studio(api_key_hashes=[hash_key("kd-a"), hash_key("kd-b")])
    a = {"Authorization": "Bearer kd-a"}
    b = {"Authorization": "Bearer kd-b"}
    s = session(client, **a)
    say(client, s, "안녕하세요", **a)
    url = f"/v1/sessions/{s['id']}/turns/1/feedback"
    assert client.post(url, json={"rating": "up"}).status_code == 401
    assert client.post(url, json={"rating": "up"}, headers=b).status_code == 404  # not b's
    assert (
        client.post(url.replace("/1/", "/2/"), json={"rating": "up"}, headers=a).status_code == 404
    )
    assert client.post(url, json={"rating": "meh"}, headers=a).status_code == 400
    assert client.post(url, json={"rating": "down"}, headers=a).json()["rating"] == "down"
    listed = client.get("/studio/api/review?kind=thumbs_down", headers=a).json()["items"]
    assert [i["seq"] for i in listed] == [1]
    assert client.post(url, json={"rating": None}, headers=a).json()["rating"] is None
    assert client.get("/studio/api/review?kind=thumbs_down", headers=a).json()["items"] == []
    assert client.get("/v1/feedback", headers=a).json()["ratings"] == ["up", "down"]
