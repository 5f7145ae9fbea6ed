"""Reader PACE against the card-side CardPace, in process, through the card's own secure messaging."""

from __future__ import annotations

import pytest
from asn1crypto import core
from pace_card_harness import InMemoryCard

from hardware_mocks.card_security import CardPace, card_access_bytes
from station.readers.errors import AccessDeniedError, AuthenticationProtocolError
from station.readers.icao.apdu import CommandAPDU, ResponseAPDU
from station.readers.icao.crypto import CipherKind
from station.readers.icao.domain_params import (
    ID_EC_PUBLIC_KEY,
    STANDARDIZED_DOMAIN_PARAMETERS,
    ec_parameters_to_asn1,
    named_ec_parameters,
)
from station.readers.icao.pace import (
    PASSWORD_CAN,
    PASSWORD_MRZ,
    PaceNotSupported,
    PacePassword,
    choose_pace_info,
    perform_pace,
)
from station.readers.icao.security_infos import (
    PaceDomainParameterInfoSpec,
    PaceInfo,
    PaceInfoSpec,
    encode_security_infos,
    parse_security_infos,
)
from station.readers.icao.sm import SecureChannel

CAN = "047064"
EF_COM = b"\x60\x05\x5f\x01\x02\x30\x31"
SELECT_EF_COM = CommandAPDU(0x00, 0xA4, 0x02, 0x0C, b"\x01\x1e")


def _card(password: str = CAN, ref: int = PASSWORD_CAN, param_id: int = 13) -> InMemoryCard:
    return InMemoryCard(pace=CardPace(password.encode(), ref, param_id), files={0x011E: EF_COM})


def _read_ef_com(channel: SecureChannel) -> bytes:
    assert channel.transmit(SELECT_EF_COM).sw == 0x9000
    response = channel.transmit(CommandAPDU(0x00, 0xB0, 0x00, 0x00, le=len(EF_COM)))
    assert response.sw == 0x9000
    return response.data


def test_right_can_establishes_secure_messaging() -> None:
    card = _card()
    channel = SecureChannel(card)
    result = perform_pace(channel, PacePassword.can(CAN), parse_security_infos(card_access_bytes()))
    assert result.kind is CipherKind.AES128 and result.parameter_id == 13
    assert channel.sm is result.sm
    assert card.pace is not None and card.pace.session is not None
    assert (result.ks_enc, result.ks_mac) == (card.pace.session.ks_enc, card.pace.session.ks_mac)
    assert _read_ef_com(channel) == EF_COM
    # the reads went protected: the card saw them only after unwrapping its SM
    assert card.log[-1].ins == 0xB0 and card.sm is not None and card.sm.ssc == result.sm.ssc


def test_wrong_can_is_access_denied_and_leaves_no_session() -> None:
    card = _card()
    channel = SecureChannel(card)
    with pytest.raises(AccessDeniedError):
        perform_pace(channel, PacePassword.can("047065"), parse_security_infos(card_access_bytes()))
    assert card.pace is not None and card.pace.session is None
    assert channel.sm is None and card.sm is None
    assert card.sws == [0x9000, 0x9000, 0x9000, 0x9000, 0x6300]  # the card refused T_IFD


def test_mrz_password_works_and_can_reference_differs() -> None:
    mrz = "093047064410010933010520"
    card = _card(mrz, PASSWORD_MRZ)
    channel = SecureChannel(card)
    perform_pace(channel, PacePassword.mrz(mrz), parse_security_infos(card_access_bytes()))
    assert _read_ef_com(channel) == EF_COM
    # the same digits announced as a CAN are refused by reference before any crypto
    with pytest.raises(PaceNotSupported):
        perform_pace(SecureChannel(_card(mrz, PASSWORD_MRZ)), PacePassword(PASSWORD_CAN, b"\x00" * 20), card_info())


def card_info(param_id: int = 13, cipher_arc: int = 2) -> PaceInfo:
    return PaceInfo(f"0.4.0.127.0.7.2.2.4.2.{cipher_arc}", 2, param_id, b"")


