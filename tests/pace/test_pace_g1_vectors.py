"""ICAO 9303-11 Appendix G.1 (PACE ECDH-GM, AES-128, brainpoolP256r1) reproduced step by step."""

from __future__ import annotations

from collections.abc import Iterator

from hardware_mocks.card_security import CardPace
from station.readers.icao.apdu import CommandAPDU, ResponseAPDU
from station.readers.icao.crypto import CipherKind
from station.readers.icao.domain_params import ECParameters, standardized_parameters
from station.readers.icao.pace import (
    PASSWORD_MRZ,
    PacePassword,
    authentication_token,
    decrypt_nonce,
    derive_k_pi,
    map_generic,
    perform_pace,
    session_keys,
)
from station.readers.icao.security_infos import parse_security_infos
from station.readers.icao.sm import SecureChannel

H = bytes.fromhex
MRZ_INFORMATION = "T22000129364081251010318"
PACE_INFO = H("3012060A04007F0007020204020202010202010D")
OID = "0.4.0.127.0.7.2.2.4.2.2"
K = H("7E2D2A41C74EA0B38CD36F863939BFA8E9032AAD")
K_PI = H("89DED1B26624EC1E634C1989302849DD")
Z = H("95A3A016522EE98D01E76CB6B98B42C3")
S = H("3F00C4D39D153F2B2A214A078D899B22")
SK_MAP_IFD = 0x7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99
SK_MAP_IC = H("498FF49756F2DC1587840041839A85982BE7761D14715FB091EFA7BCE9058560")
PK_MAP_IFD = H(
    "04"
    "7ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E"
    "544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D"
)
PK_MAP_IC = H(
    "04"
    "824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F57"
    "30D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54"
)
H_POINT = H(
    "04"
    "60332EF2450B5D247EF6D3868397D398852ED6E8CAF6FFEEF6BF85CA57057FD5"
    "0840CA7415BAF3E43BD414D35AA4608B93A2CAF3A4E3EA4E82C9C13D03EB7181"
)
MAPPED_G = H(
    "04"
    "8CED63C91426D4F0EB1435E7CB1D74A46723A0AF21C89634F65A9AE87A9265E2"
    "8C879506743F8611AC33645C5B985C80B5F09A0B83407C1B6A4D857AE76FE522"
)
SK_IFD = 0xA73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595
SK_IC = H("107CF58696EF6155053340FD633392BA81909DF7B9706F226F32086C7AFF974A")
PK_IFD = H(
    "04"
    "2DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C"
    "3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB36462"
)
PK_IC = H(
    "04"
    "9E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB"
    "7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094"
)
SHARED = H("28768D20701247DAE81804C9E780EDE582A9996DB4A315020B2733197DB84925")
KS_ENC = H("F5F0E35C0D7161EE6724EE513A0D9A7F")
KS_MAC = H("FE251C7858B356B24514B3BD5F4297D1")
T_IFD = H("C2B0BD78D94BA866")
T_IC = H("3ABB9674BCE93C08")


def _bp256() -> ECParameters:
    return standardized_parameters(13)


def _mapped() -> ECParameters:
    params = _bp256()
    return map_generic(params, S, SK_MAP_IFD, params.decode_point(PK_MAP_IC))


def test_g1_password_and_k_pi() -> None:
    password = PacePassword.mrz(MRZ_INFORMATION)
    assert password.ref == PASSWORD_MRZ
    assert password.key == K
    assert derive_k_pi(password, CipherKind.AES128) == K_PI


def test_g1_nonce_decryption() -> None:
    assert decrypt_nonce(K_PI, Z, CipherKind.AES128) == S


def test_g1_mapping() -> None:
    params = _bp256()
    assert params.encode_point(params.public_point(SK_MAP_IFD)) == PK_MAP_IFD
    h = params.multiply(SK_MAP_IFD, params.decode_point(PK_MAP_IC))
    assert params.encode_point(h) == H_POINT
    mapped = _mapped()
    assert mapped.encode_point(mapped.generator) == MAPPED_G
    assert mapped.order == params.order and mapped.p == params.p


