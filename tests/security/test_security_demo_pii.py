"""The whole demo self-test at DEBUG (``station --log-level DEBUG demo --selftest``) leaks no personal data.

The self-test drives the real window through both flows (chip read, QR, BHYT check, form, submit).
Its log records must hold no 12-digit number, no name, no date of birth and no face bytes of any
citizen the demo made; the files the station itself writes (its data dir, trust store, home, temp
dir) must not either. The demo's fixtures (citizens, the virtual card's and mock servers' logs, the
backend's database) are the mocks' and the server's side, not the station's, and are left out.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from security_support import Needles

from station.identity import Identity

STATION_MAIN = "import sys; from station.cli import main; sys.exit(main())"
LOG_RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) ")
TWELVE_DIGITS = re.compile(rb"(?<![0-9])[0-9]{12}(?![0-9])")
STATION_WRITTEN = ("station", "trust")
"""Sub-folders of the demo's work dir that the station (not a mock) writes."""


def _needles(work_dir: Path) -> list[Needles]:
    found = []
    for path in [work_dir / "cong-dan-demo.json", *sorted((work_dir / "citizens").glob("*.json"))]:
        data = json.loads(path.read_text(encoding="utf-8"))
        person = Identity.model_validate({k: v for k, v in data.items() if k in Identity.model_fields})
        face_file = path.with_suffix(".jpg")
        if face_file.exists():
            found.append(Needles.of(person, face_file.read_bytes()))
        else:  # the demo citizen wears one of the citizens' faces, checked with that citizen
            found.append(dataclasses.replace(Needles.of(person, bytes(64)), face_windows=()))
    return found


def test_demo_selftest_at_debug_keeps_personal_data_out_of_logs_and_files(
    pcscd: None, vpcd_port: int, tmp_path: Path
) -> None:
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    tmp.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATION_")}
    env.update(
        HOME=str(home),
        TMPDIR=str(tmp),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        QT_QPA_PLATFORM="offscreen",
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    command = [sys.executable, "-c", STATION_MAIN, "--log-level", "DEBUG", "demo", "--selftest", "--keep"]
    run = subprocess.run(
        [*command, "--vpcd-port", str(vpcd_port)],
        env=env,
        capture_output=True,
        timeout=240,
    )
    stderr = run.stderr.decode("utf-8", errors="replace")
    assert run.returncode == 0, stderr[-3000:] + run.stdout.decode(errors="replace")[-2000:]
    work_dirs = list(tmp.glob("station-demo-*"))
    assert len(work_dirs) == 1, work_dirs
    work_dir = work_dirs[0]
    people = _needles(work_dir)
    assert len(people) >= 2
    # the needles do find the data where it legitimately is (the demo's fixture files)
    assert people[0].found_in((work_dir / "cong-dan-demo.json").read_bytes())
    first_face = sorted((work_dir / "citizens").glob("*.jpg"))[0]
    assert any(h.startswith("face") for p in people for h in p.found_in(first_face.read_bytes()))

    lines = stderr.splitlines()
    records = [line for line in lines if LOG_RECORD.match(line)]
    # the demo's own console guidance ("• Công dân giả lập: …") is not a log record; everything else is
    other = [line for line in lines if not LOG_RECORD.match(line) and not line.startswith("• ")]
    assert any(" DEBUG " in line for line in records), "DEBUG logging was not on"
    assert any("station.readers" in line for line in records), "the chip read did not log: nothing was tested"
    log_text = "\n".join(records + other).encode("utf-8")
    for person in people:
        assert person.found_in(log_text) == [], "personal data in the demo's log records"
    assert TWELVE_DIGITS.findall(log_text) == []

    written = [p for sub in STATION_WRITTEN for p in (work_dir / sub).rglob("*") if p.is_file()]
    written += [p for p in home.rglob("*") if p.is_file()]
    written += [p for p in tmp.rglob("*") if p.is_file() and work_dir not in p.parents]
    assert any(p.name == "outbox.sqlite3" for p in written), "the self-test submitted nothing through the outbox"
    for path in written:
        data = path.read_bytes()
        for person in people:
            assert person.found_in(data) == [], f"personal data in {path}"
