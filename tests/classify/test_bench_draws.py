"""The few-shot curves of ``bench/bench_classify.py`` average seeded draws: each draw is the
same every run, the draws differ from one another, and each takes k queries per label from as
many paraphrase groups as it can (one draw of 8 per label moved 3i4k's 8-shot gain by several
points, so one draw could not say whether a target was met)."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

from _grouped import paraphrase_groups


def _bench() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "bench" / "bench_classify.py"
    spec = importlib.util.spec_from_file_location("bench_classify", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_classify", module)
    spec.loader.exec_module(module)
    return module


def test_few_shot_draws_are_seeded_distinct_and_spread_over_groups() -> None:
    bench = _bench()
    train = paraphrase_groups(seed=3, n_groups=12)  # 12 groups of 6 per label
    draws = [bench.few_shot(train, 8, d) for d in range(bench.DRAWS)]
    assert bench.DRAWS >= 5
    for d, part in enumerate(draws):
        assert [ex.text for ex in part.examples] == [
            ex.text for ex in bench.few_shot(train, 8, d).examples
        ]  # seeded: the same draw every run
        assert Counter(part.first_labels) == {lab: 8 for lab in train.labels}
        per_label_groups = Counter((ex.labels[0], ex.group) for ex in part.examples)
        assert max(per_label_groups.values()) == 1  # 8 of 12 groups: one query from each
    chosen = [frozenset(ex.text for ex in part.examples) for part in draws]
    assert len(set(chosen)) == len(chosen)  # every draw differs from the others
    # the draws of one k do not depend on which draws were taken before
    assert [ex.text for ex in bench.few_shot(train, 8, 3).examples] == [
        ex.text for ex in draws[3].examples
    ]
