"""The station's reader against the virtual CCCD through the real pcscd + vpcd.

Round trip (Identity JSON → card → ``station read --json`` → the same JSON), wrong keys,
the card pulled at every APDU of a full read, and the Le limits of older readers/cards.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest

from hardware_mocks.virtual_cccd import CardFaults
from hardware_mocks.vpcd import VpcdCard
from station.cli import main as station_main
from station.identity import FIELD_LABELS, Identity
from station.readers.chip import AccessKey, AccessProtocol, ChipReading, ChipSession, ReadProgress
from station.readers.errors import AccessDeniedError, CardRemovedError, ReaderError
from station.readers.pcsc import PcscCard

CardFactory = Callable[..., AbstractContextManager[VpcdCard]]

PERSONAL_FIELDS = tuple(FIELD_LABELS)


def _reading(reader: str, key: AccessKey, **kwargs: Any) -> ChipReading:
    card = PcscCard(reader)
    card.connect()
    try:
        return ChipSession(card, key, **kwargs).read()
    finally:
        card.disconnect()


def _read(reader: str, key: AccessKey, **kwargs: Any) -> Identity:
    return _reading(reader, key, **kwargs).identity


def test_citizens_cover_the_profile_cases(citizens: list[tuple[Identity, bytes]]) -> None:
    people = [person for person, _ in citizens]
    assert any(p.spouse_name for p in people) and any(not p.spouse_name for p in people)
    assert any(p.date_of_expiry is None for p in people), "someone over 60 (card without expiry)"
    assert any(p.old_id_number for p in people)


def test_round_trip_every_field_through_station_read(
    citizens: list[tuple[Identity, bytes]],
    virtual_card: CardFactory,
    vpcd_reader: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    picked = [citizens[0]]
    picked.append(next(c for c in citizens if c[0].date_of_expiry is None))
    picked.append(next(c for c in citizens if c[0].spouse_name))
    picked.append(next(c for c in citizens if c[0].old_id_number))
    for person, face in picked:
        with virtual_card(person, face):
            code = station_main(["read", "--reader", vpcd_reader, "--id-number", person.id_number, "--json"])
        captured = capsys.readouterr()
        out = captured.out
        assert code == 0, captured.err
        read = json.loads(out)
        expected = person.to_dict(include_face=False)
        for name in PERSONAL_FIELDS:
            assert read.get(name) == expected.get(name), name
        assert read["full_name"].encode() == person.full_name.encode()  # diacritics byte-exact (NFC)
        assert read["source"] == "chip"
        assert Identity.from_dict(read).face_jpeg == face
        checks = read["verification"]
        assert checks["data_group_hashes"]["status"] == "passed"
        assert checks["sod_signature"]["status"] == "passed"
        assert checks["chip_authentication"]["status"] == "passed"
        assert checks["active_authentication"]["status"] == "passed"


def test_the_output_validates_against_the_shared_schema(
    citizens: list[tuple[Identity, bytes]],
    virtual_card: CardFactory,
    vpcd_reader: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import pathlib

    import jsonschema

    schema_path = pathlib.Path(__file__).resolve().parents[3] / "shared" / "identity.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    person, face = citizens[1]
    with virtual_card(person, face):
        assert station_main(["read", "--reader", vpcd_reader, "--id-number", person.id_number, "--json"]) == 0
    jsonschema.validate(json.loads(capsys.readouterr().out), schema)


def test_dg13_fields_arrive_before_the_photo(
    citizens: list[tuple[Identity, bytes]], virtual_card: CardFactory, vpcd_reader: str
) -> None:
    person, face = citizens[2]
    events: list[str] = []

    def on_progress(event: ReadProgress) -> None:
        if event.done == event.total:
            events.append(event.label)

    partial: list[Identity] = []

    def on_partial(identity: Identity) -> None:
        partial.append(identity)
        events.append("partial")

    with virtual_card(person, face):
        identity = _read(vpcd_reader, AccessKey(can=person.can), on_progress=on_progress, on_partial=on_partial)
    assert events.index("DG13") < events.index("partial") < events.index("DG2")
    assert events[-1] == "DG2", "the photo is read last"
    assert "DG3" not in events, "fingerprints are EAC-protected and never read"
    assert partial[0].full_name == person.full_name and partial[0].face_jpeg is None
    assert identity.face_jpeg == face


def test_wrong_can_exits_4_with_a_plain_message(
    citizens: list[tuple[Identity, bytes]],
    virtual_card: CardFactory,
    vpcd_reader: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    person, face = citizens[0]
    wrong = person.id_number[:-6] + f"{(int(person.can) + 1) % 1_000_000:06d}"
    with virtual_card(person, face):
        code = station_main(["read", "--reader", vpcd_reader, "--id-number", wrong, "--json"])
    captured = capsys.readouterr()
    assert code == 4
    assert captured.out == ""
    assert "từ chối khóa truy cập" in captured.err


def test_wrong_dob_on_a_bac_only_card_exits_4(
    citizens: list[tuple[Identity, bytes]],
    virtual_card: CardFactory,
    vpcd_reader: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    person, face = citizens[0]
    assert person.birth_date is not None
    wrong_dob = person.birth_date.replace(day=1 if person.birth_date.day != 1 else 2)
    expiry = person.date_of_expiry
    args = ["read", "--reader", vpcd_reader, "--id-number", person.id_number, "--dob", wrong_dob.isoformat()]
    args += ["--expiry", expiry] if expiry else ["--no-expiry"]
    with virtual_card(person, face, pace=False):
        code = station_main([*args, "--json"])
    assert code == 4
    assert "từ chối khóa truy cập" in capsys.readouterr().err


def test_bac_only_card_reads_with_dob_and_expiry(
    citizens: list[tuple[Identity, bytes]], virtual_card: CardFactory, vpcd_reader: str
) -> None:
    person, face = next(c for c in citizens if c[0].date_of_expiry is None)
    assert person.birth_date is not None
    key = AccessKey.for_cccd(person.id_number, person.birth_date, None, never_expires=True)
    with virtual_card(person, face, pace=False):
        reading = _reading(vpcd_reader, key)
    assert reading.protocol is AccessProtocol.BAC
    assert reading.identity.full_name == person.full_name
    assert reading.identity.face_jpeg == face


def test_card_refusing_pace_falls_back_to_bac(
    citizens: list[tuple[Identity, bytes]], virtual_card: CardFactory, vpcd_reader: str
) -> None:
    person, face = citizens[3]
    assert person.birth_date is not None
    expiry = None if person.date_of_expiry is None else dt.date.fromisoformat(person.date_of_expiry)
    key = AccessKey.for_cccd(person.id_number, person.birth_date, expiry, never_expires=expiry is None)
    with virtual_card(person, face, faults=CardFaults(refuse_pace=True)):
        reading = _reading(vpcd_reader, key, read_photo=False)
    assert reading.protocol is AccessProtocol.BAC
    assert reading.identity.id_number == person.id_number


def test_pace_refused_and_no_mrz_data_says_what_is_missing(
    citizens: list[tuple[Identity, bytes]], virtual_card: CardFactory, vpcd_reader: str
) -> None:
    person, face = citizens[3]
    with virtual_card(person, face, faults=CardFaults(refuse_pace=True)), pytest.raises(AccessDeniedError) as info:
        _read(vpcd_reader, AccessKey(can=person.can))
    assert "ngày sinh" in info.value.clerk_message


@pytest.mark.parametrize(
    "faults",
    [
        CardFaults(max_le=160),
        CardFaults(no_extended_length=True),
        CardFaults(max_le=200, max_le_sw=0x6C00),
        CardFaults(max_le=128, max_le_sw=0x6C00),
    ],
    ids=["max-le-160", "no-extended-length", "6Cxx", "6Cxx-128"],
)
def test_le_limits_still_read_everything(
    faults: CardFaults, citizens: list[tuple[Identity, bytes]], virtual_card: CardFactory, vpcd_reader: str
) -> None:
    person, face = citizens[4]
    with virtual_card(person, face, faults=faults):
        identity = _read(vpcd_reader, AccessKey(can=person.can))
    assert identity.full_name == person.full_name
    assert identity.face_jpeg == face


def test_card_pulled_at_every_apdu_gives_a_clean_error_then_reads(
    citizens: list[tuple[Identity, bytes]], virtual_card: CardFactory, vpcd_reader: str
) -> None:
    person, face = citizens[5]
    key = AccessKey(can=person.can)
    faults = CardFaults()
    with virtual_card(person, face, faults=faults) as runner:
        before = runner.apdus
        complete = _read(vpcd_reader, key)
        total = runner.apdus - before
        assert total > 10
        for index in range(1, total + 1):
            faults.remove_at_apdu = index
            partial: list[Identity] = []
            with pytest.raises(ReaderError) as info:
                _read(vpcd_reader, key, on_partial=partial.append)
            assert isinstance(info.value, CardRemovedError), (index, info.value)
            assert faults.remove_at_apdu is None, "the fault fired"
            _wait_reinserted(vpcd_reader)
            again = _read(vpcd_reader, key)
            assert again == complete, f"second read after a pull at APDU {index}"


def _wait_reinserted(reader: str) -> None:
    from hardware_mocks.harness import wait_card_present

    wait_card_present(reader)


def test_cancel_stops_the_read(
    citizens: list[tuple[Identity, bytes]], virtual_card: CardFactory, vpcd_reader: str
) -> None:
    from station.readers.chip import ReadCancelled

    person, face = citizens[6]
    cancel = threading.Event()

    def on_progress(event: ReadProgress) -> None:
        if event.label == "EF.SOD":
            cancel.set()

    with virtual_card(person, face), pytest.raises(ReadCancelled):
        _read(vpcd_reader, AccessKey(can=person.can), on_progress=on_progress, cancel=cancel)
