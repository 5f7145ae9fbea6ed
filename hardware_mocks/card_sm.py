"""Card side of ICAO 9303-11 secure messaging (3DES after BAC, AES after PACE / chip authentication).

Written independently of the reader's ``station.readers.icao.sm`` so that a bug on one side shows
up as a failed exchange instead of being mirrored. Only the symmetric primitives are shared.

One class covers both cipher families: the differences (SSC width, MAC function, IV) are looked up
from the :class:`CipherKind`, so PACE or chip authentication installs an AES session by building a
``CardSecureMessaging(CipherKind.AES128, ks_enc, ks_mac, ssc=0)`` and handing it to the card.
"""

from __future__ import annotations

from collections.abc import Iterator

from station.readers.icao.apdu import CommandAPDU, ResponseAPDU
from station.readers.icao.crypto import (
    CipherKind,
    aes_cbc_decrypt,
    aes_cbc_encrypt,
    aes_cmac,
    aes_ecb_encrypt,
    constant_time_equal,
    des3_cbc_decrypt,
    des3_cbc_encrypt,
    iso9797_pad,
    iso9797_unpad,
    retail_mac,
)

__all__ = [
    "SW_SM_MISSING",
    "SW_SM_WRONG",
    "CardSMError",
    "CardSecureMessaging",
    "ber_length",
    "encode_tlv",
    "iter_tlvs",
]

SW_SM_MISSING = 0x6987  # expected secure-messaging data objects missing
SW_SM_WRONG = 0x6988  # secure-messaging data objects incorrect (bad MAC, bad cryptogram)


class CardSMError(Exception):
    """A protected command the card must refuse; the card then drops its session (9303-11 §9.8.1)."""

    def __init__(self, sw: int, reason: str) -> None:
        super().__init__(f"{reason} ({sw:04X})")
        self.sw = sw


# ------------------------------------------------------------------------------------ BER-TLV


def ber_length(n: int) -> bytes:
    """Definite-length encoding: short form below 128, else 81/82/83 + big-endian length."""
    if n < 0x80:
        return bytes((n,))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((0x80 | len(body),)) + body


