"""Store and forward: a durable, encrypted queue of submissions waiting for the backend.

Why SQLite in WAL mode with ``synchronous=FULL``: every state change is one short transaction that
survives ``kill -9`` and power loss, and a reader (the UI's status line) never blocks the sender.
Each payload is sealed with AES-GCM (the item id as associated data); only the form id, state and
timestamps are stored in clear, so the file holds no name or number a copy could leak.

States: ``queued`` → ``sending`` → ``accepted`` | ``rejected`` (with a reason); a retryable failure
goes back to ``queued`` with a later ``next_attempt_at``. An item found in ``sending`` when the outbox
is opened was interrupted mid-flight: it is re-queued and re-sent under the same idempotency key (its
id), and the backend's replay answer resolves it to exactly one accepted submission.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from station.submit.errors import OutboxCorruptError, OutboxError
from station.submit.keys import SealedBox, load_or_create_key

__all__ = ["Outbox", "OutboxItem", "OutboxState"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    form_id TEXT,
    state TEXT NOT NULL,
    created_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    last_error BLOB,
    reason BLOB,
    accepted_at REAL,
    server_id TEXT,
    payload BLOB,
    purged_at REAL
);
CREATE INDEX IF NOT EXISTS items_due ON items (state, next_attempt_at, seq);
CREATE INDEX IF NOT EXISTS items_accepted ON items (state, accepted_at);
"""


class OutboxState(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


@dataclass(frozen=True)
class OutboxItem:
    """One queued submission's metadata; the payload itself is fetched (decrypted) on demand."""

    id: str
    form_id: str | None
    state: OutboxState
    created_at: dt.datetime
    attempts: int
    next_attempt_at: dt.datetime
    last_error: str | None
    reason: str | None
    accepted_at: dt.datetime | None
    server_id: str | None
    purged: bool

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "form_id": self.form_id,
            "state": self.state.value,
            "created_at": self.created_at.isoformat(),
            "attempts": self.attempts,
            "next_attempt_at": self.next_attempt_at.isoformat(),
            "last_error": self.last_error,
            "reason": self.reason,
            "accepted_at": self.accepted_at.isoformat() if self.accepted_at else None,
            "server_id": self.server_id,
            "purged": self.purged,
        }


