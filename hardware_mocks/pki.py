"""The test PKI the virtual card signs with: a test CSCA for VN, its Document Signer, a master
list signer, and a "forger" CSCA + DS that no master list carries.

Everything is generated once and persisted as PEM so runs (and the virtual card, and the
trust store a tester imported) keep agreeing on the same keys. Two variants exist: ECDSA on
brainpoolP256r1 (what most eMRTD PKIs use) and RSA-2048.

``python -m hardware_mocks.pki --out DIR`` writes the PEMs and ``test-master-list.ml``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal

import ecdsa.curves
from asn1crypto import algos, cms, core, keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

from station.readers.icao.passive_auth import HASH_ALGORITHMS
from station.readers.icao.sod import OID_LDS_SECURITY_OBJECT, SOD_TAG, LDSSecurityObject
from station.readers.icao.trust_store import OID_CSCA_MASTER_LIST, CscaMasterList

__all__ = [
    "OID_CSCA_MASTER_LIST",
    "Algorithm",
    "PrivateKey",
    "SignatureScheme",
    "TestPKI",
    "build_crl",
    "build_master_list",
    "build_signed_data",
    "build_sod",
    "load_or_create",
    "main",
    "with_explicit_ec_parameters",
    "write_master_list",
]

Algorithm = Literal["ecdsa", "rsa"]
PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
SignatureScheme = Literal["auto", "pkcs1v15", "pss"]

_OID_DOCUMENT_TYPE_LIST = x509.ObjectIdentifier("2.23.136.1.1.6.2")
_OID_ML_SIGNING_KEY = x509.ObjectIdentifier("2.23.136.1.1.3")
_ROLES = ("csca", "ds", "ml_signer", "forger_csca", "forger_ds")


@dataclass(frozen=True)
class TestPKI:
    """Keys and certificates as ``cryptography`` objects."""

    __test__ = False  # not a pytest test class despite its name

    csca_key: PrivateKey
    csca_cert: x509.Certificate
    ds_key: PrivateKey
    ds_cert: x509.Certificate
    ml_signer_key: PrivateKey
    ml_signer_cert: x509.Certificate
    forger_csca_cert: x509.Certificate
    forger_ds_key: PrivateKey
    forger_ds_cert: x509.Certificate
    forger_csca_key: PrivateKey
    algorithm: Algorithm = "ecdsa"


# ---------------------------------------------------------------- CMS building


def _hash(digest: str) -> hashes.HashAlgorithm:
    try:
        return HASH_ALGORITHMS[digest]()
    except KeyError:
        raise ValueError(f"unsupported digest {digest!r}") from None


def _signature_algorithm(key: PrivateKey, digest: str, scheme: SignatureScheme) -> algos.SignedDigestAlgorithm:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return algos.SignedDigestAlgorithm({"algorithm": f"{digest}_ecdsa"})
    if scheme == "pss":
        size = _hash(digest).digest_size
        params = algos.RSASSAPSSParams(
            {
                "hash_algorithm": {"algorithm": digest},
                "mask_gen_algorithm": {"algorithm": "mgf1", "parameters": {"algorithm": digest}},
                "salt_length": size,
                "trailer_field": "trailer_field_bc",
            }
        )
        return algos.SignedDigestAlgorithm({"algorithm": "rsassa_pss", "parameters": params})
    return algos.SignedDigestAlgorithm({"algorithm": f"{digest}_rsa"})


def _sign(key: PrivateKey, data: bytes, digest: str, scheme: SignatureScheme) -> bytes:
    algorithm = _hash(digest)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(algorithm))
    if scheme == "pss":
        pss = padding.PSS(mgf=padding.MGF1(algorithm), salt_length=algorithm.digest_size)
        return key.sign(data, pss, algorithm)
    return key.sign(data, padding.PKCS1v15(), algorithm)


def build_signed_data(
    content_type: str,
    econtent: bytes,
    signer_key: PrivateKey,
    signer_cert: x509.Certificate,
    *,
    digest: str = "sha256",
    scheme: SignatureScheme = "auto",
    extra_certs: Iterable[x509.Certificate] = (),
    signed_attributes: bool = True,
    signing_time: dt.datetime | None = None,
    signer_id: Literal["issuer_serial", "ski"] = "issuer_serial",
) -> bytes:
    """DER of a CMS ContentInfo/SignedData (v3) over ``econtent``, the signer named by issuer+serial or SKI."""
    cert = asn1_x509.Certificate.load(signer_cert.public_bytes(serialization.Encoding.DER))
    digest_algorithm = algos.DigestAlgorithm({"algorithm": digest})
    if signer_id == "ski":
        sid = cms.SignerIdentifier(name="subject_key_identifier", value=cert.key_identifier)
    else:
        sid = cms.SignerIdentifier(
            {"issuer_and_serial_number": {"issuer": cert.issuer, "serial_number": cert.serial_number}}
        )
    signer: dict[str, object] = {
        "version": "v3" if signer_id == "ski" else "v1",
        "sid": sid,
        "digest_algorithm": digest_algorithm,
        "signature_algorithm": _signature_algorithm(signer_key, digest, scheme),
    }
    if signed_attributes:
        attrs: list[dict[str, object]] = [
            {"type": "content_type", "values": [content_type]},
            {"type": "message_digest", "values": [hashlib.new(digest, econtent).digest()]},
        ]
        if signing_time is not None:
            attrs.append({"type": "signing_time", "values": [cms.Time({"utc_time": signing_time})]})
        signed_attrs = cms.CMSAttributes(attrs)
        signer["signed_attrs"] = signed_attrs
        to_sign = signed_attrs.dump()  # universal SET tag: what CMS signs
    else:
        to_sign = econtent
    signer["signature"] = _sign(signer_key, to_sign, digest, scheme)
    certificates = [cert] + [
        asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in extra_certs
    ]
    signed_data = cms.SignedData(
        {
            "version": "v3",
            "digest_algorithms": [digest_algorithm],
            "encap_content_info": {
                "content_type": content_type,
                "content": core.ParsableOctetString(econtent),
            },
            "certificates": certificates,
            "signer_infos": [cms.SignerInfo(signer)],
        }
    )
    return bytes(cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump())


def _tlv(tag: int, value: bytes) -> bytes:
    n = len(value)
    if n < 0x80:
        length = bytes([n])
    else:
        raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + length + value


def build_sod(
    dg_contents: dict[int, bytes],
    ds_key: PrivateKey,
    ds_cert: x509.Certificate,
    digest: str = "sha256",
    *,
    scheme: SignatureScheme = "auto",
    lds_version: tuple[str, str] | None = None,
    signed_attributes: bool = True,
    signing_time: dt.datetime | None = None,
    signer_id: Literal["issuer_serial", "ski"] = "issuer_serial",
) -> bytes:
    """Full EF.SOD bytes (tag 77) over the given data groups' complete file bytes.

    ``scheme`` picks RSA PKCS#1 v1.5 or PSS (ignored for EC keys); ``lds_version`` such as
    ``("0108", "040000")`` produces the v1 LDSSecurityObject with LDSVersionInfo.
    """
    values = [
        {"data_group_number": number, "data_group_hash_value": hashlib.new(digest, content).digest()}
        for number, content in sorted(dg_contents.items())
    ]
    lso: dict[str, object] = {
        "version": 1 if lds_version else 0,
        "hash_algorithm": {"algorithm": digest},
        "data_group_hash_values": values,
    }
    if lds_version:
        lso["lds_version_info"] = {"lds_version": lds_version[0], "unicode_version": lds_version[1]}
    econtent = LDSSecurityObject(lso).dump()
    content_info = build_signed_data(
        OID_LDS_SECURITY_OBJECT,
        econtent,
        ds_key,
        ds_cert,
        digest=digest,
        scheme=scheme,
        signed_attributes=signed_attributes,
        signing_time=signing_time,
        signer_id=signer_id,
    )
    return _tlv(SOD_TAG, content_info)


# ---------------------------------------------------------------- master list, CRL


def build_master_list(
    cscas: Sequence[x509.Certificate],
    signer_key: PrivateKey,
    signer_cert: x509.Certificate,
    *,
    digest: str = "sha256",
    extra_certs: Iterable[x509.Certificate] = (),
) -> bytes:
    """An ICAO CSCA master list (.ml): CMS SignedData over CscaMasterList {version 0, certList}."""
    cert_list = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in cscas]
    econtent = CscaMasterList({"version": 0, "cert_list": cert_list}).dump()
    return build_signed_data(
        OID_CSCA_MASTER_LIST, econtent, signer_key, signer_cert, digest=digest, extra_certs=extra_certs
    )


def write_master_list(path: Path, pki: TestPKI) -> Path:
    """Write the test master list (the test CSCA only, never the forger's); a directory gets ``test-master-list.ml``."""
    target = path / "test-master-list.ml" if path.is_dir() else path
    target.write_bytes(build_master_list([pki.csca_cert], pki.ml_signer_key, pki.ml_signer_cert))
    return target


def build_crl(
    issuer_key: PrivateKey,
    issuer_cert: x509.Certificate,
    revoked_serials: Iterable[int] = (),
    *,
    now: dt.datetime | None = None,
) -> x509.CertificateRevocationList:
    """A CRL from a (test) CSCA listing the given certificate serial numbers as revoked."""
    now = now or dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer_cert.subject)
        .last_update(now - dt.timedelta(days=1))
        .next_update(now + dt.timedelta(days=90))
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
        .add_extension(x509.CRLNumber(1), critical=False)
    )
    for serial in revoked_serials:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(now - dt.timedelta(hours=1)).build()
        )
    return builder.sign(issuer_key, hashes.SHA256())


