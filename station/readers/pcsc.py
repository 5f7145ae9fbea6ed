"""PC/SC transport over pyscard: readers, card insert/remove events, APDU exchange.

The only module that talks to pcscd. It turns PC/SC return codes into the readers room's
exceptions (a card pulled mid-exchange is always :class:`CardRemovedError`), handles the
transport-level status words 61xx (GET RESPONSE) and 6Cxx (resend with the right Le), and
finds out whether extended-length APDUs can be used: the reader's PC/SC part 10
``dwMaxAPDUDataSize`` and the card's own capability bytes in its ATR must both allow it.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any

from smartcard import scard
from smartcard.pcsc.PCSCPart10 import (
    CM_IOCTL_GET_FEATURE_REQUEST,
    FEATURE_GET_TLV_PROPERTIES,
    hasFeature,
    parseFeatureRequest,
    parseTlvProperties,
)

from station.readers.errors import CardRemovedError, NoCardError, NoReaderError, ReaderError
from station.readers.icao.apdu import CommandAPDU, ResponseAPDU

__all__ = [
    "CardEvent",
    "CardEventKind",
    "PcscCard",
    "ReaderMonitor",
    "card_supports_extended_length",
    "list_readers",
]

log = logging.getLogger(__name__)

SHORT_MAX = 256
EXTENDED_MAX = 65536

# Return codes that mean "the card (or its reader) is gone": the session is over.
_GONE = {
    scard.SCARD_W_REMOVED_CARD,
    scard.SCARD_E_NO_SMARTCARD,
    scard.SCARD_W_RESET_CARD,
    scard.SCARD_W_UNPOWERED_CARD,
    scard.SCARD_W_UNRESPONSIVE_CARD,
    scard.SCARD_E_READER_UNAVAILABLE,
    scard.SCARD_E_NO_READERS_AVAILABLE,
    scard.SCARD_E_UNKNOWN_READER,
    scard.SCARD_E_NOT_TRANSACTED,
    scard.SCARD_F_COMM_ERROR,
}
_PNP_READER = "\\\\?PnP?\\Notification"


def _describe(hresult: int) -> str:
    try:
        message = str(scard.SCardGetErrorMessage(hresult)).strip()
    except Exception:  # pragma: no cover - message lookup is best effort
        message = "PC/SC error"
    return f"{message} (0x{hresult & 0xFFFFFFFF:08X})"


class _Context:
    """One PC/SC context; re-established when pcscd restarts under us."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._handle: Any = None

    def get(self) -> Any:
        with self._lock:
            if self._handle is not None and scard.SCardIsValidContext(self._handle) == scard.SCARD_S_SUCCESS:
                return self._handle
            hresult, handle = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
            if hresult != scard.SCARD_S_SUCCESS:
                raise NoReaderError(f"cannot reach the PC/SC service (pcscd): {_describe(hresult)}")
            self._handle = handle
            return handle

    def release(self) -> None:
        with self._lock:
            if self._handle is not None:
                scard.SCardReleaseContext(self._handle)
                self._handle = None


def list_readers() -> list[str]:
    """Names of the connected readers, in pcscd's order (empty when none)."""
    context = _Context()
    try:
        hresult, readers = scard.SCardListReaders(context.get(), [])
        if hresult in (scard.SCARD_E_NO_READERS_AVAILABLE, scard.SCARD_E_NO_SERVICE) or not readers:
            return []
        if hresult != scard.SCARD_S_SUCCESS:
            raise NoReaderError(f"cannot list readers: {_describe(hresult)}")
        return list(readers)
    finally:
        context.release()


def card_supports_extended_length(atr: bytes) -> bool | None:
    """Read the "card capabilities" of the ATR historical bytes (ISO 7816-4 §8.1.1.2.7).

    Returns True/False when the card says, None when its ATR carries no capability bytes
    (then only trying tells).
    """
    historical = _historical_bytes(atr)
    if not historical or historical[0] != 0x80:
        return None
    data = historical[1:]
    i = 0
    while i < len(data):
        tag, length = data[i] >> 4, data[i] & 0x0F
        value = data[i + 1 : i + 1 + length]
        if tag == 0x7 and len(value) >= 3:
            return bool(value[2] & 0x40)
        i += 1 + length
    return None


def _historical_bytes(atr: bytes) -> bytes:
    if len(atr) < 2:
        return b""
    t0 = atr[1]
    count = t0 & 0x0F
    y = t0 >> 4
    i = 2
    while True:
        i += bin(y).count("1")
        if not (y & 0x8) or i - 1 >= len(atr):
            break
        y = atr[i - 1] >> 4
    return atr[i : i + count]


@dataclass(frozen=True, slots=True)
class _Limits:
    reader_max: int | None  # PC/SC part 10 dwMaxAPDUDataSize; None when the reader does not say
    card_extended: bool | None

    @property
    def max_apdu_data(self) -> int:
        if self.card_extended is False or self.reader_max == 0:
            return SHORT_MAX
        if self.reader_max is not None:
            return max(SHORT_MAX, min(self.reader_max, EXTENDED_MAX))
        # The reader did not say (many drivers, vpcd among them, lack part 10): trust the card,
        # the file reader steps down on the first failure anyway.
        return EXTENDED_MAX if self.card_extended else SHORT_MAX


