"""Training, evaluation, comparison and deploys over the API: the report (tables and pictures),
the stable held-out split, the deploy gate for a worse version, hot reload without dropping
sessions, and the running assistant surviving a version that does not build."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from studio_helpers import BASE_URL, UNSEEN_DELIVERY, add_delivery_intent, wait_job

from kodial.assistant.config import load_config
from kodial.classify.data import Example, LabelledData
from kodial.studio.app import create_studio_app
from kodial.studio.training import stable_split


def create_and_save(client: TestClient, doc_edit: Any = None) -> int:
    assert client.post("/studio/api/project", json={"source": "example"}).status_code == 201
    if doc_edit is None:
        return 1
    doc = client.get("/studio/api/project").json()["doc"]
    doc_edit(doc)
    res = client.put("/studio/api/project", json={"doc": doc, "base_version": 1})
    assert res.status_code == 200, res.json()
    version: int = res.json()["version"]
    return version


def train(client: TestClient) -> dict[str, Any]:
    job = client.post("/studio/api/train", json={}).json()
    done = wait_job(client, job)
    assert done["status"] == "done", done["error"]
    run: dict[str, Any] = client.get(f"/studio/api/runs/{done['result']['run']}").json()
    return run


def chat(client: TestClient, text: str, session: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"model": "kodial-demo", "messages": [{"role": "user", "content": text}]}
    if session is not None:
        body.update(session_id=session["id"], session_token=session["session_token"])
    res = client.post("/v1/chat/completions", json=body)
    assert res.status_code == 200, res.json()
    found: dict[str, Any] = res.json()
    return found


def test_the_held_out_split_is_the_same_in_every_version() -> None:
    texts = {lab: [f"{lab} 예문 {i}" for i in range(40)] for lab in ("a", "b")}
    first = LabelledData([Example(t, (lab,)) for lab, ts in texts.items() for t in ts[:25]])
    later = LabelledData([Example(t, (lab,)) for lab, ts in texts.items() for t in ts])
    train1, dev1 = stable_split(first)
    train2, dev2 = stable_split(later)
    assert set(dev1.texts) <= set(dev2.texts)  # held out once, held out in every later version
    assert not set(train2.texts) & set(dev1.texts)
    assert 0.1 < len(dev2) / len(later) < 0.3
    assert set(train1.labels) == {"a", "b"}
    one = LabelledData([Example("혼자 있는 예문", ("c",))])
    assert stable_split(one)[0].texts == ["혼자 있는 예문"]  # an intent keeps a training example


def test_training_writes_the_report_with_tables_and_pictures(studio: TestClient) -> None:
    create_and_save(studio, add_delivery_intent)
    run = train(studio)
    assert run["status"] == "done" and run["version"] == 2
    report = run["report"]
    assert "delivery" in report["per_class"] and report["confusion"]
    assert {"false_fallback_rate", "ood_detection_rate", "ood_auroc"} <= set(report["fallback"])
    assert run["summary"]["split"]["dev"] == report["n"] > 0
    assert run["summary"]["assistant_rules"]["n_ood"] > 0
    assert run["comparison"] is None  # nothing earlier to compare with
    for name in ("confusion.png", "f1.png"):
        assert name in run["files"]
        image = studio.get(f"/studio/api/runs/{run['id']}/files/{name}")
        assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    assert studio.get(f"/studio/api/runs/{run['id']}/files/run.json").status_code == 404
    assert studio.get("/studio/api/runs/r9999").status_code == 404


def test_deploy_hot_reloads_and_keeps_sessions(studio: TestClient) -> None:
    session = studio.post("/v1/sessions", json={}).json()
    asked = chat(studio, "내일 저녁 7시에 4명 예약하고 싶어요", session)
    assert asked["kodial"]["route"]["task"]["asking"] == "장소"
    before = chat(studio, UNSEEN_DELIVERY)["kodial"]["route"]
    assert before["handler"] != "delivery"

    def with_unseen(doc: dict[str, Any]) -> None:
        add_delivery_intent(doc)
        doc["intents"]["delivery"]["examples"].append(UNSEEN_DELIVERY)
        doc["files"]["delivery.yaml"][0]["q"].append(UNSEEN_DELIVERY)

    create_and_save(studio, with_unseen)
    run = train(studio)
    # trained, not deployed: the server still answers with what it had
    assert chat(studio, UNSEEN_DELIVERY)["kodial"]["route"]["handler"] != "delivery"
    res = studio.post("/studio/api/deploy", json={"run": run["id"]})
    assert res.status_code == 200 and res.json()["deployed"]["version"] == 2
    assert chat(studio, UNSEEN_DELIVERY)["kodial"]["route"]["handler"] == "delivery"
    # the booking started before the deploy goes on where it was
    going = chat(studio, "강남점으로 해 주세요", session)
    assert "예약할까요" in going["choices"][0]["message"]["content"]
    assert going["kodial"]["turn"] == 2
    info = studio.get("/studio/api/info").json()
    assert info["deployed"]["run"] == run["id"]
    # what was deployed, as files kodial serve can be pointed at
    root = Path(studio.app.state.studio.ws.root)  # type: ignore[attr-defined]
    assert "delivery" in load_config(root / "deployed" / "assistant.yaml").handlers


def test_a_worse_version_is_deployed_only_when_confirmed(studio: TestClient) -> None:
    create_and_save(studio)
    first = train(studio)
    assert studio.post("/studio/api/deploy", json={"run": first["id"]}).status_code == 200

    # take away most training examples of two intents (their held-out ones stay)
    doc = studio.get("/studio/api/project").json()["doc"]
    for label in ("book_movie", "weather"):
        examples = doc["intents"][label]["examples"]
        data = LabelledData([Example(t, (label,)) for t in examples])
        train_part, held = stable_split(data)
        doc["intents"][label]["examples"] = held.texts + train_part.texts[:1]
    assert (
        studio.put("/studio/api/project", json={"doc": doc, "base_version": 1}).status_code == 200
    )
    second = train(studio)
    comparison = second["comparison"]
    assert comparison["against"]["run"] == first["id"] and comparison["worse"]
    assert comparison["regressions"] and set(comparison["worse_intents"]) & {
        "book_movie",
        "weather",
    }
    assert "compare.png" in second["files"]

    refused = studio.post("/studio/api/deploy", json={"run": second["id"]})
    assert refused.status_code == 409
    body = refused.json()
    assert body["error"]["code"] == "deploy_needs_confirmation" and body["regressions"]
    assert studio.get("/studio/api/info").json()["deployed"]["run"] == first["id"]

    confirmed = studio.post("/studio/api/deploy", json={"run": second["id"], "confirm": True})
    assert confirmed.status_code == 200
    assert confirmed.json()["deployed"]["confirmed_worse"] is True


def test_a_version_that_does_not_build_never_reaches_the_server(studio: TestClient) -> None:
    # an "exported chat model" directory that holds no model: the document is valid (the
    # loaders read no models), so it saves; building the assistant fails in training
    broken = Path(studio.app.state.studio.chat.exports_dir) / "c0001"  # type: ignore[attr-defined]
    broken.mkdir(parents=True)

    def use_broken_model(doc: dict[str, Any]) -> None:
        doc["assistant"]["handlers"]["smalltalk"].update(backend="transformers", model=str(broken))

    create_and_save(studio, use_broken_model)
    job = wait_job(studio, studio.post("/studio/api/train", json={}).json())
    assert job["status"] == "failed" and job["error"]
    assert "Traceback" not in job["error"] and str(broken) not in job["error"]
    runs = studio.get("/studio/api/runs").json()["runs"]
    assert runs[0]["status"] == "failed"
    refused = studio.post("/studio/api/deploy", json={"run": runs[0]["id"]})
    assert refused.status_code == 400 and "학습이 끝난" in refused.json()["error"]["message"]
    reply = chat(studio, "안녕하세요")
    assert reply["kodial"]["route"]["handler"] == "smalltalk"  # the bundled assistant answers
    assert studio.get("/readyz").json()["status"] == "ready"


def test_try_talks_to_the_trained_version_and_stores_the_turn(studio: TestClient) -> None:
    create_and_save(studio, add_delivery_intent)
    session = studio.post("/v1/sessions", json={"title": "테스트"}).json()
    body = {
        "message": "배달 되나요?",
        "session_id": session["id"],
        "session_token": session["session_token"],
    }
    before = studio.post("/studio/api/try", json=body).json()
    assert before["answered_by"] == "deployed" and before["route"]["handler"] != "delivery"
    run = train(studio)
    after = studio.post("/studio/api/try", json=body).json()
    assert after["answered_by"] == run["id"] and after["route"]["handler"] == "delivery"
    deployed = studio.post("/studio/api/try", json={**body, "target": "deployed"}).json()
    assert deployed["route"]["handler"] != "delivery"
    stored = studio.get(
        f"/v1/sessions/{session['id']}",
        headers={"X-Kodial-Session-Token": session["session_token"]},
    ).json()
    assert [t["route"]["handler"] == "delivery" for t in stored["turns"]] == [False, True, False]
    other = studio.post("/studio/api/try", json={**body, "session_token": "kst-wrong"})
    assert other.status_code == 404


def test_a_restarted_studio_serves_the_deployed_version(studio: TestClient) -> None:
    create_and_save(studio, add_delivery_intent)
    run = train(studio)
    assert studio.post("/studio/api/deploy", json={"run": run["id"]}).status_code == 200
    settings = studio.app.state.studio.settings  # type: ignore[attr-defined]
    # a new process on the same workspace: no assistant given, the deployed one is rebuilt
    with TestClient(create_studio_app(settings), base_url=BASE_URL) as again:
        assert chat(again, "배달 되나요?")["kodial"]["route"]["handler"] == "delivery"
        assert again.get("/studio/api/info").json()["deployed"]["run"] == run["id"]
