"""Outbox → backend over real HTTP (uvicorn on loopback, SQLite backend, the real form definitions)."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from procedure_backend import Database, create_app
from procedure_backend.models import Submission
from procedure_backend.testing import ServerThread, free_port, sample_submission
from procedure_backend.tokens import TokenStore
from station.submit import (
    BackendClient,
    BackendRejectedError,
    Outbox,
    OutboxSender,
    OutboxState,
)
from station.submit.sender import backoff_delay


class Backend:
    def __init__(self, db: Database, server: ServerThread, token: str) -> None:
        self.db, self.server, self.token = db, server, token

    def rows(self) -> int:
        with self.db.sessions() as s:
            return int(s.execute(select(func.count()).select_from(Submission)).scalar_one())


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[Backend]:
    db = Database(f"sqlite:///{tmp_path / 'backend.sqlite3'}")
    db.upgrade()
    token = TokenStore(db).create("tram-thu")
    with ServerThread(create_app(db)) as server:
        yield Backend(db, server, token)
    db.dispose()


@pytest.fixture
def outbox(tmp_path: Path) -> Iterator[Outbox]:
    with Outbox(tmp_path / "outbox.sqlite3", use_keyring=False) as box:
        yield box


def _sender(outbox: Outbox, url: str, token: str, **kw: Any) -> OutboxSender:
    return OutboxSender(outbox, BackendClient(url, token, timeout=5), rng=random.Random(0), **kw)


def test_flush_sends_everything_once(backend: Backend, outbox: Outbox) -> None:
    ids = [outbox.enqueue(sample_submission(i)) for i in range(5)]
    report = _sender(outbox, backend.server.url, backend.token).flush()
    assert (report.accepted, report.rejected, report.remaining) == (5, 0, 0)
    assert backend.rows() == 5
    assert all(outbox.get(i).server_id for i in ids)  # type: ignore[union-attr]
    assert _sender(outbox, backend.server.url, backend.token).flush().accepted == 0
    assert backend.rows() == 5


def test_crash_after_server_accepted_resolves_by_replay(backend: Backend, tmp_path: Path) -> None:
    """The backend stored it, the station died before marking it: the resend is a 200 replay, one row."""
    path = tmp_path / "crash.sqlite3"
    box = Outbox(path, use_keyring=False)
    item_id = box.enqueue(sample_submission(1))
    item = box.claim_next()
    assert item is not None
    with BackendClient(backend.server.url, backend.token) as c:
        first = c.submit(item.id, box.payload(item.id))
    assert not first.replayed
    box.close()  # killed here: item still "sending" in the outbox
    with Outbox(path, use_keyring=False) as reopened:
        report = _sender(reopened, backend.server.url, backend.token).flush()
        assert report.accepted == 1
        final = reopened.get(item_id)
        assert final is not None and final.state is OutboxState.ACCEPTED and final.server_id == first.submission_id
    assert backend.rows() == 1


def test_invalid_form_is_rejected_with_the_field_named(backend: Backend, outbox: Outbox) -> None:
    body = sample_submission(2)
    body["values"]["so_dien_thoai"] = ""
    item_id = outbox.enqueue(body)
    report = _sender(outbox, backend.server.url, backend.token).flush()
    assert report.rejected == 1
    item = outbox.get(item_id)
    assert item is not None and item.state is OutboxState.REJECTED and "so_dien_thoai" in (item.reason or "")
    assert backend.rows() == 0


def test_client_raises_rejected_on_422(backend: Backend) -> None:
    body = sample_submission(2)
    body["form_id"] = "khong-co"
    with BackendClient(backend.server.url, backend.token) as c, pytest.raises(BackendRejectedError) as err:
        c.submit("k", body)
    assert err.value.status == 422 and "form_id" in err.value.reason


def test_offline_keeps_items_queued_with_backoff(outbox: Outbox) -> None:
    ids = [outbox.enqueue(sample_submission(i)) for i in range(3)]
    url = f"http://127.0.0.1:{free_port()}"
    report = _sender(outbox, url, "pbt_x", base_delay=60).flush()
    assert report.offline and report.accepted == 0 and report.remaining == 3
    first = outbox.get(ids[0])
    assert first is not None and first.state is OutboxState.QUEUED and first.attempts == 1
    assert first.last_error and "network" in first.last_error
    delay = first.next_attempt_at.timestamp() - time.time()
    assert 25 < delay <= 60  # base 60 s jittered into [30, 60]
    # the flush stopped at the first failure: the other items were not tried
    assert [outbox.get(i).attempts for i in ids[1:]] == [0, 0]  # type: ignore[union-attr]


def test_wrong_token_is_retried_not_rejected(backend: Backend, outbox: Outbox) -> None:
    item_id = outbox.enqueue(sample_submission(0))
    report = _sender(outbox, backend.server.url, "pbt_wrong").flush()
    assert report.offline
    assert outbox.get(item_id).state is OutboxState.QUEUED  # type: ignore[union-attr]
    assert _sender(outbox, backend.server.url, backend.token).flush(ignore_schedule=True).accepted == 1


def test_backoff_grows_and_is_capped() -> None:
    rng = random.Random(3)
    delays = [backoff_delay(n, base=2, cap=100, rng=rng) for n in range(1, 12)]
    for n, d in enumerate(delays, start=1):
        full = min(100, 2 * 2 ** (n - 1))
        assert full / 2 <= d <= full
    assert max(delays) <= 100


def test_background_thread_sends_and_purges(backend: Backend, outbox: Outbox) -> None:
    sender = _sender(outbox, backend.server.url, backend.token, retention=dt.timedelta(0), idle_poll=0.2)
    sender.start()
    try:
        ids = [outbox.enqueue(sample_submission(i)) for i in range(3)]
        sender.wake()
        deadline = time.monotonic() + 20
        while outbox.counts()[OutboxState.ACCEPTED] < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        deadline = time.monotonic() + 10
        while not all(outbox.get(i).purged for i in ids) and time.monotonic() < deadline:  # type: ignore[union-attr]
            sender.wake()
            time.sleep(0.05)
    finally:
        sender.stop()
    assert not sender.running
    assert outbox.counts()[OutboxState.ACCEPTED] == 3
    assert all(outbox.get(i).purged for i in ids)  # type: ignore[union-attr]
    assert backend.rows() == 3
