"""``python -m kodial.tools.calibrate``: recompute ``resources/tools/calibration.json`` (the
tool-scoring weights and the "none fits" threshold) from the bundled tools and requests.

Run it after changing the scoring, the bundled tools or ``requests.jsonl``; a test checks that
the stored calibration still reproduces.
"""

from __future__ import annotations

import json
from importlib import resources

from kodial.textio import atomic_write_text
from kodial.tools.choose import Calibration, ToolChooser, bundled_tools, calibrate, load_requests


def main() -> None:
    cal = calibrate(bundled_tools(), load_requests(), ToolChooser(calibration=Calibration()))
    path = resources.files("kodial") / "resources" / "tools" / "calibration.json"
    atomic_write_text(str(path), json.dumps(cal.__dict__, ensure_ascii=False, indent=1) + "\n")
    print(json.dumps(cal.__dict__, ensure_ascii=False))


if __name__ == "__main__":
    main()
