"""Passive authentication (ICAO 9303-11 §5.1): are the chip's data groups the ones the issuing
State signed, and was the signer a Document Signer of a CSCA we trust?

The three outcomes are kept apart on purpose: a clerk must be able to tell "the data was
altered" from "the signature is fine but we hold no CSCA for that country".
Every signature is checked with ``cryptography``; asn1crypto only supplies structure.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import ecdsa.curves
from asn1crypto import algos, keys
from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

from station.identity import Check, CheckStatus, Verification
from station.readers.errors import MalformedDataError
from station.readers.icao.sod import CmsSignedContent, parse_sod

__all__ = [
    "HASH_ALGORITHMS",
    "PassiveAuthResult",
    "PublicKey",
    "SignatureUnsupportedError",
    "TrustAnchors",
    "load_public_key",
    "named_curve_for",
    "verify_certificate_signature",
    "verify_cms_signer",
    "verify_crl_signature",
    "verify_passive",
    "verify_signature",
]

log = logging.getLogger(__name__)

PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey

HASH_ALGORITHMS: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}
# BSI TR-03111 ecdsa-plain-signatures (r || s instead of DER), used by some eMRTD signers.
_ECDSA_PLAIN = {f"0.4.0.127.0.7.1.1.4.1.{i}": name for i, name in enumerate(HASH_ALGORITHMS, start=1)}
# ecdsa's curve table supplies the domain parameters; cryptography supplies the curve objects.
_CRYPTOGRAPHY_CURVES: dict[str, type[ec.EllipticCurve]] = {
    "NIST192p": ec.SECP192R1,
    "NIST224p": ec.SECP224R1,
    "NIST256p": ec.SECP256R1,
    "NIST384p": ec.SECP384R1,
    "NIST521p": ec.SECP521R1,
    "SECP256k1": ec.SECP256K1,
    "BRAINPOOLP256r1": ec.BrainpoolP256R1,
    "BRAINPOOLP384r1": ec.BrainpoolP384R1,
    "BRAINPOOLP512r1": ec.BrainpoolP512R1,
}


# What asn1crypto raises on malformed structures it parses lazily.
_ASN1_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError)


class SignatureUnsupportedError(Exception):
    """A key or signature algorithm this station cannot check (not the same as a bad signature)."""


# ---------------------------------------------------------------- keys and signatures


def named_curve_for(domain: keys.SpecifiedECDomain) -> ec.EllipticCurve:
    """The named curve equal to explicit EC domain parameters.

    eMRTD certificates often spell the curve out (p, a, b, G, n) instead of naming it, and
    ``cryptography`` refuses explicit parameters; so compare them with the known brainpool and
    NIST curves and load the key on the named curve that matches.
    """
    if domain["field_id"]["field_type"].native != "prime_field":
        raise SignatureUnsupportedError("EC curve over a binary field")
    p = domain["field_id"]["parameters"].native
    a = int.from_bytes(domain["curve"]["a"].native, "big")
    b = int.from_bytes(domain["curve"]["b"].native, "big")
    n = domain["order"].native
    base = bytes(domain["base"].native)
    for known in ecdsa.curves.curves:
        cls = _CRYPTOGRAPHY_CURVES.get(known.name)
        if cls is None:
            continue
        fp = known.curve
        gen = known.generator
        if (fp.p(), fp.a() % fp.p(), fp.b(), known.order) != (p, a % p, b, n):
            continue
        size = known.baselen
        gx, gy = int(gen.x()), int(gen.y())
        uncompressed = b"\x04" + gx.to_bytes(size, "big") + gy.to_bytes(size, "big")
        compressed = bytes([2 + (gy & 1)]) + gx.to_bytes(size, "big")
        if base in (uncompressed, compressed):
            return cls()
    raise SignatureUnsupportedError("explicit EC domain parameters that match no supported named curve")


def load_public_key(spki: keys.PublicKeyInfo) -> PublicKey:
    """A ``cryptography`` public key from SubjectPublicKeyInfo, explicit EC parameters included."""
    algorithm = spki["algorithm"]["algorithm"].native
    try:
        if algorithm in ("rsa", "rsassa_pss"):
            # Built from numbers so an id-RSASSA-PSS key (PSS parameters in the SPKI) loads too.
            parsed = spki["public_key"].parsed
            return rsa.RSAPublicNumbers(parsed["public_exponent"].native, parsed["modulus"].native).public_key()
        if algorithm == "ec":
            params = spki["algorithm"]["parameters"]
            point = bytes(spki["public_key"].native)
            if params.name == "specified":
                return ec.EllipticCurvePublicKey.from_encoded_point(named_curve_for(params.chosen), point)
            key = serialization.load_der_public_key(spki.dump())
            if isinstance(key, ec.EllipticCurvePublicKey):
                return key
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise SignatureUnsupportedError(f"public key cannot be loaded: {exc}") from exc
    raise SignatureUnsupportedError(f"public key algorithm {spki['algorithm']['algorithm'].dotted}")


def _hash(name: str) -> hashes.HashAlgorithm:
    try:
        return HASH_ALGORITHMS[name]()
    except KeyError:
        raise SignatureUnsupportedError(f"hash algorithm {name}") from None


def verify_signature(
    key: PublicKey,
    signature: bytes,
    data: bytes,
    algorithm: algos.SignedDigestAlgorithm,
    digest: str | None = None,
) -> bool:
    """Check one signature; ``digest`` is the hash to use when the algorithm names none (rsaEncryption, ecPublicKey).

    Returns False for a wrong signature and raises SignatureUnsupportedError for what cannot be checked.
    """
    dotted = algorithm["algorithm"].dotted
    try:
        if dotted in _ECDSA_PLAIN:
            scheme, hash_name = "ecdsa_plain", _ECDSA_PLAIN[dotted]
        else:
            scheme = algorithm.signature_algo
            try:
                hash_name = algorithm.hash_algo
            except ValueError:
                if digest is None:
                    raise
                hash_name = digest
    except ValueError as exc:
        raise SignatureUnsupportedError(f"signature algorithm {dotted}") from exc
    chosen = _hash(hash_name)
    try:
        if scheme in ("ecdsa", "ecdsa_plain"):
            if not isinstance(key, ec.EllipticCurvePublicKey):
                return False
            if scheme == "ecdsa_plain":
                half = len(signature) // 2
                if not signature or len(signature) % 2:
                    return False
                signature = utils.encode_dss_signature(
                    int.from_bytes(signature[:half], "big"), int.from_bytes(signature[half:], "big")
                )
            key.verify(signature, data, ec.ECDSA(chosen))
            return True
        if not isinstance(key, rsa.RSAPublicKey):
            return False
        if scheme == "rsassa_pkcs1v15":
            key.verify(signature, data, padding.PKCS1v15(), chosen)
            return True
        if scheme == "rsassa_pss":
            params = algorithm["parameters"]
            mgf = params["mask_gen_algorithm"]
            if mgf["algorithm"].native != "mgf1" or params["trailer_field"].native != "trailer_field_bc":
                raise SignatureUnsupportedError("RSASSA-PSS with a mask generation other than MGF1")
            pss = padding.PSS(
                mgf=padding.MGF1(_hash(mgf["parameters"]["algorithm"].native)),
                salt_length=params["salt_length"].native,
            )
            key.verify(signature, data, pss, chosen)
            return True
    except InvalidSignature:
        return False
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise SignatureUnsupportedError(str(exc)) from exc
    raise SignatureUnsupportedError(f"signature scheme {scheme}")


def verify_certificate_signature(cert: asn1_x509.Certificate, issuer: asn1_x509.Certificate) -> bool:
    """Whether ``issuer``'s key signed ``cert``."""
    key = load_public_key(issuer["tbs_certificate"]["subject_public_key_info"])
    return verify_signature(
        key, bytes(cert["signature_value"].native), cert["tbs_certificate"].dump(), cert["signature_algorithm"]
    )


