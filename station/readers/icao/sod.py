"""EF.SOD (ICAO 9303-10 §4.6.2): the chip's signed list of data-group hashes.

EF.SOD is tag 77 around a CMS ``ContentInfo``/``SignedData`` whose eContent is an
``LDSSecurityObject``. Parsing is kept apart from verification (``passive_auth``) so the
virtual card can build SODs with the same ASN.1 specs the reader parses them with, and so
the trust store can reuse the CMS parsing for master lists (also CMS SignedData).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, ClassVar

from asn1crypto import algos, cms, core, x509

from station.readers.errors import MalformedDataError

__all__ = [
    "OID_LDS_SECURITY_OBJECT",
    "SOD_TAG",
    "CmsSignedContent",
    "DataGroupHash",
    "DataGroupHashValues",
    "LDSSecurityObject",
    "LDSVersionInfo",
    "SecurityObject",
    "SignerView",
    "SodDocument",
    "parse_signed_data",
    "parse_sod",
    "unwrap_sod",
]

SOD_TAG = 0x77
OID_LDS_SECURITY_OBJECT = "2.23.136.1.1.1"
_OID_SIGNED_DATA = "1.2.840.113549.1.7.2"
_FILE = "EF.SOD"


# ---------------------------------------------------------------- ASN.1 (9303-10 §4.6.2.2)


class DataGroupHash(core.Sequence):  # type: ignore[misc]  # asn1crypto is untyped
    _fields: ClassVar[list[tuple[Any, ...]]] = [
        ("data_group_number", core.Integer),
        ("data_group_hash_value", core.OctetString),
    ]


class DataGroupHashValues(core.SequenceOf):  # type: ignore[misc]  # asn1crypto is untyped
    _child_spec: ClassVar[type[Any]] = DataGroupHash


class LDSVersionInfo(core.Sequence):  # type: ignore[misc]  # asn1crypto is untyped
    _fields: ClassVar[list[tuple[Any, ...]]] = [
        ("lds_version", core.PrintableString),
        ("unicode_version", core.PrintableString),
    ]


class LDSSecurityObject(core.Sequence):  # type: ignore[misc]  # asn1crypto is untyped
    """Version 0 (LDS 1.7) or version 1 with ``LDSVersionInfo`` (LDS 1.8)."""

    _fields: ClassVar[list[tuple[Any, ...]]] = [
        ("version", core.Integer),
        ("hash_algorithm", algos.DigestAlgorithm),
        ("data_group_hash_values", DataGroupHashValues),
        ("lds_version_info", LDSVersionInfo, {"optional": True}),
    ]


# ---------------------------------------------------------------- parsed views


@dataclass(frozen=True)
class SecurityObject:
    """The LDSSecurityObject as plain values."""

    version: int
    hash_algorithm: str
    """hashlib name: sha1, sha224, sha256, sha384, sha512."""
    hashes: dict[int, bytes]
    lds_version: str | None = None
    unicode_version: str | None = None


@dataclass(frozen=True)
class SignerView:
    """One CMS SignerInfo with what verification needs, all already decoded."""

    info: cms.SignerInfo
    digest_algorithm: str
    signature: bytes
    signed_attrs: bytes | None
    """DER of the signed attributes re-tagged as SET (what the signature covers), or None."""
    message_digest: bytes | None
    content_type: str | None
    signing_time: dt.datetime | None

    @property
    def issuer_serial(self) -> tuple[x509.Name, int] | None:
        sid = self.info["sid"]
        if sid.name != "issuer_and_serial_number":
            return None
        return sid.chosen["issuer"], sid.chosen["serial_number"].native

    @property
    def subject_key_identifier(self) -> bytes | None:
        sid = self.info["sid"]
        return bytes(sid.chosen.native) if sid.name == "subject_key_identifier" else None


@dataclass(frozen=True)
class CmsSignedContent:
    """A CMS SignedData with a single signer (what SODs and master lists carry)."""

    content_type: str
    econtent: bytes
    certificates: tuple[x509.Certificate, ...]
    crls: tuple[bytes, ...]
    signer: SignerView

    def signer_certificate(self) -> x509.Certificate | None:
        """The embedded certificate the SignerInfo names, by issuer+serial or SKI."""
        by_serial = self.signer.issuer_serial
        ski = self.signer.subject_key_identifier
        for cert in self.certificates:
            if by_serial is not None:
                issuer, serial = by_serial
                if cert.serial_number == serial and cert.issuer == issuer:
                    return cert
            elif ski is not None and cert.key_identifier == ski:
                return cert
        return None


@dataclass(frozen=True)
class SodDocument:
    """A parsed EF.SOD."""

    raw: bytes
    cms: CmsSignedContent
    security_object: SecurityObject = field(repr=False)

    @property
    def ds_certificate(self) -> x509.Certificate | None:
        return self.cms.signer_certificate()


# ---------------------------------------------------------------- parsing


def _read_length(data: bytes, pos: int) -> tuple[int, int]:
    if pos >= len(data):
        raise MalformedDataError("truncated length", file=_FILE, offset=pos)
    first = data[pos]
    if first < 0x80:
        return first, pos + 1
    count = first & 0x7F
    if count == 0 or count > 4 or pos + 1 + count > len(data):
        raise MalformedDataError("bad length encoding", file=_FILE, offset=pos)
    return int.from_bytes(data[pos + 1 : pos + 1 + count], "big"), pos + 1 + count


def unwrap_sod(data: bytes) -> bytes:
    """The ContentInfo DER inside tag 77 (trailing padding after the TLV is ignored, as files are read whole)."""
    if not data or data[0] != SOD_TAG:
        raise MalformedDataError("EF.SOD does not start with tag 77", file=_FILE, offset=0)
    length, start = _read_length(data, 1)
    if start + length > len(data):
        raise MalformedDataError("EF.SOD is shorter than its length says", file=_FILE, offset=start)
    return data[start : start + length]


def _hash_name(algorithm: algos.DigestAlgorithm) -> str:
    name = algorithm["algorithm"].native
    if name not in ("sha1", "sha224", "sha256", "sha384", "sha512"):
        raise ValueError(f"unsupported hash algorithm {algorithm['algorithm'].dotted}")
    return str(name)


def _attr_values(attrs: cms.CMSAttributes, oid_name: str) -> list[object]:
    for attr in attrs:
        if attr["type"].native == oid_name:
            return list(attr["values"])
    return []


def _signer_view(info: cms.SignerInfo) -> SignerView:
    digest = _hash_name(info["digest_algorithm"])
    attrs = info["signed_attrs"]
    if isinstance(attrs, core.Void) or not len(attrs):
        return SignerView(info, digest, bytes(info["signature"].native), None, None, None, None)
    # The signature covers the attributes with their universal SET tag, not the [0] IMPLICIT one.
    der = b"\x31" + attrs.dump()[1:]
    digests = _attr_values(attrs, "message_digest")
    types = _attr_values(attrs, "content_type")
    times = _attr_values(attrs, "signing_time")
    if len(digests) != 1 or (types and len(types) != 1):
        raise ValueError("signed attributes must hold exactly one message digest and content type")
    message_digest = bytes(digests[0].native)  # type: ignore[attr-defined]
    content_type = types[0].dotted if types else None  # type: ignore[attr-defined]
    signing_time = times[0].native if times else None  # type: ignore[attr-defined]
    return SignerView(info, digest, bytes(info["signature"].native), der, message_digest, content_type, signing_time)


def parse_signed_data(content_info_der: bytes, *, file: str) -> CmsSignedContent:
    """Decode a CMS ContentInfo/SignedData with one signer; raise MalformedDataError(file=file) otherwise."""
    try:
        content_info = cms.ContentInfo.load(content_info_der, strict=True)
        if content_info["content_type"].dotted != _OID_SIGNED_DATA:
            raise ValueError("not a CMS SignedData")
        signed = content_info["content"]
        encap = signed["encap_content_info"]
        content_type = encap["content_type"].dotted
        content = encap["content"]
        if isinstance(content, core.Void):
            raise ValueError("SignedData without encapsulated content")
        if isinstance(content, core.Any):
            # SignedData v1 is decoded with the PKCS#7 spec, where the content is ANY: an OCTET
            # STRING as CMS (and ICAO) writes it, or, in old PKCS#7, the bare value.
            content = content.parsed
        econtent = bytes(content) if isinstance(content, core.ParsableOctetString) else content.dump()
        if isinstance(content, core.OctetString):
            econtent = bytes(content.native)
        certificates: list[x509.Certificate] = []
        certs = signed["certificates"]
        if not isinstance(certs, core.Void):
            for choice in certs:
                if choice.name == "certificate":
                    cert = choice.chosen
                    cert.native  # noqa: B018 -- force a full decode now, not later in verification
                    certificates.append(cert)
        crls: list[bytes] = []
        revocations = signed["crls"]
        if not isinstance(revocations, core.Void):
            crls = [choice.chosen.dump() for choice in revocations]
        signer_infos = list(signed["signer_infos"])
        if len(signer_infos) != 1:
            raise ValueError(f"expected one signer, found {len(signer_infos)}")
        signer = _signer_view(signer_infos[0])
        signer.info.native  # noqa: B018
        return CmsSignedContent(content_type, bytes(econtent), tuple(certificates), tuple(crls), signer)
    except MalformedDataError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError) as exc:
        raise MalformedDataError(f"bad CMS SignedData: {exc}", file=file) from exc


def _security_object(econtent: bytes) -> SecurityObject:
    try:
        lso = LDSSecurityObject.load(econtent, strict=True)
        version = lso["version"].native
        hash_name = _hash_name(lso["hash_algorithm"])
        hashes: dict[int, bytes] = {}
        for item in lso["data_group_hash_values"]:
            number = item["data_group_number"].native
            if not 1 <= number <= 16 or number in hashes:
                raise ValueError(f"bad or repeated data group number {number}")
            hashes[number] = bytes(item["data_group_hash_value"].native)
        info = lso["lds_version_info"]
        lds_version = unicode_version = None
        if not isinstance(info, core.Void):
            lds_version = info["lds_version"].native
            unicode_version = info["unicode_version"].native
        if version not in (0, 1) or (version == 1) != (lds_version is not None):
            raise ValueError(f"LDSSecurityObject version {version} does not match its LDSVersionInfo")
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError) as exc:
        raise MalformedDataError(f"bad LDSSecurityObject: {exc}", file=_FILE) from exc
    return SecurityObject(version, hash_name, hashes, lds_version, unicode_version)


def parse_sod(data: bytes) -> SodDocument:
    """Parse EF.SOD bytes; anything malformed raises MalformedDataError(file="EF.SOD")."""
    signed = parse_signed_data(unwrap_sod(bytes(data)), file=_FILE)
    if signed.content_type != OID_LDS_SECURITY_OBJECT:
        raise MalformedDataError(f"eContentType {signed.content_type} is not ldsSecurityObject", file=_FILE)
    return SodDocument(bytes(data), signed, _security_object(signed.econtent))
