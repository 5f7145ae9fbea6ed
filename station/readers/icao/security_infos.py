"""SecurityInfos (ICAO 9303-11 §9.2): what EF.CardAccess and DG14 say the chip can do.

Declarative asn1crypto specs per SecurityInfo kind; the outer SET is read loosely (protocol OID
plus whatever follows) and each element is re-read with the spec its OID selects, so an info
this station does not know is kept as :class:`UnknownInfo` instead of failing the whole file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from asn1crypto import core, keys

from station.readers.errors import MalformedDataError
from station.readers.icao.crypto import CipherKind
from station.readers.icao.domain_params import STANDARDIZED_DOMAIN_PARAMETERS

__all__ = [
    "ID_AA",
    "ID_CA",
    "ID_PACE",
    "ID_PK_DH",
    "ID_PK_ECDH",
    "ID_TA",
    "STANDARDIZED_DOMAIN_PARAMETERS",
    "ActiveAuthenticationInfo",
    "ChipAuthAlgorithm",
    "ChipAuthenticationInfo",
    "ChipAuthenticationPublicKeyInfo",
    "PaceAlgorithm",
    "PaceDomainParameterInfo",
    "PaceInfo",
    "SecurityInfo",
    "SecurityInfos",
    "SecurityInfosSpec",
    "TerminalAuthenticationInfo",
    "UnknownInfo",
    "chip_auth_algorithm",
    "encode_security_infos",
    "pace_algorithm",
    "parse_security_infos",
    "security_infos_from_asn1",
]

_BSI = "0.4.0.127.0.7.2.2"
ID_PK = f"{_BSI}.1"
ID_PK_DH = f"{ID_PK}.1"
ID_PK_ECDH = f"{ID_PK}.2"
ID_TA = f"{_BSI}.2"
ID_CA = f"{_BSI}.3"
ID_PACE = f"{_BSI}.4"
ID_AA = "2.23.136.1.1.5"

# Last arc of the PACE / CA OIDs -> cipher family (9303-11 §9.2.1, §9.2.5).
_CIPHERS = {1: CipherKind.DES3, 2: CipherKind.AES128, 3: CipherKind.AES192, 4: CipherKind.AES256}
_PACE_MAPPINGS = {1: ("DH", "GM"), 2: ("ECDH", "GM"), 3: ("DH", "IM"), 4: ("ECDH", "IM"), 6: ("ECDH", "CAM")}
_CA_AGREEMENTS = {1: "DH", 2: "ECDH"}


@dataclass(frozen=True, slots=True)
class PaceAlgorithm:
    """What a PACE protocol OID means: key agreement, mapping and the cipher of the session."""

    oid: str
    agreement: str  # "DH" | "ECDH"
    mapping: str  # "GM" | "IM" | "CAM"
    kind: CipherKind


@dataclass(frozen=True, slots=True)
class ChipAuthAlgorithm:
    oid: str
    agreement: str  # "DH" | "ECDH"
    kind: CipherKind


def _tail(oid: str, prefix: str) -> tuple[int, ...] | None:
    if not oid.startswith(prefix + "."):
        return None
    try:
        return tuple(int(arc) for arc in oid[len(prefix) + 1 :].split("."))
    except ValueError:
        return None


def pace_algorithm(oid: str) -> PaceAlgorithm | None:
    """The PACE algorithm for a full protocol OID, None for a bare family OID or an unknown one."""
    tail = _tail(oid, ID_PACE)
    if tail is None or len(tail) != 2 or tail[0] not in _PACE_MAPPINGS or tail[1] not in _CIPHERS:
        return None
    agreement, mapping = _PACE_MAPPINGS[tail[0]]
    return PaceAlgorithm(oid, agreement, mapping, _CIPHERS[tail[1]])


def chip_auth_algorithm(oid: str) -> ChipAuthAlgorithm | None:
    tail = _tail(oid, ID_CA)
    if tail is None or len(tail) != 2 or tail[0] not in _CA_AGREEMENTS or tail[1] not in _CIPHERS:
        return None
    return ChipAuthAlgorithm(oid, _CA_AGREEMENTS[tail[0]], _CIPHERS[tail[1]])


# -- ASN.1 specs ---------------------------------------------------------------------------


class _AnySecurityInfo(core.Sequence):  # type: ignore[misc]  # asn1crypto is untyped
    _fields: ClassVar = [
        ("protocol", core.ObjectIdentifier),
        ("required_data", core.Any),
        ("optional_data", core.Any, {"optional": True}),
    ]


class SecurityInfosSpec(core.SetOf):  # type: ignore[misc]  # asn1crypto is untyped
    _child_spec = _AnySecurityInfo


class _AlgorithmIdentifier(core.Sequence):  # type: ignore[misc]  # asn1crypto is untyped
    _fields: ClassVar = [("algorithm", core.ObjectIdentifier), ("parameters", core.Any, {"optional": True})]


class PaceInfoSpec(core.Sequence):  # type: ignore[misc]  # asn1crypto is untyped
    _fields: ClassVar = [
        ("protocol", core.ObjectIdentifier),
        ("version", core.Integer),
        ("parameter_id", core.Integer, {"optional": True}),
    ]


class PaceDomainParameterInfoSpec(core.Sequence):  # type: ignore[misc]  # asn1crypto is untyped
    _fields: ClassVar = [
        ("protocol", core.ObjectIdentifier),
        ("domain_parameter", _AlgorithmIdentifier),
        ("parameter_id", core.Integer, {"optional": True}),
    ]


class ChipAuthenticationInfoSpec(core.Sequence):  # type: ignore[misc]  # asn1crypto is untyped
    _fields: ClassVar = [
        ("protocol", core.ObjectIdentifier),
        ("version", core.Integer),
        ("key_id", core.Integer, {"optional": True}),
    ]


class SubjectPublicKeyInfoSpec(core.Sequence):  # type: ignore[misc]  # asn1crypto is untyped
    """SubjectPublicKeyInfo read loosely: TR-03110 also allows the algorithm to be
    standardizedDomainParameters (0.4.0.127.0.7.1.2) with a parameter ID, which
    asn1crypto's ``keys.PublicKeyInfo`` cannot interpret."""

    _fields: ClassVar = [("algorithm", _AlgorithmIdentifier), ("subject_public_key", core.OctetBitString)]


