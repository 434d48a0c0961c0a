"""Project editing over the API: live validation gives the YAML loader's own errors, saves are
whole versions of the YAML ``kodial serve`` reads, a stale save is refused, a refused save
changes nothing, and the trust rule keeps browsers from adding code, models or paths."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from studio_helpers import add_delivery_intent

from kodial.assistant.config import load_config
from kodial.errors import DataErrors
from kodial.studio.document import ProjectDoc, render, write_files


def create(client: TestClient, source: str = "example") -> dict[str, Any]:
    assert client.post("/studio/api/project", json={"source": source}).status_code == 201
    found: dict[str, Any] = client.get("/studio/api/project").json()
    return found


def workspace(client: TestClient) -> Path:
    return Path(client.app.state.studio.ws.root)  # type: ignore[attr-defined]


def test_live_validation_reports_what_the_loader_reports(
    studio: TestClient, tmp_path: Path
) -> None:
    doc = create(studio)["doc"]
    doc["assistant"]["handlers"]["book_table"]["slots"][0]["prompt"] = 3
    doc["assistant"]["handlers"]["weather"]["slots"][0]["extractor"]["type"] = "colour"
    doc["intents"]["weather"]["examples"] = ["오늘 날씨 어때?"]
    doc["files"]["faq.yaml"][0]["a"] = ""
    res = studio.post("/studio/api/project/check", json={"doc": doc, "base_version": 1}).json()
    assert not res["ok"]
    shown = {p["text"] for p in res["problems"]}

    # the same files read by the service's loader give the same located messages
    write_files(tmp_path, render(ProjectDoc(**doc)))
    with pytest.raises(DataErrors) as caught:
        load_config(tmp_path / "assistant.yaml")
    for err in caught.value.errors:
        assert err.message.replace(str(tmp_path) + "/", "") in shown
    prompt = next(p for p in res["problems"] if p["field"] == "handlers.book_table.slots.0.prompt")
    assert prompt["file"] == "assistant.yaml" and prompt["line"] > 10
    assert prompt["message"] == "expected text, got 3"
    # files are checked one by one: a broken assistant.yaml hides no other file's problem
    assert any(p["file"] == "faq.yaml" and p["line"] for p in res["problems"])
    assert any(
        p["file"] == "intents.yaml" and "weather" in p["message"] and "at least 2" in p["message"]
        for p in res["problems"]
    )


def test_the_checks_the_assistant_makes_when_built_are_made_too(studio: TestClient) -> None:
    doc = create(studio)["doc"]
    doc["intents"]["delivery"] = {"examples": ["배달 되나요", "배달 가능해요?"]}  # no handler
    doc["assistant"]["timezone"] = "Seoul/Korea"
    problems = studio.post("/studio/api/project/check", json={"doc": doc}).json()["problems"]
    texts = " ".join(p["text"] for p in problems)
    assert "intent(s) without a handler: delivery" in texts
    assert "unknown timezone 'Seoul/Korea'" in texts


def test_save_writes_the_yaml_kodial_serve_reads_and_keeps_every_version(
    studio: TestClient,
) -> None:
    doc = add_delivery_intent(create(studio)["doc"])
    res = studio.put("/studio/api/project", json={"doc": doc, "base_version": 1, "note": "배달"})
    assert res.status_code == 200 and res.json() == {"version": 2}
    root = workspace(studio)
    config = load_config(root / "project" / "assistant.yaml")  # what kodial serve --config reads
    assert "delivery" in config.handlers
    assert "- 배달 되나요" in (root / "project" / "intents.yaml").read_text(encoding="utf-8")
    assert (root / "project" / "delivery.yaml").is_file()
    assert sorted(p.name for p in (root / "history").iterdir()) == ["0001", "0002"]
    got = studio.get("/studio/api/project")
    assert got.headers["etag"] == '"v2"' and got.json()["meta"]["note"] == "배달"
    assert (
        studio.get("/studio/api/project?version=1").json()["doc"]["intents"].get("delivery") is None
    )
    versions = studio.get("/studio/api/project/versions").json()["versions"]
    assert [v["version"] for v in versions] == [2, 1]
    diff = studio.get("/studio/api/project/diff?a=1&b=2").json()["files"]
    changed = {f["file"]: f["diff"] for f in diff}
    assert set(changed) == {"assistant.yaml", "intents.yaml", "delivery.yaml"}
    assert "+  delivery:" in changed["intents.yaml"] or "+delivery:" in changed["intents.yaml"]


def test_a_save_on_top_of_a_newer_version_is_refused(studio: TestClient) -> None:
    first = create(studio)["doc"]
    mine, theirs = copy.deepcopy(first), copy.deepcopy(first)
    theirs["assistant"]["greeting"] = "반가워요!"
    mine["assistant"]["greeting"] = "어서 오세요!"
    assert (
        studio.put("/studio/api/project", json={"doc": theirs, "base_version": 1}).status_code
        == 200
    )
    res = studio.put("/studio/api/project", json={"doc": mine, "base_version": 1})
    assert res.status_code == 409
    body = res.json()
    assert body["error"]["code"] == "version_conflict" and body["current_version"] == 2
    assert "먼저 저장했어요" in body["error"]["message"]
    assert studio.get("/studio/api/project").json()["doc"]["assistant"]["greeting"] == "반가워요!"
    assert studio.post("/studio/api/project", json={"source": "example"}).status_code == 409


def test_a_refused_save_changes_nothing(studio: TestClient) -> None:
    doc = create(studio)["doc"]
    root = workspace(studio)
    before = {p.name: p.read_bytes() for p in (root / "project").iterdir()}
    doc["intents"]["book_table"]["examples"] = []
    res = studio.put("/studio/api/project", json={"doc": doc, "base_version": 1})
    assert res.status_code == 422
    assert res.json()["error"]["code"] == "invalid_project"
    assert any("book_table" in p["text"] for p in res.json()["problems"])
    assert {p.name: p.read_bytes() for p in (root / "project").iterdir()} == before
    assert sorted(p.name for p in (root / "history").iterdir()) == ["0001"]  # no staging left


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (
            lambda d: d["assistant"]["handlers"]["book_table"].update(
                action={"type": "callable", "function": "os:getcwd"}
            ),
            "handlers.book_table.action",
        ),
        (
            lambda d: d["assistant"]["handlers"]["weather"].update(
                action={"type": "webhook", "url": "http://169.254.169.254/latest"}
            ),
            "handlers.weather.action",
        ),
        (lambda d: d["assistant"]["classifier"].update(method="embedding"), "classifier.method"),
        (
            lambda d: d["assistant"]["handlers"]["smalltalk"].update(
                backend="transformers", model="/etc"
            ),
            "handlers.smalltalk.model",
        ),
        (
            lambda d: d["assistant"]["handlers"]["faq"].update(data="../../etc/passwd"),
            "handlers.faq.data",
        ),
    ],
)
def test_a_browser_cannot_add_code_models_or_paths(
    studio: TestClient, edit: Any, field: str
) -> None:
    doc = create(studio)["doc"]
    edit(doc)
    res = studio.put("/studio/api/project", json={"doc": doc, "base_version": 1})
    assert res.status_code == 422
    assert field in {p["field"] for p in res.json()["problems"]}
    assert studio.get("/studio/api/project").json()["version"] == 1


def test_existing_actions_can_be_reused_and_data_files_must_be_plain_names(
    studio: TestClient,
) -> None:
    doc = create(studio)["doc"]
    handlers = doc["assistant"]["handlers"]
    handlers["weather"]["action"] = copy.deepcopy(handlers["book_table"]["action"])
    doc["files"]["sub/dir.yaml"] = []
    res = studio.put("/studio/api/project", json={"doc": doc, "base_version": 1})
    assert res.status_code == 422
    assert [p["file"] for p in res.json()["problems"]] == ["sub/dir.yaml"]
    del doc["files"]["sub/dir.yaml"]
    assert (
        studio.put("/studio/api/project", json={"doc": doc, "base_version": 1}).status_code == 200
    )


def test_the_starter_project_is_valid_and_a_removed_file_leaves_the_mirror(
    studio: TestClient,
) -> None:
    doc = create(studio, "starter")["doc"]
    assert studio.post("/studio/api/project/check", json={"doc": doc}).json()["ok"]
    root = workspace(studio)
    assert (root / "project" / "chitchat.yaml").is_file()
    del doc["assistant"]["handlers"]["smalltalk"], doc["intents"]["smalltalk"]
    del doc["files"]["chitchat.yaml"]
    doc["intents"]["hours"] = {"examples": ["몇 시에 열어요", "언제 문 닫아요"]}
    doc["assistant"]["handlers"]["hours"] = {"type": "faq", "data": "faq.yaml"}
    assert (
        studio.put("/studio/api/project", json={"doc": doc, "base_version": 1}).status_code == 200
    )
    assert not (root / "project" / "chitchat.yaml").exists()
    meta = json.loads((root / "history" / "0002" / "meta.json").read_text(encoding="utf-8"))
    assert "chitchat.yaml" not in meta["files"]
