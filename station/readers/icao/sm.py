"""ICAO 9303-11 §9.8 secure messaging, reader side, for both cipher families.

One wrapper covers BAC (3DES, 8-byte SSC, retail MAC, zero IV) and PACE/CA (AES, 16-byte
SSC, AES-CMAC-8, IV = E(KS_enc, SSC)): the differences are a handful of primitives, so
they live in a small suite object rather than in two wrapper classes that would drift.

SSC rule: the counter moves once per MAC computed — before MACing a command and before
checking a protected response. A plain status word (no DO'99'/'8E') computes no MAC, so
it does not move the counter; the card side must do the same.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from station.readers.errors import SecureMessagingError
from station.readers.icao import crypto
from station.readers.icao.apdu import CommandAPDU, ResponseAPDU, Transport
from station.readers.icao.crypto import CipherKind

__all__ = ["SM_ERROR_STATUS_WORDS", "SecureChannel", "SecureMessaging"]

log = logging.getLogger(__name__)

# Status words by which a card reports that it rejected the protection itself.
SM_ERROR_STATUS_WORDS = frozenset({0x6987, 0x6988})

_SHORT_MAX_DATA = 255


@dataclass(frozen=True, slots=True)
class _Suite:
    kind: CipherKind
    ks_enc: bytes
    ks_mac: bytes

    @property
    def block(self) -> int:
        return self.kind.block_size

    def mac(self, ssc: bytes, data: bytes) -> bytes:
        """MAC over pad(SSC || data): padding is applied once, here, for both families."""
        message = ssc + data
        if self.kind is CipherKind.DES3:
            return crypto.retail_mac(self.ks_mac, message)
        return crypto.aes_cmac(self.ks_mac, crypto.iso9797_pad(message, 16), 8)

    def _iv(self, ssc: bytes) -> bytes:
        if self.kind is CipherKind.DES3:
            return b"\x00" * 8
        return crypto.aes_ecb_encrypt(self.ks_enc, ssc)

    def encrypt(self, ssc: bytes, data: bytes) -> bytes:
        padded = crypto.iso9797_pad(data, self.block)
        if self.kind is CipherKind.DES3:
            return crypto.des3_cbc_encrypt(self.ks_enc, padded, self._iv(ssc))
        return crypto.aes_cbc_encrypt(self.ks_enc, padded, self._iv(ssc))

    def decrypt(self, ssc: bytes, data: bytes) -> bytes:
        if not data or len(data) % self.block:
            raise SecureMessagingError("encrypted response data is not block-aligned")
        if self.kind is CipherKind.DES3:
            plain = crypto.des3_cbc_decrypt(self.ks_enc, data, self._iv(ssc))
        else:
            plain = crypto.aes_cbc_decrypt(self.ks_enc, data, self._iv(ssc))
        try:
            return crypto.iso9797_unpad(plain)
        except ValueError as exc:
            raise SecureMessagingError("bad padding in protected response") from exc


def _do(tag: int, value: bytes) -> bytes:
    n = len(value)
    if n < 0x80:
        length = bytes((n,))
    elif n < 0x100:
        length = bytes((0x81, n))
    else:
        length = bytes((0x82,)) + n.to_bytes(2, "big")
    return bytes((tag,)) + length + value


def _encode_le(le: int) -> bytes:
    """DO'97' content: one byte up to 256 (256 → 00), two bytes beyond (65536 → 0000)."""
    if le <= 256:
        return bytes((le & 0xFF,))
    return (le & 0xFFFF).to_bytes(2, "big")


def _split_dos(data: bytes) -> list[tuple[int, bytes, bytes]]:
    """Split a protected response body into (tag, value, encoded bytes) of its data objects."""
    out: list[tuple[int, bytes, bytes]] = []
    i = 0
    while i < len(data):
        tag = data[i]
        if i + 1 >= len(data):
            raise SecureMessagingError(f"protected response truncated at offset {i}")
        first = data[i + 1]
        if first < 0x80:
            length, start = first, i + 2
        elif first in (0x81, 0x82):
            n = first - 0x80
            if i + 2 + n > len(data):
                raise SecureMessagingError(f"protected response truncated at offset {i}")
            length, start = int.from_bytes(data[i + 2 : i + 2 + n], "big"), i + 2 + n
        else:
            raise SecureMessagingError(f"bad length byte {first:02X} in protected response at offset {i + 1}")
        end = start + length
        if end > len(data):
            raise SecureMessagingError(f"protected response data object at offset {i} runs past the end")
        out.append((tag, data[start:end], data[i:end]))
        i = end
    return out


class SecureMessaging:
    """Wraps commands and unwraps responses for one session key set.

    Not thread-safe; one instance belongs to one card session. ``ssc`` is the counter value
    after the last exchange (readable for tests and for a card-side cross-check).
    """

    def __init__(self, kind: CipherKind, ks_enc: bytes, ks_mac: bytes, ssc: int) -> None:
        if len(ks_enc) != kind.key_length or len(ks_mac) != kind.key_length:
            raise ValueError(f"{kind.value} session keys must be {kind.key_length} bytes")
        self.kind = kind
        self._suite = _Suite(kind, bytes(ks_enc), bytes(ks_mac))
        self._modulus = 1 << (8 * kind.block_size)
        self.ssc = ssc % self._modulus

    def __repr__(self) -> str:  # never show keys
        return f"SecureMessaging({self.kind.value}, ssc={self.ssc:#x})"

    def _next_ssc(self) -> bytes:
        self.ssc = (self.ssc + 1) % self._modulus
        return self.ssc.to_bytes(self.kind.block_size, "big")

    def wrap(self, cmd: CommandAPDU) -> CommandAPDU:
        """Protect ``cmd``: data in DO'87' (DO'85' for odd INS), Le in DO'97', MAC in DO'8E'."""
        if cmd.cla & 0x0C:
            raise ValueError("command is already protected")
        cla = cmd.cla | 0x0C
        ssc = self._next_ssc()
        block = self._suite.block
        header = crypto.iso9797_pad(bytes((cla, cmd.ins, cmd.p1, cmd.p2)), block)
        body = b""
        if cmd.data:
            encrypted = self._suite.encrypt(ssc, cmd.data)
            body += _do(0x85, encrypted) if cmd.ins & 1 else _do(0x87, b"\x01" + encrypted)
        if cmd.le is not None:
            body += _do(0x97, _encode_le(cmd.le))
        mac = self._suite.mac(ssc, header + body)
        body += _do(0x8E, mac)
        extended = len(body) > _SHORT_MAX_DATA or (cmd.le is not None and cmd.le > 256)
        return CommandAPDU(cla, cmd.ins, cmd.p1, cmd.p2, body, 65536 if extended else 256)

    def unwrap(self, resp: ResponseAPDU) -> ResponseAPDU:
        """Check and strip the protection of ``resp``.

        A bare status word other than 9000 is returned as it is (the card refused the command
        in plain); a bare 9000, 6987/6988, a missing DO'99'/'8E' or a wrong MAC raise
        :class:`SecureMessagingError` — after which the card has dropped the session.
        """
        if not resp.data:
            if resp.sw in SM_ERROR_STATUS_WORDS:
                raise SecureMessagingError(f"card rejected the secure messaging (SW {resp.sw:04X})")
            if resp.sw == 0x9000:
                raise SecureMessagingError("card answered 9000 without secure messaging")
            return resp
        dos = _split_dos(resp.data)
        mac_index = next((i for i, (tag, _, _) in enumerate(dos) if tag == 0x8E), None)
        if mac_index is None:
            raise SecureMessagingError("protected response has no MAC (DO'8E')")
        covered = dos[:mac_index]
        if mac_index != len(dos) - 1:
            raise SecureMessagingError("data after the MAC in protected response")
        status = next((value for tag, value, _ in covered if tag == 0x99), None)
        if status is None or len(status) != 2:
            raise SecureMessagingError("protected response has no valid status (DO'99')")
        ssc = self._next_ssc()
        covered_bytes = b"".join(raw for _, _, raw in covered)
        expected = self._suite.mac(ssc, covered_bytes)
        if not crypto.constant_time_equal(expected, dos[mac_index][1]):
            raise SecureMessagingError("MAC of protected response does not verify")
        data = b""
        for tag, value, _ in covered:
            if tag == 0x87:
                if not value or value[0] != 0x01:
                    raise SecureMessagingError("unknown padding indicator in DO'87'")
                data = self._suite.decrypt(ssc, value[1:])
            elif tag == 0x85:
                data = self._suite.decrypt(ssc, value)
            elif tag == 0x81:
                data = value
        return ResponseAPDU(data, int.from_bytes(status, "big"))


class SecureChannel:
    """A :class:`Transport` that protects every exchange when a :class:`SecureMessaging` is set.

    After any :class:`SecureMessagingError`, and after a plain status word answering a protected
    command, the channel is ``broken``: it refuses further commands (raising
    :class:`SecureMessagingError` without sending) until a new ``sm`` is installed or ``sm`` is set
    to None — the card has dropped the session, so anything sent with the old keys would only
    fail in a more confusing way.
    """

    def __init__(self, transport: Transport, sm: SecureMessaging | None = None) -> None:
        self.transport = transport
        self._sm = sm
        self._broken = False

    @property
    def sm(self) -> SecureMessaging | None:
        return self._sm

    @sm.setter
    def sm(self, value: SecureMessaging | None) -> None:
        self._sm = value
        self._broken = False

    @property
    def broken(self) -> bool:
        """True after an SM error, until BAC/PACE installs new keys."""
        return self._broken

    @property
    def max_apdu_data(self) -> int:
        return self.transport.max_apdu_data

    def transmit(self, command: CommandAPDU) -> ResponseAPDU:
        sm = self._sm
        if sm is None:
            return self.transport.transmit(command)
        if self._broken:
            raise SecureMessagingError("secure messaging session was dropped; authenticate again")
        raw = self.transport.transmit(sm.wrap(command))
        try:
            response = sm.unwrap(raw)
        except SecureMessagingError:
            self._broken = True
            log.info("secure messaging failed on INS %02X; session marked dropped", command.ins)
            raise
        if not raw.data:
            # A card answers a protected command in plain when it has left secure messaging
            # (ISO 7816-4 §10.2): the status word is returned, the next command needs new keys.
            self._broken = True
            log.info("plain SW %04X to protected INS %02X; session marked dropped", raw.sw, command.ins)
        return response
