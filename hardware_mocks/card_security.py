"""Card side of PACE, chip authentication and active authentication, for the virtual CCCD.

The APDU engine (``virtual_cccd``) decodes commands and dispatches their data here; these
objects only know the protocols. The card computes everything on its own (nonce encryption,
mapping, its expected token over its own key) instead of calling the reader's code, so a
mistake on one side shows up as a refused exchange rather than being mirrored on both.

Personalisation helpers build EF.CardAccess (byte-identical to a real CCCD), DG14 and DG15.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from asn1crypto import core, keys
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from hardware_mocks.card_sm import CardSecureMessaging, encode_tlv, iter_tlvs
from station.readers.icao import crypto
from station.readers.icao.apdu import CommandAPDU, ResponseAPDU
from station.readers.icao.crypto import CipherKind
from station.readers.icao.domain_params import (
    DHParameters,
    ECParameters,
    Point,
    UnsupportedDomainParameters,
    ec_parameters_to_asn1,
    named_ec_parameters,
    standardized_dh_parameters,
    standardized_parameters,
)
from station.readers.icao.security_infos import (
    ID_AA,
    ID_CA,
    ID_PACE,
    ID_PK_DH,
    ID_PK_ECDH,
    ID_TA,
    STANDARDIZED_DOMAIN_PARAMETERS,
    ActiveAuthenticationInfoSpec,
    ChipAuthenticationInfoSpec,
    ChipAuthenticationPublicKeyInfoSpec,
    PaceInfoSpec,
    SubjectPublicKeyInfoSpec,
    TerminalAuthenticationInfoSpec,
    encode_security_infos,
)

__all__ = [
    "CA_DH_OID_AES128",
    "CA_OID_AES128",
    "ECDSA_PLAIN_SHA256",
    "PACE_OID_AES128",
    "SW_CONDITIONS",
    "SW_OK",
    "SW_WRONG_DATA",
    "SW_WRONG_LENGTH",
    "SW_WRONG_PASSWORD",
    "CardActiveAuth",
    "CardChipAuth",
    "CardPace",
    "CardSecurityHandlers",
    "CardSession",
    "DHChipKey",
    "SecurityCard",
    "build_dg14",
    "build_dg15",
    "card_access_bytes",
    "generate_aa_ec_key",
    "generate_aa_rsa_key",
    "generate_chip_auth_dh_key",
    "generate_chip_auth_key",
]

SW_OK = 0x9000
SW_WRONG_PASSWORD = 0x6300  # authentication failed (wrong CAN / MRZ)
SW_WRONG_LENGTH = 0x6700
SW_CONDITIONS = 0x6985  # out of sequence
SW_WRONG_DATA = 0x6A80
SW_REF_NOT_FOUND = 0x6A88
SW_CHAIN_EXPECTED = 0x6883  # last command of the chain expected / chaining wrong

PACE_OID_AES128 = "0.4.0.127.0.7.2.2.4.2.2"  # id-PACE-ECDH-GM-AES-CBC-CMAC-128
CA_OID_AES128 = "0.4.0.127.0.7.2.2.3.2.2"  # id-CA-ECDH-AES-CBC-CMAC-128
CA_DH_OID_AES128 = "0.4.0.127.0.7.2.2.3.1.2"  # id-CA-DH-AES-CBC-CMAC-128
ECDSA_PLAIN_SHA256 = "0.4.0.127.0.7.1.1.4.1.3"  # BSI TR-03111 ecdsa-plain-SHA256

_CIPHER_BY_ARC = {1: CipherKind.DES3, 2: CipherKind.AES128, 3: CipherKind.AES192, 4: CipherKind.AES256}


class CardSession(NamedTuple):
    """New secure-messaging keys the card installs (SSC 0) once its response has gone out."""

    kind: CipherKind
    ks_enc: bytes
    ks_mac: bytes


def _oid(contents: bytes) -> str:
    return str(core.ObjectIdentifier.load(encode_tlv(0x06, contents)).dotted)


def _oid_contents(oid: str) -> bytes:
    return bytes(core.ObjectIdentifier(oid).contents)


def _kdf(secret: bytes, counter: int, kind: CipherKind) -> bytes:
    """9303-11 §9.7.1 written out again on the card's side: SHA-1 for 3DES/AES-128, SHA-256 above."""
    data = secret + counter.to_bytes(4, "big")
    if kind in (CipherKind.DES3, CipherKind.AES128):
        key = hashlib.sha1(data).digest()[:16]
        return crypto.adjust_des_parity(key) if kind is CipherKind.DES3 else key
    return hashlib.sha256(data).digest()[: kind.key_length]