class ChipAuthenticationPublicKeyInfoSpec(core.Sequence):  # type: ignore[misc]  # asn1crypto is untyped
    _fields: ClassVar = [
        ("protocol", core.ObjectIdentifier),
        ("chip_authentication_public_key", SubjectPublicKeyInfoSpec),
        ("key_id", core.Integer, {"optional": True}),
    ]


class ActiveAuthenticationInfoSpec(core.Sequence):  # type: ignore[misc]  # asn1crypto is untyped
    _fields: ClassVar = [
        ("protocol", core.ObjectIdentifier),
        ("version", core.Integer),
        ("signature_algorithm", core.ObjectIdentifier),
    ]


class _FileId(core.Sequence):  # type: ignore[misc]  # asn1crypto is untyped
    _fields: ClassVar = [("fid", core.OctetString), ("sfid", core.OctetString, {"optional": True})]


class TerminalAuthenticationInfoSpec(core.Sequence):  # type: ignore[misc]  # asn1crypto is untyped
    _fields: ClassVar = [
        ("protocol", core.ObjectIdentifier),
        ("version", core.Integer),
        ("ef_cvca", _FileId, {"optional": True}),
    ]


# -- typed infos ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PaceInfo:
    oid: str
    version: int
    parameter_id: int | None
    raw: bytes

    @property
    def algorithm(self) -> PaceAlgorithm | None:
        return pace_algorithm(self.oid)

    def to_asn1(self) -> PaceInfoSpec:
        value: dict[str, object] = {"protocol": self.oid, "version": self.version}
        if self.parameter_id is not None:
            value["parameter_id"] = self.parameter_id
        return PaceInfoSpec(value)


@dataclass(frozen=True, slots=True)
class PaceDomainParameterInfo:
    oid: str
    algorithm_oid: str
    parameters: bytes | None  # DER of the AlgorithmIdentifier parameters, when present
    parameter_id: int | None
    raw: bytes


