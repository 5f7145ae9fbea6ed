"""PACE v2 (ICAO 9303-11 §4.4), Generic Mapping (ECDH, and DH on the MODP groups), reader side.

Three pieces, as JMRTD splits them: pure protocol steps that take every random value as an
argument (so the Appendix G.1 vectors can be injected), the APDUs (MSE:Set AT and the GENERAL
AUTHENTICATE chain), and :func:`perform_pace`, which runs them over a :class:`SecureChannel`
and leaves AES (or 3DES) secure messaging installed with SSC 0.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeAlias, overload

from asn1crypto import core

from station.readers.errors import AccessDeniedError, AuthenticationProtocolError, MalformedDataError
from station.readers.icao import crypto, tlv
from station.readers.icao.apdu import CommandAPDU, ResponseAPDU
from station.readers.icao.crypto import KDF_ENC, KDF_MAC, KDF_PACE, CipherKind
from station.readers.icao.domain_params import (
    DHParameters,
    ECParameters,
    Point,
    UnsupportedDomainParameters,
    group_from_algorithm,
    standardized_dh_parameters,
    standardized_parameters,
)
from station.readers.icao.security_infos import PaceAlgorithm, PaceInfo, SecurityInfos
from station.readers.icao.sm import SecureChannel, SecureMessaging

__all__ = [
    "PASSWORD_CAN",
    "PASSWORD_MRZ",
    "PaceNotSupported",
    "PacePassword",
    "PaceResult",
    "authentication_token",
    "choose_pace_info",
    "decode_public_key",
    "decrypt_nonce",
    "derive_k_pi",
    "encode_do",
    "general_authenticate",
    "map_generic",
    "mse_set_at_pace",
    "oid_contents",
    "pace_domain",
    "pace_group",
    "parse_dos",
    "perform_pace",
    "public_key",
    "public_key_data",
    "session_keys",
    "shared_secret",
]

log = logging.getLogger(__name__)

PASSWORD_MRZ = 0x01
PASSWORD_CAN = 0x02

# Status words by which a card says "no PACE here (or not with these parameters)": fall back to BAC.
_NOT_SUPPORTED_SW = frozenset({0x6982, 0x6985, 0x6A80, 0x6A86, 0x6A88, 0x6D00, 0x6E00})


class PaceNotSupported(AuthenticationProtocolError):
    """The card does not offer PACE (or not in a form this station speaks): use BAC instead."""

    clerk_message = "Thẻ không hỗ trợ PACE; chuyển sang xác thực BAC."


@dataclass(frozen=True, slots=True)
class PacePassword:
    """The shared secret π with its MSE reference (9303-11 §9.7.3).

    Only the MRZ password is hashed (K = SHA-1(MRZ information)); the CAN is used as it is,
    its digits in ISO 8859-1.
    """

    ref: int
    key: bytes = field(repr=False)

    @classmethod
    def can(cls, can: str) -> PacePassword:
        if not (can.isdigit() and can.isascii()):
            raise ValueError("CAN must be digits")
        return cls(PASSWORD_CAN, can.encode("ascii"))

    @classmethod
    def mrz(cls, mrz_information: str) -> PacePassword:
        """From document number + check digit, DOB + check digit, expiry + check digit."""
        return cls(PASSWORD_MRZ, hashlib.sha1(mrz_information.encode("ascii")).digest())


# -- data objects (7C dynamic authentication data, 7F49 public key) -----------------------------


def encode_do(tag: int, value: bytes) -> bytes:
    """One data object; ``tag`` is the tag's bytes as an int (0x7C, 0x7F49, 0x86...)."""
    return tlv.encode_tlv(tag, value)


def parse_dos(data: bytes) -> dict[int, bytes]:
    """Data objects at one level, by tag (the first of each tag wins)."""
    out: dict[int, bytes] = {}
    try:
        for item in tlv.iter_tlvs(data, file="GENERAL AUTHENTICATE"):
            out.setdefault(item.tag, item.value)
    except MalformedDataError as exc:
        raise AuthenticationProtocolError(f"malformed authentication data: {exc}") from exc
    return out


def oid_contents(oid: str) -> bytes:
    """The OID's value bytes, as DO'80' of MSE:Set AT and the 06 inside 7F49 carry them."""
    return bytes(core.ObjectIdentifier(oid).contents)


# -- pure steps ------------------------------------------------------------------------------


