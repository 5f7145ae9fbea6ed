"""The fuzz tests share their targets and seed builders with the atheris harnesses in ``bench/``.

``bench`` is not an installed package, so the repository root goes on ``sys.path`` here (the lead
may replace this with ``pythonpath = ["."]`` in the pytest configuration).
"""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)
