"""ISO 7816-4 command and response APDUs, and the transport the protocol code talks to.

The protocol code never touches PC/SC: it sends :class:`CommandAPDU` through anything
that satisfies :class:`Transport`, which is how unit tests script a card.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

__all__ = ["SW_OK", "CommandAPDU", "ResponseAPDU", "Transport"]

SW_OK = 0x9000


@dataclass(frozen=True, slots=True)
class CommandAPDU:
    """A command. ``le`` is the expected length: None for none, 256 or 65536 for "all"."""

    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes = b""
    le: int | None = None

    @property
    def needs_extended(self) -> bool:
        return len(self.data) > 255 or (self.le is not None and self.le > 256)

    def to_bytes(self, *, extended: bool | None = None) -> bytes:
        """Encode in short form, or extended when asked or when the lengths need it."""
        ext = self.needs_extended if extended is None else extended
        if ext and (len(self.data) > 65535 or (self.le is not None and self.le > 65536)):
            raise ValueError("APDU too long even for extended length")
        if not ext and self.needs_extended:
            raise ValueError("APDU needs extended length")
        out = bytearray((self.cla, self.ins, self.p1, self.p2))
        if ext:
            if self.data:
                out += b"\x00" + len(self.data).to_bytes(2, "big") + self.data
            if self.le is not None:
                le = b"\x00\x00" if self.le == 65536 else self.le.to_bytes(2, "big")
                out += le if self.data else b"\x00" + le
        else:
            if self.data:
                out += bytes((len(self.data),)) + self.data
            if self.le is not None:
                out.append(0 if self.le == 256 else self.le)
        return bytes(out)

    @classmethod
    def from_bytes(cls, raw: bytes) -> CommandAPDU:
        """Decode cases 1-4, short and extended (used by the virtual card and tests)."""
        if len(raw) < 4:
            raise ValueError("APDU shorter than its header")
        cla, ins, p1, p2 = raw[:4]
        body = raw[4:]
        if not body:
            return cls(cla, ins, p1, p2)
        if len(body) == 1:
            return cls(cla, ins, p1, p2, le=body[0] or 256)
        if body[0] != 0:  # short form
            lc = body[0]
            if len(body) == 1 + lc:
                return cls(cla, ins, p1, p2, bytes(body[1:]))
            if len(body) == 2 + lc:
                return cls(cla, ins, p1, p2, bytes(body[1 : 1 + lc]), body[-1] or 256)
            raise ValueError("short APDU length byte does not match its body")
        if len(body) == 3:  # extended, case 2
            return cls(cla, ins, p1, p2, le=int.from_bytes(body[1:3], "big") or 65536)
        lc = int.from_bytes(body[1:3], "big")
        if lc == 0:
            raise ValueError("extended APDU with Lc = 0")
        if len(body) == 3 + lc:
            return cls(cla, ins, p1, p2, bytes(body[3:]))
        if len(body) == 5 + lc:
            return cls(cla, ins, p1, p2, bytes(body[3 : 3 + lc]), int.from_bytes(body[-2:], "big") or 65536)
        raise ValueError("extended APDU length does not match its body")


@dataclass(frozen=True, slots=True)
class ResponseAPDU:
    data: bytes
    sw: int

    @property
    def ok(self) -> bool:
        return self.sw == SW_OK

    @property
    def sw1(self) -> int:
        return self.sw >> 8

    @property
    def sw2(self) -> int:
        return self.sw & 0xFF

    def to_bytes(self) -> bytes:
        return self.data + self.sw.to_bytes(2, "big")

    @classmethod
    def from_bytes(cls, raw: bytes) -> ResponseAPDU:
        if len(raw) < 2:
            raise ValueError("response shorter than its status word")
        return cls(bytes(raw[:-2]), int.from_bytes(raw[-2:], "big"))


class Transport(Protocol):
    """Something that carries plain APDUs to a card: the PC/SC reader, or a scripted card in tests.

    Implementations handle 61xx (GET RESPONSE) and 6Cxx (resend with the right Le) themselves and
    raise :class:`station.readers.errors.CardRemovedError` when the card goes away.
    """

    @property
    def max_apdu_data(self) -> int:
        """Largest response data the link carries in one APDU (256 without extended length)."""
        ...

    def transmit(self, command: CommandAPDU) -> ResponseAPDU: ...
