"""assistant.yaml validation: clear errors naming the file, line and key; registries in sync;
the bundled example loads."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest

from kodial.assistant.chitchat import CHAT_BACKENDS
from kodial.assistant.config import ChitchatConfig, HandlerConfig, bundled_config, load_config
from kodial.assistant.engine import Assistant
from kodial.assistant.handlers import HANDLERS
from kodial.errors import DataError, DataErrors, KodialError

GOOD = """\
name: mini
intents:
  examples:
    greet: [안녕, 안녕하세요, 반가워요]
    bye: [잘 가, 안녕히 가세요, 다음에 봐요]
handlers:
  greet: {type: chitchat, data: pairs.yaml}
  bye: {type: fallback, message: 잘 가요}
  fallback: {type: fallback}
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "pairs.yaml").write_text("- {user: 안녕, reply: 반가워요}\n", encoding="utf-8")
    p = tmp_path / "assistant.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_bundled_config_loads_and_paths_are_relative_to_it() -> None:
    cfg = load_config(bundled_config())
    assert cfg.name == "kodial-demo"
    assert cfg.intents.data is not None and cfg.intents.data.is_file()
    assert cfg.intents.data.parent == bundled_config().parent
    types = {h.type for h in cfg.handlers.values()}
    assert types == set(HANDLERS)  # the example exercises every handler type


def test_minimal_config_builds(tmp_path: Path) -> None:
    bot = Assistant.from_config(write(tmp_path, GOOD))
    assert bot.name == "mini" and set(bot.handlers) == {"greet", "bye", "fallback"}


@pytest.mark.parametrize(
    ("old", "new", "key", "line", "words"),
    [
        (
            "  bye: {type: fallback, message: 잘 가요}",
            "  bye: {type: fallback, mesage: 잘 가요}",
            "handlers.bye.mesage",
            8,
            "unknown key",
        ),
        (
            "  greet: {type: chitchat, data: pairs.yaml}",
            "  greet: {type: chatbot}",
            "handlers.greet",
            7,
            "does not match any of the expected tags",
        ),
        ("name: mini", "name: 미니 비서", "name", 1, "should match pattern"),
        (
            "  greet: {type: chitchat, data: pairs.yaml}",
            "  greet: {type: chitchat}",
            "handlers.greet",
            7,
            "needs 'data'",
        ),
    ],
)
def test_bad_key_names_file_line_and_key(
    tmp_path: Path, old: str, new: str, key: str, line: int, words: str
) -> None:
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(DataErrors) as info:
        load_config(path)
    err = info.value.errors[0]
    assert err.path == str(path) and err.field == key and err.line == line
    assert words in err.message and str(path) in str(info.value)


def test_bad_slot_key_deep_in_a_task(tmp_path: Path) -> None:
    text = GOOD.replace(
        "  bye: {type: fallback, message: 잘 가요}",
        "  bye:\n    type: task\n    slots:\n      - name: 날짜\n        prompt: 언제요?\n"
        "        extractor: {type: datetime, part: month}\n",
    )
    with pytest.raises(DataErrors) as info:
        load_config(write(tmp_path, text))
    err = info.value.errors[0]
    assert err.field == "handlers.bye.slots.0.extractor.part" and err.line == 13


def test_missing_fallback_and_unhandled_intents(tmp_path: Path) -> None:
    with pytest.raises(DataErrors, match="'fallback' entry"):
        load_config(write(tmp_path, GOOD.replace("  fallback: {type: fallback}\n", "")))
    with pytest.raises(KodialError, match="intent\\(s\\) without a handler: bye"):
        Assistant.from_config(
            write(tmp_path, GOOD.replace("  bye: {type: fallback, message: 잘 가요}\n", ""))
        )
    extra = GOOD + "  weather: {type: fallback}\n"
    with pytest.raises(KodialError, match="does not know: weather"):
        Assistant.from_config(write(tmp_path, extra))


def test_invalid_yaml_and_missing_data_files(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="invalid YAML") as info:
        load_config(write(tmp_path, GOOD + "  broken: [\n"))
    assert info.value.line is not None
    text = GOOD.replace("data: pairs.yaml", "data: nowhere.yaml")
    with pytest.raises(DataError, match="file not found"):
        Assistant.from_config(write(tmp_path, text))


def test_bad_action_import_fails_at_start_up(tmp_path: Path) -> None:
    text = GOOD.replace(
        "  bye: {type: fallback, message: 잘 가요}",
        "  bye:\n    type: task\n    slots: []\n    action: {type: callable, function: 'no.such:fn'}",
    )
    with pytest.raises(KodialError, match=r"cannot import action 'no\.such:fn'"):
        Assistant.from_config(write(tmp_path, text))


def test_handler_registry_matches_the_config_union() -> None:
    members = typing.get_args(typing.get_args(HandlerConfig)[0])
    assert {m.model_fields["type"].default for m in members} == set(HANDLERS)
    for name, cls in HANDLERS.items():
        assert cls.config_class.model_fields["type"].default == name  # type: ignore[attr-defined]
    backends = typing.get_args(ChitchatConfig.model_fields["backend"].annotation)
    assert set(backends) == set(CHAT_BACKENDS)


def test_saved_classifier_dir_is_loaded_instead_of_training(tmp_path: Path) -> None:
    trained = Assistant.from_config(write(tmp_path, GOOD))
    saved = trained.classifier.save(tmp_path / "clf")
    text = GOOD.replace("name: mini", f"name: mini\nclassifier:\n  model_dir: {saved.name}")
    loaded = Assistant.from_config(write(tmp_path, text))
    assert loaded.classifier.labels == ["bye", "greet"]
    queries = ["안녕하세요 반가워요", "다음에 봐요"]
    assert [p.label for p in loaded.predict(queries)] == [p.label for p in trained.predict(queries)]


def test_demo_fallback_is_calibrated_and_package_exports_are_lazy() -> None:
    import kodial.assistant as pkg

    assert pkg.bundled_config() == bundled_config()
    assert pkg.Assistant is Assistant
    cfg = load_config(bundled_config())
    assert cfg.classifier.min_score is None and cfg.classifier.target_recall == 0.95
    with pytest.raises(AttributeError):
        _ = pkg.nothing_here


def test_confirm_template_must_name_slots(tmp_path: Path) -> None:
    text = GOOD.replace(
        "  bye: {type: fallback, message: 잘 가요}",
        "  bye:\n    type: task\n    slots:\n      - name: 날짜\n        prompt: 언제요?\n"
        "        extractor: {type: datetime, part: date}\n    confirm: '{날자}에 할까요?'",
    )
    with pytest.raises(DataErrors, match=r"confirm mentions \{날자\}") as info:
        load_config(write(tmp_path, text))
    assert info.value.errors[0].field == "handlers.bye"
