"""Kill -9 at random points while flushing 1,000 items: nothing lost, nothing accepted twice.

A real backend process (SQLite file) on a free loopback port; ``station outbox flush`` in a child
process killed with SIGKILL after a seeded random delay, restarted, until the outbox is empty. The
verdict is read from the backend's own database.
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from procedure_backend import Database
from procedure_backend.models import Submission
from procedure_backend.testing import BackendProcess, sample_submission
from procedure_backend.tokens import TokenStore
from station.submit import Outbox, OutboxState

ITEMS = 1000
FLUSH = "import sys; from station.cli import main; sys.exit(main(['outbox', 'flush']))"


def _accepted(outbox_file: Path) -> int:
    conn = sqlite3.connect(f"file:{outbox_file}?mode=ro", uri=True, timeout=30)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM items WHERE state = 'accepted'").fetchone()[0])
    finally:
        conn.close()


def test_kill9_during_flush_loses_nothing_and_duplicates_nothing(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'backend.sqlite3'}"
    db = Database(db_url)
    db.upgrade()
    token = TokenStore(db).create("tram-kill9")

    data_dir = tmp_path / "station"
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATION_")}
    env.update(
        STATION_DATA_DIR=str(data_dir),
        STATION_CONFIG=str(tmp_path / "none.toml"),
        STATION_BACKEND_TOKEN=token,
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    with Outbox(data_dir / "outbox.sqlite3", use_keyring=False) as box:
        ids = {box.enqueue(sample_submission(i)) for i in range(ITEMS)}

    rng = random.Random(20261123)
    outbox_file = data_dir / "outbox.sqlite3"
    kills = 0
    started = time.monotonic()
    with BackendProcess(db_url) as backend:
        env["STATION_BACKEND_URL"] = backend.url
        finished = False
        while not finished:
            assert time.monotonic() - started < 90, "kill -9 test exceeded its time bound"
            before = _accepted(outbox_file)
            # kill once a random number of further items went through: a random point inside the flush
            target = before + rng.randint(10, 150)
            proc = subprocess.Popen(
                [sys.executable, "-c", FLUSH], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
            while proc.poll() is None and _accepted(outbox_file) < target:
                time.sleep(rng.uniform(0.001, 0.01))
            if proc.poll() is None:
                proc.kill()  # SIGKILL
                kills += 1
            proc.wait()
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            if proc.stderr:
                proc.stderr.close()
            if proc.returncode != -9:
                assert proc.returncode in (0, 3), err
                finished = proc.returncode == 0

    assert kills >= 5, "the flusher was hardly interrupted: the test proved little"
    with Outbox(data_dir / "outbox.sqlite3", use_keyring=False) as box:
        counts = box.counts()
        server_ids = {i.id: i.server_id for i in box.items()}
    assert counts[OutboxState.ACCEPTED] == ITEMS, counts
    with db.sessions() as s:
        rows = s.execute(select(Submission.idempotency_key, Submission.id)).all()
        distinct_keys = s.execute(select(func.count(func.distinct(Submission.idempotency_key)))).scalar_one()
    db.dispose()
    assert len(rows) == ITEMS
    assert distinct_keys == ITEMS
    assert {key for key, _ in rows} == ids
    # every outbox item points at the one row the backend holds for it
    assert all(server_ids[key] == row_id for key, row_id in rows)
