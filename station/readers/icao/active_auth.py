"""Active authentication (ICAO 9303-11 §6.1): the chip signs a fresh challenge with the DG15 key.

RSA signatures use ISO/IEC 9796-2 digital signature scheme 1 (partial message recovery), which
no maintained Python library implements, so the message recovery is written here on top of the
raw RSA public operation; ECDSA is verified by ``cryptography`` (the ``ecdsa`` package only for
curves ``cryptography`` lacks). The hash of an ECDSA signature comes from DG14's
ActiveAuthenticationInfo.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

import ecdsa
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from ecdsa.util import sigdecode_der, sigdecode_string

from station.identity import Check, CheckStatus
from station.readers.icao.apdu import CommandAPDU, ResponseAPDU, Transport
from station.readers.icao.domain_params import (
    ECParameters,
    UnsupportedDomainParameters,
    ec_parameters_from_asn1,
)
from station.readers.icao.lds.dg15 import DG15
from station.readers.icao.security_infos import ActiveAuthenticationInfo

__all__ = [
    "ActiveAuthResult",
    "ecdsa_hash_for",
    "internal_authenticate",
    "perform_active_auth",
    "recover_9796_2",
    "verify_ecdsa",
    "verify_rsa_9796_2",
]

log = logging.getLogger(__name__)

_PASSED = "Chip ký đúng thách thức ngẫu nhiên bằng khóa trong DG15 (xác thực chủ động)."
_FAILED = "Chữ ký của chip không khớp khóa trong DG15: thẻ có thể là bản sao chép."
_NOT_SUPPORTED = "Thẻ không hỗ trợ xác thực chủ động (DG15) theo cách trạm đọc được."

# ISO/IEC 10118-3 hash identifiers used in the two-byte 9796-2 trailer (xx CC).
_HASH_BY_ID = {0x33: "sha1", 0x34: "sha256", 0x35: "sha512", 0x36: "sha384", 0x38: "sha224"}

# Signature algorithm OIDs of ActiveAuthenticationInfo: BSI TR-03111 plain and X9.62 DER.
_ECDSA_HASH_BY_OID = {
    "0.4.0.127.0.7.1.1.4.1.1": "sha1",
    "0.4.0.127.0.7.1.1.4.1.2": "sha224",
    "0.4.0.127.0.7.1.1.4.1.3": "sha256",
    "0.4.0.127.0.7.1.1.4.1.4": "sha384",
    "0.4.0.127.0.7.1.1.4.1.5": "sha512",
    "1.2.840.10045.4.1": "sha1",
    "1.2.840.10045.4.3.1": "sha224",
    "1.2.840.10045.4.3.2": "sha256",
    "1.2.840.10045.4.3.3": "sha384",
    "1.2.840.10045.4.3.4": "sha512",
}
_ALL_HASHES = ("sha1", "sha224", "sha256", "sha384", "sha512")
_CRYPTO_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


@dataclass(frozen=True, slots=True)
class ActiveAuthResult:
    status: CheckStatus
    detail: str
    algorithm: str = ""  # e.g. "RSA ISO 9796-2 / sha256", "ECDSA / sha256"
    challenge: bytes = b""
    reason: str = ""  # technical, for logs

    @property
    def passed(self) -> bool:
        return self.status is CheckStatus.PASSED

    @property
    def check(self) -> Check:
        return Check(status=self.status, detail=self.detail)


def ecdsa_hash_for(info: ActiveAuthenticationInfo | None) -> str | None:
    """The hash DG14 names for ECDSA active authentication (None when DG14 says nothing usable)."""
    return _ECDSA_HASH_BY_OID.get(info.signature_algorithm) if info is not None else None


# -- RSA, ISO/IEC 9796-2 scheme 1 --------------------------------------------------------------


def recover_9796_2(public_key: rsa.RSAPublicKey, signature: bytes) -> tuple[str, bytes, bytes] | None:
    """Open a scheme-1 signature: (hash name, recovered M1, hash field), or None if it is not one."""
    numbers = public_key.public_numbers()
    n, e = numbers.n, numbers.e
    s = int.from_bytes(signature, "big")
    if not 0 < s < n:
        return None
    size = (n.bit_length() + 7) // 8
    m = pow(s, e, n)
    for candidate in (m, n - m):  # 9796-2 lets the signer send min(s, n - s)
        rep = candidate.to_bytes(size, "big")
        if rep[0] != 0x6A:  # '01' header, partial recovery, padding ending in 'A'
            continue
        if rep[-1] == 0xBC:
            name, trailer = "sha1", 1
        elif rep[-1] == 0xCC and rep[-2] in _HASH_BY_ID:
            name, trailer = _HASH_BY_ID[rep[-2]], 2
        else:
            continue
        digest_len = hashlib.new(name).digest_size
        if size < 1 + digest_len + trailer:
            continue
        return name, rep[1 : size - trailer - digest_len], rep[size - trailer - digest_len : size - trailer]
    return None


def verify_rsa_9796_2(public_key: rsa.RSAPublicKey, challenge: bytes, signature: bytes) -> str | None:
    """The hash name when ``signature`` signs M1 || challenge, else None."""
    opened = recover_9796_2(public_key, signature)
    if opened is None:
        return None
    name, m1, digest = opened
    if secrets.compare_digest(hashlib.new(name, m1 + challenge).digest(), digest):
        return name
    return None


# -- ECDSA ----------------------------------------------------------------------------------------


def _ecdsa_curve(params: ECParameters) -> ecdsa.curves.Curve:
    """The ``ecdsa`` package's view of the parameters (explicit curves DG15 may carry included)."""
    return ecdsa.curves.Curve(params.name or "explicit", params.curve, params.generator, None)


