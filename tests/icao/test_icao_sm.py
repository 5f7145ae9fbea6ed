"""Secure messaging beyond Appendix D: AES, extended lengths, plain status words, channel state."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import cmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from icao_script import ScriptedCard, h

from station.readers.errors import SecureMessagingError
from station.readers.icao.apdu import CommandAPDU, ResponseAPDU
from station.readers.icao.crypto import CipherKind
from station.readers.icao.sm import SecureChannel, SecureMessaging

# PACE session keys of ICAO 9303-11 Appendix G.1 (AES-128); SSC starts at 0 after PACE.
KS_ENC = h("F5F0E35C0D7161EE6724EE513A0D9A7F")
KS_MAC = h("FE251C7858B356B24514B3BD5F4297D1")


def _pad(data: bytes, block: int = 16) -> bytes:
    data += b"\x80"
    return data + b"\x00" * (-len(data) % block)


def _aes_cbc(key: bytes, iv: bytes, data: bytes, *, decrypt: bool = False) -> bytes:
    cipher = Cipher(algorithms.AES(key), modes.CBC(iv))
    ctx = cipher.decryptor() if decrypt else cipher.encryptor()
    return ctx.update(data) + ctx.finalize()


def _iv(ssc: int) -> bytes:
    enc = Cipher(algorithms.AES(KS_ENC), modes.ECB()).encryptor()
    return enc.update(ssc.to_bytes(16, "big")) + enc.finalize()


def _cmac8(data: bytes) -> bytes:
    mac = cmac.CMAC(algorithms.AES(KS_MAC))
    mac.update(data)
    return mac.finalize()[:8]


def _card_response(ssc: int, data: bytes, sw: int = 0x9000) -> bytes:
    """What an AES card answers, computed here from the primitives, independently of sm.py."""
    body = b""
    if data:
        enc = _aes_cbc(KS_ENC, _iv(ssc), _pad(data))
        body += bytes((0x87, len(enc) + 1, 0x01)) + enc
    body += b"\x99\x02" + sw.to_bytes(2, "big")
    mac = _cmac8(_pad(ssc.to_bytes(16, "big") + body))
    return body + b"\x8e\x08" + mac + b"\x90\x00"


def test_aes_select_matches_hand_built_command() -> None:
    sm = SecureMessaging(CipherKind.AES128, KS_ENC, KS_MAC, 0)
    wrapped = sm.wrap(CommandAPDU(0x00, 0xA4, 0x02, 0x0C, h("0101"))).to_bytes()

    ssc = (1).to_bytes(16, "big")
    do87 = b"\x87\x11\x01" + _aes_cbc(KS_ENC, _iv(1), _pad(h("0101")))
    mac = _cmac8(_pad(ssc + _pad(h("0CA4020C")) + do87))
    body = do87 + b"\x8e\x08" + mac
    assert wrapped == h("0CA4020C") + bytes((len(body),)) + body + b"\x00"
    assert sm.ssc == 1


def test_aes_read_binary_roundtrip_and_ssc_increments() -> None:
    sm = SecureMessaging(CipherKind.AES128, KS_ENC, KS_MAC, 0x10)
    wrapped = sm.wrap(CommandAPDU(0x00, 0xB0, 0x00, 0x00, le=4)).to_bytes()
    mac = _cmac8(_pad((0x11).to_bytes(16, "big") + _pad(h("0CB00000")) + h("970104")))
    assert wrapped == h("0CB000000D970104") + b"\x8e\x08" + mac + b"\x00"
    response = sm.unwrap(ResponseAPDU.from_bytes(_card_response(0x12, h("6D1A3081"))))
    assert response == ResponseAPDU(h("6D1A3081"), 0x9000)
    assert sm.ssc == 0x12


def test_aes_response_with_bad_mac_raises() -> None:
    sm = SecureMessaging(CipherKind.AES128, KS_ENC, KS_MAC, 0)
    sm.wrap(CommandAPDU(0x00, 0xB0, 0x00, 0x00, le=4))
    good = _card_response(2, b"abcd")
    with pytest.raises(SecureMessagingError):
        sm.unwrap(ResponseAPDU.from_bytes(_card_response(3, b"abcd")))  # MAC'd with the wrong SSC
    sm2 = SecureMessaging(CipherKind.AES128, KS_ENC, KS_MAC, 0)
    sm2.wrap(CommandAPDU(0x00, 0xB0, 0x00, 0x00, le=4))
    assert sm2.unwrap(ResponseAPDU.from_bytes(good)).data == b"abcd"


def test_protected_error_status_is_returned() -> None:
    sm = SecureMessaging(CipherKind.AES128, KS_ENC, KS_MAC, 0)
    sm.wrap(CommandAPDU(0x00, 0xA4, 0x02, 0x0C, h("0103")))
    assert sm.unwrap(ResponseAPDU.from_bytes(_card_response(2, b"", 0x6A82))) == ResponseAPDU(b"", 0x6A82)


def test_plain_error_status_is_returned_and_does_not_move_ssc() -> None:
    sm = SecureMessaging(CipherKind.AES128, KS_ENC, KS_MAC, 0)
    sm.wrap(CommandAPDU(0x00, 0xA4, 0x02, 0x0C, h("0103")))
    assert sm.unwrap(ResponseAPDU(b"", 0x6982)) == ResponseAPDU(b"", 0x6982)
    assert sm.ssc == 1


@pytest.mark.parametrize("sw", [0x6987, 0x6988, 0x9000])
def test_plain_sm_error_or_unprotected_success_raises(sw: int) -> None:
    sm = SecureMessaging(CipherKind.AES128, KS_ENC, KS_MAC, 0)
    sm.wrap(CommandAPDU(0x00, 0xB0, 0x00, 0x00, le=4))
    with pytest.raises(SecureMessagingError):
        sm.unwrap(ResponseAPDU(b"", sw))


@pytest.mark.parametrize(
    "body",
    [
        h("990290008E08"),  # MAC object truncated
        h("8E080102030405060708"),  # no DO'99'
        h("99029000"),  # no DO'8E'
        h("9902900081"),  # truncated header
    ],
)
def test_malformed_protected_responses_raise(body: bytes) -> None:
    sm = SecureMessaging(CipherKind.AES128, KS_ENC, KS_MAC, 0)
    sm.wrap(CommandAPDU(0x00, 0xB0, 0x00, 0x00, le=4))
    with pytest.raises(SecureMessagingError):
        sm.unwrap(ResponseAPDU(body, 0x9000))


def test_extended_le_is_two_bytes_in_do97_and_command_goes_extended() -> None:
    sm = SecureMessaging(
        CipherKind.DES3, h("979EC13B1CBFE9DCD01AB0FED307EAE5"), h("F1CB1F1FB5ADF208806B89DC579DC1F8"), 9
    )
    wrapped = sm.wrap(CommandAPDU(0x00, 0xB0, 0x00, 0x00, le=1000))
    assert wrapped.data.startswith(h("970203E8"))
    raw = wrapped.to_bytes()
    assert raw[4:7] == b"\x00\x00" + bytes((len(wrapped.data),))
    assert raw.endswith(b"\x00\x00")
    full = sm.wrap(CommandAPDU(0x00, 0xB0, 0x00, 0x00, le=65536))
    assert full.data.startswith(h("97020000"))
    short = sm.wrap(CommandAPDU(0x00, 0xB0, 0x00, 0x00, le=256))
    assert short.data.startswith(h("970100"))
    assert short.to_bytes().endswith(b"\x00") and len(short.to_bytes()) == 4 + 1 + 13 + 1


def test_long_command_data_goes_extended_and_odd_ins_uses_do85() -> None:
    sm = SecureMessaging(CipherKind.AES128, KS_ENC, KS_MAC, 0)
    wrapped = sm.wrap(CommandAPDU(0x00, 0xD6, 0x00, 0x00, bytes(300)))
    assert wrapped.data[:4] == h("87820131") and wrapped.needs_extended
    odd = sm.wrap(CommandAPDU(0x00, 0xB1, 0x00, 0x00, h("54028000"), le=256))
    assert odd.data[:2] == h("8510")


def test_channel_refuses_after_sm_error_until_new_keys() -> None:
    card = ScriptedCard([(None, h("6988"))])
    channel = SecureChannel(card, SecureMessaging(CipherKind.AES128, KS_ENC, KS_MAC, 0))
    with pytest.raises(SecureMessagingError):
        channel.transmit(CommandAPDU(0x00, 0xB0, 0x00, 0x00, le=4))
    assert channel.broken
    with pytest.raises(SecureMessagingError):
        channel.transmit(CommandAPDU(0x00, 0xB0, 0x00, 0x00, le=4))
    assert len(card.sent) == 1  # the second command never reached the card
    channel.sm = SecureMessaging(CipherKind.AES128, KS_ENC, KS_MAC, 0)
    assert not channel.broken


def test_channel_without_sm_is_plain() -> None:
    card = ScriptedCard([(h("00A4020C02011E"), h("9000"))])
    channel = SecureChannel(card)
    assert channel.transmit(CommandAPDU(0x00, 0xA4, 0x02, 0x0C, h("011E"))).ok
    assert channel.max_apdu_data == 256


def test_keys_never_in_repr() -> None:
    sm = SecureMessaging(CipherKind.AES128, KS_ENC, KS_MAC, 0)
    assert KS_ENC.hex() not in repr(sm).lower() and "F5F0" not in repr(sm)


def test_plain_status_to_protected_command_is_returned_and_marks_session_dropped() -> None:
    card = ScriptedCard([(None, h("6A82"))])
    channel = SecureChannel(card, SecureMessaging(CipherKind.AES128, KS_ENC, KS_MAC, 0))
    assert channel.transmit(CommandAPDU(0x00, 0xA4, 0x02, 0x0C, h("010B"))) == ResponseAPDU(b"", 0x6A82)
    assert channel.broken


def test_protected_error_status_keeps_the_session() -> None:
    card = ScriptedCard([(None, lambda cmd: ResponseAPDU.from_bytes(_card_response(2, b"", 0x6982)))])
    channel = SecureChannel(card, SecureMessaging(CipherKind.AES128, KS_ENC, KS_MAC, 0))
    assert channel.transmit(CommandAPDU(0x00, 0xB0, 0x00, 0x00, le=8)).sw == 0x6982
    assert not channel.broken