def _dos(data: bytes) -> dict[int, bytes]:
    out: dict[int, bytes] = {}
    for tag, value, _ in iter_tlvs(data):
        out.setdefault(tag, value)
    return out


def _dynamic(data: bytes) -> dict[int, bytes]:
    outer = _dos(data)
    if 0x7C not in outer:
        raise ValueError("no dynamic authentication data")
    return _dos(outer[0x7C])


def _point_bytes(params: ECParameters, point: Point) -> bytes:
    n = params.field_size
    return b"\x04" + int(point.x()).to_bytes(n, "big") + int(point.y()).to_bytes(n, "big")


def _draw_scalar(rng: Callable[[int], bytes], order: int) -> int:
    """Rejection sampling from the injected RNG, so tests can hand the card exact private keys."""
    size = (order.bit_length() + 7) // 8
    while True:
        value = int.from_bytes(rng(size), "big")
        if 0 < value < order:
            return value


# ----------------------------------------------------------------------------------- PACE


class CardPace:
    """PACE Generic Mapping as the chip runs it: ECDH on parameter IDs 8-18, DH on the MODP groups
    0-2, with any of the four cipher families.

    ``password`` is the raw password (the CAN's digits, or the MRZ information), ``password_ref``
    1 for MRZ and 2 for CAN. After the last GENERAL AUTHENTICATE answered 9000, :attr:`session`
    holds the keys; a wrong token answers 6300 and leaves no session.
    """

    def __init__(
        self,
        password: bytes,
        password_ref: int,
        param_id: int = 13,
        rng: Callable[[int], bytes] = secrets.token_bytes,
        *,
        domain: ECParameters | DHParameters | None = None,
    ) -> None:
        """``domain`` gives proprietary parameters (published in a PACEDomainParameterInfo under
        ``param_id``); without it ``param_id`` is a standardized ID."""
        # 9303-11 §9.7.3: the MRZ password (ref 1) is SHA-1(MRZ information); a CAN is its digits.
        self._k = hashlib.sha1(password).digest() if password_ref == 1 else bytes(password)
        self._ref = password_ref
        self._param_id = param_id
        self._rng = rng
        # IDs 0-2 are MODP groups (PACE-DH-GM), the others EC curves (PACE-ECDH-GM).
        if domain is None:
            domain = (
                standardized_dh_parameters(param_id) if param_id in (0, 1, 2) else standardized_parameters(param_id)
            )
        self._dh: DHParameters | None = domain if isinstance(domain, DHParameters) else None
        self._params = domain if isinstance(domain, ECParameters) else named_ec_parameters("brainpoolP256r1")
        self._reset()
        self._selected = False
        self.session: CardSession | None = None

    def _reset(self) -> None:
        self._step = 0
        self._kind = CipherKind.AES128
        self._oid = ""
        self._nonce = b""
        self._pk_map_ifd = b""
        self._mapped: ECParameters | None = None
        self._mapped_g = 0  # DH: g~
        self._pk_ifd = b""
        self._pk_ic = b""
        self._keys: CardSession | None = None

    def set_at(self, data: bytes) -> int:
        """MSE:Set AT (00 22 C1 A4): select the protocol, the password and the parameters."""
        self._reset()
        self._selected = False
        self.session = None
        try:
            dos = _dos(data)
        except ValueError:
            return SW_WRONG_DATA
        if 0x80 not in dos or 0x83 not in dos:
            return SW_WRONG_DATA
        oid = _oid(dos[0x80])
        arcs = oid[len(ID_PACE) + 1 :].split(".") if oid.startswith(ID_PACE + ".") else []
        if len(arcs) != 2 or arcs[0] != ("1" if self._dh else "2") or int(arcs[1]) not in _CIPHER_BY_ARC:
            return SW_WRONG_DATA
        if dos[0x83] != bytes((self._ref,)):
            return SW_REF_NOT_FOUND
        if 0x84 in dos and dos[0x84] != bytes((self._param_id,)):
            return SW_WRONG_DATA
        self._kind = _CIPHER_BY_ARC[int(arcs[1])]
        self._oid = oid
        self._selected = True
        return SW_OK

    def general_authenticate(self, data: bytes, chained: bool) -> tuple[bytes, int]:
        """One step of the chain; returns (response data, SW). Any error ends the attempt."""
        if not self._selected:
            return b"", SW_CONDITIONS
        if chained != (self._step < 3):
            self._reset()
            return b"", SW_CHAIN_EXPECTED
        try:
            items = _dynamic(data)
            handler = (self._nonce_step, self._map_step, self._agreement_step, self._token_step)[self._step]
            return handler(items)
        except (ValueError, KeyError):
            self._reset()
            return b"", SW_WRONG_DATA

    def _k_pi(self) -> bytes:
        return _kdf(self._k, 3, self._kind)

    def _nonce_step(self, items: dict[int, bytes]) -> tuple[bytes, int]:
        if items:
            raise ValueError("first step carries no data")
        self._nonce = self._rng(16)
        if self._kind is CipherKind.DES3:
            z = crypto.des3_cbc_encrypt(self._k_pi(), self._nonce)
        else:
            z = crypto.aes_cbc_encrypt(self._k_pi(), self._nonce)
        self._step = 1
        return encode_tlv(0x7C, encode_tlv(0x80, z)), SW_OK

    def _decode(self, params: ECParameters, data: bytes) -> Point:
        return params.decode_point(data)  # raises ValueError off the curve

    def _map_step(self, items: dict[int, bytes]) -> tuple[bytes, int]:
        if self._dh is not None:
            return self._map_step_dh(self._dh, items)
        params = self._params
        self._pk_map_ifd = items[0x81]
        pk_map_ifd = self._decode(params, self._pk_map_ifd)
        sk_map = _draw_scalar(self._rng, params.order)
        pk_map_ic = params.generator * sk_map
        h = pk_map_ifd * sk_map
        self._mapped = params.with_generator(params.generator * int.from_bytes(self._nonce, "big") + h)
        self._step = 2
        return encode_tlv(0x7C, encode_tlv(0x82, _point_bytes(params, pk_map_ic))), SW_OK

    def _map_step_dh(self, group: DHParameters, items: dict[int, bytes]) -> tuple[bytes, int]:
        self._pk_map_ifd = items[0x81]
        pk_map_ifd = group.decode_public(self._pk_map_ifd)  # ValueError outside the subgroup
        sk_map = _draw_scalar(self._rng, group.q)
        s = int.from_bytes(self._nonce, "big")
        self._mapped_g = pow(group.g, s, group.p) * pow(pk_map_ifd, sk_map, group.p) % group.p
        self._step = 2
        return encode_tlv(0x7C, encode_tlv(0x82, group.encode_public(pow(group.g, sk_map, group.p)))), SW_OK

    def _agreement_step_dh(self, group: DHParameters, items: dict[int, bytes]) -> tuple[bytes, int]:
        self._pk_ifd = items[0x83]
        if self._pk_ifd == self._pk_map_ifd:
            raise ValueError("ephemeral key equals the mapping key")
        pk_ifd = group.decode_public(self._pk_ifd)
        sk = _draw_scalar(self._rng, group.q)
        self._pk_ic = group.encode_public(pow(self._mapped_g, sk, group.p))
        shared = group.encode_public(pow(pk_ifd, sk, group.p))
        self._keys = CardSession(self._kind, _kdf(shared, 1, self._kind), _kdf(shared, 2, self._kind))
        self._step = 3
        return encode_tlv(0x7C, encode_tlv(0x84, self._pk_ic)), SW_OK

    def _agreement_step(self, items: dict[int, bytes]) -> tuple[bytes, int]:
        if self._dh is not None:
            return self._agreement_step_dh(self._dh, items)
        mapped = self._mapped
        if mapped is None:
            raise ValueError("no mapped generator")
        self._pk_ifd = items[0x83]
        if self._pk_ifd == self._pk_map_ifd:
            raise ValueError("ephemeral key equals the mapping key")
        pk_ifd = self._decode(mapped, self._pk_ifd)
        sk = _draw_scalar(self._rng, mapped.order)
        self._pk_ic = _point_bytes(mapped, mapped.generator * sk)
        shared = int((pk_ifd * sk).x()).to_bytes(mapped.field_size, "big")
        self._keys = CardSession(self._kind, _kdf(shared, 1, self._kind), _kdf(shared, 2, self._kind))
        self._step = 3
        return encode_tlv(0x7C, encode_tlv(0x84, self._pk_ic)), SW_OK

    def _token(self, keys_: CardSession, point: bytes) -> bytes:
        key_tag = 0x84 if self._dh is not None else 0x86
        data = encode_tlv(0x7F49, encode_tlv(0x06, _oid_contents(self._oid)) + encode_tlv(key_tag, point))
        if keys_.kind is CipherKind.DES3:
            return crypto.retail_mac(keys_.ks_mac, data)
        return crypto.aes_cmac(keys_.ks_mac, data, 8)

    def _token_step(self, items: dict[int, bytes]) -> tuple[bytes, int]:
        keys_ = self._keys
        if keys_ is None:
            raise ValueError("no keys")
        if not crypto.constant_time_equal(items[0x85], self._token(keys_, self._pk_ic)):
            self._reset()
            self._selected = False
            return b"", SW_WRONG_PASSWORD
        t_ic = self._token(keys_, self._pk_ifd)
        self.session = keys_
        self._reset()
        self._selected = False
        return encode_tlv(0x7C, encode_tlv(0x86, t_ic)), SW_OK