def verify_ecdsa(
    params: ECParameters, point: bytes, challenge: bytes, signature: bytes, hash_names: Sequence[str]
) -> str | None:
    """The hash name under which ``signature`` (plain R||S or DER) verifies, else None."""
    size = (params.order.bit_length() + 7) // 8
    try:
        if len(signature) == 2 * size:
            r, s = int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
        else:
            r, s = sigdecode_der(signature, params.order)
    except (ValueError, ecdsa.der.UnexpectedDER):
        return None
    curve = params.crypto_curve
    for name in hash_names:
        if curve is not None:
            key = ec.EllipticCurvePublicKey.from_encoded_point(curve, point)
            try:
                key.verify(encode_dss_signature(r, s), challenge, ec.ECDSA(_CRYPTO_HASHES[name]()))
                return name
            except InvalidSignature:
                continue
        else:
            vk = ecdsa.VerifyingKey.from_string(point, curve=_ecdsa_curve(params))
            raw = r.to_bytes(size, "big") + s.to_bytes(size, "big")
            try:
                if vk.verify(raw, challenge, hashfunc=getattr(hashlib, name), sigdecode=sigdecode_string):
                    return name
            except ecdsa.BadSignatureError:
                continue
    return None


# -- the exchange ---------------------------------------------------------------------------------


def internal_authenticate(transport: Transport, challenge: bytes, expected_length: int) -> ResponseAPDU:
    """INTERNAL AUTHENTICATE with Le 00, then what the card asks for.

    6Cxx: resend with Le xx. 6700: the answer does not fit a short APDU (an RSA-2048 signature
    under secure messaging) or the card wants the exact length: resend with an extended Le when
    the link carries it, else with the signature's exact length.
    """

    def send(le: int) -> ResponseAPDU:
        return transport.transmit(CommandAPDU(0x00, 0x88, 0x00, 0x00, challenge, le))

    response = send(256)
    if response.sw1 == 0x6C:
        return send(response.sw2 or 256)
    if response.sw == 0x6700 and transport.max_apdu_data > 256:
        response = send(65536)
    if response.sw == 0x6700 and 0 < expected_length < 256:
        response = send(expected_length)
    return response