@dataclass(frozen=True, slots=True)
class ChipAuthenticationInfo:
    oid: str
    version: int
    key_id: int | None
    raw: bytes

    @property
    def algorithm(self) -> ChipAuthAlgorithm | None:
        return chip_auth_algorithm(self.oid)


@dataclass(frozen=True, slots=True)
class ChipAuthenticationPublicKeyInfo:
    """The chip's static key. ``algorithm_oid`` is id-ecPublicKey, dhpublicnumber or
    standardizedDomainParameters; ``parameters`` the DER of its parameters (ECParameters,
    DomainParameters, or the INTEGER parameter ID); ``public_key`` the subjectPublicKey bytes."""

    oid: str  # id-PK-DH or id-PK-ECDH
    algorithm_oid: str
    parameters: bytes | None
    public_key: bytes
    key_id: int | None
    raw: bytes

    @property
    def standardized_parameter_id(self) -> int | None:
        if self.algorithm_oid != STANDARDIZED_DOMAIN_PARAMETERS or self.parameters is None:
            return None
        return int(core.Integer.load(self.parameters).native)

    @property
    def public_key_info(self) -> keys.PublicKeyInfo | None:
        """As asn1crypto reads it (EC and DH algorithm identifiers only), else None."""
        if self.algorithm_oid == STANDARDIZED_DOMAIN_PARAMETERS:
            return None
        spki = ChipAuthenticationPublicKeyInfoSpec.load(self.raw)["chip_authentication_public_key"]
        return keys.PublicKeyInfo.load(spki.dump())


@dataclass(frozen=True, slots=True)
class ActiveAuthenticationInfo:
    oid: str
    version: int
    signature_algorithm: str
    raw: bytes


@dataclass(frozen=True, slots=True)
class TerminalAuthenticationInfo:
    oid: str
    version: int
    raw: bytes


@dataclass(frozen=True, slots=True)
class UnknownInfo:
    """A SecurityInfo this station does not interpret, kept so nothing on the chip is hidden."""

    oid: str
    raw: bytes


SecurityInfo = (
    PaceInfo
    | PaceDomainParameterInfo
    | ChipAuthenticationInfo
    | ChipAuthenticationPublicKeyInfo
    | ActiveAuthenticationInfo
    | TerminalAuthenticationInfo
    | UnknownInfo
)


@dataclass(frozen=True, slots=True)
class SecurityInfos:
    infos: tuple[SecurityInfo, ...]

    @property
    def pace_infos(self) -> list[PaceInfo]:
        return [i for i in self.infos if isinstance(i, PaceInfo)]

    @property
    def pace_domain_parameter_infos(self) -> list[PaceDomainParameterInfo]:
        return [i for i in self.infos if isinstance(i, PaceDomainParameterInfo)]

    @property
    def chip_authentication_infos(self) -> list[ChipAuthenticationInfo]:
        return [i for i in self.infos if isinstance(i, ChipAuthenticationInfo)]

    @property
    def chip_authentication_public_keys(self) -> list[ChipAuthenticationPublicKeyInfo]:
        return [i for i in self.infos if isinstance(i, ChipAuthenticationPublicKeyInfo)]

    @property
    def active_authentication_info(self) -> ActiveAuthenticationInfo | None:
        found = [i for i in self.infos if isinstance(i, ActiveAuthenticationInfo)]
        return found[0] if found else None

    @property
    def terminal_authentication_infos(self) -> list[TerminalAuthenticationInfo]:
        return [i for i in self.infos if isinstance(i, TerminalAuthenticationInfo)]

    @property
    def unknown(self) -> list[UnknownInfo]:
        return [i for i in self.infos if isinstance(i, UnknownInfo)]


# asn1crypto parses lazily and some malformed universal types surface as AttributeError or
# IndexError on first access (found by bench/fuzz_dg14.py): all of them mean "does not parse".
_ASN1_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError)


def _int_or_none(value: core.Integer) -> int | None:
    native = value.native
    return int(native) if native is not None else None


