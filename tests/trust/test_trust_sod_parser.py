"""EF.SOD parsing: structure of what build_sod makes, and only MalformedDataError on garbage."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hardware_mocks.pki import TestPKI, build_sod
from station.readers.errors import MalformedDataError
from station.readers.icao.sod import OID_LDS_SECURITY_OBJECT, parse_sod, unwrap_sod

_DGS = {1: b"\x61\x03abc", 2: b"\x75\x02\x00\x01", 11: b"\x6b\x00"}


@pytest.fixture(scope="module")
def real_sod(pki: TestPKI) -> bytes:
    return build_sod(_DGS, pki.ds_key, pki.ds_cert)


def test_parsed_fields(real_sod: bytes, pki: TestPKI) -> None:
    doc = parse_sod(real_sod)
    assert real_sod[0] == 0x77
    assert doc.cms.content_type == OID_LDS_SECURITY_OBJECT
    assert doc.security_object.version == 0
    assert doc.security_object.hashes == {n: hashlib.sha256(b).digest() for n, b in _DGS.items()}
    signer = doc.cms.signer
    assert signer.content_type == OID_LDS_SECURITY_OBJECT
    assert signer.message_digest == hashlib.sha256(doc.cms.econtent).digest()
    assert signer.signed_attrs is not None and signer.signed_attrs[0] == 0x31
    ds = doc.ds_certificate
    assert ds is not None and ds.serial_number == pki.ds_cert.serial_number
    assert signer.issuer_serial is not None and signer.issuer_serial[1] == pki.ds_cert.serial_number


def test_trailing_bytes_after_the_tlv_are_ignored(real_sod: bytes) -> None:
    assert parse_sod(real_sod + b"\x00\x00").security_object.hashes.keys() == {1, 2, 11}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "tag 77"),
        (b"\x30\x00", "tag 77"),
        (b"\x77\x85\x00\x00\x00\x00\x01", "length"),
        (b"\x77\x05\x30\x03", "shorter"),
        (b"\x77\x02\x30\x00", "CMS"),
    ],
)
def test_specific_malformations(data: bytes, message: str) -> None:
    with pytest.raises(MalformedDataError, match=message) as info:
        parse_sod(data)
    assert info.value.file == "EF.SOD"


def test_unwrap_returns_the_content_info(real_sod: bytes) -> None:
    inner = unwrap_sod(real_sod)
    assert inner[0] == 0x30 and real_sod.endswith(inner)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_random_bytes_raise_only_malformed(data: bytes) -> None:
    for candidate in (data, b"\x77" + bytes([len(data) & 0x7F]) + data):
        with pytest.raises(MalformedDataError):
            parse_sod(candidate)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=0, max_value=10_000))
def test_truncated_real_sod_raises_malformed(real_sod: bytes, cut: int) -> None:
    truncated = real_sod[: cut % len(real_sod)]
    with pytest.raises(MalformedDataError):
        parse_sod(truncated)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.integers(min_value=0, max_value=10_000), value=st.integers(min_value=0, max_value=255))
def test_corrupted_real_sod_parses_or_raises_malformed(real_sod: bytes, position: int, value: int) -> None:
    corrupted = bytearray(real_sod)
    corrupted[position % len(real_sod)] = value
    try:
        doc = parse_sod(bytes(corrupted))
    except MalformedDataError:
        return
    assert doc.security_object.hash_algorithm in ("sha1", "sha224", "sha256", "sha384", "sha512")


def test_signed_data_version_1_pkcs7_form(real_sod: bytes) -> None:
    """Older SODs say SignedData v1, which asn1crypto decodes with the PKCS#7 (ANY content) spec."""
    der = bytearray(unwrap_sod(real_sod))
    at = bytes(der).index(b"\x02\x01\x03")  # SignedData.version
    der[at + 2] = 1
    old = b"\x77\x82" + len(der).to_bytes(2, "big") + bytes(der)
    doc = parse_sod(old)
    assert doc.security_object.hashes == parse_sod(real_sod).security_object.hashes
    assert doc.cms.econtent == parse_sod(real_sod).cms.econtent


def test_signer_named_by_subject_key_identifier(pki: TestPKI) -> None:
    sod = build_sod(_DGS, pki.ds_key, pki.ds_cert, signer_id="ski")
    doc = parse_sod(sod)
    assert doc.cms.signer.issuer_serial is None
    assert doc.cms.signer.subject_key_identifier is not None
    ds = doc.ds_certificate
    assert ds is not None and ds.serial_number == pki.ds_cert.serial_number