# ------------------------------------------------------------------------- chip authentication


def _curve_name(key: ec.EllipticCurvePrivateKey) -> str:
    return str(key.curve.name)


@dataclass(frozen=True)
class DHChipKey:
    """A static DH chip-authentication key: the group and the private exponent x."""

    group: DHParameters
    x: int = field(repr=False)

    @property
    def public_value(self) -> int:
        return pow(self.group.g, self.x, self.group.p)


class CardChipAuth:
    """Chip authentication v1 with the chip's static ECDH (or DH) key, the one DG14 publishes.

    AES (and 3DES through MSE:Set AT) use MSE:Set AT + GENERAL AUTHENTICATE; the older 3DES form
    sends the reader's key in MSE:Set KAT. Each returns the new :class:`CardSession`; the engine
    sends that command's response under the OLD keys, then switches (SSC 0).
    """

    def __init__(self, private_key: ec.EllipticCurvePrivateKey | DHChipKey, key_id: int | None = None) -> None:
        self._key = private_key
        self._key_id = key_id
        self._kind: CipherKind | None = None
        self._agreement_arc = "1" if isinstance(private_key, DHChipKey) else "2"

    def set_at(self, data: bytes) -> int:
        """MSE:Set AT (00 22 41 A4): 80 id-CA-ECDH-* / id-CA-DH-* [84 key id]."""
        self._kind = None
        try:
            dos = _dos(data)
        except ValueError:
            return SW_WRONG_DATA
        if 0x80 not in dos:
            return SW_WRONG_DATA
        oid = _oid(dos[0x80])
        arcs = oid[len(ID_CA) + 1 :].split(".") if oid.startswith(ID_CA + ".") else []
        if len(arcs) != 2 or arcs[0] != self._agreement_arc or int(arcs[1]) not in _CIPHER_BY_ARC:
            return SW_WRONG_DATA
        if not self._key_id_matches(dos):
            return SW_REF_NOT_FOUND
        self._kind = _CIPHER_BY_ARC[int(arcs[1])]
        return SW_OK

    def _key_id_matches(self, dos: dict[int, bytes]) -> bool:
        if 0x84 not in dos:
            return True
        return self._key_id is not None and int.from_bytes(dos[0x84], "big") == self._key_id

    def _agree(self, public: bytes, kind: CipherKind) -> CardSession:
        key = self._key
        if isinstance(key, DHChipKey):
            peer = key.group.decode_public(public)  # subgroup check before the exchange
            shared = key.group.encode_public(pow(peer, key.x, key.group.p))
        else:
            named_ec_parameters(_curve_name(key)).decode_point(public)  # explicit on-curve check
            shared = key.exchange(ec.ECDH(), ec.EllipticCurvePublicKey.from_encoded_point(key.curve, public))
        return CardSession(kind, _kdf(shared, 1, kind), _kdf(shared, 2, kind))

    def general_authenticate(self, data: bytes) -> tuple[bytes, int, CardSession | None]:
        """GENERAL AUTHENTICATE 7C{80 ephemeral public key} → (7C00, 9000, new keys)."""
        kind = self._kind
        self._kind = None
        if kind is None:
            return b"", SW_CONDITIONS, None
        try:
            session = self._agree(_dynamic(data)[0x80], kind)
        except (ValueError, KeyError):
            return b"", SW_WRONG_DATA, None
        return encode_tlv(0x7C, b""), SW_OK, session

    def set_kat(self, data: bytes) -> tuple[int, CardSession | None]:
        """MSE:Set KAT (00 22 41 A6): 91 ephemeral public key [84 key id] → 3DES keys."""
        try:
            dos = _dos(data)
            if not self._key_id_matches(dos):
                return SW_REF_NOT_FOUND, None
            return SW_OK, self._agree(dos[0x91], CipherKind.DES3)
        except (ValueError, KeyError):
            return SW_WRONG_DATA, None


