"""Chip authentication v1 (ICAO 9303-11 §6.2): the chip proves it holds the private key of DG14.

The reader sends an ephemeral ECDH public key, both sides derive new session keys from the
shared secret, and secure messaging restarts with them (SSC 0). A clone that copied DG14 but
not the key derives other keys, so the next protected exchange fails its MAC: that failure,
not any answer to the protocol commands, is what marks the card as not genuine.

AES uses MSE:Set AT + GENERAL AUTHENTICATE; 3DES the older MSE:Set KAT. ECDH keys (explicit,
named or standardized parameters) and DH keys (X9.42 parameters or MODP IDs 0-2).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeAlias

from asn1crypto import core
from cryptography.hazmat.primitives.asymmetric import ec

from station.identity import Check, CheckStatus
from station.readers.errors import AuthenticationProtocolError, SecureMessagingError
from station.readers.icao.apdu import CommandAPDU
from station.readers.icao.crypto import CipherKind
from station.readers.icao.domain_params import (
    DHParameters,
    ECParameters,
    UnsupportedDomainParameters,
    group_from_algorithm,
)
from station.readers.icao.lds.dg14 import DG14
from station.readers.icao.pace import encode_do, oid_contents, session_keys
from station.readers.icao.security_infos import (
    ID_CA,
    ID_PK_DH,
    ID_PK_ECDH,
    ChipAuthAlgorithm,
    ChipAuthenticationInfo,
    ChipAuthenticationPublicKeyInfo,
    SecurityInfos,
    chip_auth_algorithm,
)
from station.readers.icao.sm import SecureChannel, SecureMessaging

__all__ = [
    "SELECT_EF_COM",
    "ChipAuthResult",
    "ca_general_authenticate",
    "ca_mse_set_at",
    "ca_mse_set_kat",
    "chip_public_key",
    "perform_chip_auth",
]

log = logging.getLogger(__name__)

SELECT_EF_COM = CommandAPDU(0x00, 0xA4, 0x02, 0x0C, b"\x01\x1e")

_PASSED = "Chip chứng minh được khóa bí mật ứng với khóa công khai trong DG14 (không phải chip sao chép)."
_FAILED = "Chip không chứng minh được khóa trong DG14: thẻ có thể là bản sao chép."
_NO_KEY = "Thẻ không có khóa xác thực chip (DG14)."


@dataclass(frozen=True, slots=True)
class ChipAuthResult:
    """How chip authentication ended; ``sm`` is the new session when it passed."""

    status: CheckStatus
    detail: str
    algorithm: ChipAuthAlgorithm | None = None
    key_id: int | None = None
    reason: str = ""  # technical, for logs
    sm: SecureMessaging | None = field(default=None, repr=False)

    @property
    def passed(self) -> bool:
        return self.status is CheckStatus.PASSED

    @property
    def check(self) -> Check:
        return Check(status=self.status, detail=self.detail)


# -- APDUs ---------------------------------------------------------------------------------------


def _key_ref(key_id: int | None) -> bytes:
    if key_id is None:
        return b""
    return encode_do(0x84, key_id.to_bytes(max(1, (key_id.bit_length() + 7) // 8), "big"))


def ca_mse_set_at(oid: str, key_id: int | None) -> CommandAPDU:
    """MSE:Set AT for chip authentication: 00 22 41 A4 {80 CA OID, [84 key id]}."""
    return CommandAPDU(0x00, 0x22, 0x41, 0xA4, encode_do(0x80, oid_contents(oid)) + _key_ref(key_id))


def ca_general_authenticate(ephemeral_public: bytes) -> CommandAPDU:
    return CommandAPDU(0x00, 0x86, 0x00, 0x00, encode_do(0x7C, encode_do(0x80, ephemeral_public)), 256)


def ca_mse_set_kat(ephemeral_public: bytes, key_id: int | None) -> CommandAPDU:
    """MSE:Set KAT (3DES): 00 22 41 A6 {91 ephemeral public key, [84 key id]}."""
    return CommandAPDU(0x00, 0x22, 0x41, 0xA6, encode_do(0x91, ephemeral_public) + _key_ref(key_id))


# -- key agreement -------------------------------------------------------------------------------


Group: TypeAlias = ECParameters | DHParameters


def _agree(group: Group, chip_key: bytes, private: int) -> tuple[bytes, bytes]:
    """(our ephemeral public key, shared secret): ``cryptography`` for ECDH on curves it knows."""
    if isinstance(group, DHParameters):
        ours = group.encode_public(group.public_value(private))
        return ours, group.shared_secret(private, group.decode_public(chip_key))
    curve = group.crypto_curve
    ours = group.encode_point(group.public_point(private))
    if curve is not None:
        key = ec.derive_private_key(private, curve)
        return ours, key.exchange(ec.ECDH(), ec.EllipticCurvePublicKey.from_encoded_point(curve, chip_key))
    return ours, group.shared_x(private, group.decode_point(chip_key))


def chip_public_key(info: ChipAuthenticationPublicKeyInfo) -> tuple[Group, bytes]:
    """The chip's domain parameters and encoded public key (EC point, or the DH value padded to
    the length of p), from explicit/named parameters or a TR-03110 standardized ID."""
    group = group_from_algorithm(info.algorithm_oid, info.parameters, "DH" if info.oid == ID_PK_DH else "ECDH")
    if isinstance(group, DHParameters):
        value = info.public_key
        if value[:1] == b"\x02":  # dhpublicnumber keys are a DER INTEGER inside the BIT STRING
            value = int(core.Integer.load(value).native).to_bytes(group.field_size, "big")
        group.decode_public(value)  # ValueError outside the subgroup
        return group, value
    group.decode_point(info.public_key)  # ValueError off the curve
    return group, info.public_key


def _pick(infos: SecurityInfos) -> tuple[ChipAuthAlgorithm, ChipAuthenticationPublicKeyInfo] | str:
    """The (algorithm, key) pair to use, or why there is none."""
    keys_ = [k for k in infos.chip_authentication_public_keys if k.oid in (ID_PK_ECDH, ID_PK_DH)]
    if not keys_:
        return "no chip-authentication public key"
    ca_infos: list[ChipAuthenticationInfo] = [i for i in infos.chip_authentication_infos if i.algorithm]
    for key in keys_:
        agreement = "DH" if key.oid == ID_PK_DH else "ECDH"
        for info in ca_infos:
            algorithm = info.algorithm
            same_key = key.key_id is None or info.key_id in (None, key.key_id)
            if algorithm and algorithm.agreement == agreement and same_key:
                return algorithm, key
    if ca_infos:
        return "no ChipAuthenticationInfo matches the DG14 key"
    # DG14 without ChipAuthenticationInfo: 9303 implies the 3DES variant for the key's agreement.
    default = chip_auth_algorithm(f"{ID_CA}.{1 if keys_[0].oid == ID_PK_DH else 2}.1")
    assert default is not None
    return default, keys_[0]


def _run_commands(channel: SecureChannel, algorithm: ChipAuthAlgorithm, ephemeral: bytes, key_id: int | None) -> str:
    """Send the protocol commands under the current keys; return why the chip refused, or ""."""
    if algorithm.kind is CipherKind.DES3:
        response = channel.transmit(ca_mse_set_kat(ephemeral, key_id))
        return "" if response.ok else f"MSE:Set KAT answered SW {response.sw:04X}"
    response = channel.transmit(ca_mse_set_at(algorithm.oid, key_id))
    if not response.ok:
        return f"MSE:Set AT answered SW {response.sw:04X}"
    response = channel.transmit(ca_general_authenticate(ephemeral))
    return "" if response.ok else f"GENERAL AUTHENTICATE answered SW {response.sw:04X}"


def perform_chip_auth(
    channel: SecureChannel,
    dg14: DG14 | SecurityInfos,
    *,
    confirm: CommandAPDU = SELECT_EF_COM,
    private_key: Callable[[Group], int] | None = None,
) -> ChipAuthResult:
    """Run chip authentication over an established secure channel and re-key it.

    ``confirm`` is the protected command whose answer must verify under the new keys (by
    default SELECT EF.COM, harmless at any point of a reading). After a FAILED result the
    session is not to be trusted (usually :attr:`SecureChannel.broken` is set): authenticate
    again (PACE/BAC) before reading more.
    """
    infos = dg14.security_infos if isinstance(dg14, DG14) else dg14
    picked = _pick(infos)
    if isinstance(picked, str):
        return ChipAuthResult(CheckStatus.NOT_SUPPORTED, _NO_KEY, reason=picked)
    algorithm, key_info = picked
    try:
        params, chip_key = chip_public_key(key_info)
    except (UnsupportedDomainParameters, ValueError, TypeError) as exc:
        return ChipAuthResult(
            CheckStatus.NOT_SUPPORTED, _NO_KEY, algorithm, key_info.key_id, reason=f"DG14 key unusable: {exc}"
        )

    if channel.sm is None:
        raise AuthenticationProtocolError("chip authentication needs an established secure channel (BAC or PACE)")
    private = private_key(params) if private_key else params.random_private()
    ephemeral, shared = _agree(params, chip_key, private)
    kind = algorithm.kind
    key_id = key_info.key_id

    def failed(reason: str) -> ChipAuthResult:
        log.info("chip authentication failed: %s", reason)
        return ChipAuthResult(CheckStatus.FAILED, _FAILED, algorithm, key_id, reason=reason)

    try:
        refusal = _run_commands(channel, algorithm, ephemeral, key_id)
    except SecureMessagingError as exc:  # a genuine chip does not break the session here
        return failed(f"secure messaging failed during chip authentication ({exc})")
    if refusal:
        return failed(refusal)

    ks_enc, ks_mac = session_keys(shared, kind)
    sm = SecureMessaging(kind, ks_enc, ks_mac, 0)
    channel.sm = sm
    try:
        channel.transmit(confirm)
    except SecureMessagingError as exc:
        return failed(f"first exchange under the new keys did not verify ({exc})")
    log.info("chip authentication passed (%s)", kind.value)
    return ChipAuthResult(CheckStatus.PASSED, _PASSED, algorithm, key_id, sm=sm)
