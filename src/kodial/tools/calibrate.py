"""``python -m kodial.tools.calibrate``: the tool-scoring weights and "none fits" threshold that
the project's own labelled requests alone would give (``resources/tools/requests.jsonl`` over
``resources/tools/tools.json``), printed beside the shipped ones.

The shipped calibration (``resources/tools/calibration.json``) is written by
``bench/bench_tools.py --calibrate`` from these requests plus the tuning part of
FunctionChat-Bench (its held-out part is never used to tune), with :func:`write_calibration`.
Run that after changing the scoring, the bundled tools or ``requests.jsonl``.
"""

from __future__ import annotations

import json
from importlib import resources

from kodial.textio import atomic_write_text
from kodial.tools.choose import (
    Calibration,
    ToolChooser,
    bundled_tools,
    calibrate,
    load_requests,
    request_cases,
)


def write_calibration(cal: Calibration) -> str:
    """Store ``cal`` as the shipped calibration; returns the path written."""
    path = str(resources.files("kodial") / "resources" / "tools" / "calibration.json")
    atomic_write_text(path, json.dumps(cal.__dict__, ensure_ascii=False, indent=1) + "\n")
    return path


def main() -> None:
    cases = request_cases(bundled_tools(), load_requests())
    own = calibrate(cases, ToolChooser(calibration=Calibration()), "bundled requests")
    print(
        json.dumps(
            {"own_requests": own.__dict__, "shipped": Calibration.bundled().__dict__},
            ensure_ascii=False,
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