def verify_crl_signature(crl: asn1_crl.CertificateList, issuer: asn1_x509.Certificate) -> bool:
    key = load_public_key(issuer["tbs_certificate"]["subject_public_key_info"])
    return verify_signature(
        key, bytes(crl["signature"].native), crl["tbs_cert_list"].dump(), crl["signature_algorithm"]
    )


def verify_cms_signer(signed: CmsSignedContent, cert: asn1_x509.Certificate) -> str | None:
    """None when ``cert`` signed ``signed``'s eContent; else why not (a Vietnamese clause for the clerk)."""
    signer = signed.signer
    key = load_public_key(cert["tbs_certificate"]["subject_public_key_info"])
    if signer.signed_attrs is None:
        data = signed.econtent
    else:
        if signer.content_type is not None and signer.content_type != signed.content_type:
            return "loại nội dung đã ký không khớp với nội dung"
        actual = hashlib.new(signer.digest_algorithm, signed.econtent).digest()
        if signer.message_digest is None or not hmac.compare_digest(actual, signer.message_digest):
            return "nội dung đã bị sửa sau khi ký (giá trị băm không khớp)"
        data = signer.signed_attrs
    if not verify_signature(key, signer.signature, data, signer.info["signature_algorithm"], signer.digest_algorithm):
        return "chữ ký số không hợp lệ"
    return None