# -------------------------------------------------------------------------- active authentication

_HASHES: dict[str, tuple[Callable[[bytes], hashlib._Hash], int, type[hashes.HashAlgorithm]]] = {
    "sha1": (hashlib.sha1, 0x33, hashes.SHA1),
    "sha224": (hashlib.sha224, 0x38, hashes.SHA224),
    "sha256": (hashlib.sha256, 0x34, hashes.SHA256),
    "sha384": (hashlib.sha384, 0x36, hashes.SHA384),
    "sha512": (hashlib.sha512, 0x35, hashes.SHA512),
}


class CardActiveAuth:
    """INTERNAL AUTHENTICATE with the AA key of DG15.

    RSA signs with ISO/IEC 9796-2 digital signature scheme 1 (partial message recovery: the card
    picks M1, the challenge is M2); trailer BC when ``implicit_trailer`` (default for SHA-1),
    else the two-byte hash-identifier trailer xx CC. ECDSA answers the plain R||S of TR-03111.
    """

    def __init__(
        self,
        private_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
        hash: str = "sha1",
        *,
        implicit_trailer: bool | None = None,
        rng: Callable[[int], bytes] = secrets.token_bytes,
    ) -> None:
        if hash not in _HASHES:
            raise ValueError(f"unsupported hash {hash}")
        self._key = private_key
        self._hash = hash
        self._implicit = (hash == "sha1") if implicit_trailer is None else implicit_trailer
        self._rng = rng

    def internal_authenticate(self, data: bytes) -> tuple[bytes, int]:
        if len(data) != 8:
            return b"", SW_WRONG_LENGTH
        if isinstance(self._key, rsa.RSAPrivateKey):
            return self._rsa(data), SW_OK
        return self._ecdsa(data), SW_OK

    def _rsa(self, challenge: bytes) -> bytes:
        key = self._key
        assert isinstance(key, rsa.RSAPrivateKey)
        numbers = key.private_numbers()
        n, d = numbers.public_numbers.n, numbers.d
        size = (n.bit_length() + 7) // 8
        digest_fn, hash_id, _ = _HASHES[self._hash]
        trailer = b"\xbc" if self._implicit else bytes((hash_id, 0xCC))
        digest_len = digest_fn(b"").digest_size
        m1 = self._rng(size - 1 - digest_len - len(trailer))
        f = b"\x6a" + m1 + digest_fn(m1 + challenge).digest() + trailer
        return pow(int.from_bytes(f, "big"), d, n).to_bytes(size, "big")

    def _ecdsa(self, challenge: bytes) -> bytes:
        key = self._key
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        der = key.sign(challenge, ec.ECDSA(_HASHES[self._hash][2]()))
        r, s = decode_dss_signature(der)
        size = (named_ec_parameters(key.curve.name).order.bit_length() + 7) // 8
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")