def derive_k_pi(password: PacePassword, kind: CipherKind) -> bytes:
    """K_π = KDF(K, 3) (9303-11 §9.7.3)."""
    return crypto.derive_key(password.key, KDF_PACE, kind)


def decrypt_nonce(k_pi: bytes, encrypted_nonce: bytes, kind: CipherKind) -> bytes:
    """s = D(K_π, z): CBC with a zero IV, no padding."""
    if not encrypted_nonce or len(encrypted_nonce) % kind.block_size:
        raise AuthenticationProtocolError("encrypted PACE nonce is not block-aligned")
    if kind is CipherKind.DES3:
        return crypto.des3_cbc_decrypt(k_pi, encrypted_nonce)
    return crypto.aes_cbc_decrypt(k_pi, encrypted_nonce)


Group: TypeAlias = ECParameters | DHParameters
Element: TypeAlias = Point | int


def pace_group(agreement: str, parameter_id: int) -> Group:
    """The standardized group: EC curves for ECDH (IDs 8-18), MODP groups for DH (IDs 0-2)."""
    if agreement == "DH":
        return standardized_dh_parameters(parameter_id)
    return standardized_parameters(parameter_id)


def public_key(group: Group, private: int) -> bytes:
    """Encoded public key: uncompressed point, or the DH value padded to the length of p."""
    if isinstance(group, DHParameters):
        return group.encode_public(group.public_value(private))
    return group.encode_point(group.public_point(private))


def decode_public_key(group: Group, data: bytes) -> Element:
    """Validated peer key (on the curve / in the subgroup); ValueError otherwise."""
    if isinstance(group, DHParameters):
        return group.decode_public(data)
    return group.decode_point(data)


def shared_secret(group: Group, private: int, peer: Element) -> bytes:
    """ECDH x-coordinate, or the DH value, each padded to the field length."""
    if isinstance(group, DHParameters):
        if not isinstance(peer, int):
            raise TypeError("DH needs an integer public value")
        return group.shared_secret(private, peer)
    if isinstance(peer, int):
        raise TypeError("ECDH needs a point")
    return group.shared_x(private, peer)


@overload
def map_generic(params: ECParameters, nonce: bytes, sk_map: int, pk_map_peer: Point) -> ECParameters: ...
@overload
def map_generic(params: DHParameters, nonce: bytes, sk_map: int, pk_map_peer: int) -> DHParameters: ...
def map_generic(params: Group, nonce: bytes, sk_map: int, pk_map_peer: Element) -> Group:
    """Generic Mapping (9303-11 §4.4.3.3.1): G~ = s·G + SK_map·PK_map,peer, or g~ = g^s · h mod p."""
    s = int.from_bytes(nonce, "big")
    if isinstance(params, DHParameters):
        if not isinstance(pk_map_peer, int):
            raise TypeError("DH mapping needs an integer public value")
        h = pow(pk_map_peer, sk_map, params.p)
        return params.with_generator(pow(params.g, s, params.p) * h % params.p)
    if isinstance(pk_map_peer, int):
        raise TypeError("EC mapping needs a point")
    h_point = params.multiply(sk_map, pk_map_peer)
    return params.with_generator(params.generator * s + h_point)


def session_keys(shared_secret: bytes, kind: CipherKind) -> tuple[bytes, bytes]:
    """KS_enc = KDF(K, 1), KS_mac = KDF(K, 2)."""
    return crypto.derive_key(shared_secret, KDF_ENC, kind), crypto.derive_key(shared_secret, KDF_MAC, kind)


def public_key_data(oid: str, encoded_key: bytes, *, dh: bool = False) -> bytes:
    """Public key data object 7F49 {06 OID, 86 point} (84 public value for DH) that the tokens MAC."""
    return encode_do(0x7F49, encode_do(0x06, oid_contents(oid)) + encode_do(0x84 if dh else 0x86, encoded_key))


def authentication_token(
    ks_mac: bytes, kind: CipherKind, oid: str, peer_encoded_key: bytes, *, dh: bool = False
) -> bytes:
    """T = MAC(KS_mac, PK_peer data): AES-CMAC-8, or the retail MAC over padded data for 3DES."""
    data = public_key_data(oid, peer_encoded_key, dh=dh)
    if kind is CipherKind.DES3:
        return crypto.retail_mac(ks_mac, data)
    return crypto.aes_cmac(ks_mac, data, 8)


# -- APDUs -------------------------------------------------------------------------------------