def with_explicit_ec_parameters(cert: x509.Certificate, issuer_key: PrivateKey) -> x509.Certificate:
    """``cert`` with its EC curve spelled out (p, a, b, G, n, h) instead of named, re-signed by ``issuer_key``.

    Many eMRTD Document Signer certificates look like this; readers must cope with them.
    """
    original = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    spki = original["tbs_certificate"]["subject_public_key_info"]
    curve_name = spki["algorithm"]["parameters"].chosen.native
    known = {
        "brainpoolp256r1": ecdsa.curves.BRAINPOOLP256r1,
        "brainpoolp384r1": ecdsa.curves.BRAINPOOLP384r1,
        "brainpoolp512r1": ecdsa.curves.BRAINPOOLP512r1,
        "secp256r1": ecdsa.curves.NIST256p,
        "secp384r1": ecdsa.curves.NIST384p,
    }[curve_name]
    field_curve, generator, size = known.curve, known.generator, known.baselen
    domain = keys.SpecifiedECDomain(
        {
            "version": "ecdpVer1",
            "field_id": {"field_type": "prime_field", "parameters": field_curve.p()},
            "curve": {
                "a": (field_curve.a() % field_curve.p()).to_bytes(size, "big"),
                "b": field_curve.b().to_bytes(size, "big"),
            },
            "base": b"\x04" + int(generator.x()).to_bytes(size, "big") + int(generator.y()).to_bytes(size, "big"),
            "order": known.order,
            "cofactor": 1,
        }
    )
    tbs = asn1_x509.TbsCertificate.load(original["tbs_certificate"].dump())
    tbs["subject_public_key_info"] = keys.PublicKeyInfo(
        {
            "algorithm": {"algorithm": "ec", "parameters": keys.ECDomainParameters(name="specified", value=domain)},
            "public_key": spki["public_key"].native,
        }
    )
    tbs_der = tbs.dump(force=True)
    signature = _sign(issuer_key, tbs_der, "sha256", "auto")
    rebuilt = asn1_x509.Certificate(
        {
            "tbs_certificate": asn1_x509.TbsCertificate.load(tbs_der),
            "signature_algorithm": original["signature_algorithm"],
            "signature_value": signature,
        }
    )
    return x509.load_der_x509_certificate(rebuilt.dump())


