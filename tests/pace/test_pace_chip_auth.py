"""Chip authentication v1 against the card side: genuine chip, clone, 3DES MSE:Set KAT, no key."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from pace_card_harness import InMemoryCard

from hardware_mocks.card_security import (
    CardChipAuth,
    CardPace,
    build_dg14,
    card_access_bytes,
    generate_chip_auth_dh_key,
    generate_chip_auth_key,
)
from hardware_mocks.card_sm import CardSecureMessaging
from station.identity import Check, CheckStatus
from station.readers.errors import AuthenticationProtocolError
from station.readers.icao.apdu import CommandAPDU, ResponseAPDU
from station.readers.icao.chip_auth import perform_chip_auth
from station.readers.icao.crypto import CipherKind
from station.readers.icao.lds.dg14 import parse_dg14
from station.readers.icao.pace import PASSWORD_CAN, PacePassword, perform_pace
from station.readers.icao.security_infos import (
    ID_PK_DH,
    ChipAuthenticationInfo,
    SecurityInfos,
    encode_security_infos,
    parse_security_infos,
)
from station.readers.icao.sm import SecureChannel, SecureMessaging

CAN = "123456"
EF_COM = b"\x60\x03\x5c\x01\x61"


@pytest.fixture(scope="module")
def chip_key() -> ec.EllipticCurvePrivateKey:
    return generate_chip_auth_key()


def _after_pace(card: InMemoryCard) -> SecureChannel:
    channel = SecureChannel(card)
    perform_pace(channel, PacePassword.can(CAN), parse_security_infos(card_access_bytes()))
    return channel


def _card(key: ec.EllipticCurvePrivateKey, key_id: int | None = None) -> InMemoryCard:
    return InMemoryCard(
        pace=CardPace(CAN.encode(), PASSWORD_CAN), chip_auth=CardChipAuth(key, key_id), files={0x011E: EF_COM}
    )


def _read_ef_com(channel: SecureChannel) -> bytes:
    channel.transmit(CommandAPDU(0x00, 0xA4, 0x02, 0x0C, b"\x01\x1e"))
    return channel.transmit(CommandAPDU(0x00, 0xB0, 0x00, 0x00, le=len(EF_COM))).data


def test_genuine_chip_passes_and_secure_messaging_is_rekeyed(chip_key: ec.EllipticCurvePrivateKey) -> None:
    card = _card(chip_key)
    channel = _after_pace(card)
    pace_sm = channel.sm
    result = perform_chip_auth(channel, parse_dg14(build_dg14(chip_key)))
    assert result.status is CheckStatus.PASSED and result.passed
    assert result.check == Check.passed(result.detail)
    assert result.algorithm is not None and result.algorithm.kind is CipherKind.AES128
    assert channel.sm is result.sm and channel.sm is not pace_sm
    assert card.sm is not None and card.sm.ks_mac != card.pace.session.ks_mac  # type: ignore[union-attr]
    assert result.sm is not None and result.sm.ssc == 2  # the confirming SELECT ran under SSC 0 → 1 → 2
    assert _read_ef_com(channel) == EF_COM
    # the protocol commands themselves went protected under the PACE keys
    assert [(c.ins, c.p1, c.p2) for c in card.log if c.ins in (0x22, 0x86)][-2:] == [(0x22, 0x41, 0xA4), (0x86, 0, 0)]


def test_clone_with_copied_dg14_fails(chip_key: ec.EllipticCurvePrivateKey) -> None:
    clone = _card(generate_chip_auth_key())  # its own key; DG14 copied from the genuine card
    channel = _after_pace(clone)
    result = perform_chip_auth(channel, parse_dg14(build_dg14(chip_key)))
    assert result.status is CheckStatus.FAILED and not result.passed
    assert "sao chép" in result.detail and "did not verify" in result.reason
    assert channel.broken  # the session must authenticate again before reading on


def test_key_id_is_sent_and_matched(chip_key: ec.EllipticCurvePrivateKey) -> None:
    card = _card(chip_key, key_id=3)
    channel = _after_pace(card)
    result = perform_chip_auth(channel, parse_dg14(build_dg14(chip_key, key_id=3)))
    assert result.passed and result.key_id == 3
    mse = next(c for c in card.log if (c.ins, c.p1, c.p2) == (0x22, 0x41, 0xA4))
    assert mse.data.endswith(b"\x84\x01\x03")


def test_3des_chip_authentication_uses_mse_set_kat(chip_key: ec.EllipticCurvePrivateKey) -> None:
    """DG14 with a key but no ChipAuthenticationInfo implies id-CA-ECDH-3DES-CBC-CBC (after BAC)."""
    dg14 = parse_dg14(build_dg14(chip_key, include_pace=False))
    key_only = [i.raw for i in dg14.security_infos.infos if not isinstance(i, ChipAuthenticationInfo)]
    infos = parse_security_infos(encode_security_infos(key_only), file="DG14")
    k_enc, k_mac = bytes.fromhex("979EC13B1CBFE9DCD01AB0FED307EAE5"), bytes.fromhex("F1CB1F1FB5ADF208806B89DC579DC1F8")
    card = _card(chip_key)
    card.sm = CardSecureMessaging(CipherKind.DES3, k_enc, k_mac, 0x887022120C06C226)
    channel = SecureChannel(card, SecureMessaging(CipherKind.DES3, k_enc, k_mac, 0x887022120C06C226))
    result = perform_chip_auth(channel, infos)
    assert result.passed and result.algorithm is not None and result.algorithm.kind is CipherKind.DES3
    assert any((c.ins, c.p1, c.p2) == (0x22, 0x41, 0xA6) and c.data.startswith(b"\x91\x41\x04") for c in card.log)
    assert _read_ef_com(channel) == EF_COM


def test_card_that_refuses_chip_authentication_fails(chip_key: ec.EllipticCurvePrivateKey) -> None:
    card = InMemoryCard(pace=CardPace(CAN.encode(), PASSWORD_CAN), files={0x011E: EF_COM})  # no CA at all
    result = perform_chip_auth(_after_pace(card), parse_dg14(build_dg14(chip_key)))
    assert result.status is CheckStatus.FAILED and "6D00" in result.reason


def test_no_chip_authentication_key_is_not_supported() -> None:
    result = perform_chip_auth(SecureChannel(InMemoryCard()), SecurityInfos(()))
    assert result.status is CheckStatus.NOT_SUPPORTED and result.check.status is CheckStatus.NOT_SUPPORTED


class _DropsSessionOnMse(InMemoryCard):
    """A clone that answers a plain 6988 (SM error) instead of running chip authentication."""

    def transmit(self, command: CommandAPDU) -> ResponseAPDU:
        if command.cla & 0x0C and command.ins == 0x22 and self.sm is not None:
            self.sm = None
            return ResponseAPDU(b"", 0x6988)
        return super().transmit(command)


def test_session_broken_during_chip_authentication_fails(chip_key: ec.EllipticCurvePrivateKey) -> None:
    card = _DropsSessionOnMse(pace=CardPace(CAN.encode(), PASSWORD_CAN), files={0x011E: EF_COM})
    channel = _after_pace(card)
    result = perform_chip_auth(channel, parse_dg14(build_dg14(chip_key)))
    assert result.status is CheckStatus.FAILED and "secure messaging failed" in result.reason
    assert channel.broken


def test_chip_authentication_needs_a_secure_channel(chip_key: ec.EllipticCurvePrivateKey) -> None:
    with pytest.raises(AuthenticationProtocolError):
        perform_chip_auth(SecureChannel(_card(chip_key)), parse_dg14(build_dg14(chip_key)))


def test_key_with_standardized_domain_parameters(chip_key: ec.EllipticCurvePrivateKey) -> None:
    """TR-03110 lets DG14 name the curve by parameter ID (13) instead of spelling it out."""
    dg14 = parse_dg14(build_dg14(chip_key, standardized_id=13))
    (pk,) = dg14.chip_authentication_public_keys
    assert pk.standardized_parameter_id == 13 and pk.public_key_info is None
    card = _card(chip_key)
    assert perform_chip_auth(_after_pace(card), dg14).passed
    wrong_curve = parse_dg14(build_dg14(chip_key, standardized_id=12))  # point is not on secp256r1
    assert perform_chip_auth(_after_pace(_card(chip_key)), wrong_curve).status is CheckStatus.NOT_SUPPORTED


@pytest.mark.parametrize("param_id", [0, 2])
def test_dh_chip_authentication(param_id: int) -> None:
    key = generate_chip_auth_dh_key(param_id)
    dg14 = parse_dg14(build_dg14(key))
    (pk,) = dg14.chip_authentication_public_keys
    assert pk.oid == ID_PK_DH and pk.algorithm_oid == "1.2.840.10046.2.1"
    card = InMemoryCard(pace=CardPace(CAN.encode(), PASSWORD_CAN), chip_auth=CardChipAuth(key), files={0x011E: EF_COM})
    channel = _after_pace(card)
    result = perform_chip_auth(channel, dg14)
    assert result.passed and result.algorithm is not None and result.algorithm.agreement == "DH", result.reason
    assert _read_ef_com(channel) == EF_COM
    clone = InMemoryCard(
        pace=CardPace(CAN.encode(), PASSWORD_CAN), chip_auth=CardChipAuth(generate_chip_auth_dh_key(param_id))
    )
    assert perform_chip_auth(_after_pace(clone), dg14).status is CheckStatus.FAILED