def mse_set_at_pace(oid: str, password_ref: int, parameter_id: int | None) -> CommandAPDU:
    """MSE:Set AT for PACE: 00 22 C1 A4 {80 OID, 83 password ref, [84 parameter ID]}."""
    data = encode_do(0x80, oid_contents(oid)) + encode_do(0x83, bytes((password_ref,)))
    if parameter_id is not None:
        data += encode_do(0x84, bytes((parameter_id,)))
    return CommandAPDU(0x00, 0x22, 0xC1, 0xA4, data)


def general_authenticate(items: Sequence[tuple[int, bytes]], *, last: bool) -> CommandAPDU:
    """GENERAL AUTHENTICATE with 7C{...}; command chaining (CLA 10) on all steps but the last."""
    body = b"".join(encode_do(tag, value) for tag, value in items)
    return CommandAPDU(0x00 if last else 0x10, 0x86, 0x00, 0x00, encode_do(0x7C, body), 256)


# -- the result ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PaceResult:
    """What PACE established. ``card_public_key`` is PK_IC (its x-coordinate is ID_IC for EAC)."""

    algorithm: PaceAlgorithm
    parameter_id: int | None
    ks_enc: bytes = field(repr=False)
    ks_mac: bytes = field(repr=False)
    card_public_key: bytes
    sm: SecureMessaging = field(repr=False)

    @property
    def kind(self) -> CipherKind:
        return self.algorithm.kind


# -- the flow ------------------------------------------------------------------------------------


def pace_domain(info: PaceInfo, infos: SecurityInfos | None = None) -> Group:
    """The PACE domain: a standardized ID (0-31) from the table, anything else (or no ID) from the
    matching PACEDomainParameterInfo in ``infos``."""
    algorithm = info.algorithm
    if algorithm is None:
        raise UnsupportedDomainParameters(f"PACE protocol {info.oid} is not supported")
    param_id = info.parameter_id
    if param_id is not None and param_id < 32:
        return pace_group(algorithm.agreement, param_id)
    family = info.oid.rsplit(".", 1)[0]
    candidates = [d for d in (infos.pace_domain_parameter_infos if infos else []) if d.oid == family]
    matching = [d for d in candidates if d.parameter_id == param_id or (param_id is None and len(candidates) == 1)]
    if not matching:
        raise UnsupportedDomainParameters(f"no PACEDomainParameterInfo for parameter ID {param_id}")
    domain = matching[0]
    try:
        return group_from_algorithm(domain.algorithm_oid, domain.parameters, algorithm.agreement)
    except ValueError as exc:
        raise UnsupportedDomainParameters(f"PACE domain parameters unusable: {exc}") from exc


def choose_pace_info(infos: SecurityInfos | Sequence[PaceInfo]) -> PaceInfo:
    """The first PACEInfo this station can run: Generic Mapping (ECDH or DH) on standardized
    parameters, or on proprietary ones described by a PACEDomainParameterInfo in ``infos``.

    ECDH is preferred when the chip offers both (smaller, faster, what CCCDs use).
    """
    security_infos = infos if isinstance(infos, SecurityInfos) else None
    candidates = infos.pace_infos if isinstance(infos, SecurityInfos) else list(infos)
    usable: list[PaceInfo] = []
    for info in candidates:
        if info.algorithm is None or info.algorithm.mapping != "GM":
            continue
        try:
            pace_domain(info, security_infos)
        except UnsupportedDomainParameters:
            continue
        usable.append(info)
    usable.sort(key=lambda i: i.algorithm is None or i.algorithm.agreement != "ECDH")
    if not usable:
        raise PaceNotSupported("no PACEInfo with Generic Mapping on parameters this station knows")
    return usable[0]


def _exchange(channel: SecureChannel, command: CommandAPDU, step: str, *, first: bool = False) -> bytes:
    response: ResponseAPDU = channel.transmit(command)
    sw = response.sw
    if sw == 0x9000:
        return response.data
    if first and command.ins == 0x22 and 0x63C1 <= sw <= 0x63CF:
        # MSE:Set AT may warn with the password's retry counter (TR-03110); still usable.
        log.info("PACE MSE:Set AT warning SW %04X", sw)
        return response.data
    if sw == 0x6300 or sw & 0xFFF0 == 0x63C0:
        raise AccessDeniedError(f"PACE {step}: card refused the password (SW {sw:04X})")
    if first and sw in _NOT_SUPPORTED_SW:
        raise PaceNotSupported(f"PACE {step}: card answered SW {sw:04X}")
    raise AuthenticationProtocolError(f"PACE {step}: card answered SW {sw:04X}")