def _ts(value: float | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromtimestamp(value, tz=dt.UTC)


_COLUMNS = (
    "id, form_id, state, created_at, attempts, next_attempt_at, last_error, reason, accepted_at, server_id, purged_at"
)


class Outbox:
    """The station's durable queue. Thread-safe; several processes may open the same file."""

    def __init__(
        self,
        path: Path,
        *,
        key: bytes | None = None,
        key_file: Path | None = None,
        use_keyring: bool = True,
        recover: bool = True,
    ) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            # created 0600 up front: SQLite gives the -wal/-shm files the same mode
            with contextlib.suppress(FileExistsError):
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        if key is None:
            key = load_or_create_key(key_file or self.path.with_name(self.path.name + ".key"), use_keyring=use_keyring)
        self._box = SealedBox(key)
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30.0)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.execute("PRAGMA busy_timeout=30000")
        # purged payloads are overwritten on disk, not merely unlinked from the b-tree
        self._conn.execute("PRAGMA secure_delete=ON")
        with self._lock:
            self._conn.executescript(_SCHEMA)
        if recover:
            self.recover_interrupted()

    # -- plumbing -----------------------------------------------------------------------------

    def _seal_text(self, item_id: str, kind: str, text: str) -> bytes:
        """Reasons are sealed too: a backend's validation message may quote the value it refused."""
        return self._box.seal(text.encode("utf-8"), f"{item_id}/{kind}")

    def _open_text(self, item_id: str, kind: str, blob: bytes | str | None) -> str | None:
        if blob is None or isinstance(blob, str):
            return blob
        try:
            return self._box.open(blob, f"{item_id}/{kind}").decode("utf-8")
        except OutboxCorruptError:
            return "(không giải mã được)"

    def _item(self, row: tuple[Any, ...]) -> OutboxItem:
        created = _ts(row[3])
        next_at = _ts(row[5])
        assert created is not None and next_at is not None
        return OutboxItem(
            id=row[0],
            form_id=row[1],
            state=OutboxState(row[2]),
            created_at=created,
            attempts=row[4],
            next_attempt_at=next_at,
            last_error=self._open_text(row[0], "last_error", row[6]),
            reason=self._open_text(row[0], "reason", row[7]),
            accepted_at=_ts(row[8]),
            server_id=row[9],
            purged=row[10] is not None,
        )

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction: takes the write lock up front so two senders never race."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ------------------------------------------------------------------------------

    def enqueue(self, payload: Mapping[str, Any], *, form_id: str | None = None, item_id: str | None = None) -> str:
        """Store one submission; returns its id, which is also its idempotency key."""
        item_id = item_id or str(uuid.uuid4())
        plaintext = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
        sealed = self._box.seal(plaintext, item_id)
        now = time.time()
        try:
            with self._tx() as conn:
                conn.execute(
                    "INSERT INTO items (id, form_id, state, created_at, next_attempt_at, payload)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (item_id, form_id, OutboxState.QUEUED.value, now, now, sealed),
                )
        except sqlite3.IntegrityError as exc:
            raise OutboxError("an outbox item with this id already exists") from exc
        return item_id

    def recover_interrupted(self) -> int:
        """Re-queue items a crash left in ``sending``; their replay is made safe by the idempotency key."""
        with self._tx() as conn:
            cur = conn.execute(
                "UPDATE items SET state = ?, next_attempt_at = ? WHERE state = ?",
                (OutboxState.QUEUED.value, time.time(), OutboxState.SENDING.value),
            )
            return cur.rowcount

    def claim_next(self, *, now: float | None = None, ignore_schedule: bool = False) -> OutboxItem | None:
        """Move the oldest due item to ``sending`` and return it (None when nothing is due)."""
        now = time.time() if now is None else now
        with self._tx() as conn:
            if ignore_schedule:
                row = conn.execute(
                    "SELECT id FROM items WHERE state = ? ORDER BY seq LIMIT 1", (OutboxState.QUEUED.value,)
                ).fetchone()
            else:
                row = conn.execute(
                    "SELECT id FROM items WHERE state = ? AND next_attempt_at <= ? ORDER BY next_attempt_at, seq"
                    " LIMIT 1",
                    (OutboxState.QUEUED.value, now),
                ).fetchone()
            if row is None:
                return None
            conn.execute(
                "UPDATE items SET state = ?, attempts = attempts + 1 WHERE id = ?",
                (OutboxState.SENDING.value, row[0]),
            )
            full = conn.execute(f"SELECT {_COLUMNS} FROM items WHERE id = ?", (row[0],)).fetchone()
        return self._item(full)

    def mark_accepted(self, item_id: str, *, server_id: str | None = None) -> None:
        with self._tx() as conn:
            conn.execute(
                "UPDATE items SET state = ?, accepted_at = ?, server_id = ?, last_error = NULL WHERE id = ?",
                (OutboxState.ACCEPTED.value, time.time(), server_id, item_id),
            )

    def mark_rejected(self, item_id: str, reason: str) -> None:
        with self._tx() as conn:
            conn.execute(
                "UPDATE items SET state = ?, reason = ? WHERE id = ?",
                (OutboxState.REJECTED.value, self._seal_text(item_id, "reason", reason), item_id),
            )

    def mark_retry(self, item_id: str, error: str, *, next_attempt_at: float) -> None:
        with self._tx() as conn:
            conn.execute(
                "UPDATE items SET state = ?, last_error = ?, next_attempt_at = ? WHERE id = ? AND state = ?",
                (
                    OutboxState.QUEUED.value,
                    self._seal_text(item_id, "last_error", error),
                    next_attempt_at,
                    item_id,
                    OutboxState.SENDING.value,
                ),
            )

    def requeue(self, item_id: str) -> bool:
        """Send a rejected item again (after the clerk fixed the cause); False if it is not rejected."""
        with self._tx() as conn:
            cur = conn.execute(
                "UPDATE items SET state = ?, reason = NULL, next_attempt_at = ? WHERE id = ? AND state = ?"
                " AND payload IS NOT NULL",
                (OutboxState.QUEUED.value, time.time(), item_id, OutboxState.REJECTED.value),
            )
            return cur.rowcount == 1

    def purge_accepted(self, retention: dt.timedelta, *, now: float | None = None) -> int:
        """Drop the sealed payload of items accepted longer than ``retention`` ago; metadata stays."""
        now = time.time() if now is None else now
        cutoff = now - retention.total_seconds()
        with self._tx() as conn:
            cur = conn.execute(
                "UPDATE items SET payload = NULL, purged_at = ? WHERE state = ? AND accepted_at <= ?"
                " AND payload IS NOT NULL",
                (now, OutboxState.ACCEPTED.value, cutoff),
            )
            purged = cur.rowcount
        if purged:
            with self._lock:
                # overwrite freed pages so the ciphertext does not linger in the file
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return purged

    # -- reading ------------------------------------------------------------------------------

    def payload(self, item_id: str) -> dict[str, Any]:
        with self._lock:
            row = self._conn.execute("SELECT payload FROM items WHERE id = ?", (item_id,)).fetchone()
        if row is None:
            raise OutboxError("no such outbox item")
        if row[0] is None:
            raise OutboxError("this item's personal data was purged after its retention period")
        data = json.loads(self._box.open(row[0], item_id).decode("utf-8"))
        if not isinstance(data, dict):
            raise OutboxError("outbox payload is not a JSON object")
        return data

    def get(self, item_id: str) -> OutboxItem | None:
        with self._lock:
            row = self._conn.execute(f"SELECT {_COLUMNS} FROM items WHERE id = ?", (item_id,)).fetchone()
        return None if row is None else self._item(row)

    def items(self, state: OutboxState | None = None, *, limit: int | None = None) -> list[OutboxItem]:
        sql = f"SELECT {_COLUMNS} FROM items"
        params: list[Any] = []
        if state is not None:
            sql += " WHERE state = ?"
            params.append(state.value)
        sql += " ORDER BY seq"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        with self._lock:
            rows = self._conn.execute(sql, params).fetchall()
        return [self._item(r) for r in rows]

    def counts(self) -> dict[OutboxState, int]:
        with self._lock:
            rows = self._conn.execute("SELECT state, COUNT(*) FROM items GROUP BY state").fetchall()
        result = dict.fromkeys(OutboxState, 0)
        for state, count in rows:
            result[OutboxState(state)] = count
        return result

    def next_due_at(self) -> float | None:
        """Epoch seconds of the earliest queued item's next attempt (None if nothing is queued)."""
        with self._lock:
            row = self._conn.execute(
                "SELECT MIN(next_attempt_at) FROM items WHERE state = ?", (OutboxState.QUEUED.value,)
            ).fetchone()
        return None if row is None or row[0] is None else float(row[0])
