"""The chat models tab over the API, on the tiny test model: build the base, train in the
background with the loss drawn as it is logged, evaluate, export, switch the assistant's small
talk to the export, train and deploy, and hear the model answer. Choices are names from fixed
lists: a path or an unknown recipe from a browser is refused."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from studio_helpers import wait_job

pytestmark = pytest.mark.slow


def run_job(client: TestClient, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    res = client.post(path, json=body or {})
    assert res.status_code == 200, res.json()
    done = wait_job(client, res.json(), timeout=600)
    assert done["status"] == "done", done["error"]
    return done


def test_train_evaluate_export_and_answer_small_talk_with_the_model(studio: TestClient) -> None:
    assert studio.post("/studio/api/project", json={"source": "example"}).status_code == 201
    overview = studio.get("/studio/api/chat").json()
    assert {r["name"] for r in overview["recipes"]} >= {"tiny", "sft-lora"}
    assert {d["key"] for d in overview["datasets"]} == {"sample", "chitchat"}
    assert overview["base_models"] == []  # nothing to train from until the tiny model is built
    assert [h["name"] for h in overview["chitchat_handlers"]] == ["smalltalk"]

    run_job(studio, "/studio/api/chat/base", {"kind": "tiny"})
    assert [b["key"] for b in studio.get("/studio/api/chat").json()["base_models"]] == ["tiny"]

    trained = run_job(
        studio,
        "/studio/api/chat/train",
        {"recipe": "tiny", "data": "chitchat", "base": "tiny", "overrides": {"max_steps": 6}},
    )
    curve = [p for p in trained["points"] if p[2] == "train"]
    assert len(curve) == 6 and [p[0] for p in curve] == [1, 2, 3, 4, 5, 6]  # a point per step
    run_id = trained["result"]["run"]
    run = next(r for r in studio.get("/studio/api/chat").json()["runs"] if r["id"] == run_id)
    assert run["status"] == "done" and run["metrics"]["global_step"] == 6 and run["points"]

    evaluated = run_job(studio, f"/studio/api/chat/runs/{run_id}/eval")
    metrics = evaluated["result"]["eval"]["metrics"]
    assert metrics["perplexity"] > 1 and metrics["num_generations"] >= 1

    exported = run_job(studio, f"/studio/api/chat/runs/{run_id}/export")
    assert exported["result"]["export"].endswith(run_id)
    assert f"export:{run_id}" in {
        b["key"] for b in studio.get("/studio/api/chat").json()["base_models"]
    }

    use = studio.post(f"/studio/api/chat/runs/{run_id}/use", json={"handler": "smalltalk"})
    assert use.status_code == 200 and use.json()["version"] == 2
    handler = studio.get("/studio/api/project").json()["doc"]["assistant"]["handlers"]["smalltalk"]
    assert handler["backend"] == "transformers" and handler["model"] == exported["result"]["export"]

    job = run_job(studio, "/studio/api/train", {})
    assert studio.post("/studio/api/deploy", json={"run": job["result"]["run"]}).status_code == 200
    reply = studio.post(
        "/v1/chat/completions",
        json={"model": "kodial-demo", "messages": [{"role": "user", "content": "안녕하세요"}]},
    ).json()
    route = reply["kodial"]["route"]
    assert route["handler"] == "smalltalk" and route["chitchat"]["backend"] == "transformers"


def test_choices_come_from_the_lists(studio: TestClient) -> None:
    assert studio.post("/studio/api/project", json={"source": "example"}).status_code == 201
    for body, words in (
        ({"recipe": "tiny", "data": "sample", "base": "/etc"}, "기본 모델"),
        ({"recipe": "../../evil", "data": "sample", "base": "tiny"}, "레시피"),
        ({"recipe": "tiny", "data": "/etc/passwd", "base": "tiny"}, "학습 데이터"),
        (
            {"recipe": "tiny", "data": "sample", "base": "tiny", "overrides": {"output_dir": 1}},
            "설정",
        ),
    ):
        res = studio.post("/studio/api/chat/train", json=body)
        assert res.status_code == 400 and words in res.json()["error"]["message"]
    assert studio.post("/studio/api/chat/runs/c0001/eval").status_code == 404
    assert studio.post("/studio/api/chat/runs/x/eval").status_code == 400  # not a run id
    use = studio.post("/studio/api/chat/runs/c0001/use", json={"handler": "smalltalk"})
    assert use.status_code == 400 and "내보내" in use.json()["error"]["message"]
