"""Passive authentication against the test PKI: genuine, altered, forged, revoked, every signature family."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import ecdsa.curves
import pytest
from asn1crypto import keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from hardware_mocks.pki import (
    SignatureScheme,
    TestPKI,
    build_crl,
    build_sod,
    with_explicit_ec_parameters,
    write_master_list,
)
from station.identity import CheckStatus, Verification
from station.readers.icao.passive_auth import (
    SignatureUnsupportedError,
    named_curve_for,
    verify_passive,
)
from station.readers.icao.sod import parse_sod
from station.readers.icao.trust_store import TrustStore

PASSED = CheckStatus.PASSED
FAILED = CheckStatus.FAILED
UNKNOWN = CheckStatus.UNKNOWN_TRUST_ANCHOR


def _statuses(result: object) -> tuple[CheckStatus, CheckStatus, CheckStatus]:
    return (
        result.data_group_hashes.status,  # type: ignore[attr-defined]
        result.sod_signature.status,  # type: ignore[attr-defined]
        result.certificate_chain.status,  # type: ignore[attr-defined]
    )


def test_genuine_sod_with_master_list_passes_all_three(
    pki: TestPKI, data_groups: dict[int, bytes], trusted_store: TrustStore
) -> None:
    sod = build_sod(data_groups, pki.ds_key, pki.ds_cert)
    result = verify_passive(sod, data_groups, trusted_store)
    assert _statuses(result) == (PASSED, PASSED, PASSED)
    assert result.sod_signature.detail == "Chữ ký số của cơ quan cấp thẻ hợp lệ"
    assert "CSCA VIETNAM TEST" in (result.certificate_chain.detail or "")
    assert result.csca_subject == "CSCA VIETNAM TEST"
    verification = result.apply(Verification())
    assert verification.checks().keys() == {"data_group_hashes", "sod_signature", "certificate_chain"}
    assert not verification.any_failed


def test_without_master_list_the_chain_has_no_trust_anchor(
    tmp_path: Path, pki: TestPKI, data_groups: dict[int, bytes]
) -> None:
    sod = build_sod(data_groups, pki.ds_key, pki.ds_cert)
    result = verify_passive(sod, data_groups, TrustStore(tmp_path / "empty"))
    assert _statuses(result) == (PASSED, PASSED, UNKNOWN)
    assert result.certificate_chain.detail == "Chưa có chứng thư gốc CSCA của nước cấp (VN) trong kho tin cậy"


def test_data_group_changed_after_signing_is_named(
    pki: TestPKI, data_groups: dict[int, bytes], trusted_store: TrustStore
) -> None:
    sod = build_sod(data_groups, pki.ds_key, pki.ds_cert)
    altered = {**data_groups, 2: data_groups[2][:-1] + bytes([data_groups[2][-1] ^ 0x01])}
    result = verify_passive(sod, altered, trusted_store)
    assert _statuses(result) == (FAILED, PASSED, PASSED)
    assert result.mismatched_groups == (2,)
    assert result.data_group_hashes.detail == "DG2 bị sửa đổi sau khi ký"


def test_group_read_but_not_signed_fails_and_signed_but_unread_does_not(
    pki: TestPKI, data_groups: dict[int, bytes], trusted_store: TrustStore
) -> None:
    signed = {n: data_groups[n] for n in (1, 2, 13)}
    sod = build_sod(signed, pki.ds_key, pki.ds_cert)
    only_some = {1: data_groups[1]}
    assert verify_passive(sod, only_some, trusted_store).data_group_hashes.status is PASSED
    extra = verify_passive(sod, {**signed, 14: data_groups[14]}, trusted_store)
    assert extra.data_group_hashes.status is FAILED
    assert extra.unsigned_groups == (14,)
    assert "DG14" in (extra.data_group_hashes.detail or "")


def test_nothing_read_is_not_run(pki: TestPKI, data_groups: dict[int, bytes], trusted_store: TrustStore) -> None:
    sod = build_sod(data_groups, pki.ds_key, pki.ds_cert)
    assert verify_passive(sod, {}, trusted_store).data_group_hashes.status is CheckStatus.NOT_RUN


def test_forger_sod_fails_the_chain_when_the_country_csca_is_trusted(
    pki: TestPKI, data_groups: dict[int, bytes], trusted_store: TrustStore
) -> None:
    sod = build_sod(data_groups, pki.forger_ds_key, pki.forger_ds_cert)
    result = verify_passive(sod, data_groups, trusted_store)
    assert result.certificate_chain.status is FAILED
    assert "nghi thẻ giả" in (result.certificate_chain.detail or "")
    assert result.sod_signature.status is PASSED  # signed consistently, just not by anyone we trust


def test_forger_sod_has_no_trust_anchor_when_no_csca_of_the_country_is_known(
    tmp_path: Path, pki: TestPKI, data_groups: dict[int, bytes]
) -> None:
    sod = build_sod(data_groups, pki.forger_ds_key, pki.forger_ds_cert)
    result = verify_passive(sod, data_groups, TrustStore(tmp_path / "empty"))
    assert result.certificate_chain.status is UNKNOWN


def _tampered(cert: x509.Certificate) -> x509.Certificate:
    """The same certificate with its subject's common name changed and the old signature kept."""
    der = cert.public_bytes(serialization.Encoding.DER)
    old, new = b"DS FORGER TEST", b"DS VIETNAM TES"
    assert der.count(old) == 1
    return x509.load_der_x509_certificate(der.replace(old, new))


