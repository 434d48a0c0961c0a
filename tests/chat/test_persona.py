"""Persona YAML -> system prompt: defaults, particles, overrides, validation."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from kodial.chat.dialogue import Message
from kodial.chat.persona import Persona, apply_persona, load_persona
from kodial.errors import DataError, KodialError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "persona.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_persona_prompt_holds_every_fact() -> None:
    path = resources.files("kodial") / "resources" / "chat" / "persona.yaml"
    persona = load_persona(str(path))
    prompt = persona.system_prompt()
    assert prompt.startswith("너는 하루라는 캐릭터야.")
    for item in persona.profile + persona.style + persona.examples:
        assert f"- {item}" in prompt
    assert len(persona.profile) >= 3 and len(persona.style) >= 3 and len(persona.examples) >= 3


def test_name_particles_follow_the_final_consonant() -> None:
    assert Persona("민준").system_prompt().startswith("너는 민준이라는 캐릭터야.")
    assert (
        Persona("하루").system_prompt("{name}은/는 {name}이/가 {name}(이)야")
        == "하루는 하루가 하루야"
    )
    assert Persona("민준").system_prompt("{name}(이)야") == "민준이야"


def test_template_from_yaml_and_from_the_call(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "name: 보리\nprofile: 빵집 제빵사\nstyle: [해요체]\nsystem_template: '{name}: {profile} {{고정}}'\n",
    )
    persona = load_persona(path)
    assert persona.profile == ["빵집 제빵사"]  # a single string is a one-item list
    assert persona.system_prompt() == "보리: - 빵집 제빵사 {고정}"
    assert persona.system_prompt("{style}") == "- 해요체"  # the call overrides the file
    assert persona.examples == []
    assert "- (없음)" in Persona("보리").system_prompt("{examples}")


def test_unknown_placeholder_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(KodialError, match=r"unknown placeholder \{age\}"):
        Persona("보리").system_prompt("{name} {age}")
    path = write(tmp_path, "name: 보리\nsystem_template: '{hobby}'\n")
    with pytest.raises(KodialError, match="hobby"):
        load_persona(path)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("name: 보리\nhobby: 산책\n", "unknown key"),
        ("profile: [가]\n", "field 'name': missing or empty"),
        ("name: 보리\nstyle: [가, '']\n", "field 'style': expected a list of non-empty strings"),
        ("name: 보리\nsystem_template: [1]\n", "field 'system_template'"),
        ("- just\n- a list\n", "expected a mapping"),
        ("name: [보리\n", "invalid YAML"),
    ],
)
def test_bad_persona_files(tmp_path: Path, text: str, match: str) -> None:
    with pytest.raises(DataError, match=match) as err:
        load_persona(write(tmp_path, text))
    assert "persona.yaml" in str(err.value)


def test_apply_persona_replaces_the_system_message() -> None:
    msgs = [Message("system", "옛 설정"), Message("user", "안녕")]
    out = apply_persona(msgs, Persona("보리", system_template="{name}"))
    assert out == [Message("system", "보리"), Message("user", "안녕")]
    assert apply_persona(msgs, None) == msgs


def test_round_trip_through_to_dict(tmp_path: Path) -> None:
    import yaml

    persona = Persona("보리", ["가"], ["나"], ["다"], "{name}")
    path = write(tmp_path, yaml.safe_dump(persona.to_dict(), allow_unicode=True))
    assert load_persona(path) == persona
