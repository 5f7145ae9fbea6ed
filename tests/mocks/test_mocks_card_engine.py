"""The virtual CCCD's APDU engine, called directly with raw APDUs (no pcscd)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest

from hardware_mocks.card_sm import CardSecureMessaging
from hardware_mocks.virtual_cccd import CardFaults, CardRemoved, VirtualCCCD
from station.identity import Identity
from station.readers.icao import crypto
from station.readers.icao.apdu import CommandAPDU, ResponseAPDU
from station.readers.icao.crypto import CipherKind

H = bytes.fromhex
ICAO_COM = H("60145F0104303130365F36063034303030305C026175")


def _sw(response: bytes) -> int:
    return int.from_bytes(response[-2:], "big")


# ------------------------------------------------------------------ ICAO 9303-11 Appendix D


def _icao_card() -> VirtualCCCD:
    randoms = [H("4608F91988702212"), H("0B4F80323EB3191CB04970CB4052790B")]
    return VirtualCCCD({0x011E: ICAO_COM}, "L898902C<369080619406236", rng=lambda n: randoms.pop(0))


def test_bac_answer_reproduces_appendix_d() -> None:
    card = _icao_card()
    assert card.handle_apdu(H("00A4040C07A0000002471001")) == H("9000")
    assert card.handle_apdu(H("0084000008")) == H("4608F919887022129000")
    e_ifd = H("72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2")
    answer = card.handle_apdu(H("0082000028") + e_ifd + H("5F1448EEA8AD90A7") + b"\x28")
    e_ic = H("46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F")
    assert answer == e_ic + H("2F2D235D074D7449") + H("9000")


def test_secure_messaging_reproduces_appendix_d() -> None:
    card = _icao_card()
    card.handle_apdu(H("00A4040C07A0000002471001"))
    card.handle_apdu(H("0084000008"))
    card.handle_apdu(
        H("0082000028")
        + H("72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2")
        + H("5F1448EEA8AD90A7")
        + b"\x28"
    )
    assert card.sm is not None and card.sm.ssc == 0x887022120C06C226
    assert card.handle_apdu(H("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800")) == H(
        "990290008E08FA855A5D4C50A8ED9000"
    )
    assert card.handle_apdu(H("0CB000000D9701048E08ED6705417E96BA5500")) == H(
        "8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000"
    )
    assert card.handle_apdu(H("0CB000040D9701128E082EA28A70F3C7B53500")) == H(
        "871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A990290008E08C8B2787EAEA07D749000"
    )


def test_wrong_bac_key_is_refused_without_session() -> None:
    card = _icao_card()
    card.handle_apdu(H("0084000008"))
    e_ifd = H("72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2")
    bad_mac = H("5F1448EEA8AD90A8")
    assert _sw(card.handle_apdu(H("0082000028") + e_ifd + bad_mac + b"\x28")) == 0x6300
    assert card.sm is None and not card.access_granted
    # without a fresh challenge, EXTERNAL AUTHENTICATE is out of sequence
    assert _sw(card.handle_apdu(H("0082000028") + e_ifd + H("5F1448EEA8AD90A7") + b"\x28")) == 0x6985


# --------------------------------------------------------------------- before authentication


def test_unauthenticated_card(card: VirtualCCCD) -> None:
    assert card.handle_apdu(H("00A4000C023F00")) == H("6D00")  # SELECT MF refused, like real CCCDs
    assert card.handle_apdu(H("00A4020C02011C")) == H("9000")  # EF.CardAccess by file id
    access = card.handle_apdu(H("00B0000004"))
    assert access == H("3134300D9000")
    assert card.handle_apdu(H("00B09C0000"))[:-2] == card.file_content(0x011C)  # by SFI 1C, Le 00
    assert card.handle_apdu(H("00A4040C07A0000002471001")) == H("9000")
    assert card.handle_apdu(H("00A4040C07A0000002479999")) == H("6A82")
    assert card.handle_apdu(H("00A4020C02011E")) == H("9000")
    assert card.handle_apdu(H("00B0000004")) == H("6982")
    assert card.handle_apdu(H("00B0810004")) == H("6982")  # DG1 by SFI
    assert card.handle_apdu(H("0084000000")) == H("6700")  # GET CHALLENGE wants Le 8
    assert card.handle_apdu(H("00CA000000")) == H("6D00")
    # PACE is offered (card_security's handlers are installed by from_identity): MSE:Set AT with the CAN
    assert card.handle_apdu(H("0022C1A40F800A04007F00070202040202830102")) == H("9000")
    card.faults.refuse_pace = True
    assert card.handle_apdu(H("0022C1A40F800A04007F00070202040202830102")) == H("6982")


def test_security_protocols_can_be_left_out(sample_identity: Identity, mock_pki: object) -> None:
    card = VirtualCCCD.from_identity(sample_identity, pki=mock_pki, security_protocols=False)
    for ins in (0x22, 0x86, 0x88):
        assert card.handle_apdu(bytes((0x00, ins, 0x00, 0x00, 0x00))) == H("6D00")


def test_select_returns_fcp_when_asked(card: VirtualCCCD) -> None:
    card.handle_apdu(H("00A4040C07A0000002471001"))
    fcp = card.handle_apdu(H("00A4020402010100"))
    assert fcp[-2:] == H("9000") and fcp[0] == 0x62
    size = len(card.file_content(0x0101) or b"")
    assert H("8002") + size.to_bytes(2, "big") in fcp


# -------------------------------------------------------------------- after authentication

Transmit = Callable[[bytes], bytes]


def _authenticated(card: VirtualCCCD, mini_reader: tuple[type, Callable[..., object]]) -> object:
    card.handle_apdu(H("00A4040C07A0000002471001"))
    _, bac = mini_reader
    return bac(card.handle_apdu, card.mrz_information)


def _read(card: VirtualCCCD, sm: object, ins: int, p1: int, p2: int, data: bytes = b"", le: int | None = None,
          extended: bool = False) -> tuple[bytes, int]:  # fmt: skip
    command = sm.wrap(ins, p1, p2, data, le, extended=extended)  # type: ignore[attr-defined]
    return sm.unwrap(card.handle_apdu(command))  # type: ignore[attr-defined,no-any-return]


def test_read_every_file_after_bac(card: VirtualCCCD, mini_reader: tuple[type, Callable[..., object]]) -> None:
    sm = _authenticated(card, mini_reader)
    com, sw = _read(card, sm, 0xB0, 0x9E, 0x00, le=0x40)  # EF.COM by SFI 1E, shorter than Le
    assert sw == 0x6282 and com == card.file_content(0x011E)
    assert com[-8:] == H("5C06") + bytes((0x61, 0x75, 0x63, 0x6D, 0x6E, 0x6F))
    data, sw = _read(card, sm, 0xA4, 0x02, 0x0C, H("0101"))
    assert sw == 0x9000 and data == b""
    head, sw = _read(card, sm, 0xB0, 0x00, 0x00, le=4)
    assert sw == 0x9000 and head == (card.file_content(0x0101) or b"")[:4]
    for fid in (0x011D, 0x0102, 0x010D, 0x010E, 0x010F):
        _, sw = _read(card, sm, 0xA4, 0x02, 0x0C, fid.to_bytes(2, "big"))
        assert sw == 0x9000, hex(fid)
        content = card.file_content(fid) or b""
        got = b""
        while len(got) < len(content):
            chunk, sw = _read(card, sm, 0xB0, len(got) >> 8, len(got) & 0xFF, le=0xDF)
            assert sw in (0x9000, 0x6282)
            got += chunk
        assert got == content, hex(fid)
    _, sw = _read(card, sm, 0xA4, 0x02, 0x0C, H("0103"))
    assert sw == 0x9000
    assert _read(card, sm, 0xB0, 0x00, 0x00, le=8) == (b"", 0x6982)  # DG3 needs EAC
    assert _read(card, sm, 0xA4, 0x02, 0x0C, H("010B")) == (b"", 0x6A82)  # no DG11
    assert card.sm is not None  # status words above do not end the session


def test_offsets_and_lengths(card: VirtualCCCD, mini_reader: tuple[type, Callable[..., object]]) -> None:
    sm = _authenticated(card, mini_reader)
    dg2 = card.file_content(0x0102) or b""
    assert len(dg2) > 10_000
    _read(card, sm, 0xA4, 0x02, 0x0C, H("0102"))
    tail, sw = _read(card, sm, 0xB0, (len(dg2) - 10) >> 8, (len(dg2) - 10) & 0xFF, le=0x20)
    assert (tail, sw) == (dg2[-10:], 0x6282)
    beyond = len(dg2) + 5
    assert _read(card, sm, 0xB0, beyond >> 8, beyond & 0xFF, le=4) == (b"", 0x6B00)
    whole, sw = _read(card, sm, 0xB0, 0x00, 0x00, le=65536, extended=True)  # one extended READ BINARY
    assert (whole, sw) == (dg2, 0x6282)
    part, sw = _read(card, sm, 0xB0, 0x00, 0x10, le=1000, extended=True)
    assert (part, sw) == (dg2[16:1016], 0x9000)
    # odd INS: offset in DO'54', data back in DO'53' (Le counts the DO'53' header)
    odd, sw = _read(card, sm, 0xB1, 0x01, 0x02, H("5403001234"), le=0x80)
    assert sw == 0x9000 and odd[:2] == H("537E") and odd[2:] == dg2[0x1234 : 0x1234 + 0x7E]
    # a short outer APDU carries at most 256 bytes: 231 plaintext bytes fit protected, 232 do not
    data, sw = _read(card, sm, 0xB0, 0x00, 0x00, le=231)
    assert (data, sw) == (dg2[:231], 0x9000)
    assert _read(card, sm, 0xB0, 0x00, 0x00, le=232) == (b"", 0x6700)
    assert _read(card, sm, 0xB0, 0x00, 0x00, le=256) == (b"", 0x6700)


def test_bad_mac_drops_the_session(card: VirtualCCCD, mini_reader: tuple[type, Callable[..., object]]) -> None:
    sm = _authenticated(card, mini_reader)
    command = bytearray(sm.wrap(0xB0, 0x9E, 0x00, b"", 4))  # type: ignore[attr-defined]
    command[-3] ^= 0x01  # last MAC byte
    assert card.handle_apdu(bytes(command)) == H("6988")
    assert card.sm is None and not card.access_granted
    retry = sm.wrap(0xB0, 0x9E, 0x00, b"", 4)  # type: ignore[attr-defined]
    assert card.handle_apdu(retry) == H("6988")
    assert card.handle_apdu(H("00B09E0004")) == H("6982")


def test_plain_command_ends_secure_messaging(
    card: VirtualCCCD, mini_reader: tuple[type, Callable[..., object]]
) -> None:
    _authenticated(card, mini_reader)
    assert card.handle_apdu(H("00A4020C02011E")) == H("9000")
    assert card.sm is None
    assert card.handle_apdu(H("00B0000004")) == H("6982")


# ----------------------------------------------------------------------------------- faults


def test_max_le_faults(card: VirtualCCCD, mini_reader: tuple[type, Callable[..., object]]) -> None:
    sm = _authenticated(card, mini_reader)
    card.faults.max_le = 0x80
    _read(card, sm, 0xA4, 0x02, 0x0C, H("0102"))
    assert _read(card, sm, 0xB0, 0x00, 0x00, le=0xDF) == (b"", 0x6700)
    card.faults.max_le_sw = 0x6C00
    assert _read(card, sm, 0xB0, 0x00, 0x00, le=0xDF) == (b"", 0x6C80)
    data, sw = _read(card, sm, 0xB0, 0x00, 0x00, le=0x80)
    assert sw == 0x9000 and len(data) == 0x80
    card.faults.max_le = None
    data, sw = _read(card, sm, 0xB0, 0x00, 0x00, le=0xDF)
    assert sw == 0x9000 and len(data) == 0xDF


def test_no_extended_length(card: VirtualCCCD, mini_reader: tuple[type, Callable[..., object]]) -> None:
    assert card.atr[-2] & 0x40  # card capabilities: extended Lc/Le supported
    card.faults.no_extended_length = True
    assert not card.atr[-2] & 0x40
    sm = _authenticated(card, mini_reader)
    _read(card, sm, 0xA4, 0x02, 0x0C, H("0102"))
    command = sm.wrap(0xB0, 0x00, 0x00, b"", 1000, extended=True)  # type: ignore[attr-defined]
    assert card.handle_apdu(command) == H("6700")
    assert card.sm is None  # the card could not even check the MAC: session gone


def test_remove_at_apdu_fires_once(card: VirtualCCCD) -> None:
    card.faults.remove_at_apdu = 3
    assert card.handle_apdu(H("00A4040C07A0000002471001")) == H("9000")
    assert card.handle_apdu(H("00A4020C02011E")) == H("9000")
    with pytest.raises(CardRemoved):
        card.handle_apdu(H("00A4020C02011E"))
    assert card.faults.remove_at_apdu is None
    card.power_on()
    assert card.handle_apdu(H("00A4040C07A0000002471001")) == H("9000")


def test_corrupt_dg_breaks_only_its_hash(sample_identity: Identity, mock_pki: object) -> None:
    card = VirtualCCCD.from_identity(sample_identity, pki=mock_pki, faults=CardFaults(corrupt_dg=13))
    sod = card.file_content(0x011D) or b""
    dg13 = card.file_content(0x010D) or b""
    dg1 = card.file_content(0x0101) or b""
    assert hashlib.sha256(dg1).digest() in sod
    assert hashlib.sha256(dg13).digest() not in sod
    card.faults.corrupt_dg = None
    original = card.file_content(0x010D) or b""
    assert hashlib.sha256(original).digest() in sod
    assert len(original) == len(dg13) and sum(a != b for a, b in zip(original, dg13, strict=True)) == 1


def test_corrupt_dg1_keeps_its_check_digits(sample_identity: Identity, mock_pki: object) -> None:
    from station.readers.mrz import parse_td1

    card = VirtualCCCD.from_identity(sample_identity, pki=mock_pki, faults=CardFaults(corrupt_dg=1))
    served = card.file_content(0x0101) or b""
    assert hashlib.sha256(served).digest() not in (card.file_content(0x011D) or b"")
    td1 = parse_td1(served[5:].decode("ascii"))
    assert td1.all_checks_ok and td1.id_number == sample_identity.id_number
    assert (td1.surname, td1.given_names) != ("UNG", "HOANG HIEP")


# ------------------------------------------------------------------------------------ AES SM


def test_aes_session_against_hand_built_command() -> None:
    ks_enc, ks_mac = bytes(range(16)), bytes(range(16, 32))
    card_sm = CardSecureMessaging(CipherKind.AES128, ks_enc, ks_mac, 0)
    # READ BINARY with Le 0x20, protected by hand (9303-11 §9.8: SSC 1, AES-CMAC over SSC || padded input)
    do97 = H("970120")
    ssc1 = (1).to_bytes(16, "big")
    mac = crypto.aes_cmac(ks_mac, crypto.iso9797_pad(ssc1 + crypto.iso9797_pad(H("0CB00000"), 16) + do97, 16))
    command = CommandAPDU.from_bytes(H("0CB000000D") + do97 + H("8E08") + mac + H("00"))
    plain = card_sm.unwrap_command(command)
    assert (plain.cla, plain.ins, plain.p1, plain.p2, plain.data, plain.le) == (0x00, 0xB0, 0, 0, b"", 0x20)
    wrapped = card_sm.wrap_response(ResponseAPDU(b"hello card", 0x9000))
    ssc2 = (2).to_bytes(16, "big")
    iv = crypto.aes_ecb_encrypt(ks_enc, ssc2)
    cryptogram = crypto.aes_cbc_encrypt(ks_enc, crypto.iso9797_pad(b"hello card", 16), iv)
    body = H("8711") + b"\x01" + cryptogram + H("99029000")
    expected_mac = crypto.aes_cmac(ks_mac, crypto.iso9797_pad(ssc2 + body, 16))
    assert wrapped.data == body + H("8E08") + expected_mac and wrapped.sw == 0x9000


def test_aes_session_installed_by_a_handler(card: VirtualCCCD) -> None:
    """How PACE / chip authentication plug in: a handler installs keys after its own response."""
    ks_enc, ks_mac = bytes(16), bytes(range(16))

    def fake_general_authenticate(chip: VirtualCCCD, command: CommandAPDU) -> ResponseAPDU:
        chip.start_secure_messaging(CardSecureMessaging(CipherKind.AES128, ks_enc, ks_mac, 0))
        return ResponseAPDU(H("7C00"), 0x9000)

    card.set_handler(0x86, fake_general_authenticate)
    card.handle_apdu(H("00A4040C07A0000002471001"))
    assert card.handle_apdu(H("0086000002" + "7C0000")) == H("7C009000")  # answered in plain
    assert card.sm is not None and card.sm.kind is CipherKind.AES128 and card.access_granted