def test_forger_csca_imported_but_ds_tampered_fails(
    tmp_path: Path, pki: TestPKI, data_groups: dict[int, bytes]
) -> None:
    store = TrustStore(tmp_path / "trust")
    pem = tmp_path / "forger-csca.pem"
    pem.write_bytes(pki.forger_csca_cert.public_bytes(serialization.Encoding.PEM))
    assert len(store.import_path(pem).added) == 1
    genuine = verify_passive(build_sod(data_groups, pki.forger_ds_key, pki.forger_ds_cert), data_groups, store)
    assert genuine.certificate_chain.status is PASSED  # the store trusts what it is given
    tampered = build_sod(data_groups, pki.forger_ds_key, _tampered(pki.forger_ds_cert))
    result = verify_passive(tampered, data_groups, store)
    assert result.certificate_chain.status is FAILED
    assert "giả mạo" in (result.certificate_chain.detail or "")


def test_flipped_signature_fails_the_signature_only(
    pki: TestPKI, data_groups: dict[int, bytes], trusted_store: TrustStore
) -> None:
    sod = bytearray(build_sod(data_groups, pki.ds_key, pki.ds_cert))
    sod[-1] ^= 0x01  # the signature is the SOD's last field
    result = verify_passive(bytes(sod), data_groups, trusted_store)
    assert _statuses(result) == (PASSED, FAILED, PASSED)
    assert "chữ ký số không hợp lệ" in (result.sod_signature.detail or "")


def test_hash_list_altered_inside_the_sod_fails_the_signature(
    pki: TestPKI, data_groups: dict[int, bytes], trusted_store: TrustStore
) -> None:
    """A forger who rewrites the hash of DG2 in EF.SOD to match new data breaks the message digest."""
    sod = build_sod(data_groups, pki.ds_key, pki.ds_cert)
    parsed = parse_sod(sod)
    old_hash = parsed.security_object.hashes[2]
    altered = {**data_groups, 2: data_groups[2] + b"\x00"}
    new_hash = hashlib.sha256(altered[2]).digest()
    forged = sod.replace(old_hash, new_hash)
    result = verify_passive(forged, altered, trusted_store)
    assert result.data_group_hashes.status is PASSED
    assert result.sod_signature.status is FAILED
    assert "bị sửa sau khi ký" in (result.sod_signature.detail or "")


def test_revoked_ds_in_imported_crl_fails_the_chain(
    tmp_path: Path, pki: TestPKI, data_groups: dict[int, bytes], trusted_store: TrustStore
) -> None:
    sod = build_sod(data_groups, pki.ds_key, pki.ds_cert)
    clean = tmp_path / "clean.crl"
    clean.write_bytes(build_crl(pki.csca_key, pki.csca_cert, [12345]).public_bytes(serialization.Encoding.DER))
    assert len(trusted_store.import_path(clean).crls_added) == 1
    passed = verify_passive(sod, data_groups, trusted_store)
    assert passed.certificate_chain.status is PASSED
    assert "chưa bị thu hồi" in (passed.certificate_chain.detail or "")

    # A CRL claiming the CSCA's name but signed by someone else is ignored.
    fake = build_crl(pki.forger_csca_key, pki.csca_cert, [pki.ds_cert.serial_number])
    (tmp_path / "fake.crl").write_bytes(fake.public_bytes(serialization.Encoding.PEM))
    trusted_store.import_path(tmp_path / "fake.crl")
    assert verify_passive(sod, data_groups, trusted_store).certificate_chain.status is PASSED

    revoking = build_crl(pki.csca_key, pki.csca_cert, [pki.ds_cert.serial_number])
    (tmp_path / "revoked.crl").write_bytes(revoking.public_bytes(serialization.Encoding.PEM))
    trusted_store.import_path(tmp_path / "revoked.crl")
    result = verify_passive(sod, data_groups, TrustStore(trusted_store.directory))  # also proves persistence
    assert result.certificate_chain.status is FAILED
    assert "thu hồi" in (result.certificate_chain.detail or "")


