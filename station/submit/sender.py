"""Forwards the outbox to the backend: on demand (``flush``) or from a background thread.

Backoff is exponential with jitter so a room full of stations coming back online after an outage
does not hit the backend in lock-step. The network being down stops a flush at the first failure:
the remaining items keep their place and wait for the next round instead of each timing out in turn.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from station.submit.client import BackendClient
from station.submit.errors import BackendRejectedError, BackendUnavailableError, OutboxCorruptError, OutboxError
from station.submit.outbox import Outbox, OutboxState

__all__ = ["FlushReport", "OutboxSender", "backoff_delay"]

log = logging.getLogger(__name__)


def backoff_delay(attempts: int, *, base: float, cap: float, rng: random.Random) -> float:
    """Delay before attempt ``attempts + 1``: base·2^(n-1) capped, then jittered into [½, 1]×."""
    exp: float = min(cap, base * (2.0 ** max(0, attempts - 1)))
    return exp * (0.5 + 0.5 * rng.random())


@dataclass
class FlushReport:
    accepted: int = 0
    rejected: int = 0
    retried: int = 0
    remaining: int = 0
    offline: bool = False

    def to_json_dict(self) -> dict[str, int | bool]:
        return {
            "accepted": self.accepted,
            "rejected": self.rejected,
            "retried": self.retried,
            "remaining": self.remaining,
            "offline": self.offline,
        }


class OutboxSender:
    """Sends queued items one by one; ``start()`` runs it in a daemon thread for the UI."""

    def __init__(
        self,
        outbox: Outbox,
        client: BackendClient,
        *,
        base_delay: float = 2.0,
        max_delay: float = 600.0,
        retention: dt.timedelta | None = None,
        idle_poll: float = 30.0,
        rng: random.Random | None = None,
        on_change: Callable[[FlushReport], None] | None = None,
    ) -> None:
        self.outbox = outbox
        self.client = client
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.retention = retention
        self.idle_poll = idle_poll
        self._rng = rng or random.Random()
        self._on_change = on_change
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- one round ----------------------------------------------------------------------------

    def send_one(self, *, ignore_schedule: bool = False) -> OutboxState | None:
        """Claim and send the next due item; returns its new state, None if nothing was due.

        Raises :class:`BackendUnavailableError` after re-queuing the item when the backend is unreachable.
        """
        item = self.outbox.claim_next(ignore_schedule=ignore_schedule)
        if item is None:
            return None
        try:
            body = self.outbox.payload(item.id)
        except (OutboxCorruptError, OutboxError) as exc:
            self.outbox.mark_rejected(item.id, f"local: {exc}")
            return OutboxState.REJECTED
        try:
            receipt = self.client.submit(item.id, body)
        except BackendRejectedError as exc:
            log.warning("outbox item rejected by backend (HTTP %s)", exc.status)
            self.outbox.mark_rejected(item.id, exc.reason)
            return OutboxState.REJECTED
        except BackendUnavailableError as exc:
            delay = backoff_delay(item.attempts, base=self.base_delay, cap=self.max_delay, rng=self._rng)
            self.outbox.mark_retry(item.id, str(exc), next_attempt_at=time.time() + delay)
            raise
        self.outbox.mark_accepted(item.id, server_id=receipt.submission_id)
        return OutboxState.ACCEPTED

    def flush(
        self, *, ignore_schedule: bool = False, max_items: int | None = None, stop: threading.Event | None = None
    ) -> FlushReport:
        """Send everything due now; stops early when the backend is unreachable."""
        report = FlushReport()
        sent = 0
        while max_items is None or sent < max_items:
            if stop is not None and stop.is_set():
                break
            try:
                state = self.send_one(ignore_schedule=ignore_schedule)
            except BackendUnavailableError as exc:
                log.info("backend unavailable, pausing the outbox: %s", exc)
                report.retried += 1
                report.offline = True
                break
            if state is None:
                break
            sent += 1
            if state is OutboxState.ACCEPTED:
                report.accepted += 1
            else:
                report.rejected += 1
        counts = self.outbox.counts()
        report.remaining = counts[OutboxState.QUEUED] + counts[OutboxState.SENDING]
        if self.retention is not None:
            self.outbox.purge_accepted(self.retention)
        return report

    # -- background thread --------------------------------------------------------------------

    def wake(self) -> None:
        """Ask the background thread to try now (after an enqueue, or when the network returns)."""
        self._wake.set()

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="outbox-sender", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                report = self.flush(stop=self._stop)
            except Exception:  # the thread must outlive a transient local failure
                log.exception("outbox sender round failed")
                report = FlushReport()
            if self._on_change is not None and (report.accepted or report.rejected or report.retried):
                self._on_change(report)
            due = self.outbox.next_due_at()
            wait = self.idle_poll if due is None else max(0.0, min(self.idle_poll, due - time.time()))
            self._wake.wait(wait)