# ------------------------------------------------------------------------------ engine adapter


class SecurityCard(Protocol):
    """What the handlers need from the APDU engine (``virtual_cccd.VirtualCCCD`` has all of it)."""

    can: str | None
    mrz_information: str
    chip_auth_key: Any
    aa_key: Any

    def start_secure_messaging(self, sm: CardSecureMessaging, *, grant_access: bool = True) -> None: ...

    def random(self, n: int) -> bytes: ...

    def set_handler(self, ins: int, handler: Any) -> None: ...


class CardSecurityHandlers:
    """Routes MSE (22), GENERAL AUTHENTICATE (86) and INTERNAL AUTHENTICATE (88) of one card.

    The engine hands over plain (already unwrapped) commands; new keys go through
    ``card.start_secure_messaging`` so they take effect after the response has left.
    """

    def __init__(
        self,
        *,
        param_id: int = 13,
        aa_hash: str | None = None,
        ca_key_id: int | None = None,
        pace_refusal: int | None = None,
    ) -> None:
        """``pace_refusal``: answer MSE:Set AT for PACE with this SW (6982, as some CCCDs do → BAC)."""
        self._pace_refusal = pace_refusal
        self._param_id = param_id
        self._aa_hash = aa_hash
        self._ca_key_id = ca_key_id
        self._mode = ""
        self._pace: CardPace | None = None
        self._ca: CardChipAuth | None = None

    def install(self, card: SecurityCard) -> None:
        card.set_handler(0x22, self.manage_security_environment)
        card.set_handler(0x86, self.general_authenticate)
        card.set_handler(0x88, self.internal_authenticate)

    def manage_security_environment(self, card: SecurityCard, cmd: CommandAPDU) -> ResponseAPDU:
        self._mode = ""
        if (cmd.p1, cmd.p2) == (0xC1, 0xA4):
            if self._pace_refusal is not None:
                return ResponseAPDU(b"", self._pace_refusal)
            try:
                ref = _dos(cmd.data).get(0x83, b"")
            except ValueError:
                return ResponseAPDU(b"", SW_WRONG_DATA)
            password = {b"\x01": card.mrz_information, b"\x02": card.can}.get(ref)
            if password is None:
                return ResponseAPDU(b"", SW_REF_NOT_FOUND)
            self._pace = CardPace(password.encode("ascii"), ref[0], self._param_id, rng=card.random)
            sw = self._pace.set_at(cmd.data)
            self._mode = "pace" if sw == SW_OK else ""
            return ResponseAPDU(b"", sw)
        if (cmd.p1, cmd.p2) in ((0x41, 0xA4), (0x41, 0xA6)):
            if card.chip_auth_key is None:
                return ResponseAPDU(b"", SW_REF_NOT_FOUND)
            self._ca = CardChipAuth(card.chip_auth_key, self._ca_key_id)
            if cmd.p2 == 0xA6:
                sw, session = self._ca.set_kat(cmd.data)
                self._start(card, session)
                return ResponseAPDU(b"", sw)
            sw = self._ca.set_at(cmd.data)
            self._mode = "ca" if sw == SW_OK else ""
            return ResponseAPDU(b"", sw)
        return ResponseAPDU(b"", 0x6A86)

    def general_authenticate(self, card: SecurityCard, cmd: CommandAPDU) -> ResponseAPDU:
        chained = bool(cmd.cla & 0x10)
        if self._mode == "pace" and self._pace is not None:
            data, sw = self._pace.general_authenticate(cmd.data, chained)
            if sw != SW_OK or not chained:
                self._mode = ""
            if sw == SW_OK and not chained:
                self._start(card, self._pace.session)
            return ResponseAPDU(data, sw)
        if self._mode == "ca" and self._ca is not None and not chained:
            self._mode = ""
            data, sw, session = self._ca.general_authenticate(cmd.data)
            self._start(card, session)
            return ResponseAPDU(data, sw)
        return ResponseAPDU(b"", SW_CONDITIONS)

    def internal_authenticate(self, card: SecurityCard, cmd: CommandAPDU) -> ResponseAPDU:
        key = card.aa_key
        if key is None:
            return ResponseAPDU(b"", 0x6D00)
        hash_name = self._aa_hash or ("sha1" if isinstance(key, rsa.RSAPrivateKey) else "sha256")
        data, sw = CardActiveAuth(key, hash_name, rng=card.random).internal_authenticate(cmd.data)
        return ResponseAPDU(data, sw)

    @staticmethod
    def _start(card: SecurityCard, session: CardSession | None) -> None:
        if session is not None:
            card.start_secure_messaging(CardSecureMessaging(session.kind, session.ks_enc, session.ks_mac, 0))