def encode_tlv(tag: int, value: bytes) -> bytes:
    """One BER-TLV; ``tag`` is the tag's bytes as an int (0x5F1F, 0x7F61...)."""
    tag_bytes = tag.to_bytes(max(1, (tag.bit_length() + 7) // 8), "big")
    return tag_bytes + ber_length(len(value)) + value


def iter_tlvs(data: bytes) -> Iterator[tuple[int, bytes, bytes]]:
    """Yield (tag, value, raw TLV) for each object at this level; ValueError on malformed input."""
    i = 0
    while i < len(data):
        start = i
        tag = data[i]
        i += 1
        if tag & 0x1F == 0x1F:
            while True:
                if i >= len(data):
                    raise ValueError("truncated tag")
                tag = (tag << 8) | data[i]
                i += 1
                if not data[i - 1] & 0x80:
                    break
        if i >= len(data):
            raise ValueError("truncated length")
        first = data[i]
        i += 1
        if first < 0x80:
            length = first
        else:
            count = first & 0x7F
            if count == 0 or count > 3 or i + count > len(data):
                raise ValueError("bad length")
            length = int.from_bytes(data[i : i + count], "big")
            i += count
        if i + length > len(data):
            raise ValueError("value runs past the end")
        yield tag, data[i : i + length], data[start : i + length]
        i += length


# ---------------------------------------------------------------------------- the session


class CardSecureMessaging:
    """One secure-messaging session as the chip keeps it: keys and the send sequence counter.

    The SSC is incremented once when a command arrives and once when the response leaves, which is
    what keeps card and reader in step; any refused command ends the session (the caller drops it).
    """

    def __init__(self, kind: CipherKind, ks_enc: bytes, ks_mac: bytes, ssc: int) -> None:
        if len(ks_enc) != kind.key_length or len(ks_mac) != kind.key_length:
            raise ValueError("session key length does not match the cipher")
        self.kind = kind
        self.ks_enc = ks_enc
        self.ks_mac = ks_mac
        self.ssc = ssc
        self._block = kind.block_size

    # --------------------------------------------------------------- primitives
    def _ssc_bytes(self) -> bytes:
        return (self.ssc % (1 << (8 * self._block))).to_bytes(self._block, "big")

    def _mac(self, data: bytes) -> bytes:
        """MAC over SSC || data, padded once here (9303-11 §9.8.3)."""
        message = self._ssc_bytes() + data
        if self.kind is CipherKind.DES3:
            return retail_mac(self.ks_mac, message)
        return aes_cmac(self.ks_mac, iso9797_pad(message, 16), 8)

    def _encrypt(self, plain: bytes) -> bytes:
        padded = iso9797_pad(plain, self._block)
        if self.kind is CipherKind.DES3:
            return des3_cbc_encrypt(self.ks_enc, padded)
        return aes_cbc_encrypt(self.ks_enc, padded, aes_ecb_encrypt(self.ks_enc, self._ssc_bytes()))

    def _decrypt(self, cryptogram: bytes) -> bytes:
        if not cryptogram or len(cryptogram) % self._block:
            raise CardSMError(SW_SM_WRONG, "cryptogram is not block-aligned")
        if self.kind is CipherKind.DES3:
            padded = des3_cbc_decrypt(self.ks_enc, cryptogram)
        else:
            padded = aes_cbc_decrypt(self.ks_enc, cryptogram, aes_ecb_encrypt(self.ks_enc, self._ssc_bytes()))
        try:
            return iso9797_unpad(padded)
        except ValueError as exc:
            raise CardSMError(SW_SM_WRONG, "bad padding in the cryptogram") from exc

    # ------------------------------------------------------------------ command
    def unwrap_command(self, outer: CommandAPDU) -> CommandAPDU:
        """Verify and decrypt a protected command; raise :class:`CardSMError` when it must be refused."""
        try:
            objects = list(iter_tlvs(outer.data))
        except ValueError as exc:
            raise CardSMError(SW_SM_WRONG, f"protected command body: {exc}") from exc
        cryptogram: bytes | None = None
        crypto_tag = 0
        le_value: bytes | None = None
        mac: bytes | None = None
        mac_input = bytearray()
        for index, (tag, value, raw) in enumerate(objects):
            if tag in (0x85, 0x87) and cryptogram is None and mac is None:
                cryptogram, crypto_tag = value, tag
            elif tag == 0x97 and le_value is None and mac is None:
                le_value = value
            elif tag == 0x8E and index == len(objects) - 1:
                mac = value
                continue
            else:
                raise CardSMError(SW_SM_WRONG, f"unexpected data object {tag:02X}")
            mac_input += raw
        if mac is None:
            raise CardSMError(SW_SM_MISSING, "no DO'8E' in the protected command")
        self.ssc += 1
        header = iso9797_pad(bytes((outer.cla, outer.ins, outer.p1, outer.p2)), self._block)
        if not constant_time_equal(self._mac(header + bytes(mac_input)), mac):
            raise CardSMError(SW_SM_WRONG, "MAC of the command does not verify")
        data = b""
        if cryptogram is not None:
            if crypto_tag == 0x87:
                if not cryptogram or cryptogram[0] != 0x01:
                    raise CardSMError(SW_SM_WRONG, "DO'87' without padding indicator 01")
                cryptogram = cryptogram[1:]
            data = self._decrypt(cryptogram)
        le: int | None = None
        if le_value is not None:
            if len(le_value) > 2:
                raise CardSMError(SW_SM_WRONG, "DO'97' longer than two bytes")
            number = int.from_bytes(le_value, "big") if le_value else 0
            le = number or (65536 if len(le_value) == 2 else 256)
        return CommandAPDU(outer.cla & 0xF3, outer.ins, outer.p1, outer.p2, data, le)

    # ----------------------------------------------------------------- response
    def wrapped_length(self, plain_length: int, *, odd_ins: bool = False) -> int:
        """Bytes of response data that :meth:`wrap_response` makes of ``plain_length`` plaintext bytes."""
        size = 4 + 10  # DO'99' + DO'8E'
        if plain_length:
            value = (plain_length // self._block + 1) * self._block + (0 if odd_ins else 1)  # 01 of DO'87'
            size += 1 + len(ber_length(value)) + value
        return size

    def wrap_response(self, response: ResponseAPDU, *, odd_ins: bool = False) -> ResponseAPDU:
        """Protect a response: DO'87' (or DO'85' for odd INS), DO'99' with the status word, DO'8E'."""
        self.ssc += 1
        body = bytearray()
        if response.data:
            cryptogram = self._encrypt(response.data)
            body += encode_tlv(0x85, cryptogram) if odd_ins else encode_tlv(0x87, b"\x01" + cryptogram)
        body += encode_tlv(0x99, response.sw.to_bytes(2, "big"))
        body += encode_tlv(0x8E, self._mac(bytes(body)))
        return ResponseAPDU(bytes(body), response.sw)
