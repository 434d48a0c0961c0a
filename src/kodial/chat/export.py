"""Exporting a trained chat model for serving (``kodial chat export``).

The exported directory is self-contained: the weights (LoRA merged into the base, or the adapter
kept), the tokenizer with the exact chat template used in training, a ``generation_config`` whose
``eos_token_id`` lists the end-of-turn token(s) (so any ``generate`` call stops at the end of the
assistant's turn, not only at ``</s>``), and a model card (README.md) with data, recipe and
metrics. It is written to a temp sibling and renamed, so a failed export leaves nothing half-done.
"""

from __future__ import annotations

import contextlib
import copy
import json
import shutil
from pathlib import Path
from typing import Any

from kodial.chat.card import model_card
from kodial.chat.rundir import RUN_FILE, resolve_model_dir
from kodial.errors import KodialError
from kodial.textio import check_output_dir, read_text

EXPORT_MARKER = "kodial_export.json"
"""Written into every export; an existing directory is only ever replaced if it holds one."""


def check_export_target(src: Path, given: Path, out: Path) -> Path:
    """Refuse an output directory that export would damage, before anything is loaded.

    Export replaces ``out`` as a whole, so ``out`` must be new, empty, or an earlier export
    (it holds :data:`EXPORT_MARKER`), and it must neither contain nor sit inside the model
    being exported or its run directory.
    """
    out_abs = out.resolve()
    if out_abs == out_abs.parent or not out.name or out.name in (".", ".."):
        raise KodialError(f"cannot export into {out}", hint="name a new directory, e.g. out/model")
    protected = {src.resolve(), given.resolve()}
    adapter_config = src / "adapter_config.json"
    if adapter_config.exists():  # the base an adapter needs, an earlier export or not
        try:
            base = json.loads(adapter_config.read_text(encoding="utf-8")).get(
                "base_model_name_or_path"
            )
        except (ValueError, AttributeError):
            base = None
        if isinstance(base, str) and base and Path(base).exists():
            protected.add(Path(base).resolve())
    for protected_dir in protected:
        if (
            out_abs == protected_dir
            or out_abs in protected_dir.parents
            or protected_dir in out_abs.parents
        ):
            raise KodialError(
                f"cannot export into {out}: it would overlap the model being exported or the "
                f"base it needs ({protected_dir})",
                hint="choose a directory outside the run, e.g. out/model",
            )
    check_output_dir(out, (EXPORT_MARKER,), "kodial export")
    for parent in out_abs.parents:
        if parent.exists():
            if not parent.is_dir():
                raise KodialError(
                    f"cannot export into {out}: {parent} is a file", hint="choose another directory"
                )
            break
    return out


def _read_eval_metrics(path: str | Path) -> dict[str, Any]:
    try:
        metrics = json.loads(read_text(path))
    except ValueError as exc:
        raise KodialError(
            f"{path}: not a JSON file ({exc})",
            hint="pass the eval_metrics.json written by kodial chat eval",
        ) from None
    if not isinstance(metrics, dict):
        raise KodialError(
            f"{path}: expected a JSON object of metrics",
            hint="pass the eval_metrics.json written by kodial chat eval",
        )
    return metrics


def _write_export(src: Path, tmp: Path, merge: bool, metrics: dict[str, Any] | None) -> None:
    """Write the whole export of ``src`` into ``tmp`` (renamed into place by :func:`export`)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer, GenerationConfig

    from kodial.chat.generate import end_of_turn_ids
    from kodial.chat.persona import PERSONA_FILE

    tokenizer = AutoTokenizer.from_pretrained(str(src))
    is_adapter = (src / "adapter_config.json").exists()
    merged = False
    if is_adapter:
        from kodial.chat.adapters import load_peft_model

        peft_model = load_peft_model(src)
        lora = peft_model.peft_config["default"].peft_type.value == "LORA"
        if merge and lora:
            model = peft_model.merge_and_unload()
            merged = True
        else:
            model = peft_model
    else:
        model = AutoModelForCausalLM.from_pretrained(str(src))
    model.save_pretrained(str(tmp))
    tokenizer.save_pretrained(str(tmp))
    eot = end_of_turn_ids(tokenizer)
    base = getattr(model, "generation_config", None)
    gen = copy.deepcopy(base) if isinstance(base, GenerationConfig) else GenerationConfig()
    gen.bos_token_id, gen.eos_token_id, gen.pad_token_id = (
        tokenizer.bos_token_id,
        eot,
        tokenizer.pad_token_id,
    )
    gen.save_pretrained(str(tmp))
    run_info: dict[str, Any] = {}
    if (src / RUN_FILE).exists():
        run_info = json.loads(read_text(src / RUN_FILE))
        shutil.copy(src / RUN_FILE, tmp / RUN_FILE)
    card = model_card(
        run_info, metrics, merged, [str(tokenizer.convert_ids_to_tokens(i)) for i in eot]
    )
    (tmp / "README.md").write_text(card, encoding="utf-8")
    (tmp / EXPORT_MARKER).write_text(
        json.dumps({"source": str(src.resolve()), "merged": merged}, indent=2), encoding="utf-8"
    )
    if (src / PERSONA_FILE).exists():
        shutil.copy(src / PERSONA_FILE, tmp / PERSONA_FILE)


def export(
    model_dir: str | Path,
    out_dir: str | Path,
    merge: bool = True,
    eval_metrics: str | Path | None = None,
) -> Path:
    """Export a trained model (run dir or model dir) to ``out_dir``; returns ``out_dir``.

    ``merge=True`` folds a LoRA adapter into the base weights (one plain checkpoint any
    transformers/vLLM loader reads); ``merge=False`` keeps the adapter. A prompt-tuning adapter
    cannot be merged and is always kept. The persona the model was trained with travels along
    (``persona.yaml``), so loading the export keeps its character.
    """
    src = resolve_model_dir(model_dir)
    out = check_export_target(src, Path(model_dir), Path(out_dir))
    metrics = _read_eval_metrics(eval_metrics) if eval_metrics else None
    # missing parent folders are created (`out/model` in a fresh clone), and removed again if
    # the export fails, so a failed export leaves nothing behind
    created = [p for p in reversed(out.resolve().parents) if not p.exists()]
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    try:
        _write_export(src, tmp, merge, metrics)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        for folder in reversed(created):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    return out