class PcscCard:
    """A connection to the card in one reader; implements ``station.readers.icao.apdu.Transport``."""

    def __init__(self, reader: str | None = None) -> None:
        self._context = _Context()
        self._reader_name = reader
        self._card: Any = None
        self._protocol: int = 0
        self._atr = b""
        self._limits = _Limits(None, None)
        self._lock = threading.RLock()

    # --------------------------------------------------------------- lifecycle

    @property
    def reader(self) -> str:
        if self._reader_name is None:
            raise NoReaderError("not connected")
        return self._reader_name

    @property
    def atr(self) -> bytes:
        return self._atr

    @property
    def max_apdu_data(self) -> int:
        return self._limits.max_apdu_data

    def connect(self) -> None:
        """Connect to the card (T=1 preferred); raise NoReaderError / NoCardError with a reason."""
        with self._lock:
            context = self._context.get()
            self._reader_name = self._pick_reader(context)
            hresult, card, protocol = scard.SCardConnect(
                context,
                self._reader_name,
                scard.SCARD_SHARE_SHARED,
                scard.SCARD_PROTOCOL_T1 | scard.SCARD_PROTOCOL_T0,
            )
            if hresult in (scard.SCARD_E_NO_SMARTCARD, scard.SCARD_W_REMOVED_CARD):
                raise NoCardError(f"no card in reader {self._reader_name!r}")
            if hresult in (scard.SCARD_E_UNKNOWN_READER, scard.SCARD_E_READER_UNAVAILABLE):
                raise NoReaderError(f"reader {self._reader_name!r} is not available")
            if hresult != scard.SCARD_S_SUCCESS:
                raise NoCardError(f"cannot connect to the card: {_describe(hresult)}")
            self._card, self._protocol = card, protocol
            self._atr = self._read_atr()
            self._limits = _Limits(self._reader_max_apdu(), card_supports_extended_length(self._atr))
            log.info(
                "connected to %r, protocol T=%d, max APDU data %d",
                self._reader_name,
                1 if protocol == scard.SCARD_PROTOCOL_T1 else 0,
                self.max_apdu_data,
            )

    def _pick_reader(self, context: Any) -> str:
        hresult, readers = scard.SCardListReaders(context, [])
        if hresult != scard.SCARD_S_SUCCESS or not readers:
            raise NoReaderError("no card reader is connected")
        if self._reader_name is None:
            return str(readers[0])
        if self._reader_name in readers:
            return self._reader_name
        matches = [r for r in readers if self._reader_name.lower() in r.lower()]
        if len(matches) == 1:
            return str(matches[0])
        raise NoReaderError(f"no reader named {self._reader_name!r} (have: {', '.join(readers)})")

    def _read_atr(self) -> bytes:
        hresult, _reader, _state, _protocol, atr = scard.SCardStatus(self._card)
        if hresult != scard.SCARD_S_SUCCESS:
            self._raise_gone(hresult, "status")
        return bytes(atr)

    def _reader_max_apdu(self) -> int | None:
        """Ask the reader driver for PC/SC part 10 TLV properties; None when unsupported."""
        hresult, response = scard.SCardControl(self._card, CM_IOCTL_GET_FEATURE_REQUEST, [])
        if hresult != scard.SCARD_S_SUCCESS or not response:
            return None
        code = hasFeature(parseFeatureRequest(list(response)), FEATURE_GET_TLV_PROPERTIES)
        if code is None:
            return None
        hresult, response = scard.SCardControl(self._card, code, [])
        if hresult != scard.SCARD_S_SUCCESS:
            return None
        value = parseTlvProperties(response).get("PCSCv2_PART10_PROPERTY_dwMaxAPDUDataSize")
        return int(value) if value is not None else None

    def reconnect(self, *, reset: bool = False) -> None:
        """Reconnect to the same card; with ``reset`` the card is reset (its sessions dropped)."""
        with self._lock:
            if self._card is None:
                self.connect()
                return
            disposition = scard.SCARD_RESET_CARD if reset else scard.SCARD_LEAVE_CARD
            hresult, protocol = scard.SCardReconnect(
                self._card,
                scard.SCARD_SHARE_SHARED,
                scard.SCARD_PROTOCOL_T1 | scard.SCARD_PROTOCOL_T0,
                disposition,
            )
            if hresult != scard.SCARD_S_SUCCESS:
                self._drop()
                self.connect()
                return
            self._protocol = protocol
            self._atr = self._read_atr()

    def reset(self) -> None:
        self.reconnect(reset=True)

    def disconnect(self) -> None:
        with self._lock:
            self._drop()
            self._context.release()

    def _drop(self) -> None:
        # Reset on the way out: the chip forgets our secure-messaging session, so no other
        # process sharing the reader can ride on it.
        if self._card is not None:
            scard.SCardDisconnect(self._card, scard.SCARD_RESET_CARD)
            self._card = None

    def __enter__(self) -> PcscCard:
        self.connect()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.disconnect()

    # ---------------------------------------------------------------- exchange

    def transmit(self, command: CommandAPDU) -> ResponseAPDU:
        """Send one command; chain GET RESPONSE on 61xx and resend on 6Cxx."""
        with self._lock:
            response = self._exchange(command.to_bytes())
            # 6Cxx is answered here only for plain commands: re-sending a protected one would
            # replay its MAC, so there the secure-messaging layer must rebuild it with the new Le.
            if response.sw1 == 0x6C and command.le is not None and not command.cla & 0x0C:
                resend = dataclasses.replace(command, le=response.sw2 or 256)
                response = self._exchange(resend.to_bytes())
            data = bytearray(response.data)
            while response.sw1 == 0x61:
                get_response = CommandAPDU(command.cla & 0x03, 0xC0, 0x00, 0x00, le=response.sw2 or 256)
                response = self._exchange(get_response.to_bytes())
                data += response.data
            return ResponseAPDU(bytes(data), response.sw)

    def _exchange(self, raw: bytes) -> ResponseAPDU:
        if self._card is None:
            raise CardRemovedError("not connected to a card")
        pci = scard.SCARD_PCI_T1 if self._protocol == scard.SCARD_PROTOCOL_T1 else scard.SCARD_PCI_T0
        hresult, response = scard.SCardTransmit(self._card, pci, list(raw))
        if hresult != scard.SCARD_S_SUCCESS:
            self._raise_gone(hresult, "transmit")
        try:
            return ResponseAPDU.from_bytes(bytes(response))
        except ValueError as exc:
            raise CardRemovedError("the card answered less than a status word") from exc

    def _raise_gone(self, hresult: int, what: str) -> None:
        self._drop()
        if hresult in _GONE:
            raise CardRemovedError(f"card removed during {what}: {_describe(hresult)}")
        raise ReaderError(f"{what} failed: {_describe(hresult)}")