# ---------------------------------------------------------------- certificates


def _new_key(algorithm: Algorithm) -> PrivateKey:
    if algorithm == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(ec.BrainpoolP256R1())


def _name(common_name: str, organization: str = "Bo Cong an TEST") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _document_type_list() -> bytes:
    """DER of DocumentTypeList {version 0, docTypeList {"ID"}} (9303-12 §7.1.1.2): this DS signs ID cards."""

    class DocumentTypes(core.SetOf):  # type: ignore[misc]  # asn1crypto is untyped
        _child_spec: ClassVar[type[Any]] = core.PrintableString

    class DocumentTypeList(core.Sequence):  # type: ignore[misc]  # asn1crypto is untyped
        _fields: ClassVar[list[tuple[Any, ...]]] = [("version", core.Integer), ("doc_type_list", DocumentTypes)]

    return bytes(DocumentTypeList({"version": 0, "doc_type_list": ["ID"]}).dump())


def _certificate(
    subject: x509.Name,
    key: PrivateKey,
    issuer: x509.Certificate | None,
    issuer_key: PrivateKey,
    *,
    ca: bool,
    years: int,
    extra: Sequence[x509.ExtensionType] = (),
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    )
    usage = dict.fromkeys(
        (
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        ),
        False,
    )
    if ca:
        usage.update(key_cert_sign=True, crl_sign=True)
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
    else:
        usage.update(digital_signature=True)
    builder = builder.add_extension(x509.KeyUsage(**usage), critical=True)
    for ext in extra:
        builder = builder.add_extension(ext, critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _generate(algorithm: Algorithm) -> dict[str, tuple[PrivateKey, x509.Certificate]]:
    doc_type = x509.UnrecognizedExtension(_OID_DOCUMENT_TYPE_LIST, _document_type_list())
    csca_key, forger_key = _new_key(algorithm), _new_key(algorithm)
    csca = _certificate(_name("CSCA VIETNAM TEST"), csca_key, None, csca_key, ca=True, years=20)
    forger = _certificate(_name("CSCA FORGER TEST", "Forger"), forger_key, None, forger_key, ca=True, years=20)
    ds_key, ml_key, forger_ds_key = _new_key(algorithm), _new_key(algorithm), _new_key(algorithm)
    ds = _certificate(_name("DS VIETNAM TEST 1"), ds_key, csca, csca_key, ca=False, years=15, extra=[doc_type])
    ml_usage = x509.ExtendedKeyUsage([_OID_ML_SIGNING_KEY])
    ml = _certificate(
        _name("MASTER LIST SIGNER VIETNAM TEST"), ml_key, csca, csca_key, ca=False, years=5, extra=[ml_usage]
    )
    forger_ds = _certificate(
        _name("DS FORGER TEST", "Forger"), forger_ds_key, forger, forger_key, ca=False, years=15, extra=[doc_type]
    )
    return {
        "csca": (csca_key, csca),
        "ds": (ds_key, ds),
        "ml_signer": (ml_key, ml),
        "forger_csca": (forger_key, forger),
        "forger_ds": (forger_ds_key, forger_ds),
    }


# ---------------------------------------------------------------- persistence


def _default_directory() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("cccd-station")) / "test-pki"


