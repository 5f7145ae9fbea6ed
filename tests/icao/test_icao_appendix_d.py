"""ICAO 9303-11 Appendix D (BAC and 3DES secure messaging), every published value reproduced."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
from icao_script import ScriptedCard, h

from station.readers.errors import AccessDeniedError, AuthenticationProtocolError, SecureMessagingError
from station.readers.icao import bac
from station.readers.icao.apdu import CommandAPDU, ResponseAPDU
from station.readers.icao.crypto import CipherKind
from station.readers.icao.sm import SecureChannel, SecureMessaging

MRZ_INFO = "L898902C<369080619406236"
RND_IC = h("4608F91988702212")
RND_IFD = h("781723860C06C226")
K_IFD = h("0B795240CB7049B01C19B33E32804F0B")
E_IFD = h("72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2")
M_IFD = h("5F1448EEA8AD90A7")
E_IC = h("46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F")
M_IC = h("2F2D235D074D7449")
K_IC = h("0B4F80323EB3191CB04970CB4052790B")
KS_ENC = h("979EC13B1CBFE9DCD01AB0FED307EAE5")
KS_MAC = h("F1CB1F1FB5ADF208806B89DC579DC1F8")
SSC = 0x887022120C06C226

SM_EXCHANGES = [
    (
        h("00A4020C02011E"),
        h("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800"),
        h("990290008E08FA855A5D4C50A8ED9000"),
        b"",
    ),
    (
        h("00B0000004"),
        h("0CB000000D9701048E08ED6705417E96BA5500"),
        h("8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000"),
        h("60145F01"),
    ),
    (
        h("00B0000412"),
        h("0CB000040D9701128E082EA28A70F3C7B53500"),
        h("871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A990290008E08C8B2787EAEA07D749000"),
        h("04303130365F36063034303030305C026175"),
    ),
]


def _rng() -> Iterator[bytes]:
    yield RND_IFD
    yield K_IFD


def test_key_seed_and_basic_access_keys() -> None:
    assert hashlib.sha1(MRZ_INFO.encode()).hexdigest().upper() == "239AB9CB282DAF66231DC5A4DF6BFBAEDF477565"
    keys = bac.bac_keys(MRZ_INFO)
    assert keys.k_seed == h("239AB9CB282DAF66231DC5A4DF6BFBAE")
    assert keys.k_enc == h("AB94FDECF2674FDFB9B391F85D7F76F2")
    assert keys.k_mac == h("7962D9ECE03D1ACD4C76089DCE131543")


def test_ifd_cryptogram() -> None:
    assert bac.ifd_cryptogram(bac.bac_keys(MRZ_INFO), RND_IC, RND_IFD, K_IFD) == E_IFD + M_IFD


def test_chip_cryptogram_and_session_keys() -> None:
    keys = bac.bac_keys(MRZ_INFO)
    k_ic = bac.verify_chip_cryptogram(keys, E_IC + M_IC, RND_IC, RND_IFD)
    assert k_ic == K_IC
    seed = bytes(a ^ b for a, b in zip(K_IFD, k_ic, strict=True))
    assert seed == h("0036D272F5C350ACAC50C3F572D23600")
    ks_enc, ks_mac, ssc = bac.session_keys(K_IFD, k_ic, RND_IC, RND_IFD)
    assert (ks_enc, ks_mac, ssc) == (KS_ENC, KS_MAC, SSC)


def test_full_bac_then_three_protected_exchanges_byte_for_byte() -> None:
    card = ScriptedCard(
        [
            (h("0084000008"), RND_IC + h("9000")),
            (h("0082000028") + E_IFD + M_IFD + h("28"), E_IC + M_IC + h("9000")),
            *[(protected, response) for _, protected, response, _ in SM_EXCHANGES],
        ]
    )
    channel = SecureChannel(card)
    rng = _rng()
    result = bac.perform_bac(channel, MRZ_INFO, rng=lambda n: next(rng))
    assert (result.ks_enc, result.ks_mac, result.ssc, result.k_ic) == (KS_ENC, KS_MAC, SSC, K_IC)
    assert channel.sm is not None and channel.sm.ssc == SSC
    for number, (plain, _, _, data) in enumerate(SM_EXCHANGES):
        response = channel.transmit(CommandAPDU.from_bytes(plain))
        assert response == ResponseAPDU(data, 0x9000)
        assert channel.sm.ssc == SSC + 2 * (number + 1)
    assert card.done()


def test_wrap_and_unwrap_separately() -> None:
    sm = SecureMessaging(CipherKind.DES3, KS_ENC, KS_MAC, SSC)
    for plain, protected, response, data in SM_EXCHANGES:
        assert sm.wrap(CommandAPDU.from_bytes(plain)).to_bytes() == protected
        assert sm.unwrap(ResponseAPDU.from_bytes(response)).data == data


def test_response_with_flipped_mac_bit_is_rejected() -> None:
    sm = SecureMessaging(CipherKind.DES3, KS_ENC, KS_MAC, SSC)
    plain, _, response, _ = SM_EXCHANGES[1]
    sm.wrap(CommandAPDU.from_bytes(plain))
    tampered = bytearray(response)
    tampered[-3] ^= 0x01
    with pytest.raises(SecureMessagingError, match="MAC"):
        sm.unwrap(ResponseAPDU.from_bytes(bytes(tampered)))


def test_wrong_key_answered_6300_is_access_denied() -> None:
    card = ScriptedCard([(h("0084000008"), RND_IC + h("9000")), (None, h("6300"))])
    rng = _rng()
    with pytest.raises(AccessDeniedError):
        bac.perform_bac(SecureChannel(card), "L898902C<369080619406237", rng=lambda n: next(rng))


def test_wrong_key_answered_6982_is_access_denied() -> None:
    card = ScriptedCard([(h("0084000008"), RND_IC + h("9000")), (None, h("6982"))])
    with pytest.raises(AccessDeniedError):
        bac.run_bac(card, MRZ_INFO)


def test_chip_cryptogram_under_other_keys_is_access_denied() -> None:
    other = bac.bac_keys("L898902C<369080619406237")
    with pytest.raises(AccessDeniedError):
        bac.verify_chip_cryptogram(other, E_IC + M_IC, RND_IC, RND_IFD)


def test_chip_echoing_wrong_nonce_is_protocol_error() -> None:
    keys = bac.bac_keys(MRZ_INFO)
    with pytest.raises(AuthenticationProtocolError):
        bac.verify_chip_cryptogram(keys, E_IC + M_IC, h("0000000000000000"), RND_IFD)


def test_get_challenge_failure_is_protocol_error() -> None:
    card = ScriptedCard([(h("0084000008"), h("6D00"))])
    with pytest.raises(AuthenticationProtocolError) as info:
        bac.run_bac(card, MRZ_INFO)
    assert not isinstance(info.value, AccessDeniedError)


def test_short_chip_answer_is_protocol_error() -> None:
    card = ScriptedCard([(h("0084000008"), RND_IC + h("9000")), (None, E_IC + h("9000"))])
    with pytest.raises(AuthenticationProtocolError):
        bac.run_bac(card, MRZ_INFO)
