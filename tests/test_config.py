"""kodial.config: one mechanism for YAML configs, --set overrides and help from docstrings."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import Field

from kodial.config import Config, field_help, load_yaml, parse_overrides, validate
from kodial.errors import DataErrors, KodialError


class Inner(Config):
    rank: int = Field(default=8, ge=1)
    """Adapter rank."""


class Recipe(Config):
    model: str
    """Model path or hub id."""
    learning_rate: float = 2e-4
    """Peak learning rate."""
    lora: Inner = Field(default_factory=Inner)
    """Adapter settings."""
    targets: list[str] = Field(default_factory=lambda: ["q_proj"])
    """Modules that get adapters."""


def test_numbers_yaml_leaves_as_text_are_numbers_and_nan_is_refused() -> None:
    assert validate(Recipe, {"model": "m", "learning_rate": "1e-4"}).learning_rate == 1e-4
    with pytest.raises(DataErrors) as err:
        validate(Recipe, {"model": "m", "learning_rate": "nan"})
    assert err.value.errors[0].field == "learning_rate"


def test_unknown_keys_say_did_you_mean_and_where_they_came_from() -> None:
    with pytest.raises(DataErrors) as err:
        validate(Recipe, {"model": "m", "learnig_rate": 1}, origins={"learnig_rate": "--set x"})
    e = err.value.errors[0]
    assert e.field == "learnig_rate" and "did you mean 'learning_rate'?" in e.message
    assert e.path == "--set x"
    with pytest.raises(DataErrors) as err:
        validate(Recipe, {"model": "m", "lora": {"rnk": 2}})
    assert "did you mean 'rank'?" in err.value.errors[0].message


def test_yaml_errors_name_file_line_and_key_and_overrides_apply(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("model: m\nlora:\n  rank: 0\n", encoding="utf-8")
    with pytest.raises(DataErrors) as err:
        load_yaml(path, Recipe)
    e = err.value.errors[0]
    assert (e.path, e.line, e.field) == (str(path), 3, "lora.rank")
    assert "must be at least 1, got 0" in e.message
    fixed = load_yaml(path, Recipe, overrides=parse_overrides(["lora={rank: 4}"]))
    assert fixed.lora.rank == 4
    with pytest.raises(DataErrors) as err:
        load_yaml(path, Recipe, overrides={"learning_rate": "fast"})
    assert err.value.errors[0].path == "--set learning_rate"
    path.write_text("lora: {rank: 2}\n", encoding="utf-8")
    with pytest.raises(DataErrors) as err:
        load_yaml(path, Recipe)
    assert err.value.errors[0].field == "model" and "required" in err.value.errors[0].message


def test_overrides_parse_as_yaml() -> None:
    assert parse_overrides(["a=1e-4", "b=[x, y]", "c=false", "d="]) == {
        "a": "1e-4",
        "b": ["x", "y"],
        "c": False,
        "d": None,
    }
    with pytest.raises(KodialError, match="bad --set"):
        parse_overrides(["novalue"])


def test_field_help_comes_from_docstrings() -> None:
    rows = {r.name: r for r in field_help(Recipe)}
    assert rows["learning_rate"].help == "Peak learning rate."
    assert rows["model"].default == "(required)" and rows["targets"].default == "['q_proj']"