def _write_pems(directory: Path, parts: dict[str, tuple[PrivateKey, x509.Certificate]]) -> None:
    for role, (key, cert) in parts.items():
        (directory / f"{role}-key.pem").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        (directory / f"{role}-cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _read_pems(directory: Path, algorithm: Algorithm) -> TestPKI:
    parts: dict[str, tuple[PrivateKey, x509.Certificate]] = {}
    for role in _ROLES:
        key = serialization.load_pem_private_key((directory / f"{role}-key.pem").read_bytes(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
            raise ValueError(f"{role}: unexpected key type {type(key).__name__}")
        parts[role] = key, x509.load_pem_x509_certificate((directory / f"{role}-cert.pem").read_bytes())
    return TestPKI(
        csca_key=parts["csca"][0],
        csca_cert=parts["csca"][1],
        ds_key=parts["ds"][0],
        ds_cert=parts["ds"][1],
        ml_signer_key=parts["ml_signer"][0],
        ml_signer_cert=parts["ml_signer"][1],
        forger_csca_cert=parts["forger_csca"][1],
        forger_ds_key=parts["forger_ds"][0],
        forger_ds_cert=parts["forger_ds"][1],
        forger_csca_key=parts["forger_csca"][0],
        algorithm=algorithm,
    )


def load_or_create(directory: Path | None = None, *, algorithm: Algorithm = "ecdsa") -> TestPKI:
    """The test PKI stored under ``directory/<algorithm>/``, generated on first use.

    Generation writes into a temporary sibling and renames it into place, so parallel test
    processes never see half a PKI; whoever renames first wins and the others load that one.
    """
    base = Path(directory) if directory is not None else _default_directory()
    target = base / algorithm
    if not (target / "forger_ds-cert.pem").exists():
        base.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{algorithm}-", dir=base))
        try:
            _write_pems(staging, _generate(algorithm))
            try:
                os.rename(staging, target)
            except OSError:
                if not (target / "forger_ds-cert.pem").exists():
                    raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return _read_pems(target, algorithm)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m hardware_mocks.pki", description="Write the test PKI and master list"
    )
    parser.add_argument("--out", type=Path, required=True, help="directory to write PEMs and test-master-list.ml into")
    parser.add_argument("--algorithm", choices=["ecdsa", "rsa"], default="ecdsa")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    pki = load_or_create(out, algorithm=args.algorithm)
    name = "test-master-list.ml" if args.algorithm == "ecdsa" else f"test-master-list-{args.algorithm}.ml"
    path = write_master_list(out / name, pki)
    print(f"PKI thử nghiệm ({args.algorithm}): {out / args.algorithm}/*.pem; danh sách CSCA: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
