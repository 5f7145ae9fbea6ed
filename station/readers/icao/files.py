"""Reading elementary files: SELECT by file id, then READ BINARY in chunks a card and reader accept.

Cards and readers disagree on how much one READ BINARY may return, and a wrong guess can
cost the secure-messaging session. So one :class:`FileReader` per card session learns it:
extended length first (when the link carries more than 256 bytes), then 256, 223, 192, 160, 128, 64,
stepping down on 6700 / 6Cxx / 6282-without-data / an SM error, and keeping what worked for
the following files. After an SM error the card has dropped the session: the reader calls
the session's ``reauthenticate`` callback, selects the file again and goes on where it was.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from station.readers.errors import MalformedDataError, SecureMessagingError, StatusWordError
from station.readers.icao.apdu import CommandAPDU, ResponseAPDU, Transport
from station.readers.icao.tlv import encode_tlv, read_header, read_tlv

__all__ = [
    "EF_CARD_ACCESS",
    "EF_COM",
    "EF_SOD",
    "SHORT_LE_STEPS",
    "FileAccessDenied",
    "FileNotFound",
    "FileReader",
    "ProgressCallback",
    "dg_file_id",
    "file_label",
]

log = logging.getLogger(__name__)

EF_CARD_ACCESS = 0x011C
EF_COM = 0x011E
EF_SOD = 0x011D

SHORT_LE_STEPS: tuple[int, ...] = (256, 223, 192, 160, 128, 64)
_HEADER_PROBE = 8  # LDS tags take ≤ 2 bytes, lengths ≤ 5: 8 bytes always hold the header
_SM_RESERVE = 64  # room for DO'87'/'99'/'8E' around the data in an extended response
_MAX_B0_OFFSET = 0x7FFF
_B1_HEADER = 4  # DO'53' tag and up to 3 length bytes around the data of an odd-INS READ BINARY

ProgressCallback = Callable[[str, int, int], None]


class FileNotFound(StatusWordError):
    """SW 6A82: the card has no such file (DG11 on a CCCD); the session skips it."""

    clerk_message = "Thẻ không có tệp dữ liệu này."

    def __init__(self, sw: int, command: str = "", *, label: str = "") -> None:
        self.label = label
        super().__init__(sw, command)


class FileAccessDenied(StatusWordError):
    """SW 6982: the file needs more than BAC/PACE (DG3 needs EAC); the session skips it."""

    clerk_message = "Thẻ không cho phép đọc tệp này (cần quyền truy cập mở rộng); bỏ qua tệp."

    def __init__(self, sw: int, command: str = "", *, label: str = "") -> None:
        self.label = label
        super().__init__(sw, command)


def dg_file_id(number: int) -> int:
    """EF.DG1 … EF.DG16 are 0101 … 0110."""
    if not 1 <= number <= 16:
        raise ValueError("data groups are numbered 1 to 16")
    return 0x0100 + number


def file_label(fid: int) -> str:
    if 0x0101 <= fid <= 0x0110:
        return f"DG{fid - 0x0100}"
    return {EF_COM: "EF.COM", EF_SOD: "EF.SOD", EF_CARD_ACCESS: "EF.CardAccess"}.get(fid, f"EF {fid:04X}")


def _raise_for_file_status(sw: int, command: str, label: str) -> None:
    if sw == 0x6A82:
        raise FileNotFound(sw, f"{command} {label}", label=label)
    if sw == 0x6982:
        raise FileAccessDenied(sw, f"{command} {label}", label=label)
    raise StatusWordError(sw, f"{command} {label}")


class FileReader:
    """Reads whole EFs over ``transport`` (normally the session's SecureChannel).

    ``reauthenticate`` re-establishes secure messaging after the card dropped it (without it
    an SM error propagates); ``progress`` receives (file label, bytes read, total bytes).
    """

    def __init__(
        self,
        transport: Transport,
        *,
        reauthenticate: Callable[[], None] | None = None,
        progress: ProgressCallback | None = None,
    ) -> None:
        self.transport = transport
        self.reauthenticate = reauthenticate
        self.progress = progress
        self._extended: bool | None = None  # None: not tried yet; False: failed once, never again
        self._short_index = 0

    @property
    def chunk_size(self) -> int:
        """The Le the next large read will ask for."""
        ext = self._extended_size()
        if ext and self._extended is not False:
            return ext
        return SHORT_LE_STEPS[self._short_index]

    @property
    def extended_works(self) -> bool | None:
        return self._extended

    def _extended_size(self) -> int:
        size = min(self.transport.max_apdu_data, 65536) - _SM_RESERVE
        return size if size > 256 else 0

    def _step_down(self, label: str, reason: str) -> None:
        if self._extended_size() and self._extended is not False and self.chunk_size > 256:
            self._extended = False
            log.info("%s: extended-length READ BINARY failed (%s); using short APDUs", label, reason)
            return
        if self._short_index + 1 >= len(SHORT_LE_STEPS):
            raise StatusWordError(0x6700, f"READ BINARY {label}: no block size accepted ({reason})")
        self._short_index += 1
        log.info("%s: READ BINARY %s; block size now %d", label, reason, SHORT_LE_STEPS[self._short_index])

    def select(self, fid: int, label: str | None = None) -> None:
        """SELECT EF by file id (P1=02, P2=0C: no FCI)."""
        label = label or file_label(fid)
        response = self.transport.transmit(CommandAPDU(0x00, 0xA4, 0x02, 0x0C, fid.to_bytes(2, "big")))
        if not response.ok:
            _raise_for_file_status(response.sw, "SELECT", label)

    def _recover_if_dropped(self, fid: int, label: str) -> None:
        """After a plain error status the SecureChannel knows the card left SM: start a new session."""
        if not getattr(self.transport, "broken", False):
            return
        if self.reauthenticate is None:
            raise SecureMessagingError(f"READ BINARY {label}: card dropped secure messaging")
        log.info("%s: card dropped secure messaging; re-authenticating", label)
        self.reauthenticate()
        self.select(fid, label)

    def _select_resilient(self, fid: int, label: str) -> None:
        try:
            self.select(fid, label)
        except SecureMessagingError:
            if self.reauthenticate is None:
                raise
            log.info("%s: secure messaging lost at SELECT; re-authenticating", label)
            self.reauthenticate()
            self.select(fid, label)

    def _read_binary(self, offset: int, le: int) -> tuple[bytes, int]:
        if offset <= _MAX_B0_OFFSET:
            response = self.transport.transmit(CommandAPDU(0x00, 0xB0, offset >> 8, offset & 0xFF, le=le))
            return response.data, response.sw
        size = max(1, (offset.bit_length() + 7) // 8)
        command = CommandAPDU(0x00, 0xB1, 0x00, 0x00, encode_tlv(0x54, offset.to_bytes(size, "big")), le=le)
        response = self.transport.transmit(command)
        return self._strip_do53(response, offset)

    @staticmethod
    def _strip_do53(response: ResponseAPDU, offset: int) -> tuple[bytes, int]:
        if not response.data:
            return b"", response.sw
        wrapped = read_tlv(response.data, file="READ BINARY B1")
        if wrapped.tag != 0x53:
            raise MalformedDataError(
                f"READ BINARY at offset {offset} answered tag {wrapped.tag:X}, expected 53", file="READ BINARY B1"
            )
        return wrapped.value, response.sw

    def read(self, fid: int, label: str | None = None) -> bytes:
        """The whole file: header first (to learn the length), then the body in large chunks.

        Raises :class:`FileNotFound` (6A82), :class:`FileAccessDenied` (6982),
        :class:`MalformedDataError` when the file is shorter than its own TLV header says.
        """
        label = label or file_label(fid)
        self._select_resilient(fid, label)
        buffer = bytearray()
        total: int | None = None
        exact_le: int | None = None
        sm_failures = 0
        while total is None or len(buffer) < total:
            if total is None:
                want = exact_le or _HEADER_PROBE
            elif len(buffer) > _MAX_B0_OFFSET:  # odd INS: the answer wraps the data in DO'53'
                want = min(self.chunk_size, total - len(buffer) + _B1_HEADER)
            else:
                want = min(exact_le or self.chunk_size, total - len(buffer))
            exact_le = None
            try:
                data, sw = self._read_binary(len(buffer), want)
            except SecureMessagingError:
                sm_failures += 1
                if self.reauthenticate is None or sm_failures > len(SHORT_LE_STEPS) + 1:
                    raise
                self._step_down(label, "secure messaging error")
                log.info("%s: re-authenticating after secure messaging error", label)
                self.reauthenticate()
                self.select(fid, label)
                continue
            if sw == 0x9000 or (sw == 0x6282 and data):
                if want > 256 and data:
                    self._extended = True
                buffer += data
                if total is None:
                    total = read_header(bytes(buffer), file=label).total_length
                if self.progress is not None:
                    self.progress(label, min(len(buffer), total), total)
                if len(buffer) >= total:
                    break
                if sw == 0x6282 or not data:
                    raise MalformedDataError(
                        f"file ends after {len(buffer)} bytes but its header announces {total}",
                        file=label,
                        offset=len(buffer),
                    )
                continue
            if sw >> 8 == 0x6C:
                if total is None:
                    if not sw & 0xFF or sw & 0xFF == want:
                        raise StatusWordError(sw, f"READ BINARY {label} header")
                    exact_le = sw & 0xFF  # file shorter than the header probe
                else:
                    self._step_down(label, f"answered {sw:04X}")
                    if sw & 0xFF and sw & 0xFF < self.chunk_size:
                        exact_le = sw & 0xFF
                self._recover_if_dropped(fid, label)
                continue
            if sw in (0x6700, 0x6282):
                if total is None:
                    raise StatusWordError(sw, f"READ BINARY {label} header")
                self._step_down(label, f"answered {sw:04X}")
                self._recover_if_dropped(fid, label)
                continue
            if sw == 0x6B00 and total is not None:
                raise MalformedDataError(
                    f"file ends after {len(buffer)} bytes but its header announces {total}",
                    file=label,
                    offset=len(buffer),
                )
            _raise_for_file_status(sw, "READ BINARY", label)
        assert total is not None
        return bytes(buffer[:total])
