"""Everything that waits on a device or the network runs here, off the GUI thread.

Results come back as Qt signals: a signal emitted from a worker thread on a QObject that lives
in the GUI thread is queued to the GUI thread, so slots never run concurrently with the window.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from station.readers.chip import AccessKey, ChipSession, ReadProgress
from station.readers.errors import ReaderError
from station.readers.icao.passive_auth import TrustAnchors
from station.readers.pcsc import CardEvent, PcscCard, ReaderMonitor, list_readers

__all__ = ["CardMonitor", "ChipReader", "Tasks"]

log = logging.getLogger(__name__)


class CardMonitor(QObject):
    """PC/SC insert/remove events from a thread blocked in ``SCardGetStatusChange``."""

    cardEvent = Signal(object)  # CardEvent
    readers = Signal(object)  # list[str]: the readers now connected

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._monitor: ReaderMonitor | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="card-monitor", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        monitor = self._monitor
        if monitor is not None:
            try:
                monitor.cancel()
            except Exception:  # pcscd gone: the loop ends at its next timeout anyway
                log.debug("monitor cancel failed", exc_info=True)
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def _run(self) -> None:
        known: list[str] | None = None
        while not self._stop.is_set():
            try:
                if self._monitor is None:
                    self._monitor = ReaderMonitor()
                events: list[CardEvent] = self._monitor.wait(0.5)
                current = list_readers()
            except ReaderError as exc:
                log.info("reader monitor: %s", exc)
                current = []
                events = []
                self._stop.wait(1.0)
            except Exception:
                log.exception("reader monitor failed")
                self._monitor = None
                self._stop.wait(1.0)
                continue
            if self._stop.is_set():
                break
            if current != known:
                known = current
                self.readers.emit(list(current))
            for event in events:
                self.cardEvent.emit(event)
        if self._monitor is not None:
            self._monitor.close()


class ChipReader(QObject):
    """One chip read at a time, with progress, the DG13 identity early, and cancel."""

    progress = Signal(object)  # ReadProgress
    partial = Signal(object)  # Identity (DG13 in, no photo yet)
    finished = Signal(object)  # ChipReading
    failed = Signal(object)  # ReaderError

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._busy = False
        # Connected before anyone else's slots: by the time the window hears the outcome, ``busy`` is False.
        self.finished.connect(self._done)
        self.failed.connect(self._done)

    @property
    def busy(self) -> bool:
        """From the GUI thread's view: a read started and its outcome not yet delivered."""
        return self._busy

    def _done(self, _outcome: object) -> None:
        self._busy = False

    def start(self, reader: str, key: AccessKey, trust: TrustAnchors | None) -> None:
        if self.busy:
            raise RuntimeError("a read is already running")
        self._busy = True
        self._cancel = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(reader, key, trust, self._cancel), daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    def wait(self, timeout: float = 10.0) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self, reader: str, key: AccessKey, trust: TrustAnchors | None, cancel: threading.Event) -> None:
        card = PcscCard(reader)
        try:
            card.connect()
            session = ChipSession(
                card,
                key,
                trust=trust,
                on_progress=self._progress,
                on_partial=self.partial.emit,
                cancel=cancel,
            )
            reading = session.read()
        except ReaderError as exc:
            log.info("chip read failed: %s", type(exc).__name__)
            self.failed.emit(exc)
        except Exception as exc:  # a bug must not leave the window waiting forever
            log.exception("chip read crashed")
            self.failed.emit(ReaderError(f"unexpected {type(exc).__name__}"))
        else:
            self.finished.emit(reading)
        finally:
            try:
                card.disconnect()
            except Exception:
                log.debug("disconnect after read failed", exc_info=True)

    def _progress(self, event: ReadProgress) -> None:
        self.progress.emit(event)


class _Result(QObject):
    done = Signal(object, object)  # (result, exception or None)


class Tasks(QObject):
    """Run a blocking call (HTTP, SQLite, PDF) in a thread; ``then`` runs on the GUI thread."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._live: set[_Result] = set()
        self._threads: set[threading.Thread] = set()

    def run(self, fn: Callable[[], Any], then: Callable[[Any, BaseException | None], None]) -> None:
        carrier = _Result(self)
        self._live.add(carrier)

        def finish(result: Any, error: BaseException | None) -> None:
            self._live.discard(carrier)
            carrier.deleteLater()
            then(result, error)

        carrier.done.connect(finish)

        def work() -> None:
            try:
                result = fn()
            except Exception as exc:
                carrier.done.emit(None, exc)
            else:
                carrier.done.emit(result, None)
            finally:
                self._threads.discard(threading.current_thread())

        thread = threading.Thread(target=work, daemon=True)
        self._threads.add(thread)
        thread.start()

    @property
    def pending(self) -> int:
        return len(self._live)

    def join(self, timeout: float = 10.0) -> None:
        for thread in list(self._threads):
            thread.join(timeout)
