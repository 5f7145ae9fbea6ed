"""Bring the virtual hardware up the way a real desk has it: pcscd running, a card on the reader.

Shared by the demo, the benchmarks and the tests, so each does not grow its own start-up
dance. Nothing here is imported by ``station``.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

from hardware_mocks.virtual_cccd import VirtualCCCD
from hardware_mocks.vpcd import LinkModel, VpcdCard
from station.readers.errors import ReaderError
from station.readers.pcsc import PcscCard, list_readers

__all__ = ["VPCD_READERS", "PcscdUnavailable", "ensure_pcscd", "inserted_card", "wait_card_absent", "wait_card_present"]

VPCD_READERS = {35963: "Virtual PCD 00 00", 35964: "Virtual PCD 00 01"}
VPCD_SETTLE_S = 0.5


class PcscdUnavailable(RuntimeError):
    """pcscd (or its vpcd driver) is not installed or does not start."""


def _running() -> bool:
    return subprocess.run(["pgrep", "-x", "pcscd"], capture_output=True).returncode == 0


def _virtual_readers() -> list[str]:
    try:
        return [r for r in list_readers() if r.startswith("Virtual PCD")]
    except ReaderError:
        return []


def ensure_pcscd(timeout_s: float = 15.0) -> subprocess.Popen[bytes] | None:
    """Start ``pcscd -f`` unless one runs; wait for the vpcd readers. Returns the process we started."""
    process = None
    if not _running():
        exe = shutil.which("pcscd") or "/usr/sbin/pcscd"
        if not shutil.which(exe):
            raise PcscdUnavailable("pcscd is not installed (apt-get install pcscd vsmartcard-vpcd)")
        process = subprocess.Popen([exe, "-f"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout_s
    while not _virtual_readers():
        if time.monotonic() > deadline:
            raise PcscdUnavailable("pcscd lists no 'Virtual PCD' reader: is vsmartcard-vpcd installed?")
        time.sleep(0.1)
    return process


def wait_card_present(reader: str, timeout_s: float = 10.0) -> None:
    """Block until pcscd reports a card in ``reader`` that answers (pcscd polls vpcd)."""
    deadline = time.monotonic() + timeout_s
    while True:
        card = PcscCard(reader)
        try:
            card.connect()
            card.disconnect()
            return
        except ReaderError:
            card.disconnect()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def wait_card_absent(reader: str, timeout_s: float = 10.0) -> None:
    """Block until pcscd has noticed the card left ``reader`` (it polls vpcd every few hundred ms)."""
    from station.readers.errors import NoCardError

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        card = PcscCard(reader)
        try:
            card.connect()
        except NoCardError:
            return
        except ReaderError:
            pass
        finally:
            card.disconnect()
        time.sleep(0.05)
    raise PcscdUnavailable(f"pcscd still reports a card in {reader!r}")


@contextmanager
def inserted_card(card: VirtualCCCD, *, port: int = 35963, link: LinkModel | None = None) -> Iterator[VpcdCard]:
    """A virtual card on the vpcd reader at ``port`` for the duration of the block."""
    runner = VpcdCard(card, port=port, link=link, reinsert_delay=VPCD_SETTLE_S + 0.1)
    runner.start()
    try:
        if not runner.wait_connected(10):
            raise PcscdUnavailable(f"the virtual card could not reach vpcd on port {port}")
        wait_card_present(VPCD_READERS[port])
        yield runner
    finally:
        runner.stop()
        wait_card_absent(VPCD_READERS[port])
        # vpcd re-arms its listening socket on its next poll after a client leaves; a card that
        # connects before then sits unaccepted. Measured: 0.3 s always enough, 0 s fails every other time.
        time.sleep(VPCD_SETTLE_S)