# ------------------------------------------------------------------------------ personalisation


def generate_chip_auth_key(curve: ec.EllipticCurve | None = None) -> ec.EllipticCurvePrivateKey:
    """A chip-authentication key pair, brainpoolP256r1 as CCCDs use."""
    return ec.generate_private_key(curve or ec.BrainpoolP256R1())


def generate_chip_auth_dh_key(param_id: int = 0) -> DHChipKey:
    """A DH chip-authentication key on a MODP group of 9303-11 (IDs 0-2)."""
    group = standardized_dh_parameters(param_id)
    return DHChipKey(group, 1 + secrets.randbelow(group.q - 1))


def generate_aa_rsa_key(bits: int = 1024) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def generate_aa_ec_key(curve: ec.EllipticCurve | None = None) -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(curve or ec.BrainpoolP256R1())


def card_access_bytes() -> bytes:
    """EF.CardAccess of a real CCCD: TA v1, CA ECDH AES-128 v1, PACE ECDH-GM AES-128 v2 on parameter 13."""
    return encode_security_infos(
        [
            TerminalAuthenticationInfoSpec({"protocol": ID_TA, "version": 1}),
            ChipAuthenticationInfoSpec({"protocol": CA_OID_AES128, "version": 1}),
            PaceInfoSpec({"protocol": PACE_OID_AES128, "version": 2, "parameter_id": 13}),
        ]
    )


