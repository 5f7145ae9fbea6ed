"""Basic Access Control (ICAO 9303-11 §4.3), reader side.

Three pieces, so the Appendix D vectors can be injected at every step: pure functions
(keys from the MRZ information, the IFD's cryptogram, checking the chip's answer, session
keys), the two APDUs, and :func:`run_bac` / :func:`perform_bac` which compose them into a
:class:`BacResult` carrying the :class:`SecureMessaging` to install.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from station.readers.errors import AccessDeniedError, AuthenticationProtocolError
from station.readers.icao import crypto
from station.readers.icao.apdu import CommandAPDU, Transport
from station.readers.icao.crypto import CipherKind
from station.readers.icao.sm import SecureChannel, SecureMessaging

__all__ = [
    "BacKeys",
    "BacResult",
    "bac_keys",
    "external_authenticate_command",
    "get_challenge_command",
    "ifd_cryptogram",
    "perform_bac",
    "run_bac",
    "session_keys",
    "verify_chip_cryptogram",
]

_ACCESS_DENIED_SW = frozenset({0x6300, 0x6982})


@dataclass(frozen=True, slots=True)
class BacKeys:
    """Document basic access keys derived from the MRZ information."""

    k_seed: bytes = field(repr=False)
    k_enc: bytes = field(repr=False)
    k_mac: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class BacResult:
    """Outcome of a successful BAC: session keys, starting SSC and the wrapper to install."""

    ks_enc: bytes = field(repr=False)
    ks_mac: bytes = field(repr=False)
    ssc: int = field(repr=False)
    k_ic: bytes = field(repr=False)

    def secure_messaging(self) -> SecureMessaging:
        """A fresh wrapper starting at the negotiated SSC (each call starts over)."""
        return SecureMessaging(CipherKind.DES3, self.ks_enc, self.ks_mac, self.ssc)


def bac_keys(mrz_information: str) -> BacKeys:
    """K_seed = SHA-1(MRZ information)[:16]; K_enc/K_mac by the KDF with counters 1 and 2."""
    seed = hashlib.sha1(mrz_information.encode("ascii")).digest()[:16]
    return BacKeys(
        seed,
        crypto.derive_key(seed, crypto.KDF_ENC, CipherKind.DES3),
        crypto.derive_key(seed, crypto.KDF_MAC, CipherKind.DES3),
    )


def ifd_cryptogram(keys: BacKeys, rnd_ic: bytes, rnd_ifd: bytes, k_ifd: bytes) -> bytes:
    """E_IFD || M_IFD, the 40 bytes of EXTERNAL AUTHENTICATE."""
    if len(rnd_ic) != 8 or len(rnd_ifd) != 8 or len(k_ifd) != 16:
        raise ValueError("BAC needs 8-byte RND.IC / RND.IFD and a 16-byte K.IFD")
    e_ifd = crypto.des3_cbc_encrypt(keys.k_enc, rnd_ifd + rnd_ic + k_ifd)
    return e_ifd + crypto.retail_mac(keys.k_mac, e_ifd)


def verify_chip_cryptogram(keys: BacKeys, response: bytes, rnd_ic: bytes, rnd_ifd: bytes) -> bytes:
    """Check E_IC || M_IC from the chip and return K.IC.

    A MAC that does not verify means the chip used other keys → :class:`AccessDeniedError`;
    a verified answer that does not echo our nonces is a broken chip → protocol error.
    """
    if len(response) != 40:
        raise AuthenticationProtocolError(f"BAC: chip's answer is {len(response)} bytes, expected 40")
    e_ic, m_ic = response[:32], response[32:]
    if not crypto.constant_time_equal(crypto.retail_mac(keys.k_mac, e_ic), m_ic):
        raise AccessDeniedError("BAC: chip's cryptogram MAC does not verify (wrong access key)")
    plain = crypto.des3_cbc_decrypt(keys.k_enc, e_ic)
    if not crypto.constant_time_equal(plain[:8], rnd_ic) or not crypto.constant_time_equal(plain[8:16], rnd_ifd):
        raise AuthenticationProtocolError("BAC: chip's cryptogram does not carry the exchanged nonces")
    return plain[16:32]


def session_keys(k_ifd: bytes, k_ic: bytes, rnd_ic: bytes, rnd_ifd: bytes) -> tuple[bytes, bytes, int]:
    """KS_enc, KS_mac from K.IFD xor K.IC, and SSC = last 4 bytes of RND.IC || last 4 of RND.IFD."""
    seed = bytes(a ^ b for a, b in zip(k_ifd, k_ic, strict=True))
    ssc = int.from_bytes(rnd_ic[-4:] + rnd_ifd[-4:], "big")
    return (
        crypto.derive_key(seed, crypto.KDF_ENC, CipherKind.DES3),
        crypto.derive_key(seed, crypto.KDF_MAC, CipherKind.DES3),
        ssc,
    )


def get_challenge_command() -> CommandAPDU:
    return CommandAPDU(0x00, 0x84, 0x00, 0x00, le=8)


def external_authenticate_command(cryptogram: bytes) -> CommandAPDU:
    return CommandAPDU(0x00, 0x82, 0x00, 0x00, cryptogram, le=40)


def run_bac(
    transport: Transport,
    mrz_information: str | BacKeys,
    *,
    rng: Callable[[int], bytes] = secrets.token_bytes,
) -> BacResult:
    """Run GET CHALLENGE + EXTERNAL AUTHENTICATE over a plain ``transport``.

    ``rng`` is asked for RND.IFD (8 bytes) then K.IFD (16 bytes); tests inject the vectors there.
    """
    keys = mrz_information if isinstance(mrz_information, BacKeys) else bac_keys(mrz_information)
    challenge = transport.transmit(get_challenge_command())
    if not challenge.ok or len(challenge.data) != 8:
        raise AuthenticationProtocolError(
            f"BAC: GET CHALLENGE answered SW {challenge.sw:04X} with {len(challenge.data)} bytes"
        )
    rnd_ic = challenge.data
    rnd_ifd, k_ifd = rng(8), rng(16)
    answer = transport.transmit(external_authenticate_command(ifd_cryptogram(keys, rnd_ic, rnd_ifd, k_ifd)))
    if answer.sw in _ACCESS_DENIED_SW:
        raise AccessDeniedError(f"BAC: chip refused the access key (SW {answer.sw:04X})")
    if not answer.ok:
        raise AuthenticationProtocolError(f"BAC: EXTERNAL AUTHENTICATE answered SW {answer.sw:04X}")
    k_ic = verify_chip_cryptogram(keys, answer.data, rnd_ic, rnd_ifd)
    ks_enc, ks_mac, ssc = session_keys(k_ifd, k_ic, rnd_ic, rnd_ifd)
    return BacResult(ks_enc, ks_mac, ssc, k_ic)


def perform_bac(
    channel: SecureChannel,
    mrz_information: str | BacKeys,
    *,
    rng: Callable[[int], bytes] = secrets.token_bytes,
) -> BacResult:
    """BAC on ``channel``: drops any previous SM (BAC runs in plain), then installs the new one."""
    channel.sm = None
    result = run_bac(channel, mrz_information, rng=rng)
    channel.sm = result.secure_messaging()
    return result