def test_expired_ds_fails_the_chain(pki: TestPKI, data_groups: dict[int, bytes], trusted_store: TrustStore) -> None:
    sod = build_sod(data_groups, pki.ds_key, pki.ds_cert)
    later = pki.ds_cert.not_valid_after_utc + dt.timedelta(days=1)
    result = verify_passive(sod, data_groups, trusted_store, now=later)
    assert result.certificate_chain.status is FAILED
    assert "hết hạn" in (result.certificate_chain.detail or "")


def test_signing_time_outside_ds_validity_fails(
    pki: TestPKI, data_groups: dict[int, bytes], trusted_store: TrustStore
) -> None:
    before = pki.ds_cert.not_valid_before_utc - dt.timedelta(days=30)
    sod = build_sod(data_groups, pki.ds_key, pki.ds_cert, signing_time=before)
    assert parse_sod(sod).cms.signer.signing_time == before
    result = verify_passive(sod, data_groups, trusted_store)
    assert result.certificate_chain.status is FAILED
    assert "thời điểm ký" in (result.certificate_chain.detail or "")


@pytest.mark.parametrize(
    ("algorithm", "scheme", "digest"),
    [
        ("ecdsa", "auto", "sha1"),
        ("ecdsa", "auto", "sha224"),
        ("ecdsa", "auto", "sha256"),
        ("ecdsa", "auto", "sha384"),
        ("ecdsa", "auto", "sha512"),
        ("rsa", "pkcs1v15", "sha1"),
        ("rsa", "pkcs1v15", "sha256"),
        ("rsa", "pss", "sha256"),
        ("rsa", "pss", "sha384"),
        ("rsa", "pss", "sha512"),
    ],
)
def test_signature_families_and_hashes(
    tmp_path: Path,
    pki: TestPKI,
    rsa_pki: TestPKI,
    data_groups: dict[int, bytes],
    algorithm: str,
    scheme: SignatureScheme,
    digest: str,
) -> None:
    chosen = rsa_pki if algorithm == "rsa" else pki
    store = TrustStore(tmp_path / "trust")
    store.import_path(write_master_list(tmp_path / "ml.ml", chosen))
    sod = build_sod(data_groups, chosen.ds_key, chosen.ds_cert, digest, scheme=scheme)
    parsed = parse_sod(sod)
    assert parsed.security_object.hash_algorithm == digest
    expected_sig = {"ecdsa": "ecdsa", "pkcs1v15": "rsassa_pkcs1v15", "pss": "rsassa_pss"}[
        "ecdsa" if algorithm == "ecdsa" else scheme
    ]
    assert parsed.cms.signer.info["signature_algorithm"].signature_algo == expected_sig
    result = verify_passive(sod, data_groups, store)
    assert _statuses(result) == (PASSED, PASSED, PASSED)
    assert result.hash_algorithm == digest
    broken = {**data_groups, 13: data_groups[13] + b"!"}
    assert verify_passive(sod, broken, store).mismatched_groups == (13,)


def test_v1_security_object_without_signed_attributes(
    pki: TestPKI, data_groups: dict[int, bytes], trusted_store: TrustStore
) -> None:
    sod = build_sod(data_groups, pki.ds_key, pki.ds_cert, lds_version=("0108", "040000"), signed_attributes=False)
    parsed = parse_sod(sod)
    assert (parsed.security_object.version, parsed.security_object.lds_version) == (1, "0108")
    assert parsed.cms.signer.signed_attrs is None
    assert _statuses(verify_passive(sod, data_groups, trusted_store)) == (PASSED, PASSED, PASSED)
    flipped = bytearray(sod)
    flipped[-2] ^= 0x40
    assert verify_passive(bytes(flipped), data_groups, trusted_store).sod_signature.status is FAILED


