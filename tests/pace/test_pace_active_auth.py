"""Active authentication: RSA ISO/IEC 9796-2 scheme 1 and ECDSA, genuine chip and clone."""

from __future__ import annotations

import hashlib

import ecdsa
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pace_card_harness import InMemoryCard

from hardware_mocks.card_security import (
    ECDSA_PLAIN_SHA256,
    CardActiveAuth,
    CardPace,
    build_dg14,
    build_dg15,
    card_access_bytes,
    generate_aa_ec_key,
    generate_aa_rsa_key,
    generate_chip_auth_key,
)
from station.identity import CheckStatus
from station.readers.icao.active_auth import perform_active_auth, recover_9796_2, verify_ecdsa
from station.readers.icao.apdu import CommandAPDU, ResponseAPDU
from station.readers.icao.domain_params import named_ec_parameters
from station.readers.icao.lds.dg14 import parse_dg14
from station.readers.icao.lds.dg15 import parse_dg15
from station.readers.icao.pace import PASSWORD_CAN, PacePassword, perform_pace
from station.readers.icao.security_infos import ActiveAuthenticationInfo, parse_security_infos
from station.readers.icao.sm import SecureChannel


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return generate_aa_rsa_key(1024)


@pytest.fixture(scope="module")
def other_rsa_key() -> rsa.RSAPrivateKey:
    return generate_aa_rsa_key(1024)


@pytest.fixture(scope="module")
def ec_key() -> ec.EllipticCurvePrivateKey:
    return generate_aa_ec_key()


def _aa_info() -> ActiveAuthenticationInfo | None:
    return parse_dg14(
        build_dg14(generate_chip_auth_key(), aa_signature_oid=ECDSA_PLAIN_SHA256)
    ).active_authentication_info


def _representation(key: rsa.RSAPrivateKey, signature: bytes) -> bytes:
    numbers = key.public_key().public_numbers()
    return pow(int.from_bytes(signature, "big"), numbers.e, numbers.n).to_bytes(128, "big")


@pytest.mark.parametrize(
    ("hash_name", "trailer"),
    [("sha1", b"\xbc"), ("sha256", b"\x34\xcc"), ("sha1", None), ("sha224", None), ("sha384", None), ("sha512", None)],
)
def test_rsa_9796_2_genuine_chip_passes(rsa_key: rsa.RSAPrivateKey, hash_name: str, trailer: bytes | None) -> None:
    implicit = trailer == b"\xbc" if trailer is not None else False
    card = InMemoryCard(active_auth=CardActiveAuth(rsa_key, hash_name, implicit_trailer=implicit))
    result = perform_active_auth(card, parse_dg15(build_dg15(rsa_key.public_key())))
    assert result.status is CheckStatus.PASSED, result.reason
    assert result.algorithm == f"RSA ISO 9796-2 / {hash_name}"
    (command,) = card.log
    assert (command.ins, command.data, command.le) == (0x88, result.challenge, 256)
    signature = card.active_auth._rsa(result.challenge)  # type: ignore[union-attr]
    representation = _representation(rsa_key, signature)
    assert representation[0] == 0x6A
    if trailer is not None:
        assert representation.endswith(trailer)
    opened = recover_9796_2(rsa_key.public_key(), signature)
    assert opened is not None and opened[0] == hash_name
    assert opened[2] == hashlib.new(hash_name, opened[1] + result.challenge).digest()


def test_rsa_clone_fails(rsa_key: rsa.RSAPrivateKey, other_rsa_key: rsa.RSAPrivateKey) -> None:
    clone = InMemoryCard(active_auth=CardActiveAuth(other_rsa_key))
    result = perform_active_auth(clone, parse_dg15(build_dg15(rsa_key.public_key())))
    assert result.status is CheckStatus.FAILED and "sao chép" in result.detail


def test_ecdsa_plain_signature_passes_with_hash_from_dg14(ec_key: ec.EllipticCurvePrivateKey) -> None:
    card = InMemoryCard(active_auth=CardActiveAuth(ec_key, "sha256"))
    result = perform_active_auth(card, parse_dg15(build_dg15(ec_key.public_key(), explicit=True)), _aa_info())
    assert result.status is CheckStatus.PASSED and result.algorithm == "ECDSA / sha256"
    # a signature under another hash than the one DG14 names does not pass
    sha1_card = InMemoryCard(active_auth=CardActiveAuth(ec_key, "sha1"))
    assert perform_active_auth(sha1_card, parse_dg15(build_dg15(ec_key.public_key())), _aa_info()).status is (
        CheckStatus.FAILED
    )


