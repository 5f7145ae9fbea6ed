"""Trust store: master list import and its signature policy, PEM/DER/CRL/folder imports, persistence."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization

from hardware_mocks.pki import TestPKI, build_crl, build_master_list, write_master_list
from station.readers.errors import MalformedDataError
from station.readers.icao.sod import parse_signed_data
from station.readers.icao.trust_store import (
    ENV_TRUST_DIR,
    OID_CSCA_MASTER_LIST,
    CscaMasterList,
    MasterListStatus,
    TrustStore,
    default_trust_dir,
    parse_master_list,
)

DER = serialization.Encoding.DER
PEM = serialization.Encoding.PEM


def _fp(cert: object) -> str:
    return hashlib.sha256(cert.public_bytes(DER)).hexdigest()  # type: ignore[attr-defined]


def test_master_list_is_real_icao_format(pki: TestPKI) -> None:
    data = build_master_list([pki.csca_cert, pki.forger_csca_cert], pki.ml_signer_key, pki.ml_signer_cert)
    signed = parse_signed_data(data, file="ml")
    assert signed.content_type == OID_CSCA_MASTER_LIST == "2.23.136.1.1.2"
    content = CscaMasterList.load(signed.econtent)
    assert content["version"].native == 0
    assert {c.dump() for c in content["cert_list"]} == {
        pki.csca_cert.public_bytes(DER),
        pki.forger_csca_cert.public_bytes(DER),
    }
    parsed = parse_master_list(data)
    assert parsed.status is MasterListStatus.VALID
    assert "MASTER LIST SIGNER VIETNAM TEST" in (parsed.signer_subject or "")


def test_import_master_list_reports_and_stores_with_provenance(tmp_path: Path, pki: TestPKI) -> None:
    store = TrustStore(tmp_path / "trust")
    ml = write_master_list(tmp_path / "vn.ml", pki)
    report = store.import_path(ml)
    (ml_report,) = report.master_lists
    assert ml_report.status is MasterListStatus.VALID
    assert ml_report.by_country == {"VN": 1}
    assert report.by_country() == {"VN": 1}
    (entry,) = store.list()
    assert entry.fingerprint == _fp(pki.csca_cert)
    assert entry.country == "VN"
    assert "CSCA VIETNAM TEST" in entry.subject
    assert [(s.source, s.kind, s.master_list_status) for s in entry.sources] == [("vn.ml", "master_list", "valid")]
    assert (tmp_path / "trust" / "csca" / f"{entry.fingerprint}.der").read_bytes() == pki.csca_cert.public_bytes(DER)


def test_reimport_is_idempotent(tmp_path: Path, pki: TestPKI) -> None:
    store = TrustStore(tmp_path / "trust")
    ml = write_master_list(tmp_path / "vn.ml", pki)
    store.import_path(ml)
    index_before = (tmp_path / "trust" / "index.json").read_bytes()
    again = TrustStore(tmp_path / "trust").import_path(ml)
    assert again.added == [] and len(again.already_present) == 1
    assert (tmp_path / "trust" / "index.json").read_bytes() == index_before
    assert [e.fingerprint for e in TrustStore(tmp_path / "trust").list()] == [_fp(pki.csca_cert)]


def test_tampered_master_list_is_refused(tmp_path: Path, pki: TestPKI) -> None:
    """Policy: a master list whose signature does not verify contributes nothing to the store."""
    data = bytearray(build_master_list([pki.csca_cert], pki.ml_signer_key, pki.ml_signer_cert))
    marker = b"CSCA VIETNAM TEST"
    at = bytes(data).index(marker)  # first occurrence: inside the signed certList
    data[at : at + len(marker)] = b"CSCA VIETNAM FAKE"
    path = tmp_path / "tampered.ml"
    path.write_bytes(bytes(data))
    store = TrustStore(tmp_path / "trust")
    report = store.import_path(path)
    (ml_report,) = report.master_lists
    assert ml_report.status is MasterListStatus.INVALID
    assert "sửa sau khi ký" in (ml_report.reason or "")
    assert report.refused and report.refused[0][0] == "tampered.ml"
    assert store.list() == []


def test_master_list_with_wrong_signature_key_is_refused(tmp_path: Path, pki: TestPKI) -> None:
    data = build_master_list([pki.csca_cert], pki.forger_ds_key, pki.ml_signer_cert)
    parsed = parse_master_list(data)
    assert parsed.status is MasterListStatus.INVALID
    assert parsed.reason == "chữ ký số không hợp lệ"


def test_master_list_signed_by_outsider_is_stored_but_marked(tmp_path: Path, pki: TestPKI) -> None:
    data = build_master_list([pki.csca_cert], pki.forger_ds_key, pki.forger_ds_cert)
    (tmp_path / "odd.ml").write_bytes(data)
    store = TrustStore(tmp_path / "trust")
    report = store.import_path(tmp_path / "odd.ml")
    assert report.master_lists[0].status is MasterListStatus.SIGNER_UNTRUSTED
    assert not report.refused
    (entry,) = store.list()
    assert entry.sources[0].master_list_status == "signer_untrusted"


def test_pem_der_bundle_crl_and_folder_imports(tmp_path: Path, pki: TestPKI, rsa_pki: TestPKI) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "csca.der").write_bytes(pki.csca_cert.public_bytes(DER))
    (folder / "sub" / "bundle.pem").write_bytes(
        rsa_pki.csca_cert.public_bytes(PEM) + pki.forger_csca_cert.public_bytes(PEM)
    )
    (folder / "ds.cer").write_bytes(pki.ds_cert.public_bytes(DER))  # not a CSCA: skipped in a folder
    (folder / "key.pem").write_bytes(
        pki.ds_key.private_bytes(PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    (folder / "README.txt").write_text("not a certificate")
    crl = build_crl(pki.csca_key, pki.csca_cert, [1, 2])
    (folder / "vn.crl").write_bytes(crl.public_bytes(DER))
    store = TrustStore(tmp_path / "trust")
    report = store.import_path(folder)
    assert {c.fingerprint for c in report.added} == {
        _fp(pki.csca_cert),
        _fp(rsa_pki.csca_cert),
        _fp(pki.forger_csca_cert),
    }
    assert len(report.crls_added) == 1
    assert not report.unreadable and not report.refused
    assert {Path(s).name for s, _ in report.skipped} == {"ds.cer", "key.pem", "README.txt"}
    assert store.crl_count() == 1
    csca = asn1_x509.Certificate.load(pki.csca_cert.public_bytes(DER))
    assert [c.dump() for c in store.crls_for(csca)] == [crl.public_bytes(DER)]

    again = store.import_path(folder)
    assert again.added == [] and len(again.crls_already_present) == 1


def test_explicit_files_that_are_not_cscas(tmp_path: Path, pki: TestPKI) -> None:
    ds = tmp_path / "ds.pem"
    ds.write_bytes(pki.ds_cert.public_bytes(PEM))
    junk = tmp_path / "junk.der"
    junk.write_bytes(b"\x30\x03\x02\x01\x05")
    store = TrustStore(tmp_path / "trust")
    assert store.import_path(ds).refused[0][0] == "ds.pem"
    unreadable = store.import_path(junk).unreadable
    assert unreadable and unreadable[0][0] == str(junk)
    assert store.list() == []


def test_find_issuers_matches_name_and_key_identifier(tmp_path: Path, pki: TestPKI, rsa_pki: TestPKI) -> None:
    store = TrustStore(tmp_path / "trust")
    for name, p in (("ec.ml", pki), ("rsa.ml", rsa_pki)):
        store.import_path(write_master_list(tmp_path / name, p))
    ds = asn1_x509.Certificate.load(pki.ds_cert.public_bytes(DER))
    # Both test CSCAs share the subject name; only the key identifier tells them apart.
    assert len(store.find_issuers(ds.issuer, None)) == 2
    (found,) = store.find_issuers(ds.issuer, ds.authority_key_identifier)
    assert found.dump() == pki.csca_cert.public_bytes(DER)
    forger = asn1_x509.Certificate.load(pki.forger_ds_cert.public_bytes(DER))
    assert store.find_issuers(forger.issuer, forger.authority_key_identifier) == []


def test_directory_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pki: TestPKI) -> None:
    monkeypatch.setenv(ENV_TRUST_DIR, str(tmp_path / "env-trust"))
    assert default_trust_dir() == tmp_path / "env-trust"
    TrustStore().import_path(write_master_list(tmp_path / "vn.ml", pki))
    assert (tmp_path / "env-trust" / "index.json").exists()
    assert TrustStore(tmp_path / "param").list() == []  # the parameter wins over the environment


def test_corrupt_master_list_structure_is_malformed(pki: TestPKI) -> None:
    data = build_master_list([pki.csca_cert], pki.ml_signer_key, pki.ml_signer_cert)
    with pytest.raises(MalformedDataError):
        parse_master_list(data[:-40])
