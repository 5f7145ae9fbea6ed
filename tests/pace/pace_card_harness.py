"""An in-memory card for the PACE / CA / AA tests: the card-side protocol objects behind a Transport.

Every command goes through its byte encoding (as it would over PC/SC), protected commands are
checked and answered with the card-side secure messaging of ``hardware_mocks.card_sm``, and new
session keys are installed only after the response that established them has gone out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hardware_mocks.card_security import CardActiveAuth, CardChipAuth, CardPace, CardSession
from hardware_mocks.card_sm import CardSecureMessaging, CardSMError
from station.readers.icao.apdu import CommandAPDU, ResponseAPDU


@dataclass
class InMemoryCard:
    pace: CardPace | None = None
    chip_auth: CardChipAuth | None = None
    active_auth: CardActiveAuth | None = None
    files: dict[int, bytes] = field(default_factory=dict)
    sm: CardSecureMessaging | None = None
    log: list[CommandAPDU] = field(default_factory=list)
    sws: list[int] = field(default_factory=list)
    _mode: str = ""
    _selected: int | None = None

    @property
    def max_apdu_data(self) -> int:
        return 256

    def transmit(self, command: CommandAPDU) -> ResponseAPDU:
        command = CommandAPDU.from_bytes(command.to_bytes())
        protected = bool(command.cla & 0x0C)
        if protected:
            if self.sm is None:
                return ResponseAPDU(b"", 0x6987)
            try:
                command = self.sm.unwrap_command(command)
            except CardSMError as exc:
                self.sm = None
                return ResponseAPDU(b"", exc.sw)
        elif self.sm is not None and command.ins != 0x22 and command.ins != 0x86:
            self.sm = None  # a plain command ends the session (PACE may restart it)
        self.log.append(command)
        data, sw, session = self._dispatch(command)
        response = ResponseAPDU(data, sw)
        self.sws.append(sw)
        if protected and self.sm is not None:
            response = self.sm.wrap_response(response)
        if session is not None:
            self.sm = CardSecureMessaging(session.kind, session.ks_enc, session.ks_mac, 0)
        return response

    def _dispatch(self, c: CommandAPDU) -> tuple[bytes, int, CardSession | None]:
        key = (c.ins, c.p1, c.p2)
        if key == (0x22, 0xC1, 0xA4) and self.pace is not None:
            self._mode = "pace"
            self.sm = None
            return b"", self.pace.set_at(c.data), None
        if key == (0x22, 0x41, 0xA4) and self.chip_auth is not None:
            self._mode = "ca"
            return b"", self.chip_auth.set_at(c.data), None
        if key == (0x22, 0x41, 0xA6) and self.chip_auth is not None:
            sw, session = self.chip_auth.set_kat(c.data)
            return b"", sw, session
        if c.ins == 0x86 and self._mode == "pace" and self.pace is not None:
            data, sw = self.pace.general_authenticate(c.data, bool(c.cla & 0x10))
            session = self.pace.session if sw == 0x9000 and not c.cla & 0x10 else None
            return data, sw, session
        if c.ins == 0x86 and self._mode == "ca" and self.chip_auth is not None:
            return self.chip_auth.general_authenticate(c.data)
        if c.ins == 0x88 and self.active_auth is not None:
            data, sw = self.active_auth.internal_authenticate(c.data)
            return data, sw, None
        if c.ins == 0xA4:
            fid = int.from_bytes(c.data, "big") if c.data else -1
            if fid in self.files:
                self._selected = fid
                return b"", 0x9000, None
            return b"", 0x6A82, None
        if c.ins == 0xB0 and self._selected is not None:
            content = self.files[self._selected]
            offset = (c.p1 << 8) | c.p2
            return content[offset : offset + (c.le or 256)], 0x9000, None
        return b"", 0x6D00, None