def _typed(oid: str, raw: bytes) -> SecurityInfo:
    """Re-read one element with the spec its protocol OID selects."""
    if pace_algorithm(oid) is not None:
        pi = PaceInfoSpec.load(raw)
        return PaceInfo(oid, int(pi["version"].native), _int_or_none(pi["parameter_id"]), raw)
    if oid.startswith(ID_PACE + ".") and _tail(oid, ID_PACE) in {(1,), (2,), (3,), (4,), (6,)}:
        pd = PaceDomainParameterInfoSpec.load(raw)
        params = pd["domain_parameter"]["parameters"]
        return PaceDomainParameterInfo(
            oid,
            pd["domain_parameter"]["algorithm"].dotted,
            params.dump() if params.native is not None or params.contents else None,
            _int_or_none(pd["parameter_id"]),
            raw,
        )
    if chip_auth_algorithm(oid) is not None:
        ca = ChipAuthenticationInfoSpec.load(raw)
        return ChipAuthenticationInfo(oid, int(ca["version"].native), _int_or_none(ca["key_id"]), raw)
    if oid in (ID_PK_DH, ID_PK_ECDH):
        pk = ChipAuthenticationPublicKeyInfoSpec.load(raw)
        spki = pk["chip_authentication_public_key"]
        params = spki["algorithm"]["parameters"]
        return ChipAuthenticationPublicKeyInfo(
            oid,
            spki["algorithm"]["algorithm"].dotted,
            bytes(params.dump()) if params.native is not None else None,
            bytes(spki["subject_public_key"].native),
            _int_or_none(pk["key_id"]),
            raw,
        )
    if oid == ID_AA:
        aa = ActiveAuthenticationInfoSpec.load(raw)
        return ActiveAuthenticationInfo(oid, int(aa["version"].native), aa["signature_algorithm"].dotted, raw)
    if oid == ID_TA or oid.startswith(ID_TA + "."):
        ta = TerminalAuthenticationInfoSpec.load(raw)
        return TerminalAuthenticationInfo(oid, int(ta["version"].native), raw)
    return UnknownInfo(oid, raw)


def parse_security_infos(data: bytes, *, file: str = "EF.CardAccess") -> SecurityInfos:
    """Parse a DER SET OF SecurityInfo; a known info with a broken body is an error, not "unknown"."""
    try:
        outer = SecurityInfosSpec.load(data, strict=True)
    except _ASN1_ERRORS as exc:
        raise MalformedDataError(f"SecurityInfos do not parse: {exc}", file=file) from exc
    return security_infos_from_asn1(outer, file=file)


def security_infos_from_asn1(outer: SecurityInfosSpec, *, file: str) -> SecurityInfos:
    """Type each element of an already loaded SET OF SecurityInfo (DG14 loads its own tagged SET)."""
    try:
        elements = [(element["protocol"].dotted, bytes(element.dump())) for element in outer]
    except _ASN1_ERRORS as exc:
        raise MalformedDataError(f"SecurityInfos do not parse: {exc}", file=file) from exc
    infos: list[SecurityInfo] = []
    for oid, raw in elements:
        try:
            info = _typed(oid, raw)
            _force_parse(info)
        except _ASN1_ERRORS as exc:
            raise MalformedDataError(f"SecurityInfo {oid} does not parse: {exc}", file=file) from exc
        infos.append(info)
    return SecurityInfos(tuple(infos))


def _force_parse(info: SecurityInfo) -> None:
    """asn1crypto parses lazily; touch the public key now so a broken one fails here, not later."""
    if isinstance(info, ChipAuthenticationPublicKeyInfo):
        _ = info.standardized_parameter_id


def encode_security_infos(elements: Iterable[core.Asn1Value | bytes]) -> bytes:
    """DER SET OF SecurityInfo; asn1crypto sorts the elements by encoding, as DER (and real chips) do."""
    loaded = [_AnySecurityInfo.load(e if isinstance(e, bytes) else e.dump()) for e in elements]
    return bytes(SecurityInfosSpec(loaded).dump(force=True))
