"""Recipes: every shipped YAML loads, unknown keys and wrong types are named, help texts exist."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from kodial.chat.recipe import (
    METHODS,
    RECIPES,
    PreferenceRecipe,
    TrainRecipe,
    field_docs,
    load_recipe,
    parse_overrides,
    recipe_from_dict,
)
from kodial.chat.trainer import PEFT_BUILDERS
from kodial.errors import DataError, KodialError

RECIPE_DIR = Path(str(resources.files("kodial") / "resources" / "recipes"))


def shipped() -> list[Path]:
    return sorted(RECIPE_DIR.glob("*.yaml"))


def test_expected_recipes_are_shipped() -> None:
    names = {p.stem for p in shipped()}
    assert {"sft-lora", "sft-full", "qlora", "prompt-tuning", "dpo"} <= names


@pytest.mark.parametrize("path", shipped(), ids=lambda p: p.stem)
def test_every_shipped_recipe_loads(path: Path) -> None:
    recipe = load_recipe(path)
    assert recipe.method in METHODS
    # sample data paths resolve next to the recipe, wherever kodial is installed
    assert Path(recipe.data).exists(), recipe.data
    if recipe.persona:
        assert Path(recipe.persona).exists()


def test_stage_picks_the_recipe_class() -> None:
    assert isinstance(load_recipe(RECIPE_DIR / "sft-lora.yaml"), TrainRecipe)
    dpo = load_recipe(RECIPE_DIR / "dpo.yaml")
    assert isinstance(dpo, PreferenceRecipe) and dpo.stage == "dpo"


def test_unknown_key_names_file_and_key(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("model: m\ndata: d.jsonl\nlearnig_rate: 0.1\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_recipe(path)
    assert str(path) in str(err.value) and "learnig_rate" in str(err.value)
    assert "did you mean 'learning_rate'?" in str(err.value)
    assert "recipe-keys" in (err.value.hint or "")


def test_numbers_yaml_reads_as_text_are_numbers(tmp_path: Path) -> None:
    """PyYAML reads ``1e-4`` (no dot) as a string; a key that takes a number accepts it."""
    path = tmp_path / "r.yaml"
    path.write_text("model: m\ndata: d.jsonl\nlearning_rate: 1e-4\n", encoding="utf-8")
    assert load_recipe(path).learning_rate == pytest.approx(1e-4)
    assert load_recipe(path, ["learning_rate=3e-5"]).learning_rate == pytest.approx(3e-5)
    with pytest.raises(DataError, match="expected a whole number, got '1e-4'"):
        load_recipe(path, ["max_steps=1e-4"])
    with pytest.raises(DataError, match="expected a number, got 'nan'"):
        load_recipe(path, ["learning_rate=nan"])


def test_a_bad_override_is_blamed_on_the_override_not_the_file(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("model: m\ndata: d.jsonl\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_recipe(path, ["epochs=three"])
    assert err.value.path == "--set epochs" and "expected a number" in str(err.value)


def test_wrong_type_and_bad_values(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("model: m\ndata: d.jsonl\nepochs: three\n", encoding="utf-8")
    with pytest.raises(DataError, match="epochs"):
        load_recipe(path)
    path.write_text("model: m\ndata: d.jsonl\nmethod: adapterv2\n", encoding="utf-8")
    with pytest.raises(DataError, match="method"):
        load_recipe(path)
    path.write_text("model: m\ndata: d.jsonl\nstrategy: every-turn\n", encoding="utf-8")
    with pytest.raises(DataError, match="strategy"):
        load_recipe(path)
    path.write_text("model: m\n", encoding="utf-8")
    with pytest.raises(DataError, match="data"):
        load_recipe(path)
    path.write_text("model: m\ndata: d\nmethod: prompt-tuning\npacking: true\n", encoding="utf-8")
    with pytest.raises(DataError, match="packing"):
        load_recipe(path)
    path.write_text("model: m\ndata: d\nwindow: 0\n", encoding="utf-8")
    with pytest.raises(DataError, match="field 'window': must be at least 1"):
        load_recipe(path)
    path.write_text("model: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataError, match="invalid YAML"):
        load_recipe(path)


def test_overrides(tmp_path: Path) -> None:
    assert parse_overrides(["epochs=2", "packing=false", "lora_target_modules=[q_proj]"]) == {
        "epochs": 2,
        "packing": False,
        "lora_target_modules": ["q_proj"],
    }
    with pytest.raises(KodialError):
        parse_overrides(["epochs"])
    recipe = load_recipe(RECIPE_DIR / "sft-lora.yaml", ["method=full", "max_steps=3"])
    assert recipe.method == "full" and recipe.max_steps == 3
    with pytest.raises(DataError, match="nope"):
        load_recipe(RECIPE_DIR / "sft-lora.yaml", ["nope=1"])


@pytest.mark.parametrize("cls", sorted(set(RECIPES.values()), key=lambda c: c.__name__))
def test_every_field_has_help(cls: type) -> None:
    docs = field_docs(cls)
    missing = [name for name in cls.model_fields if not docs.get(name)]
    assert not missing


def test_method_registry_in_sync() -> None:
    assert set(PEFT_BUILDERS) == set(METHODS)


def test_report_to_names_known_trackers_and_needs_their_package(tmp_path: Path) -> None:
    """``report_to`` goes to the Trainer; an unknown tracker is a recipe error, and a tracker
    whose package is missing stops before any model is loaded."""
    import importlib.util

    from kodial.chat.trainer import check_trackers

    base = {"model": "m", "data": "d.jsonl"}
    assert recipe_from_dict(base).report_to == ["none"]
    with pytest.raises(DataError, match="unknown or conflicting trackers") as err:
        recipe_from_dict({**base, "report_to": ["tensorbord"]})
    assert err.value.field == "report_to"
    with pytest.raises(DataError, match="conflicting"):
        recipe_from_dict({**base, "report_to": ["none", "wandb"]})
    missing = [t for t in ("tensorboard", "wandb", "mlflow") if importlib.util.find_spec(t) is None]
    if missing:
        with pytest.raises(DataError, match=f"needs the {missing[0]} package"):
            check_trackers(recipe_from_dict({**base, "report_to": [missing[0]]}))
