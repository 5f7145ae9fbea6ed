"""Symmetric primitives of ICAO 9303 Part 11: key derivation, padding, ciphers and MACs.

Built on ``cryptography``; only the ICAO-specific glue (KDF counter, parity, the ISO 9797-1
retail MAC) is written here. Used by the reader and by the virtual card alike.
"""

from __future__ import annotations

import hashlib
import hmac
from enum import Enum

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives import cmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

__all__ = [
    "KDF_ENC",
    "KDF_MAC",
    "KDF_PACE",
    "CipherKind",
    "adjust_des_parity",
    "aes_cbc_decrypt",
    "aes_cbc_encrypt",
    "aes_cmac",
    "aes_ecb_encrypt",
    "constant_time_equal",
    "derive_key",
    "des3_cbc_decrypt",
    "des3_cbc_encrypt",
    "des_ecb_encrypt",
    "iso9797_pad",
    "iso9797_unpad",
    "retail_mac",
]

KDF_ENC = 1
KDF_MAC = 2
KDF_PACE = 3


class CipherKind(Enum):
    """The secure-messaging cipher families of ICAO 9303 (key length in bytes)."""

    DES3 = "3DES"
    AES128 = "AES-128"
    AES192 = "AES-192"
    AES256 = "AES-256"

    @property
    def key_length(self) -> int:
        return {CipherKind.DES3: 16, CipherKind.AES128: 16, CipherKind.AES192: 24, CipherKind.AES256: 32}[self]

    @property
    def block_size(self) -> int:
        return 8 if self is CipherKind.DES3 else 16


def adjust_des_parity(key: bytes) -> bytes:
    """Set each byte's lowest bit so the byte has odd parity, as DES keys require."""
    out = bytearray()
    for b in key:
        high = b & 0xFE
        out.append(high | (0 if bin(high).count("1") % 2 else 1))
    return bytes(out)


def derive_key(shared_secret: bytes, counter: int, kind: CipherKind) -> bytes:
    """KDF of 9303-11 §9.7.1: hash(K || counter), SHA-1 for 3DES/AES-128, SHA-256 above."""
    data = shared_secret + counter.to_bytes(4, "big")
    if kind is CipherKind.DES3:
        return adjust_des_parity(hashlib.sha1(data).digest()[:16])
    if kind is CipherKind.AES128:
        return hashlib.sha1(data).digest()[:16]
    return hashlib.sha256(data).digest()[: kind.key_length]


def iso9797_pad(data: bytes, block: int) -> bytes:
    """ISO/IEC 9797-1 padding method 2: 0x80 then zeros to the block boundary."""
    padded = data + b"\x80"
    return padded + b"\x00" * (-len(padded) % block)


def iso9797_unpad(data: bytes) -> bytes:
    stripped = data.rstrip(b"\x00")
    if not stripped or stripped[-1] != 0x80:
        raise ValueError("bad ISO 9797-1 padding")
    return stripped[:-1]


def _des3(key: bytes) -> TripleDES:
    return TripleDES(key if len(key) == 24 else key + key[:8])


def des3_cbc_encrypt(key: bytes, data: bytes, iv: bytes = b"\x00" * 8) -> bytes:
    enc = Cipher(_des3(key), modes.CBC(iv)).encryptor()
    return enc.update(data) + enc.finalize()


def des3_cbc_decrypt(key: bytes, data: bytes, iv: bytes = b"\x00" * 8) -> bytes:
    dec = Cipher(_des3(key), modes.CBC(iv)).decryptor()
    return dec.update(data) + dec.finalize()


def des_ecb_encrypt(key8: bytes, block: bytes) -> bytes:
    """Single DES (as 3DES with K1=K2=K3), the building block of the retail MAC."""
    enc = Cipher(TripleDES(key8 * 3), modes.ECB()).encryptor()
    return enc.update(block) + enc.finalize()


def _des_ecb_decrypt(key8: bytes, block: bytes) -> bytes:
    dec = Cipher(TripleDES(key8 * 3), modes.ECB()).decryptor()
    return dec.update(block) + dec.finalize()


def retail_mac(key: bytes, data: bytes, *, pad: bool = True) -> bytes:
    """ISO/IEC 9797-1 MAC algorithm 3 (DES, 3DES on the last block), 8 bytes."""
    if pad:
        data = iso9797_pad(data, 8)
    if len(data) % 8:
        raise ValueError("retail MAC input is not block-aligned")
    k1, k2 = key[:8], key[8:16]
    # CBC-DES with K1 over all blocks, then decrypt with K2 and encrypt with K1 on the last.
    enc = Cipher(TripleDES(k1 * 3), modes.CBC(b"\x00" * 8)).encryptor()
    h = (enc.update(data) + enc.finalize())[-8:]
    return des_ecb_encrypt(k1, _des_ecb_decrypt(k2, h))


def aes_cbc_encrypt(key: bytes, data: bytes, iv: bytes = b"\x00" * 16) -> bytes:
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return enc.update(data) + enc.finalize()


def aes_cbc_decrypt(key: bytes, data: bytes, iv: bytes = b"\x00" * 16) -> bytes:
    dec = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return dec.update(data) + dec.finalize()


def aes_ecb_encrypt(key: bytes, block: bytes) -> bytes:
    enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return enc.update(block) + enc.finalize()


def aes_cmac(key: bytes, data: bytes, length: int = 8) -> bytes:
    """AES-CMAC truncated to ``length`` bytes (8 for secure messaging and PACE tokens)."""
    mac = cmac.CMAC(algorithms.AES(key))
    mac.update(data)
    return mac.finalize()[:length]


def constant_time_equal(a: bytes, b: bytes) -> bool:
    return hmac.compare_digest(a, b)