class CardEventKind(Enum):
    INSERTED = "inserted"
    REMOVED = "removed"
    READER_ADDED = "reader_added"
    READER_REMOVED = "reader_removed"


@dataclass(frozen=True, slots=True)
class CardEvent:
    kind: CardEventKind
    reader: str
    atr: bytes = b""


class ReaderMonitor:
    """Card insert/remove and reader plug events from ``SCardGetStatusChange``.

    The first ``wait()`` reports the present state (an INSERTED for each card already in a
    reader); later calls block up to the timeout and report what changed. ``cancel()``, from
    another thread, wakes a blocked ``wait()`` so a UI worker stops promptly.
    """

    def __init__(self) -> None:
        self._context = _Context()
        self._states: dict[str, int] = {}
        self._pnp_state = scard.SCARD_STATE_UNAWARE
        self._primed = False

    def wait(self, timeout_s: float = 1.0) -> list[CardEvent]:
        context = self._context.get()
        hresult, listed = scard.SCardListReaders(context, [])
        readers = list(listed) if hresult == scard.SCARD_S_SUCCESS else []
        events: list[CardEvent] = []
        for gone in [name for name in self._states if name not in readers]:
            if self._states.pop(gone) & scard.SCARD_STATE_PRESENT:
                events.append(CardEvent(CardEventKind.REMOVED, gone))
            events.append(CardEvent(CardEventKind.READER_REMOVED, gone))
        for new in readers:
            if new not in self._states:
                self._states[new] = scard.SCARD_STATE_UNAWARE
                if self._primed:
                    events.append(CardEvent(CardEventKind.READER_ADDED, new))
        query = [(name, state) for name, state in self._states.items()]
        query.append((_PNP_READER, self._pnp_state))
        timeout_ms = 0 if events or not self._primed else max(0, int(timeout_s * 1000))
        hresult, new_states = scard.SCardGetStatusChange(context, timeout_ms, query)
        if hresult in (scard.SCARD_E_NO_SERVICE, scard.SCARD_E_INVALID_HANDLE):
            self._context.release()
        if hresult != scard.SCARD_S_SUCCESS:
            self._primed = True
            return events
        for name, state, atr in new_states:
            settled = state & ~scard.SCARD_STATE_CHANGED
            if name == _PNP_READER:
                self._pnp_state = settled
                continue
            if name not in self._states:
                continue
            was = bool(self._states[name] & scard.SCARD_STATE_PRESENT)
            now = bool(state & scard.SCARD_STATE_PRESENT) and not state & scard.SCARD_STATE_MUTE
            self._states[name] = settled
            if now and not was:
                events.append(CardEvent(CardEventKind.INSERTED, name, bytes(atr)))
            elif was and not now:
                events.append(CardEvent(CardEventKind.REMOVED, name))
        self._primed = True
        return events

    def cancel(self) -> None:
        scard.SCardCancel(self._context.get())

    def close(self) -> None:
        self._context.release()

    def events(self, timeout_s: float = 1.0) -> Iterator[CardEvent]:
        """Endless stream of events (for a worker thread); stop by breaking out or ``cancel()``."""
        while True:
            yield from self.wait(timeout_s)