@pytest.mark.parametrize("param_id", [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18])
def test_standardized_parameter_ids(param_id: int) -> None:
    card = _card(param_id=param_id)
    channel = SecureChannel(card)
    result = perform_pace(channel, PacePassword.can(CAN), card_info(param_id))
    assert result.parameter_id == param_id
    field_size = {8: 24, 9: 24, 10: 28, 11: 28, 12: 32, 13: 32, 14: 40, 15: 48, 16: 48, 17: 64, 18: 66}[param_id]
    assert len(result.card_public_key) == 1 + 2 * field_size
    assert _read_ef_com(channel) == EF_COM


@pytest.mark.parametrize(("cipher_arc", "kind"), [(1, CipherKind.DES3), (3, CipherKind.AES192), (4, CipherKind.AES256)])
def test_other_cipher_families(cipher_arc: int, kind: CipherKind) -> None:
    card = _card()
    channel = SecureChannel(card)
    result = perform_pace(channel, PacePassword.can(CAN), card_info(13, cipher_arc))
    assert result.kind is kind and len(result.ks_enc) == kind.key_length
    assert _read_ef_com(channel) == EF_COM


class _Refusing:
    """A card that answers every command with one status word."""

    max_apdu_data = 256

    def __init__(self, sw: int) -> None:
        self.sw = sw

    def transmit(self, command: CommandAPDU) -> ResponseAPDU:
        return ResponseAPDU(b"", self.sw)


@pytest.mark.parametrize("sw", [0x6982, 0x6A80, 0x6D00])
def test_refused_mse_set_at_means_fall_back_to_bac(sw: int) -> None:
    with pytest.raises(PaceNotSupported):
        perform_pace(SecureChannel(_Refusing(sw)), PacePassword.can(CAN), card_info())


def test_no_pace_info_means_fall_back_to_bac() -> None:
    ta_and_ca = [info.raw for info in parse_security_infos(card_access_bytes()).infos if not isinstance(info, PaceInfo)]
    with pytest.raises(PaceNotSupported):
        choose_pace_info(parse_security_infos(encode_security_infos(ta_and_ca)))
    # integrated mapping, or a non-standardized parameter ID, is not something this station runs
    with pytest.raises(PaceNotSupported):
        choose_pace_info([PaceInfo("0.4.0.127.0.7.2.2.4.4.2", 2, 13, b""), card_info(param_id=31)])
    assert issubclass(PaceNotSupported, AuthenticationProtocolError)


class _WrongTokenCard(InMemoryCard):
    """A card (or a man in the middle) that completes PACE but answers a forged T_IC."""

    def transmit(self, command: CommandAPDU) -> ResponseAPDU:
        response = super().transmit(command)
        if command.cla == 0x00 and command.ins == 0x86 and response.sw == 0x9000:
            return ResponseAPDU(response.data[:-1] + bytes((response.data[-1] ^ 1,)), 0x9000)
        return response


def test_card_token_that_does_not_verify_is_access_denied() -> None:
    card = _WrongTokenCard(pace=CardPace(CAN.encode(), PASSWORD_CAN))
    channel = SecureChannel(card)
    with pytest.raises(AccessDeniedError):
        perform_pace(channel, PacePassword.can(CAN), card_info())
    assert channel.sm is None


class _OffCurveCard(InMemoryCard):
    def transmit(self, command: CommandAPDU) -> ResponseAPDU:
        response = super().transmit(command)
        if command.data.startswith(b"\x7c\x43\x81"):  # mapping step: corrupt the chip's point
            data = bytearray(response.data)
            data[-1] ^= 0x01
            return ResponseAPDU(bytes(data), response.sw)
        return response


def test_card_point_off_the_curve_is_a_protocol_error() -> None:
    with pytest.raises(AuthenticationProtocolError) as info:
        perform_pace(
            SecureChannel(_OffCurveCard(pace=CardPace(CAN.encode(), PASSWORD_CAN))),
            PacePassword.can(CAN),
            card_info(),
        )
    assert not isinstance(info.value, (AccessDeniedError, PaceNotSupported))
    assert "public key" in str(info.value)


def test_card_keeps_the_chain_in_order() -> None:
    card = CardPace(CAN.encode(), PASSWORD_CAN)
    assert card.general_authenticate(bytes.fromhex("7C00"), True)[1] == 0x6985  # no MSE:Set AT yet
    assert card.set_at(bytes.fromhex("800A04007F00070202040202830102")) == 0x9000
    data, sw = card.general_authenticate(bytes.fromhex("7C00"), True)
    assert sw == 0x9000 and data.startswith(b"\x7c\x12\x80\x10")
    # the last (unchained) command arriving at the second step ends the attempt
    assert card.general_authenticate(bytes.fromhex("7C00"), False)[1] != 0x9000
    assert card.session is None


