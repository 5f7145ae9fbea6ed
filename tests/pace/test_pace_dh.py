"""PACE DH Generic Mapping: the ICAO 9303-11 DH worked example (1024-bit MODP, ID 0) and MODP groups 0-2."""

from __future__ import annotations

import pytest
from ecdsa.numbertheory import is_prime
from pace_card_harness import InMemoryCard

from hardware_mocks.card_security import CardPace
from station.readers.icao.apdu import CommandAPDU
from station.readers.icao.crypto import CipherKind
from station.readers.icao.domain_params import STANDARDIZED_DH, standardized_dh_parameters
from station.readers.icao.pace import (
    PASSWORD_CAN,
    PacePassword,
    authentication_token,
    choose_pace_info,
    decrypt_nonce,
    map_generic,
    pace_group,
    perform_pace,
    session_keys,
    shared_secret,
)
from station.readers.icao.security_infos import PaceInfo
from station.readers.icao.sm import SecureChannel


def _h(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


K_PI = _h("89DED1B2 6624EC1E 634C1989 302849DD")
Z = _h("854D8DF5 827FA685 2D1A4FA7 01CDDDCA")
S = _h("FA5B7E3E 49753A0D B9178B7B 9BD898C8")
SK_MAP_IFD = int.from_bytes(_h("5265030F 751F4AD1 8B08AC56 5FC7AC95 2E41618D"), "big")
PK_MAP_IFD = _h(
    "23FB3749 EA030D2A 25B278D2 A562047A DE3F01B7 4F17A154 02CB7352 CA7D2B3E"
    "B71C343D B13D1DEB CE9A3666 DBCFC920 B49174A6 02CB4796 5CAA73DC 702489A4"
    "4D41DB91 4DE9613D C5E98C94 160551C0 DF86274B 9359BC04 90D01B03 AD54022D"
    "CB4F57FA D6322497 D7A1E28D 46710F46 1AFE710F BBBC5F8B A166F431 1975EC6C"
)
PK_MAP_IC = _h(
    "78879F57 225AA808 0D52ED0F C890A4B2 5336F699 AA89A2D3 A189654A F70729E6"
    "23EA5738 B26381E4 DA19E004 706FACE7 B235C2DB F2F38748 312F3C98 C2DD4882"
    "A41947B3 24AA1259 AC22579D B93F7085 655AF308 89DBB845 D9E6783F E42C9F24"
    "49400306 254C8AE8 EE9DD812 A804C0B6 6E8CAFC1 4F84D825 8950A91B 44126EE6"
)
H_VALUE = _h(
    "5BABEBEF 5B74E5BA 94B5C063 FDA15F1F 1CDE9487 3EE0A5D3 A2FCAB49 F258D07F"
    "544F13CB 66658C3A FEE9E727 389BE3F6 CBBBD321 28A8C21D D6EEA3CF 7091CDDF"
    "B08B8D00 7D40318D CCA4FFBF 51208790 FB4BD111 E5A968ED 6B6F08B2 6CA87C41"
    "0B3CE0C3 10CE104E ABD16629 AA48620C 1279270C B0750C0D 37C57FFF E302AE7F"
)
MAPPED_G = _h(
    "7C9CBFE9 8F9FBDDA 8D143506 FA7D9306 F4CB17E3 C71707AF F5E1C1A1 23702496"
    "84D64EE3 7AF44B8D BD9D45BF 6023919C BAA027AB 97ACC771 666C8E98 FF483301"
    "BFA4872D EDE9034E DFACB708 14166B7F 36067682 9B826BEA 57291B5A D69FBC84"
    "EF1E7790 32A30580 3F743417 93E86974 2D401325 B37EE856 5FFCDEE6 18342DC5"
)
SK_IFD = int.from_bytes(_h("89CCD99B 0E8D3B1F 11E1296D CA68EC53 411CF2CA"), "big")
PK_IFD = _h(
    "907D89E2 D425A178 AA81AF4A 7774EC8E 388C115C AE67031E 85EECE52 0BD91155"
    "1B9AE4D0 4369F29A 02626C86 FBC6747C C7BC3526 45B6161A 2A42D44E DA80A08F"
    "A8D61B76 D3A154AD 8A5A5178 6B0BC071 47057871 A922212C 5F67F431 73172236"
    "B7747D16 71E6D692 A3C7D40A 0C3C5CE3 97545D01 5C175EB5 130551ED BC2EE5D4"
)
PK_IC = _h(
    "075693D9 AE941877 573E634B 6E644F8E 60AF17A0 076B8B12 3D920107 4D36152B"
    "D8B3A213 F53820C4 2ADC79AB 5D0AEEC3 AEFB9139 4DA476BD 97B9B14D 0A65C1FC"
    "71A0E019 CB08AF55 E1F72900 5FBA7E3F A5DC4189 9238A250 767A6D46 DB974064"
    "386CD456 743585F8 E5D90CC8 B4004B1F 6D866C79 CE0584E4 9687FF61 BC29AEA1"
)
SHARED = _h(
    "6BABC7B3 A72BCD7E A385E4C6 2DB2625B D8613B24 149E146A 629311C4 CA6698E3"
    "8B834B6A 9E9CD718 4BA8834A FF5043D4 36950C4C 1E783236 7C10CB8C 314D40E5"
    "990B0DF7 013E64B4 549E2270 923D06F0 8CFF6BD3 E977DDE6 ABE4C31D 55C0FA2E"
    "465E553E 77BDF75E 3193D383 4FC26E8E B1EE2FA1 E4FC97C1 8C3F6CFF FE2607FD"
)
KS_ENC = _h("2F7F46AD CC9E7E52 1B45D192 FAFA9126")
KS_MAC = _h("805A1D27 D45A5116 F73C5446 9462B7D8")
OID = "0.4.0.127.0.7.2.2.4.1.2"  # id-PACE-DH-GM-AES-CBC-CMAC-128
T_IFD = _h("B46DD9BD 4D98381F")
T_IC = _h("917F37B5 C0E6D8D1")


def test_dh_worked_example() -> None:
    group = standardized_dh_parameters(0)
    assert decrypt_nonce(K_PI, Z, CipherKind.AES128) == S
    assert group.encode_public(group.public_value(SK_MAP_IFD)) == PK_MAP_IFD
    pk_map_ic = group.decode_public(PK_MAP_IC)
    assert group.encode_public(pow(pk_map_ic, SK_MAP_IFD, group.p)) == H_VALUE
    mapped = map_generic(group, S, SK_MAP_IFD, pk_map_ic)
    assert group.encode_public(mapped.g) == MAPPED_G
    assert mapped.encode_public(mapped.public_value(SK_IFD)) == PK_IFD
    shared = shared_secret(mapped, SK_IFD, mapped.decode_public(PK_IC))
    assert shared == SHARED
    assert session_keys(shared, CipherKind.AES128) == (KS_ENC, KS_MAC)
    assert authentication_token(KS_MAC, CipherKind.AES128, OID, PK_IC, dh=True) == T_IFD
    assert authentication_token(KS_MAC, CipherKind.AES128, OID, PK_IFD, dh=True) == T_IC


@pytest.mark.parametrize("param_id", [0, 1, 2])
def test_modp_groups_are_what_rfc_5114_promises(param_id: int) -> None:
    group = STANDARDIZED_DH[param_id]
    assert is_prime(group.p) and is_prime(group.q)
    assert (group.p - 1) % group.q == 0 and pow(group.g, group.q, group.p) == 1
    assert (group.p.bit_length(), group.q.bit_length()) == [(1024, 160), (2048, 224), (2048, 256)][param_id]


@pytest.mark.parametrize("param_id", [0, 1, 2])
def test_dh_pace_against_the_card(param_id: int) -> None:
    card = InMemoryCard(pace=CardPace(b"123456", PASSWORD_CAN, param_id), files={0x011E: b"\x60\x00"})
    channel = SecureChannel(card)
    info = PaceInfo(OID, 2, param_id, b"")
    result = perform_pace(channel, PacePassword.can("123456"), info)
    assert len(result.card_public_key) == pace_group("DH", param_id).p.bit_length() // 8
    assert channel.transmit(CommandAPDU(0x00, 0xA4, 0x02, 0x0C, b"\x01\x1e")).sw == 0x9000


def test_dh_value_outside_the_subgroup_is_refused() -> None:
    group = standardized_dh_parameters(0)
    for bad in (1, group.p - 1, 2):  # 2 generates more than the order-q subgroup
        with pytest.raises(ValueError):
            group.decode_public(group.encode_public(bad))


def test_ecdh_is_preferred_over_dh() -> None:
    dh = PaceInfo(OID, 2, 0, b"")
    ecdh = PaceInfo("0.4.0.127.0.7.2.2.4.2.2", 2, 13, b"")
    assert choose_pace_info([dh, ecdh]) is ecdh
    assert choose_pace_info([dh]) is dh