def _dynamic_data(response: bytes, tag: int, step: str) -> bytes:
    outer = parse_dos(response)
    if 0x7C not in outer:
        raise AuthenticationProtocolError(f"PACE {step}: response has no dynamic authentication data (7C)")
    value = parse_dos(outer[0x7C]).get(tag)
    if value is None:
        raise AuthenticationProtocolError(f"PACE {step}: response has no data object {tag:02X}")
    return value


def _decode(params: Group, data: bytes, step: str) -> Element:
    try:
        return decode_public_key(params, data)
    except ValueError as exc:
        raise AuthenticationProtocolError(f"PACE {step}: card's public key is invalid ({exc})") from exc


def perform_pace(
    channel: SecureChannel,
    password: PacePassword,
    info: PaceInfo | SecurityInfos,
    *,
    private_key: Callable[[Group], int] | None = None,
) -> PaceResult:
    """Run PACE and install the new secure messaging on ``channel`` (SSC 0).

    ``private_key`` draws the reader's ephemeral private keys (mapping, then key agreement);
    tests inject the G.1 values through it. Raises :class:`PaceNotSupported` (fall back to
    BAC), :class:`AccessDeniedError` (wrong CAN/MRZ) or :class:`AuthenticationProtocolError`.
    """
    security_infos = info if isinstance(info, SecurityInfos) else None
    pace_info = choose_pace_info(info) if isinstance(info, SecurityInfos) else info
    algorithm = pace_info.algorithm
    if algorithm is None or algorithm.mapping != "GM":
        raise PaceNotSupported(f"PACE protocol {pace_info.oid} is not supported")
    try:
        params = pace_domain(pace_info, security_infos)
    except UnsupportedDomainParameters as exc:
        raise PaceNotSupported(str(exc)) from exc
    draw: Callable[[Group], int] = private_key or (lambda group: group.random_private())
    kind = algorithm.kind
    oid = algorithm.oid

    channel.sm = None  # PACE itself runs in plain
    _exchange(channel, mse_set_at_pace(oid, password.ref, pace_info.parameter_id), "MSE:Set AT", first=True)

    z = _dynamic_data(_exchange(channel, general_authenticate([], last=False), "nonce", first=True), 0x80, "nonce")
    s = decrypt_nonce(derive_k_pi(password, kind), z, kind)

    sk_map = draw(params)
    pk_map = public_key(params, sk_map)
    reply = _exchange(channel, general_authenticate([(0x81, pk_map)], last=False), "map nonce")
    pk_map_ic = _decode(params, _dynamic_data(reply, 0x82, "map nonce"), "map nonce")
    try:
        mapped = map_generic(params, s, sk_map, pk_map_ic)
    except ValueError as exc:
        raise AuthenticationProtocolError(f"PACE map nonce: {exc}") from exc

    sk = draw(mapped)
    pk_ifd = public_key(mapped, sk)
    reply = _exchange(channel, general_authenticate([(0x83, pk_ifd)], last=False), "key agreement")
    pk_ic_bytes = _dynamic_data(reply, 0x84, "key agreement")
    pk_ic = _decode(mapped, pk_ic_bytes, "key agreement")
    if pk_ic_bytes == pk_ifd:
        raise AuthenticationProtocolError("PACE key agreement: card echoed the reader's public key")
    shared = shared_secret(mapped, sk, pk_ic)
    ks_enc, ks_mac = session_keys(shared, kind)

    dh = isinstance(params, DHParameters)
    t_ifd = authentication_token(ks_mac, kind, oid, pk_ic_bytes, dh=dh)
    reply = _exchange(channel, general_authenticate([(0x85, t_ifd)], last=True), "mutual authentication")
    t_ic = _dynamic_data(reply, 0x86, "mutual authentication")
    if not crypto.constant_time_equal(t_ic, authentication_token(ks_mac, kind, oid, pk_ifd, dh=dh)):
        raise AccessDeniedError("PACE mutual authentication: card's token does not verify")

    sm = SecureMessaging(kind, ks_enc, ks_mac, 0)
    channel.sm = sm
    log.info("PACE established (%s, parameter ID %s)", kind.value, pace_info.parameter_id)
    return PaceResult(algorithm, pace_info.parameter_id, ks_enc, ks_mac, pk_ic_bytes, sm)
