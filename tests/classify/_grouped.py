"""Synthetic paraphrase groups for the calibration tests: made-up two-syllable topic words per
label and three-syllable filler words, so that the queries of one group share words that the
other groups of the label do not (the way ParaKQC's paraphrases share their wording). A split
that puts paraphrases of one group on both sides measures memory of those words, not new
queries: exactly the leak the out-of-fold calibration has to survive."""

from __future__ import annotations

import random

from kodial.classify.data import Example, LabelledData

SYLLABLES = "가나다라마바사아자차카타파하거너더러머버서어저처커터퍼허고노도로모보소오조초코토포호"
ENDINGS = ["해 줘", "알려 줘", "할래요", "하고 싶어", "가능해요?", "부탁해요", "좀 봐 줘"]
LABELS = ("weather", "booking", "exchange", "movie")


def _words(rng: random.Random, n: int, length: int) -> list[str]:
    out: set[str] = set()
    while len(out) < n:
        out.add("".join(rng.choice(SYLLABLES) for _ in range(length)))
    return sorted(out)


def paraphrase_groups(seed: int, n_groups: int, per_group: int = 6) -> LabelledData:
    """``n_groups`` groups of ``per_group`` paraphrases for each of :data:`LABELS`; the
    vocabulary is the same for every seed, the groups (word combinations) differ."""
    vocab = random.Random(0)
    topic = {label: _words(vocab, 25, 2) for label in LABELS}
    filler = _words(random.Random(1), 300, 3)
    rng = random.Random(seed)
    examples = []
    for label in LABELS:
        for g in range(n_groups):
            group_words = rng.sample(topic[label], 2) + rng.sample(filler, 2)
            for _ in range(per_group):
                words = group_words[:]
                rng.shuffle(words)
                words = [*words[: rng.choice([3, 4])], rng.choice(ENDINGS)]
                examples.append(Example(" ".join(words), (label,), group=f"{seed}-{label}-{g}"))
    return LabelledData(examples)
