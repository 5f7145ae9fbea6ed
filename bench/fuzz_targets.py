"""The parsers under fuzz, their typed errors, and real seed inputs from ``hardware_mocks``' encoders.

Shared by the atheris harnesses (``bench/fuzz_*.py``) and the hypothesis tests (``tests/fuzz``), so
both hold every parser to the same contract: a valid result or one of ``expected``, nothing else.
Targets go one step past the bare parse where the station does (DG13 → ``Identity``, DG2 → the
JPEG shown on screen), because that is where a damaged file would otherwise escape untyped.
"""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bench.fuzz_common import Harness
from station.identity import Identity
from station.readers.errors import MalformedDataError
from station.readers.icao.lds import DG1, DG2, DG13
from station.readers.icao.lds.dg14 import parse_dg14
from station.readers.icao.lds.dg15 import parse_dg15
from station.readers.icao.security_infos import parse_security_infos
from station.readers.icao.sod import parse_sod
from station.readers.icao.tlv import TLV, parse_all
from station.readers.icao.trust_store import TrustStoreError, parse_master_list
from station.readers.mrz import MRZError, parse_td1
from station.readers.qr import QrLayout, QrPayloadError, format_qr_payload, parse_qr_payload

__all__ = ["HARNESSES", "harness"]

_MAX_TLV_DEPTH = 8


# ------------------------------------------------------------------ seeds (built, never committed)


@functools.cache
def _citizens() -> tuple[Identity, ...]:
    from hardware_mocks.citizens import generate

    return tuple(generate(4, 20261123))


@functools.cache
def _pki() -> Any:
    from hardware_mocks import pki

    return pki.load_or_create(Path(tempfile.mkdtemp(prefix="fuzz-pki-")))


def _small_face(person: Identity) -> bytes:
    from hardware_mocks.citizens import synthetic_face

    return synthetic_face(person.id_number, person.sex, size=(48, 64))


def seeds_dg1() -> list[bytes]:
    from hardware_mocks.lds_builder import build_dg1, td1_mrz

    return [build_dg1(td1_mrz(p)) for p in _citizens()]


def seeds_dg2() -> list[bytes]:
    from hardware_mocks.lds_builder import build_dg2

    return [build_dg2(_small_face(p), p.sex) for p in _citizens()[:2]]


def seeds_dg13() -> list[bytes]:
    from hardware_mocks.lds_builder import build_dg13

    return [build_dg13(p) for p in _citizens()]


def seeds_dg14() -> list[bytes]:
    from hardware_mocks.card_security import build_dg14, generate_chip_auth_dh_key, generate_chip_auth_key

    key = generate_chip_auth_key()
    return [build_dg14(key), build_dg14(key, explicit=False), build_dg14(generate_chip_auth_dh_key())]


def seeds_dg15() -> list[bytes]:
    from hardware_mocks.card_security import build_dg15, generate_aa_ec_key, generate_aa_rsa_key

    ec_key = generate_aa_ec_key().public_key()
    return [
        build_dg15(generate_aa_rsa_key(1024).public_key()),
        build_dg15(ec_key),
        build_dg15(ec_key, explicit=True),
    ]


def seeds_card_access() -> list[bytes]:
    from hardware_mocks.card_security import card_access_bytes

    return [card_access_bytes()]


def seeds_sod() -> list[bytes]:
    from hardware_mocks.pki import build_sod

    pki = _pki()
    groups = {1: seeds_dg1()[0], 13: seeds_dg13()[0]}
    return [
        build_sod(groups, pki.ds_key, pki.ds_cert),
        build_sod(groups, pki.ds_key, pki.ds_cert, lds_version=("0108", "040000"), signer_id="ski"),
    ]


def seeds_master_list() -> list[bytes]:
    from hardware_mocks.pki import build_master_list

    pki = _pki()
    return [
        build_master_list([pki.csca_cert], pki.ml_signer_key, pki.ml_signer_cert),
        build_master_list([pki.csca_cert, pki.forger_csca_cert], pki.ml_signer_key, pki.ml_signer_cert),
        build_master_list([pki.forger_csca_cert], pki.forger_ds_key, pki.forger_ds_cert),  # signer not in the list
    ]


def seeds_mrz() -> list[bytes]:
    from hardware_mocks.lds_builder import td1_mrz

    return [("\n".join(td1_mrz(p))).encode("ascii") for p in _citizens()]


def seeds_qr() -> list[bytes]:
    return [format_qr_payload(p, layout).encode("utf-8") for p in _citizens() for layout in QrLayout]


def seeds_tlv() -> list[bytes]:
    return [*seeds_dg13()[:2], *seeds_dg1()[:1], *seeds_dg14()[:1], *seeds_sod()[:1], *seeds_card_access()]


# ------------------------------------------------------------------ targets


def _walk(items: Iterable[TLV], depth: int) -> None:
    for item in items:
        if item.constructed and depth < _MAX_TLV_DEPTH:
            _walk(item.children(), depth + 1)


def target_tlv(data: bytes) -> None:
    _walk(parse_all(data, file="fuzz"), 0)


def target_dg1(data: bytes) -> None:
    from station.readers.chip import identity_from_data_groups

    dg1 = DG1(data)
    if dg1.td1 is not None and dg1.td1.id_number and dg1.td1.date_of_birth is not None:
        identity_from_data_groups({1: data})


def target_dg2(data: bytes) -> None:
    DG2(data).face.to_jpeg()


def target_dg13(data: bytes) -> None:
    from station.readers.chip import identity_from_data_groups

    DG13(data)
    identity_from_data_groups({13: data})


def target_dg14(data: bytes) -> None:
    dg14 = parse_dg14(data)
    for key in dg14.chip_authentication_public_keys:
        _ = key.public_key_info


def target_dg15(data: bytes) -> None:
    _ = parse_dg15(data).spki_der


def target_card_access(data: bytes) -> None:
    infos = parse_security_infos(data)
    for info in infos.pace_infos:
        _ = info.algorithm


def target_sod(data: bytes) -> None:
    sod = parse_sod(data)
    _ = sod.ds_certificate


def target_master_list(data: bytes) -> None:
    parse_master_list(data)


def target_mrz(data: bytes) -> None:
    text = data.decode("latin-1")
    parse_td1(text)
    parse_td1(text, strict=False)


def target_qr(data: bytes) -> None:
    parse_qr_payload(data)


_MALFORMED = (MalformedDataError,)

HARNESSES: dict[str, Harness] = {
    h.name: h
    for h in (
        Harness("tlv", target_tlv, _MALFORMED, seeds_tlv),
        Harness("dg1", target_dg1, _MALFORMED, seeds_dg1),
        Harness("dg2", target_dg2, _MALFORMED, seeds_dg2, max_len=8192),
        Harness("dg13", target_dg13, _MALFORMED, seeds_dg13),
        Harness("dg14", target_dg14, _MALFORMED, seeds_dg14),
        Harness("dg15", target_dg15, _MALFORMED, seeds_dg15),
        Harness("card_access", target_card_access, _MALFORMED, seeds_card_access),
        Harness("sod", target_sod, _MALFORMED, seeds_sod),
        Harness("master_list", target_master_list, (MalformedDataError, TrustStoreError), seeds_master_list),
        Harness("mrz", target_mrz, (MRZError,), seeds_mrz, max_len=512),
        Harness("qr", target_qr, (QrPayloadError,), seeds_qr, max_len=1024),
    )
}


def harness(name: str) -> Harness:
    return HARNESSES[name]
