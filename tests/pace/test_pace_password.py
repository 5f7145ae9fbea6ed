"""PACE passwords (9303-11 §9.7.3): only the MRZ is hashed, the CAN is used as its digits.

Caught by reading the virtual card with an external eMRTD reader: the station and the card
both hashed the CAN, agreed with each other, and would have failed against a real CCCD.
"""

from __future__ import annotations

import hashlib

from station.readers.icao.crypto import CipherKind
from station.readers.icao.pace import PASSWORD_CAN, PASSWORD_MRZ, PacePassword, derive_k_pi


def test_can_is_not_hashed() -> None:
    password = PacePassword.can("123456")
    assert password.ref == PASSWORD_CAN
    assert password.key == b"123456"
    # K_pi = KDF(CAN, 3) = SHA-1("123456" || 00000003)[:16], computed by an external reader.
    assert derive_k_pi(password, CipherKind.AES128).hex().upper() == "591468CDA83D65219CCCB8560233600F"


def test_mrz_password_is_sha1_of_the_mrz_information() -> None:
    password = PacePassword.mrz("T22000129364081251010318")
    assert password.ref == PASSWORD_MRZ
    assert password.key == hashlib.sha1(b"T22000129364081251010318").digest()
    assert derive_k_pi(password, CipherKind.AES128).hex().upper() == "89DED1B26624EC1E634C1989302849DD"