def _ec_spki(public_key: ec.EllipticCurvePublicKey, *, explicit: bool) -> keys.PublicKeyInfo:
    params = named_ec_parameters(public_key.curve.name)
    point = public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return keys.PublicKeyInfo(
        {
            "algorithm": {"algorithm": "ec", "parameters": ec_parameters_to_asn1(params, explicit=explicit)},
            "public_key": point,
        }
    )


def _ca_spki(
    public: ec.EllipticCurvePublicKey, *, explicit: bool, standardized_id: int | None
) -> SubjectPublicKeyInfoSpec:
    if standardized_id is None:
        loaded: SubjectPublicKeyInfoSpec = SubjectPublicKeyInfoSpec.load(_ec_spki(public, explicit=explicit).dump())
        return loaded
    point = public.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return SubjectPublicKeyInfoSpec(
        {
            "algorithm": {"algorithm": STANDARDIZED_DOMAIN_PARAMETERS, "parameters": core.Integer(standardized_id)},
            "subject_public_key": point,
        }
    )


def _dh_spki(key: DHChipKey) -> SubjectPublicKeyInfoSpec:
    """dhpublicnumber SubjectPublicKeyInfo: X9.42 DomainParameters and the value as a DER INTEGER."""
    group = key.group
    spki = keys.PublicKeyInfo(
        {
            "algorithm": {"algorithm": "dh", "parameters": {"p": group.p, "g": group.g, "q": group.q}},
            "public_key": core.Integer(key.public_value),
        }
    )
    loaded: SubjectPublicKeyInfoSpec = SubjectPublicKeyInfoSpec.load(spki.dump())
    return loaded