def perform_active_auth(
    transport: Transport,
    dg15: DG15,
    aa_info: ActiveAuthenticationInfo | None = None,
    *,
    challenge: bytes | None = None,
) -> ActiveAuthResult:
    """Challenge the chip with 8 fresh random bytes and verify its signature against DG15.

    ``challenge`` is for tests only; by default every call draws a new one from ``secrets``.
    """
    challenge = secrets.token_bytes(8) if challenge is None else challenge
    if len(challenge) != 8:
        raise ValueError("active authentication challenge must be 8 bytes")
    try:
        public_key = serialization.load_der_public_key(dg15.spki_der) if dg15.algorithm == "rsa" else None
    except ValueError as exc:
        return ActiveAuthResult(CheckStatus.NOT_SUPPORTED, _NOT_SUPPORTED, challenge=challenge, reason=str(exc))

    if isinstance(public_key, rsa.RSAPublicKey):
        expected = (public_key.key_size + 7) // 8
        response = internal_authenticate(transport, challenge, expected)
        if not response.ok:
            return _refused(response, "RSA ISO 9796-2", challenge, extended=transport.max_apdu_data > 256)
        name = verify_rsa_9796_2(public_key, challenge, response.data)
        algorithm = f"RSA ISO 9796-2 / {name or '?'}"
    elif dg15.algorithm == "ec":
        spki = dg15.public_key_info
        try:
            params = ec_parameters_from_asn1(spki["algorithm"]["parameters"])
            point = bytes(spki["public_key"].native)
            params.decode_point(point)
        except (UnsupportedDomainParameters, ValueError) as exc:
            return ActiveAuthResult(CheckStatus.NOT_SUPPORTED, _NOT_SUPPORTED, challenge=challenge, reason=str(exc))
        named = ecdsa_hash_for(aa_info)
        response = internal_authenticate(transport, challenge, 2 * ((params.order.bit_length() + 7) // 8))
        if not response.ok:
            return _refused(response, "ECDSA", challenge, extended=transport.max_apdu_data > 256)
        try:
            name = verify_ecdsa(params, point, challenge, response.data, (named,) if named else _ALL_HASHES)
        except UnsupportedDomainParameters as exc:
            return ActiveAuthResult(CheckStatus.NOT_SUPPORTED, _NOT_SUPPORTED, challenge=challenge, reason=str(exc))
        algorithm = f"ECDSA / {name or named or '?'}"
    else:
        return ActiveAuthResult(
            CheckStatus.NOT_SUPPORTED, _NOT_SUPPORTED, challenge=challenge, reason=f"DG15 key is {dg15.algorithm}"
        )

    if name is None:
        log.info("active authentication failed (%s)", algorithm)
        return ActiveAuthResult(CheckStatus.FAILED, _FAILED, algorithm, challenge, "signature does not verify")
    log.info("active authentication passed (%s)", algorithm)
    return ActiveAuthResult(CheckStatus.PASSED, _PASSED, algorithm, challenge)


def _refused(response: ResponseAPDU, algorithm: str, challenge: bytes, *, extended: bool) -> ActiveAuthResult:
    """The chip would not sign although DG15 (hashed in the SOD) says it can: a genuine chip always
    signs, so any refusal, 6D00 included, counts as failed rather than "not supported"."""
    reason = f"INTERNAL AUTHENTICATE answered SW {response.sw:04X}"
    if response.sw == 0x6700 and not extended:
        # The signature may simply not fit this reader's short APDUs: no verdict on the chip.
        return ActiveAuthResult(CheckStatus.NOT_SUPPORTED, _NOT_SUPPORTED, algorithm, challenge, reason)
    log.info("active authentication failed: %s", reason)
    return ActiveAuthResult(CheckStatus.FAILED, _FAILED, algorithm, challenge, reason)
