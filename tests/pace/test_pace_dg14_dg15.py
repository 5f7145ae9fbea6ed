"""DG14 and DG15 parsers against the personalisation builders, and broken files."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, load_der_public_key

from hardware_mocks.card_security import (
    ECDSA_PLAIN_SHA256,
    build_dg14,
    build_dg15,
    generate_aa_ec_key,
    generate_aa_rsa_key,
    generate_chip_auth_key,
)
from station.readers.errors import MalformedDataError
from station.readers.icao.domain_params import ec_parameters_from_asn1
from station.readers.icao.lds.dg14 import parse_dg14
from station.readers.icao.lds.dg15 import parse_dg15
from station.readers.icao.security_infos import ID_AA, ID_PK_ECDH


def test_dg14_round_trip() -> None:
    key = generate_chip_auth_key()
    raw = build_dg14(key, aa_signature_oid=ECDSA_PLAIN_SHA256)
    assert raw[0] == 0x6E
    dg14 = parse_dg14(raw)
    assert dg14.raw == raw
    (ca,) = dg14.chip_authentication_infos
    assert ca.oid == "0.4.0.127.0.7.2.2.3.2.2" and ca.version == 1
    (pk,) = dg14.chip_authentication_public_keys
    assert pk.oid == ID_PK_ECDH
    spki = pk.public_key_info
    assert spki is not None
    params = ec_parameters_from_asn1(spki["algorithm"]["parameters"])
    assert params.name == "brainpoolP256r1"
    point = pk.public_key
    assert params.decode_point(point) is not None
    assert point == key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    aa = dg14.active_authentication_info
    assert aa is not None and aa.oid == ID_AA and aa.signature_algorithm == ECDSA_PLAIN_SHA256
    assert [p.parameter_id for p in dg14.pace_infos] == [13]


def test_dg15_rsa_and_ec() -> None:
    rsa_key = generate_aa_rsa_key(1024)
    dg15 = parse_dg15(build_dg15(rsa_key.public_key()))
    assert dg15.algorithm == "rsa"
    loaded = load_der_public_key(dg15.spki_der)
    assert isinstance(loaded, rsa.RSAPublicKey)
    assert loaded.public_numbers() == rsa_key.public_key().public_numbers()
    ec_key = generate_aa_ec_key()
    for explicit in (False, True):
        dg15 = parse_dg15(build_dg15(ec_key.public_key(), explicit=explicit))
        assert dg15.algorithm == "ec"
        params = ec_parameters_from_asn1(dg15.public_key_info["algorithm"]["parameters"])
        assert params.name == "brainpoolP256r1"
        if not explicit:
            named = load_der_public_key(dg15.spki_der)
            assert isinstance(named, ec.EllipticCurvePublicKey)
            assert named.public_numbers() == ec_key.public_key().public_numbers()


@pytest.mark.parametrize(
    ("parse", "data", "file"),
    [
        (parse_dg14, bytes.fromhex("6F03310130"), "DG14"),  # wrong tag
        (parse_dg14, bytes.fromhex("6E0531033001"), "DG14"),  # truncated inside
        (parse_dg15, bytes.fromhex("6E023000"), "DG15"),
        (parse_dg15, bytes.fromhex("6F0430020500"), "DG15"),  # not a SubjectPublicKeyInfo
    ],
)
def test_broken_files_name_the_data_group(parse: object, data: bytes, file: str) -> None:
    with pytest.raises(MalformedDataError) as info:
        parse(data)  # type: ignore[operator]
    assert info.value.file == file


def test_dg14_names_the_ecdsa_hash_only_for_an_ec_aa_key() -> None:
    chip_key = generate_chip_auth_key()
    with_ec = parse_dg14(build_dg14(chip_key, aa_key=generate_aa_ec_key()))
    assert with_ec.active_authentication_info is not None
    assert with_ec.active_authentication_info.signature_algorithm == ECDSA_PLAIN_SHA256
    assert parse_dg14(build_dg14(chip_key, aa_key=generate_aa_rsa_key(1024))).active_authentication_info is None
    assert parse_dg14(build_dg14(chip_key)).active_authentication_info is None
