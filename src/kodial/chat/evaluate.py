"""Validating a chat model on held-out dialogues (``kodial chat eval``).

Four numbers and a report:

- **perplexity on trained tokens only**: the samples are built exactly as for training
  (``build_samples``, same template and persona), and only tokens with a label contribute, so
  the number is comparable with the eval loss of training (``ppl = exp(eval_loss)``);
- **chrF and BLEU** (sacrebleu) of greedy replies against the reference reply of each held-out
  conversation's last assistant turn, given the turns before it as context (chrF works on
  character n-grams and suits Korean best; BLEU uses sacrebleu's default ``13a`` word
  tokenization, i.e. space-separated eojeol, so it punishes particle differences harshly);
- **end-of-turn rate**: the share of those replies that ended on the end-of-turn token within
  ``max_new_tokens`` (a model that never stops scores 0 here, whatever its chrF);
- a Markdown report with sample generations grouped by persona.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kodial.chat.generate import ChatModel
from kodial.errors import DataError
from kodial.textio import atomic_write_text


@dataclass
class GenerationSample:
    """One held-out turn: its context, the reference reply and the model's reply."""

    persona: str
    context: list[dict[str, str]]
    reference: str
    generated: str
    ended_on_eot: bool


@dataclass
class EvalReport:
    """Metrics of one evaluation and the generations behind them."""

    model: str
    data: str
    perplexity: float
    eval_tokens: int
    chrf: float
    bleu: float
    eot_rate: float
    num_generations: int
    max_new_tokens: int
    samples: list[GenerationSample] = field(default_factory=list)

    def metrics(self) -> dict[str, Any]:
        """The numbers only (for ``metrics.json`` and the model card)."""
        return {k: v for k, v in asdict(self).items() if k != "samples"}


def perplexity(bot: ChatModel, samples: list[Any]) -> tuple[float, int]:
    """``exp`` of the mean NLL over tokens with a label (-100 = not trained), and their count.

    Each sample ``(1, T)`` goes through the model with its labels; the model's mean loss over the
    ``n`` shifted label positions is turned back into a sum so that long and short samples weigh
    by their token counts.
    """
    import torch

    total, count = 0.0, 0
    with torch.no_grad():
        for s in samples:
            ids = torch.tensor([list(s.input_ids)], device=bot.device)
            labels = torch.tensor([list(s.labels)], device=bot.device)
            n = int((labels[:, 1:] != -100).sum())
            if n == 0:
                continue
            out = bot.model(input_ids=ids, attention_mask=torch.ones_like(ids), labels=labels)
            total += float(out.loss) * n
            count += n
    return (math.exp(total / count) if count else float("nan")), count


def evaluate(
    model: str | Path,
    data: str | Path,
    persona: str | Path | None = None,
    data_format: str | None = None,
    max_length: int = 1024,
    max_new_tokens: int = 64,
    max_generations: int = 50,
    device: str | None = None,
) -> EvalReport:
    """Evaluate a model directory on a held-out dialogue file (see the module docstring)."""
    import sacrebleu

    from kodial.chat.dialogue import load_dialogues
    from kodial.chat.persona import Persona
    from kodial.chat.samples import build_samples

    bot = ChatModel.from_pretrained(model, persona=persona, device=device)
    conversations = load_dialogues(data, fmt=data_format)
    if not conversations:
        raise DataError("no conversations to evaluate", path=data)

    def persona_of(conv: Any) -> Persona | None:
        if bot.persona is not None:
            return bot.persona
        return Persona.from_facts(conv.persona) if conv.persona else None

    samples: list[Any] = []
    for conv in conversations:
        built, _ = build_samples(
            [conv], bot.tokenizer, "all-turns", max_length=max_length, persona=persona_of(conv)
        )
        samples.extend(built)
    ppl, n_tokens = perplexity(bot, samples)

    gens: list[GenerationSample] = []
    for conv in conversations:
        if len(gens) >= max_generations:
            break
        msgs = conv.to_dicts()
        last = max((i for i, m in enumerate(msgs) if m["role"] == "assistant"), default=None)
        if last is None or last == 0:
            continue
        p = persona_of(conv)
        bot.persona = p
        reply = bot.reply(msgs[:last], max_new_tokens=max_new_tokens, temperature=0.0)
        gens.append(
            GenerationSample(
                persona=_persona_label(p, conv, bot.persona is None),
                context=msgs[:last],
                reference=msgs[last]["content"],
                generated=reply.text,
                ended_on_eot=reply.ended_on_eot,
            )
        )
    hyps = [g.generated for g in gens]
    refs = [[g.reference for g in gens]]
    return EvalReport(
        model=str(model),
        data=str(data),
        perplexity=ppl,
        eval_tokens=n_tokens,
        chrf=float(sacrebleu.corpus_chrf(hyps, refs).score) if gens else float("nan"),
        bleu=float(sacrebleu.corpus_bleu(hyps, refs).score) if gens else float("nan"),
        eot_rate=sum(g.ended_on_eot for g in gens) / len(gens) if gens else float("nan"),
        num_generations=len(gens),
        max_new_tokens=max_new_tokens,
        samples=gens,
    )


def render_markdown(report: EvalReport, per_persona: int = 3) -> str:
    """The report: a metrics table, then up to ``per_persona`` generations for each persona."""
    lines = [
        f"# Chat model evaluation: `{report.model}`",
        "",
        f"Data: `{report.data}`",
        "",
        "| metric | value |",
        "|---|---|",
        f"| perplexity (trained tokens only) | {report.perplexity:.3f} |",
        f"| tokens scored | {report.eval_tokens} |",
        f"| chrF | {report.chrf:.2f} |",
        f"| BLEU | {report.bleu:.2f} |",
        f"| ended on end-of-turn within {report.max_new_tokens} tokens | {report.eot_rate:.1%} |",
        f"| generations | {report.num_generations} |",
        "",
        "## Sample generations",
    ]
    groups: dict[str, list[GenerationSample]] = defaultdict(list)
    for g in report.samples:
        groups[g.persona].append(g)
    for name, items in groups.items():
        lines += ["", f"### {name}", ""]
        for g in items[:per_persona]:
            user = next((m["content"] for m in reversed(g.context) if m["role"] == "user"), "")
            lines += [
                f"- **user**: {user}",
                f"  - **reference**: {g.reference}",
                f"  - **model**: {g.generated or '(empty)'}"
                + ("" if g.ended_on_eot else " *(did not stop)*"),
            ]
    return "\n".join(lines) + "\n"


def write_report(report: EvalReport, out_dir: str | Path) -> tuple[Path, Path]:
    """Write ``eval_report.md`` and ``eval_metrics.json`` into ``out_dir`` (atomically)."""
    out = Path(out_dir)
    md, js = out / "eval_report.md", out / "eval_metrics.json"
    atomic_write_text(md, render_markdown(report))
    atomic_write_text(js, json.dumps(report.metrics(), ensure_ascii=False, indent=2))
    return md, js


def _persona_label(persona: Any, conv: Any, per_dialogue: bool) -> str:
    """The report heading a generation is grouped under: the persona's name, or for a dialogue
    that carries its own persona facts (xpersona) its first fact too, so that different
    personas are not all grouped as one nameless bot."""
    if persona is None:
        return "(no persona)"
    if per_dialogue and conv.persona:
        first = conv.persona[0]
        return f"{persona.name}: {first[:40]}{'…' if len(first) > 40 else ''}"
    return str(persona.name)
