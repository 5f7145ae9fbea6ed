"""``station demo --selftest`` as CI runs it: a separate process, real pcscd, real child processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
_STATION = "import sys; from station.cli import main; sys.exit(main(sys.argv[1:]))"


def test_demo_selftest_passes_every_step(pcscd: None, vpcd_port: int) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATION_")}
    env.pop("DISPLAY", None)
    env.pop("QT_QPA_PLATFORM", None)
    result = subprocess.run(
        [sys.executable, "-c", _STATION, "demo", "--selftest", "--vpcd-port", str(vpcd_port)],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=REPO,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    steps = [line for line in result.stdout.splitlines() if line.startswith("[")]
    assert len(steps) == 12 and all(line.startswith("[ĐẠT") for line in steps), result.stdout
    assert "Tự kiểm tra ĐẠT: 12/12 bước" in result.stdout
    assert "offscreen" in result.stderr  # no display: it says so
    assert "propagateSizeHints" not in result.stderr
    assert " s  " in steps[2] and "Dữ liệu chip toàn vẹn" in steps[2]