def test_password_repr_hides_key() -> None:
    password = PacePassword.can(CAN)
    assert password.key.hex() not in repr(password)
    with pytest.raises(ValueError):
        PacePassword.can("12a456")


class _GarbledCard(InMemoryCard):
    def transmit(self, command: CommandAPDU) -> ResponseAPDU:
        response = super().transmit(command)
        if command.data == b"\x7c\x00":  # the nonce step: cut the 7C object short
            return ResponseAPDU(response.data[:-3], response.sw)
        return response


def test_truncated_authentication_data_is_a_protocol_error() -> None:
    with pytest.raises(AuthenticationProtocolError, match="malformed"):
        perform_pace(
            SecureChannel(_GarbledCard(pace=CardPace(CAN.encode(), PASSWORD_CAN))), PacePassword.can(CAN), card_info()
        )


class _WarnsOnMse(InMemoryCard):
    def __init__(self, sw: int, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.mse_sw = sw

    def transmit(self, command: CommandAPDU) -> ResponseAPDU:
        response = super().transmit(command)
        if command.ins == 0x22 and response.sw == 0x9000:
            return ResponseAPDU(b"", self.mse_sw)
        return response


def test_retry_counter_warning_on_mse_continues_but_blocked_password_is_denied() -> None:
    warned = _WarnsOnMse(0x63C2, pace=CardPace(CAN.encode(), PASSWORD_CAN), files={0x011E: EF_COM})
    channel = SecureChannel(warned)
    perform_pace(channel, PacePassword.can(CAN), card_info())
    assert _read_ef_com(channel) == EF_COM
    blocked = _WarnsOnMse(0x63C0, pace=CardPace(CAN.encode(), PASSWORD_CAN))
    with pytest.raises(AccessDeniedError):
        perform_pace(SecureChannel(blocked), PacePassword.can(CAN), card_info())


def _proprietary_card_access(param_id: int, algorithm: str, parameters: object) -> bytes:
    pace = PaceInfoSpec({"protocol": "0.4.0.127.0.7.2.2.4.2.2", "version": 2, "parameter_id": param_id})
    domain = PaceDomainParameterInfoSpec(
        {
            "protocol": "0.4.0.127.0.7.2.2.4.2",  # id-PACE-ECDH-GM
            "domain_parameter": {"algorithm": algorithm, "parameters": parameters},
            "parameter_id": param_id,
        }
    )
    return encode_security_infos([pace, domain])


@pytest.mark.parametrize("explicit", [True, False])
def test_proprietary_domain_parameters_from_card_access(explicit: bool) -> None:
    """PACEInfo with a parameter ID above 31 points at a PACEDomainParameterInfo that spells the curve out."""
    curve = named_ec_parameters("brainpoolP224r1")
    infos = parse_security_infos(
        _proprietary_card_access(40, ID_EC_PUBLIC_KEY, ec_parameters_to_asn1(curve, explicit=explicit))
    )
    card = InMemoryCard(pace=CardPace(CAN.encode(), PASSWORD_CAN, 40, domain=curve), files={0x011E: EF_COM})
    channel = SecureChannel(card)
    result = perform_pace(channel, PacePassword.can(CAN), infos)
    assert result.parameter_id == 40 and len(result.card_public_key) == 1 + 2 * 28
    assert card.log[0].data.endswith(b"\x84\x01\x28")  # MSE:Set AT names the proprietary ID
    assert _read_ef_com(channel) == EF_COM


def test_domain_parameter_info_by_standardized_id_and_missing_one() -> None:
    infos = parse_security_infos(_proprietary_card_access(33, STANDARDIZED_DOMAIN_PARAMETERS, core.Integer(12)))
    card = InMemoryCard(pace=CardPace(CAN.encode(), PASSWORD_CAN, 33, domain=named_ec_parameters("secp256r1")))
    assert perform_pace(SecureChannel(card), PacePassword.can(CAN), infos).parameter_id == 33
    # a PACEInfo whose proprietary parameters are not described anywhere: BAC
    with pytest.raises(PaceNotSupported):
        choose_pace_info([PaceInfo("0.4.0.127.0.7.2.2.4.2.2", 2, 40, b"")])
