"""What the window talks to below the UI, wired from the station's ordinary settings.

The demo points the settings at its local services through environment variables; the window
does not know whether the backend is a mock or a ministry's.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal

from station.config import StationSettings, load_settings
from station.readers.icao.trust_store import TrustStore
from station.submit import (
    BhxhGatewayClient,
    NotConfiguredError,
    Outbox,
    OutboxSender,
    OutboxState,
    backend_client,
    gateway_client,
    open_outbox,
    submission_body,
)
from station.submit.sender import FlushReport

__all__ = ["OutboxWatch", "StationServices"]

log = logging.getLogger(__name__)


class OutboxWatch(QObject):
    """The sender's thread reports here; the window reads counts on the GUI thread via the signal."""

    changed = Signal(object)  # FlushReport


@dataclass
class StationServices:
    settings: StationSettings
    outbox: Outbox
    sender: OutboxSender | None
    gateway: BhxhGatewayClient | None
    trust: TrustStore
    watch: OutboxWatch = field(default_factory=OutboxWatch)
    problems: list[str] = field(default_factory=list)
    """Why a service is missing (shown in the status bar), Vietnamese."""

    @classmethod
    def from_settings(
        cls,
        settings: StationSettings | None = None,
        *,
        use_keyring: bool = True,
        retry_base_s: float = 2.0,
        trust: TrustStore | None = None,
    ) -> StationServices:
        settings = settings or load_settings()
        problems: list[str] = []
        outbox = open_outbox(settings, use_keyring=use_keyring)
        watch = OutboxWatch()
        sender: OutboxSender | None
        try:
            sender = OutboxSender(
                outbox,
                backend_client(settings),
                base_delay=retry_base_s,
                max_delay=60.0,
                retention=dt.timedelta(days=settings.retention_days),
                idle_poll=5.0,
                on_change=watch.changed.emit,
            )
        except NotConfiguredError:
            sender = None
            problems.append("Chưa cấu hình máy chủ nhận hồ sơ: hồ sơ nằm chờ trong hàng đợi.")
        try:
            gateway = gateway_client(settings)
        except NotConfiguredError:
            gateway = None
            problems.append("Chưa cấu hình cổng BHXH: không kiểm tra được thẻ BHYT.")
        return cls(settings, outbox, sender, gateway, trust or TrustStore(), watch, problems)

    def start(self) -> None:
        if self.sender is not None:
            self.sender.start()

    def stop(self) -> None:
        if self.sender is not None:
            self.sender.stop(timeout=5.0)
        if self.gateway is not None:
            self.gateway.close()
        self.outbox.close()

    # Blocking calls: the window runs these through ``Tasks``.

    def enqueue(self, filled_json: dict[str, Any]) -> str:
        item_id = self.outbox.enqueue(submission_body(filled_json), form_id=str(filled_json.get("form_id")))
        if self.sender is not None:
            self.sender.wake()
        return item_id

    def state_of(self, item_id: str) -> tuple[OutboxState | None, str | None]:
        item = self.outbox.get(item_id)
        if item is None:
            return None, None
        return item.state, item.server_id

    def queued_count(self) -> int:
        counts = self.outbox.counts()
        return counts[OutboxState.QUEUED] + counts[OutboxState.SENDING]

    def flush_now(self) -> FlushReport | None:
        if self.sender is None:
            return None
        return self.sender.flush(ignore_schedule=True)