def test_ecdsa_clone_fails(ec_key: ec.EllipticCurvePrivateKey) -> None:
    clone = InMemoryCard(active_auth=CardActiveAuth(generate_aa_ec_key(), "sha256"))
    result = perform_active_auth(clone, parse_dg15(build_dg15(ec_key.public_key())), _aa_info())
    assert result.status is CheckStatus.FAILED


def test_ecdsa_der_signature_and_curve_cryptography_lacks(ec_key: ec.EllipticCurvePrivateKey) -> None:
    params = named_ec_parameters("brainpoolP256r1")
    point = ec_key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    challenge = b"\x01" * 8
    der = ec_key.sign(challenge, ec.ECDSA(hashes.SHA384()))
    assert verify_ecdsa(params, point, challenge, der, ["sha256", "sha384"]) == "sha384"
    r, s = decode_dss_signature(der)
    assert verify_ecdsa(params, point, b"\x02" * 8, r.to_bytes(32, "big") + s.to_bytes(32, "big"), ["sha384"]) is None
    # brainpoolP320r1: not in cryptography, verified through the ecdsa package
    sk = ecdsa.SigningKey.generate(curve=ecdsa.BRAINPOOLP320r1)
    p320 = named_ec_parameters("brainpoolP320r1")
    assert p320.crypto_curve is None
    plain = sk.sign(challenge, hashfunc=hashlib.sha256)
    encoded = b"\x04" + sk.get_verifying_key().to_string()
    assert verify_ecdsa(p320, encoded, challenge, plain, ["sha1", "sha256"]) == "sha256"
    assert verify_ecdsa(p320, encoded, b"\x00" * 8, plain, ["sha256"]) is None
    # explicit parameters that name no curve (here: another generator) are verified as given
    custom = named_ec_parameters("brainpoolP256r1").with_generator(named_ec_parameters("brainpoolP256r1").generator * 2)
    custom_key = ecdsa.SigningKey.generate(curve=ecdsa.curves.Curve("custom", custom.curve, custom.generator, None))
    signed = custom_key.sign(challenge, hashfunc=hashlib.sha256)
    custom_point = b"\x04" + custom_key.get_verifying_key().to_string()
    assert verify_ecdsa(custom, custom_point, challenge, signed, ["sha256"]) == "sha256"


def test_challenge_is_fresh_per_call(rsa_key: rsa.RSAPrivateKey) -> None:
    card = InMemoryCard(active_auth=CardActiveAuth(rsa_key))
    dg15 = parse_dg15(build_dg15(rsa_key.public_key()))
    results = [perform_active_auth(card, dg15) for _ in range(3)]
    challenges = [r.challenge for r in results]
    assert all(r.passed for r in results)
    assert len(set(challenges)) == 3 and all(len(c) == 8 for c in challenges)
    assert [c.data for c in card.log] == challenges


class _WantsExactLe(InMemoryCard):
    """A card that answers 6Cxx to Le 00 and only signs when asked for the exact length."""

    def transmit(self, command: CommandAPDU) -> ResponseAPDU:
        if command.ins == 0x88 and command.le == 256:
            return ResponseAPDU(b"", 0x6C80)
        return super().transmit(command)


def test_6cxx_is_answered_with_the_right_le(rsa_key: rsa.RSAPrivateKey) -> None:
    card = _WantsExactLe(active_auth=CardActiveAuth(rsa_key))
    result = perform_active_auth(card, parse_dg15(build_dg15(rsa_key.public_key())))
    assert result.passed and [c.le for c in card.log] == [0x80]


def test_chip_that_will_not_sign_fails(rsa_key: rsa.RSAPrivateKey) -> None:
    result = perform_active_auth(InMemoryCard(), parse_dg15(build_dg15(rsa_key.public_key())))
    assert result.status is CheckStatus.FAILED and "6D00" in result.reason


def test_active_authentication_inside_pace_secure_messaging(ec_key: ec.EllipticCurvePrivateKey) -> None:
    card = InMemoryCard(pace=CardPace(b"123456", PASSWORD_CAN), active_auth=CardActiveAuth(ec_key, "sha256"))
    channel = SecureChannel(card)
    perform_pace(channel, PacePassword.can("123456"), parse_security_infos(card_access_bytes()))
    result = perform_active_auth(channel, parse_dg15(build_dg15(ec_key.public_key())), _aa_info())
    assert result.passed and card.sm is not None and card.sm.ssc == 2