# ---------------------------------------------------------------- passive authentication


class TrustAnchors(Protocol):
    """What passive authentication needs of a trust store (``TrustStore`` provides it)."""

    def find_issuers(self, issuer: asn1_x509.Name, authority_key_id: bytes | None) -> Sequence[asn1_x509.Certificate]:
        """CSCA certificates whose subject is ``issuer`` (and SKI ``authority_key_id`` when both are known)."""
        ...

    def crls_for(self, csca: asn1_x509.Certificate) -> Sequence[asn1_crl.CertificateList]:
        """CRLs issued under ``csca``'s name (signatures not yet checked)."""
        ...

    def has_country(self, country: str) -> bool:
        """Whether any CSCA of ``country`` (ISO 3166 alpha-2, as in the certificate) is trusted."""
        ...


@dataclass(frozen=True)
class PassiveAuthResult:
    data_group_hashes: Check
    sod_signature: Check
    certificate_chain: Check
    mismatched_groups: tuple[int, ...] = ()
    unsigned_groups: tuple[int, ...] = ()
    ds_subject: str | None = None
    csca_subject: str | None = None
    hash_algorithm: str | None = None

    def apply(self, verification: Verification | None = None) -> Verification:
        """``verification`` with the three passive-authentication checks set."""
        base = verification or Verification()
        return (
            base.with_check("data_group_hashes", self.data_group_hashes)
            .with_check("sod_signature", self.sod_signature)
            .with_check("certificate_chain", self.certificate_chain)
        )


def _groups(numbers: Sequence[int]) -> str:
    return ", ".join(f"DG{n}" for n in numbers)


def _check_hashes(hashes_signed: dict[int, bytes], hash_name: str, data_groups: dict[int, bytes]) -> PassiveAuthResult:
    mismatched: list[int] = []
    unsigned: list[int] = []
    for number in sorted(data_groups):
        expected = hashes_signed.get(number)
        if expected is None:
            unsigned.append(number)
        elif not hmac.compare_digest(hashlib.new(hash_name, data_groups[number]).digest(), expected):
            mismatched.append(number)
    problems = []
    if mismatched:
        problems.append(f"{_groups(mismatched)} bị sửa đổi sau khi ký")
    if unsigned:
        problems.append(f"{_groups(unsigned)} không có trong danh sách đã ký (EF.SOD)")
    if problems:
        check = Check.failed("; ".join(problems))
    elif not data_groups:
        check = Check.not_run("Chưa đọc nhóm dữ liệu nào để đối chiếu")
    else:
        check = Check.passed(
            f"{_groups(sorted(data_groups))} khớp với giá trị băm đã ký ({hash_name.upper().replace('SHA', 'SHA-')})"
        )
    return PassiveAuthResult(check, Check.not_run(), Check.not_run(), tuple(mismatched), tuple(unsigned))


def _country(name: asn1_x509.Name) -> str:
    value = name.native.get("country_name") if isinstance(name.native, dict) else None
    return str(value) if value else "?"


def _common_name(name: asn1_x509.Name) -> str:
    native = name.native if isinstance(name.native, dict) else {}
    value = native.get("common_name") or name.human_friendly
    return str(value[-1] if isinstance(value, list) else value)


def _valid_at(cert: asn1_x509.Certificate, when: dt.datetime) -> bool:
    validity = cert["tbs_certificate"]["validity"]
    return bool(validity["not_before"].native <= when <= validity["not_after"].native)


