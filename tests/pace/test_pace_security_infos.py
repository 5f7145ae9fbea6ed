"""SecurityInfos: the real CCCD EF.CardAccess, the virtual card's copy of it, unknown and broken infos."""

from __future__ import annotations

import pytest

from hardware_mocks.card_security import build_dg14, card_access_bytes, generate_chip_auth_key
from station.readers.errors import MalformedDataError
from station.readers.icao.crypto import CipherKind
from station.readers.icao.domain_params import ec_parameters_from_asn1
from station.readers.icao.security_infos import (
    ID_PK_ECDH,
    ChipAuthenticationInfo,
    PaceInfo,
    TerminalAuthenticationInfo,
    UnknownInfo,
    encode_security_infos,
    parse_security_infos,
)

REAL_CARD_ACCESS = bytes.fromhex(
    "3134300d060804007f0007020202020101300f060a04007f000702020302020201013012060a04007f0007020204020202010202010d"
)


def test_real_cccd_card_access() -> None:
    infos = parse_security_infos(REAL_CARD_ACCESS)
    assert len(infos.infos) == 3
    (ta,) = infos.terminal_authentication_infos
    assert isinstance(ta, TerminalAuthenticationInfo) and ta.version == 1 and ta.oid == "0.4.0.127.0.7.2.2.2"
    (ca,) = infos.chip_authentication_infos
    assert isinstance(ca, ChipAuthenticationInfo)
    assert ca.oid == "0.4.0.127.0.7.2.2.3.2.2" and ca.version == 1 and ca.key_id is None
    assert ca.algorithm is not None and ca.algorithm.agreement == "ECDH" and ca.algorithm.kind is CipherKind.AES128
    (pace,) = infos.pace_infos
    assert isinstance(pace, PaceInfo)
    assert pace.oid == "0.4.0.127.0.7.2.2.4.2.2" and pace.version == 2 and pace.parameter_id == 13
    assert pace.algorithm is not None
    assert (pace.algorithm.agreement, pace.algorithm.mapping, pace.algorithm.kind) == ("ECDH", "GM", CipherKind.AES128)
    assert infos.unknown == [] and infos.active_authentication_info is None


def test_virtual_card_access_is_byte_identical() -> None:
    assert card_access_bytes() == REAL_CARD_ACCESS


def test_encoding_sorts_like_der_and_round_trips() -> None:
    infos = parse_security_infos(REAL_CARD_ACCESS)
    assert encode_security_infos([info.raw for info in reversed(infos.infos)]) == REAL_CARD_ACCESS


def test_unknown_info_is_kept() -> None:
    unknown = bytes.fromhex("300a06052b0601020302010c")  # 1.3.6.1.2.3, a boolean-ish INTEGER
    data = encode_security_infos([*(i.raw for i in parse_security_infos(REAL_CARD_ACCESS).infos), unknown])
    infos = parse_security_infos(data)
    assert infos.unknown == [UnknownInfo("1.3.6.1.2.3", unknown)]
    assert len(infos.pace_infos) == 1


@pytest.mark.parametrize(
    "data",
    [
        REAL_CARD_ACCESS[:-3],  # truncated
        bytes.fromhex("3107300506032a0304"),  # element without required data ... then junk
        bytes.fromhex("310c300a060804007f000702020202"),  # TA info whose version is missing (length lies)
        b"",
    ],
)
def test_malformed_security_infos_name_the_file(data: bytes) -> None:
    with pytest.raises(MalformedDataError) as info:
        parse_security_infos(data, file="EF.CardAccess")
    assert info.value.file == "EF.CardAccess"


def test_known_info_with_broken_body_is_an_error_not_unknown() -> None:
    broken_pace = bytes.fromhex("300f060a04007f000702020402020c0141")  # version is a UTF8String
    with pytest.raises(MalformedDataError):
        parse_security_infos(encode_security_infos([broken_pace]))


def test_chip_auth_public_key_with_explicit_parameters() -> None:
    key = generate_chip_auth_key()
    dg14 = build_dg14(key, key_id=7)
    infos = parse_security_infos(dg14[2:] if dg14[1] < 0x80 else dg14[2 + (dg14[1] & 0x7F) :], file="DG14")
    (pk,) = infos.chip_authentication_public_keys
    assert pk.oid == ID_PK_ECDH and pk.key_id == 7 and pk.algorithm_oid == "1.2.840.10045.2.1"
    spki = pk.public_key_info
    assert spki is not None
    params = spki["algorithm"]["parameters"]
    assert params.name == "specified"
    assert ec_parameters_from_asn1(params).name == "brainpoolP256r1"
    assert pk.public_key == bytes(spki["public_key"].native) and pk.standardized_parameter_id is None
    assert infos.chip_authentication_infos[0].key_id == 7