def test_g1_key_agreement_and_session_keys() -> None:
    mapped = _mapped()
    assert mapped.encode_point(mapped.public_point(SK_IFD)) == PK_IFD
    assert mapped.encode_point(mapped.public_point(int.from_bytes(SK_IC, "big"))) == PK_IC
    shared = mapped.shared_x(SK_IFD, mapped.decode_point(PK_IC))
    assert shared == SHARED
    assert mapped.shared_x(int.from_bytes(SK_IC, "big"), mapped.decode_point(PK_IFD)) == SHARED
    assert session_keys(shared, CipherKind.AES128) == (KS_ENC, KS_MAC)


def test_g1_authentication_tokens() -> None:
    assert authentication_token(KS_MAC, CipherKind.AES128, OID, PK_IC) == T_IFD
    assert authentication_token(KS_MAC, CipherKind.AES128, OID, PK_IFD) == T_IC


class _ScriptedCard:
    """Answers with the chip's G.1 messages and records what the reader sent."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []
        self._answers: Iterator[ResponseAPDU] = iter(
            [
                ResponseAPDU(b"", 0x9000),
                ResponseAPDU(H("7C1280") + b"\x10" + Z, 0x9000),
                ResponseAPDU(H("7C438241") + PK_MAP_IC, 0x9000),
                ResponseAPDU(H("7C438441") + PK_IC, 0x9000),
                ResponseAPDU(H("7C0A8608") + T_IC, 0x9000),
            ]
        )

    max_apdu_data = 256

    def transmit(self, command: CommandAPDU) -> ResponseAPDU:
        self.sent.append(command.to_bytes())
        return next(self._answers)


def _injected(values: list[int]) -> Iterator[int]:
    return iter(values)


def test_g1_whole_exchange_apdus() -> None:
    card = _ScriptedCard()
    keys = _injected([SK_MAP_IFD, SK_IFD])
    result = perform_pace(
        SecureChannel(card),
        PacePassword.mrz(MRZ_INFORMATION),
        parse_security_infos(H("3114") + PACE_INFO),
        private_key=lambda _params: next(keys),
    )
    assert card.sent == [
        H("0022C1A412800A04007F0007020204020283010184010D"),
        H("10860000027C0000"),
        H("10860000457C438141") + PK_MAP_IFD + b"\x00",
        H("10860000457C438341") + PK_IFD + b"\x00",
        H("008600000C7C0A8508") + T_IFD + b"\x00",
    ]
    assert (result.ks_enc, result.ks_mac, result.card_public_key) == (KS_ENC, KS_MAC, PK_IC)
    assert result.sm.ssc == 0 and result.kind is CipherKind.AES128


def test_g1_card_side_reproduces_the_chip() -> None:
    """CardPace with the chip's G.1 randoms answers exactly the chip's G.1 messages."""
    randoms = iter([S, SK_MAP_IC, SK_IC])
    card = CardPace(MRZ_INFORMATION.encode(), PASSWORD_MRZ, 13, rng=lambda n: next(randoms))
    assert card.set_at(H("800A04007F0007020204020283010184010D")) == 0x9000
    assert card.general_authenticate(H("7C00"), True) == (H("7C128010") + Z, 0x9000)
    assert card.general_authenticate(H("7C438141") + PK_MAP_IFD, True) == (H("7C438241") + PK_MAP_IC, 0x9000)
    assert card.general_authenticate(H("7C438341") + PK_IFD, True) == (H("7C438441") + PK_IC, 0x9000)
    assert card.session is None
    assert card.general_authenticate(H("7C0A8508") + T_IFD, False) == (H("7C0A8608") + T_IC, 0x9000)
    assert card.session is not None
    assert (card.session.kind, card.session.ks_enc, card.session.ks_mac) == (CipherKind.AES128, KS_ENC, KS_MAC)