def build_dg14(
    chip_auth_key: ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey | DHChipKey,
    *,
    key_id: int | None = None,
    aa_key: Any = None,
    aa_signature_oid: str | None = None,
    include_pace: bool = True,
    explicit: bool = True,
    standardized_id: int | None = None,
) -> bytes:
    """DG14 (tag 6E): ChipAuthenticationInfo + ChipAuthenticationPublicKeyInfo (explicit EC
    parameters, as eMRTDs carry them), ActiveAuthenticationInfo when AA is ECDSA, PACEInfo.

    ``aa_key`` (the AA key, public or private): when it is an EC key, the ActiveAuthenticationInfo
    names ecdsa-plain-SHA256 (what :class:`CardActiveAuth` signs with by default for EC) unless
    ``aa_signature_oid`` says otherwise. ``standardized_id`` writes the key's domain parameters as
    TR-03110 standardizedDomainParameters with that ID instead of explicit/named EC parameters.
    """
    is_ec_aa = isinstance(aa_key, (ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey))
    if aa_signature_oid is None and is_ec_aa:
        aa_signature_oid = ECDSA_PLAIN_SHA256
    ca_info: dict[str, object]
    pk_info: dict[str, object]
    if isinstance(chip_auth_key, DHChipKey):
        ca_info = {"protocol": CA_DH_OID_AES128, "version": 1}
        pk_info = {"protocol": ID_PK_DH, "chip_authentication_public_key": _dh_spki(chip_auth_key)}
    else:
        public = chip_auth_key.public_key() if isinstance(chip_auth_key, ec.EllipticCurvePrivateKey) else chip_auth_key
        try:
            named_ec_parameters(public.curve.name)
        except UnsupportedDomainParameters as exc:
            raise ValueError(str(exc)) from exc
        ca_info = {"protocol": CA_OID_AES128, "version": 1}
        pk_info = {
            "protocol": ID_PK_ECDH,
            "chip_authentication_public_key": _ca_spki(public, explicit=explicit, standardized_id=standardized_id),
        }
    if key_id is not None:
        ca_info["key_id"] = key_id
        pk_info["key_id"] = key_id
    elements: list[core.Asn1Value] = [
        ChipAuthenticationInfoSpec(ca_info),
        ChipAuthenticationPublicKeyInfoSpec(pk_info),
    ]
    if aa_signature_oid is not None:
        elements.append(
            ActiveAuthenticationInfoSpec({"protocol": ID_AA, "version": 1, "signature_algorithm": aa_signature_oid})
        )
    if include_pace:
        elements.append(PaceInfoSpec({"protocol": PACE_OID_AES128, "version": 2, "parameter_id": 13}))
    return encode_tlv(0x6E, encode_security_infos(elements))


def build_dg15(public_key: rsa.RSAPublicKey | ec.EllipticCurvePublicKey, *, explicit: bool = False) -> bytes:
    """DG15 (tag 6F): the active-authentication SubjectPublicKeyInfo."""
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        spki = bytes(_ec_spki(public_key, explicit=explicit).dump())
    else:
        spki = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return encode_tlv(0x6F, spki)
