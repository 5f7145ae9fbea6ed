"""PACE, chip and active authentication against the virtual CCCD's APDU engine with the handlers installed."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from hardware_mocks.card_security import (
    CardSecurityHandlers,
    build_dg14,
    build_dg15,
    card_access_bytes,
    generate_aa_rsa_key,
    generate_chip_auth_key,
)
from hardware_mocks.virtual_cccd import LDS1_AID, VirtualCCCD
from station.identity import CheckStatus
from station.readers.errors import AccessDeniedError
from station.readers.icao.active_auth import perform_active_auth
from station.readers.icao.apdu import CommandAPDU, ResponseAPDU
from station.readers.icao.chip_auth import perform_chip_auth
from station.readers.icao.lds.dg14 import parse_dg14
from station.readers.icao.lds.dg15 import parse_dg15
from station.readers.icao.pace import PaceNotSupported, PacePassword, perform_pace
from station.readers.icao.security_infos import parse_security_infos
from station.readers.icao.sm import SecureChannel

CAN = "470641"
MRZ_INFORMATION = "093047064493010543301052"  # document number, DOB, expiry, each with its check digit
EF_COM = bytes.fromhex("60165F0104303130375F36063034303030305C046175")


class _Link:
    """The engine behind a Transport, bytes in and out as over PC/SC."""

    def __init__(self, card: VirtualCCCD, max_apdu_data: int = 256) -> None:
        self.card = card
        self.max_apdu_data = max_apdu_data

    def transmit(self, command: CommandAPDU) -> ResponseAPDU:
        return ResponseAPDU.from_bytes(self.card.handle_apdu(command.to_bytes()))


@pytest.fixture(scope="module")
def keys() -> tuple[ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey]:
    return generate_chip_auth_key(), generate_aa_rsa_key(1024)


def _card(chip_key: ec.EllipticCurvePrivateKey, aa_key: rsa.RSAPrivateKey) -> VirtualCCCD:
    card = VirtualCCCD({0x011E: EF_COM}, MRZ_INFORMATION, card_access=card_access_bytes(), can=CAN)
    card.chip_auth_key, card.aa_key = chip_key, aa_key
    CardSecurityHandlers().install(card)
    return card


def test_full_session_on_the_engine(keys: tuple[ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey]) -> None:
    chip_key, aa_key = keys
    channel = SecureChannel(_Link(_card(chip_key, aa_key)))
    card_access = channel.transmit(CommandAPDU(0x00, 0xA4, 0x02, 0x0C, b"\x01\x1c"))
    assert card_access.sw == 0x9000
    perform_pace(channel, PacePassword.can(CAN), parse_security_infos(card_access_bytes()))
    assert channel.transmit(CommandAPDU(0x00, 0xA4, 0x04, 0x0C, LDS1_AID)).sw == 0x9000
    chip = perform_chip_auth(channel, parse_dg14(build_dg14(chip_key)))
    assert chip.status is CheckStatus.PASSED, chip.reason
    active = perform_active_auth(channel, parse_dg15(build_dg15(aa_key.public_key())))
    assert active.status is CheckStatus.PASSED, active.reason
    assert channel.transmit(CommandAPDU(0x00, 0xA4, 0x02, 0x0C, b"\x01\x1e")).sw == 0x9000
    assert channel.transmit(CommandAPDU(0x00, 0xB0, 0x00, 0x00, le=len(EF_COM))).data == EF_COM


def test_mrz_password_and_wrong_can_on_the_engine(keys: tuple[ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey]) -> None:
    card = _card(*keys)
    perform_pace(
        SecureChannel(_Link(card)), PacePassword.mrz(MRZ_INFORMATION), parse_security_infos(card_access_bytes())
    )
    with pytest.raises(AccessDeniedError):
        perform_pace(SecureChannel(_Link(card)), PacePassword.can("000000"), parse_security_infos(card_access_bytes()))


def test_clone_on_the_engine(keys: tuple[ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey]) -> None:
    chip_key, aa_key = keys
    clone = _card(generate_chip_auth_key(), generate_aa_rsa_key(1024))
    channel = SecureChannel(_Link(clone))
    perform_pace(channel, PacePassword.can(CAN), parse_security_infos(card_access_bytes()))
    channel.transmit(CommandAPDU(0x00, 0xA4, 0x04, 0x0C, LDS1_AID))
    active = perform_active_auth(channel, parse_dg15(build_dg15(aa_key.public_key())))
    assert active.status is CheckStatus.FAILED
    assert perform_chip_auth(channel, parse_dg14(build_dg14(chip_key))).status is CheckStatus.FAILED


@pytest.mark.parametrize(("max_apdu_data", "status"), [(65536, CheckStatus.PASSED), (256, CheckStatus.NOT_SUPPORTED)])
def test_rsa_2048_signature_needs_extended_length_under_sm(
    keys: tuple[ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey], max_apdu_data: int, status: CheckStatus
) -> None:
    """256 signature bytes plus the SM objects do not fit a short response: ask with an extended Le,
    and when the reader cannot, say "not supported" rather than calling a genuine chip a clone."""
    aa_key = generate_aa_rsa_key(2048)
    link = _Link(_card(keys[0], aa_key), max_apdu_data)
    channel = SecureChannel(link)
    perform_pace(channel, PacePassword.can(CAN), parse_security_infos(card_access_bytes()))
    result = perform_active_auth(channel, parse_dg15(build_dg15(aa_key.public_key())))
    assert result.status is status, result.reason


def test_card_refusing_pace_sends_the_reader_to_bac(keys: tuple[ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey]) -> None:
    card = VirtualCCCD({0x011E: EF_COM}, MRZ_INFORMATION, card_access=card_access_bytes(), can=CAN)
    CardSecurityHandlers(pace_refusal=0x6982).install(card)
    with pytest.raises(PaceNotSupported):
        perform_pace(SecureChannel(_Link(card)), PacePassword.can(CAN), parse_security_infos(card_access_bytes()))
