"""The outbox on a real SQLite file: states, encryption at rest, crash recovery, retention."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
import time
from pathlib import Path

import pytest

from station.submit import Outbox, OutboxCorruptError, OutboxError, OutboxState
from station.submit.keys import load_or_create_key

NAME = "NGUYỄN VĂN THỬ NGHIỆM"
NUMBER = "079099000123"


def _payload(name: str = NAME) -> dict[str, object]:
    return {
        "form_id": "ct01",
        "form_version": "1",
        "values": {"ho_ten": name, "so_dinh_danh": NUMBER},
        "provenance": {},
    }


@pytest.fixture
def outbox(tmp_path: Path) -> Outbox:
    box = Outbox(tmp_path / "outbox.sqlite3", use_keyring=False)
    yield box
    box.close()


def _all_file_bytes(path: Path) -> bytes:
    data = b""
    for suffix in ("", "-wal", "-shm"):
        p = Path(str(path) + suffix)
        if p.exists():
            data += p.read_bytes()
    return data


def test_enqueue_roundtrip_and_states(outbox: Outbox) -> None:
    item_id = outbox.enqueue(_payload(), form_id="ct01")
    assert outbox.payload(item_id) == _payload()
    assert outbox.counts()[OutboxState.QUEUED] == 1
    claimed = outbox.claim_next()
    assert claimed is not None and claimed.id == item_id and claimed.state is OutboxState.SENDING
    assert claimed.attempts == 1
    assert outbox.claim_next() is None  # the only item is in flight
    outbox.mark_accepted(item_id, server_id="srv-1")
    item = outbox.get(item_id)
    assert item is not None and item.state is OutboxState.ACCEPTED and item.server_id == "srv-1"


def test_items_go_out_oldest_first(outbox: Outbox) -> None:
    ids = [outbox.enqueue(_payload(f"NGƯỜI {i}")) for i in range(5)]
    order = []
    while (item := outbox.claim_next()) is not None:
        order.append(item.id)
        outbox.mark_accepted(item.id)
    assert order == ids


def test_no_plaintext_personal_data_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite3"
    box = Outbox(path, use_keyring=False)
    for _ in range(3):
        box.enqueue(_payload())
    raw = _all_file_bytes(path)
    box.close()
    raw += _all_file_bytes(path)
    assert len(raw) > 0
    for needle in (NAME, NUMBER, "THỬ NGHIỆM"):
        assert needle.encode("utf-8") not in raw
    # and the data really is there, just sealed
    box = Outbox(path, use_keyring=False)
    assert all(box.payload(i.id)["values"]["ho_ten"] == NAME for i in box.items())  # type: ignore[index]
    box.close()


def test_files_are_private(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite3"
    Outbox(path, use_keyring=False).close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    key_file = path.with_name(path.name + ".key")
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def test_key_file_is_reused(tmp_path: Path) -> None:
    key_file = tmp_path / "k"
    assert load_or_create_key(key_file, use_keyring=False) == load_or_create_key(key_file, use_keyring=False)


def test_wrong_key_or_moved_ciphertext_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite3"
    box = Outbox(path, use_keyring=False)
    a = box.enqueue(_payload("A"))
    b = box.enqueue(_payload("B"))
    box.close()
    with Outbox(path, key=b"\x00" * 32) as wrong, pytest.raises(OutboxCorruptError):
        wrong.payload(a)
    conn = sqlite3.connect(path)
    blob = conn.execute("SELECT payload FROM items WHERE id = ?", (a,)).fetchone()[0]
    conn.execute("UPDATE items SET payload = ? WHERE id = ?", (blob, b))  # swap rows' ciphertext
    conn.commit()
    conn.close()
    with Outbox(path, use_keyring=False) as box2, pytest.raises(OutboxCorruptError):
        box2.payload(b)


def test_interrupted_send_is_requeued_on_open(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite3"
    box = Outbox(path, use_keyring=False)
    item_id = box.enqueue(_payload())
    assert box.claim_next() is not None
    box.close()  # "crash" with the item in flight
    with Outbox(path, use_keyring=False) as reopened:
        item = reopened.get(item_id)
        assert item is not None and item.state is OutboxState.QUEUED
        again = reopened.claim_next()
        assert again is not None and again.id == item_id and again.attempts == 2


def test_retry_schedule_is_respected_unless_forced(outbox: Outbox) -> None:
    item_id = outbox.enqueue(_payload())
    assert outbox.claim_next() is not None
    outbox.mark_retry(item_id, "network", next_attempt_at=time.time() + 3600)
    assert outbox.claim_next() is None
    assert outbox.next_due_at() is not None and outbox.next_due_at() > time.time() + 3000  # type: ignore[operator]
    forced = outbox.claim_next(ignore_schedule=True)
    assert forced is not None and forced.id == item_id


def test_rejected_keeps_reason_and_can_be_requeued(outbox: Outbox) -> None:
    item_id = outbox.enqueue(_payload())
    outbox.claim_next()
    outbox.mark_rejected(item_id, "values.ho_ten: Họ tên là bắt buộc.")
    item = outbox.get(item_id)
    assert item is not None and item.state is OutboxState.REJECTED and "ho_ten" in (item.reason or "")
    assert outbox.requeue(item_id)
    assert outbox.get(item_id).state is OutboxState.QUEUED  # type: ignore[union-attr]


def test_purge_after_retention_drops_personal_data_only(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite3"
    box = Outbox(path, use_keyring=False)
    old = box.enqueue(_payload())
    fresh = box.enqueue(_payload())
    waiting = box.enqueue(_payload())
    for item_id in (old, fresh):
        box.claim_next()
        box.mark_accepted(item_id)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE items SET accepted_at = ? WHERE id = ?", (time.time() - 40 * 86400, old))
    conn.commit()
    sealed = conn.execute("SELECT payload FROM items WHERE id = ?", (old,)).fetchone()[0]
    conn.close()
    assert box.purge_accepted(dt.timedelta(days=30)) == 1
    # the sealed payload is overwritten on disk (secure_delete + WAL checkpoint), not just unlinked
    assert sealed[16:80] not in _all_file_bytes(path)
    old_item = box.get(old)
    assert old_item is not None and old_item.purged and old_item.state is OutboxState.ACCEPTED
    with pytest.raises(OutboxError):
        box.payload(old)
    assert box.payload(fresh)["values"] == _payload()["values"]
    assert box.payload(waiting)["values"] == _payload()["values"]  # queued items are never purged
    assert box.purge_accepted(dt.timedelta(days=30)) == 0


def test_duplicate_item_id_is_refused(outbox: Outbox) -> None:
    outbox.enqueue(_payload(), item_id="fixed")
    with pytest.raises(OutboxError):
        outbox.enqueue(_payload(), item_id="fixed")


def test_rejection_reason_quoting_a_value_is_sealed(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite3"
    box = Outbox(path, use_keyring=False)
    item_id = box.enqueue(_payload())
    box.claim_next()
    box.mark_rejected(item_id, f"values.ho_ten: «{NAME}» không hợp lệ")
    other = box.enqueue(_payload())
    box.claim_next()
    box.mark_retry(other, f"HTTP 503: {NUMBER}", next_attempt_at=time.time())
    assert NAME in (box.get(item_id).reason or "")  # type: ignore[union-attr]
    assert NUMBER in (box.get(other).last_error or "")  # type: ignore[union-attr]
    box.close()
    raw = _all_file_bytes(path)
    assert NAME.encode() not in raw and NUMBER.encode() not in raw