def _check_chain(
    ds: asn1_x509.Certificate, trust: TrustAnchors, now: dt.datetime, signing_time: dt.datetime | None
) -> tuple[Check, str | None]:
    country = _country(ds.issuer)
    candidates = list(trust.find_issuers(ds.issuer, ds.authority_key_identifier))
    if not candidates:
        if trust.has_country(country):
            # We hold the issuing country's CSCA(s) and none issued this DS: a Document Signer
            # made outside the issuing authority, not a gap in our trust store.
            return Check.failed(
                f"Chứng thư của cơ quan ký (DS) không do CSCA nào của nước cấp ({country}) trong kho tin cậy cấp"
                " — nghi thẻ giả"
            ), None
        return Check(
            status=CheckStatus.UNKNOWN_TRUST_ANCHOR,
            detail=f"Chưa có chứng thư gốc CSCA của nước cấp ({country}) trong kho tin cậy",
        ), None
    csca = None
    for candidate in candidates:
        try:
            if verify_certificate_signature(ds, candidate):
                csca = candidate
                break
        except SignatureUnsupportedError as exc:
            log.info("CSCA candidate skipped: %s", exc)
    if csca is None:
        return Check.failed(
            f"Chứng thư của cơ quan ký (DS) không do CSCA {country} trong kho tin cậy cấp — có thể bị giả mạo"
        ), None
    csca_name = _common_name(csca.subject)
    if ds.key_usage_value is not None and "digital_signature" not in ds.key_usage_value.native:
        return Check.failed("Chứng thư DS không được phép dùng để ký số"), csca_name
    if signing_time is not None and not _valid_at(ds, signing_time):
        return Check.failed("Chứng thư DS không còn hiệu lực vào thời điểm ký"), csca_name
    if not _valid_at(ds, now):
        return Check.failed("Chứng thư DS đã hết hạn hoặc chưa có hiệu lực"), csca_name
    if not _valid_at(csca, now):
        return Check.failed(f"Chứng thư gốc {csca_name} đã hết hạn hoặc chưa có hiệu lực"), csca_name
    crl_checked = False
    for crl in trust.crls_for(csca):
        try:
            if not verify_crl_signature(crl, csca):
                continue
        except SignatureUnsupportedError:
            continue
        crl_checked = True
        revoked = crl["tbs_cert_list"]["revoked_certificates"]
        if any(entry["user_certificate"].native == ds.serial_number for entry in revoked):
            return Check.failed(f"Chứng thư DS đã bị thu hồi (có trong CRL của {csca_name})"), csca_name
    crl_note = "chưa bị thu hồi" if crl_checked else "chưa có CRL để kiểm tra thu hồi"
    return Check.passed(f"Chứng thư DS do {csca_name} ({country}) cấp, còn hiệu lực, {crl_note}"), csca_name


def verify_passive(
    sod: bytes,
    data_groups: dict[int, bytes],
    trust: TrustAnchors,
    now: dt.datetime | None = None,
) -> PassiveAuthResult:
    """Run passive authentication; never raises for bad card data (a malformed SOD fails all three checks).

    ``data_groups`` maps DG number to the complete file bytes as read (tag and length included).
    """
    when = now or dt.datetime.now(dt.UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    try:
        document = parse_sod(sod)
    except MalformedDataError as exc:
        log.warning("EF.SOD does not parse: %s", exc)
        broken = Check.failed("Tệp EF.SOD trên chip bị hỏng hoặc sai cấu trúc, không kiểm tra được")
        return PassiveAuthResult(broken, broken, broken)
    security = document.security_object
    hashes_result = _check_hashes(security.hashes, security.hash_algorithm, data_groups)
    ds = document.ds_certificate
    if ds is None:
        missing = Check.failed("EF.SOD không kèm chứng thư của cơ quan ký (DS)")
        return PassiveAuthResult(
            hashes_result.data_group_hashes,
            missing,
            missing,
            hashes_result.mismatched_groups,
            hashes_result.unsigned_groups,
            hash_algorithm=security.hash_algorithm,
        )
    try:
        reason = verify_cms_signer(document.cms, ds)
        signature = (
            Check.passed("Chữ ký số của cơ quan cấp thẻ hợp lệ")
            if reason is None
            else Check.failed(f"EF.SOD: {reason} — dữ liệu chip có thể đã bị làm giả")
        )
    except SignatureUnsupportedError as exc:
        log.info("SOD signature not checkable: %s", exc)
        signature = Check.not_supported("Thuật toán chữ ký của EF.SOD chưa được hỗ trợ")
    except _ASN1_ERRORS as exc:
        log.warning("SOD signer info malformed: %s", exc)
        signature = Check.failed("Thông tin chữ ký trong EF.SOD sai cấu trúc")
    try:
        chain, csca_name = _check_chain(ds, trust, when, document.cms.signer.signing_time)
    except SignatureUnsupportedError as exc:
        log.info("certificate chain not checkable: %s", exc)
        chain, csca_name = Check.not_supported("Thuật toán của chứng thư DS/CSCA chưa được hỗ trợ"), None
    except _ASN1_ERRORS as exc:
        log.warning("DS certificate malformed: %s", exc)
        chain, csca_name = Check.failed("Chứng thư của cơ quan ký (DS) sai cấu trúc"), None
    return PassiveAuthResult(
        hashes_result.data_group_hashes,
        signature,
        chain,
        hashes_result.mismatched_groups,
        hashes_result.unsigned_groups,
        ds_subject=_common_name(ds.subject),
        csca_subject=csca_name,
        hash_algorithm=security.hash_algorithm,
    )