@pytest.mark.parametrize("algorithm", ["ecdsa", "rsa"])
def test_ds_certificate_with_explicit_curve_parameters(
    tmp_path: Path, pki: TestPKI, rsa_pki: TestPKI, data_groups: dict[int, bytes], algorithm: str
) -> None:
    """The DS key is brainpoolP256r1 spelled out as (p, a, b, G, n, h), which cryptography alone refuses."""
    issuer = rsa_pki if algorithm == "rsa" else pki
    store = TrustStore(tmp_path / "trust")
    store.import_path(write_master_list(tmp_path / "ml.ml", issuer))
    ds_key = ec.generate_private_key(ec.BrainpoolP256R1())
    named = (
        x509.CertificateBuilder()
        .subject_name(issuer.ds_cert.subject)
        .issuer_name(issuer.csca_cert.subject)
        .public_key(ds_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(issuer.ds_cert.not_valid_before_utc)
        .not_valid_after(issuer.ds_cert.not_valid_after_utc)
        .sign(issuer.csca_key, hashes.SHA256())
    )
    explicit = with_explicit_ec_parameters(named, issuer.csca_key)
    spki = asn1_x509.Certificate.load(explicit.public_bytes(serialization.Encoding.DER))["tbs_certificate"][
        "subject_public_key_info"
    ]
    assert spki["algorithm"]["parameters"].name == "specified"
    sod = build_sod(data_groups, ds_key, explicit)
    assert _statuses(verify_passive(sod, data_groups, store)) == (PASSED, PASSED, PASSED)


def test_explicit_parameters_map_to_named_curves_and_reject_others() -> None:
    def domain(curve: ecdsa.curves.Curve, order_delta: int = 0) -> keys.SpecifiedECDomain:
        fp, g, size = curve.curve, curve.generator, curve.baselen
        return keys.SpecifiedECDomain(
            {
                "version": "ecdpVer1",
                "field_id": {"field_type": "prime_field", "parameters": fp.p()},
                "curve": {"a": (fp.a() % fp.p()).to_bytes(size, "big"), "b": fp.b().to_bytes(size, "big")},
                "base": b"\x04" + int(g.x()).to_bytes(size, "big") + int(g.y()).to_bytes(size, "big"),
                "order": curve.order + order_delta,
            }
        )

    assert named_curve_for(domain(ecdsa.curves.BRAINPOOLP256r1)).name == "brainpoolP256r1"
    assert named_curve_for(domain(ecdsa.curves.BRAINPOOLP384r1)).name == "brainpoolP384r1"
    assert named_curve_for(domain(ecdsa.curves.NIST256p)).name == "secp256r1"
    with pytest.raises(SignatureUnsupportedError):
        named_curve_for(domain(ecdsa.curves.NIST256p, order_delta=2))
    with pytest.raises(SignatureUnsupportedError):
        named_curve_for(domain(ecdsa.curves.BRAINPOOLP224r1))  # real curve, but cryptography lacks it


def test_malformed_sod_fails_all_checks_without_raising(
    data_groups: dict[int, bytes], trusted_store: TrustStore
) -> None:
    result = verify_passive(b"\x77\x03\x30\x01\x00", data_groups, trusted_store)
    assert _statuses(result) == (FAILED, FAILED, FAILED)
    assert "EF.SOD" in (result.sod_signature.detail or "")


def test_ecdsa_plain_signature_format(pki: TestPKI, data_groups: dict[int, bytes], trusted_store: TrustStore) -> None:
    """BSI TR-03111 ecdsa-plain-SHA256 (r || s) as some signers use, re-encoded from a normal SOD."""
    from asn1crypto import cms
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    sod = build_sod(data_groups, pki.ds_key, pki.ds_cert)
    content_info = cms.ContentInfo.load(sod[4:])
    signer = content_info["content"]["signer_infos"][0]
    r, s = decode_dss_signature(signer["signature"].native)
    signer["signature_algorithm"] = {"algorithm": "0.4.0.127.0.7.1.1.4.1.3"}
    signer["signature"] = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    der = content_info.dump(force=True)
    plain = b"\x77\x82" + len(der).to_bytes(2, "big") + der
    assert _statuses(verify_passive(plain, data_groups, trusted_store)) == (PASSED, PASSED, PASSED)
    signer["signature"] = r.to_bytes(32, "big") + (s ^ 1).to_bytes(32, "big")
    der = content_info.dump(force=True)
    broken = b"\x77\x82" + len(der).to_bytes(2, "big") + der
    assert verify_passive(broken, data_groups, trusted_store).sod_signature.status is FAILED


def test_signer_by_subject_key_identifier_verifies(
    pki: TestPKI, data_groups: dict[int, bytes], trusted_store: TrustStore
) -> None:
    sod = build_sod(data_groups, pki.ds_key, pki.ds_cert, signer_id="ski")
    assert _statuses(verify_passive(sod, data_groups, trusted_store)) == (PASSED, PASSED, PASSED)
