"""Inputs the fuzzers found crashing, kept as regression tests (rebuilt from the real encoders, not stored bytes)."""

from __future__ import annotations

import pytest
from asn1crypto import keys

from hardware_mocks.card_security import build_dg14, build_dg15, generate_aa_ec_key, generate_chip_auth_key
from station.readers.errors import MalformedDataError
from station.readers.icao.lds.dg14 import DG14Spec, parse_dg14
from station.readers.icao.lds.dg15 import DG15Spec, parse_dg15
from station.readers.icao.security_infos import ChipAuthenticationPublicKeyInfoSpec

_COFACTOR_THEN_KEY = bytes.fromhex("020101034200")  # INTEGER 1 (cofactor), then the BIT STRING of a P-256 point


def _cofactor_as_object_descriptor(der: bytes) -> bytes:
    """Retag the explicit EC parameters' cofactor INTEGER (02) as an ObjectDescriptor (07).

    asn1crypto then fails on first access with ``AttributeError: 'ObjectDescriptor' object has no
    attribute 'native'`` (bench/fuzz_dg14.py, 89 of 100,000 inputs), which escaped parse_dg14.
    """
    at = der.rfind(_COFACTOR_THEN_KEY)
    assert at > 0, "the encoder no longer writes explicit parameters with cofactor 1"
    return der[:at] + b"\x07" + der[at + 1 :]


def test_dg14_with_a_mistagged_cofactor_is_malformed_data() -> None:
    bad = _cofactor_as_object_descriptor(build_dg14(generate_chip_auth_key(), explicit=True))
    # the input really is the hostile one: the library itself trips over it
    for element in DG14Spec.load(bad, strict=True):
        if element["protocol"].dotted == "0.4.0.127.0.7.2.2.1.2":
            spec = ChipAuthenticationPublicKeyInfoSpec.load(element.dump())
            with pytest.raises(AttributeError):
                _ = spec["chip_authentication_public_key"]["algorithm"]["parameters"].native
    with pytest.raises(MalformedDataError) as caught:
        parse_dg14(bad)
    assert caught.value.file == "DG14"


def test_dg15_with_a_mistagged_cofactor_is_malformed_data() -> None:
    good = build_dg15(generate_aa_ec_key().public_key(), explicit=True)
    bad = _cofactor_as_object_descriptor(good)
    with pytest.raises(AttributeError):
        _ = keys.PublicKeyInfo.load(bad[bad.index(b"\x30") :]).native
    with pytest.raises(MalformedDataError) as caught:
        parse_dg15(bad)
    assert caught.value.file == "DG15"
    assert parse_dg15(good).algorithm == "ec"  # the unmangled file still parses


# bench/fuzz_dg15.py, 290 of 100,000 inputs: a mutated RSA DG15 whose subjectPublicKey BIT STRING
# makes asn1crypto raise IndexError while merging its chunks (escaped parse_dg15 before the fix).
DG15_BIT_STRING_INDEX_ERROR = bytes.fromhex(
    "6f81a230819f300d06092a864886f70d01010105000381008d813089028181cb304a0067ec181be71cf39ed8bd7342e4"
    "50bd6df6a8d9b5bed09e7fce6d3b8400009712fca19095f6850254847f7b8b2bdeee807bdccee338ec303198a5d18933"
    "d31becb8177cc9e70ba42f0648ce3d020106092b24030100080101070342b96b684122002221eb755a3027f4258d64d4"
    "d8f4e54b3d376a3c6200a169255fe67d0203010001"
)


def test_dg15_whose_key_bit_string_breaks_the_asn1_library_is_malformed_data() -> None:
    with pytest.raises(IndexError):
        _ = DG15Spec.load(DG15_BIT_STRING_INDEX_ERROR, strict=True).native
    with pytest.raises(MalformedDataError) as caught:
        parse_dg15(DG15_BIT_STRING_INDEX_ERROR)
    assert caught.value.file == "DG15"
