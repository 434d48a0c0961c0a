"""The tiny test models are the same in every process: what a test teaches them cannot change
with the worker or the order the tests ran in."""

from __future__ import annotations

import json
import subprocess
import sys

_VOCAB = (
    "import json; from kodial.testing.models import build_tokenizer; "
    "print(json.dumps(build_tokenizer().get_vocab(), sort_keys=True, ensure_ascii=False))"
)


def test_the_tiny_tokenizer_is_the_same_in_every_process():
    runs = [
        subprocess.run(
            [sys.executable, "-c", _VOCAB], capture_output=True, text=True, check=True
        ).stdout
        for _ in range(2)
    ]
    assert runs[0] == runs[1]
    vocab = json.loads(runs[0])
    assert [vocab[t] for t in ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")] == [0, 1, 2, 3, 4]
    assert "오늘" in vocab and "##씨" in vocab
