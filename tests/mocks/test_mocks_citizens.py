"""Synthetic citizens: deterministic, schema-valid, internally consistent."""

from __future__ import annotations

import datetime as dt
import json
import os
import unicodedata
from pathlib import Path

import jsonschema

from hardware_mocks import citizens
from station.identity import Identity
from station.readers.mrz import cccd_expiry

# The schema lives outside the repository (shared with the other rooms); STATION_IDENTITY_SCHEMA overrides.
SCHEMA_PATH = Path(os.environ.get("STATION_IDENTITY_SCHEMA", "/work/shared/identity.schema.json"))


def _people(count: int = 60, seed: int = 11) -> list[Identity]:
    return citizens.generate(count, seed)


def test_same_seed_same_people() -> None:
    first = [p.to_json() for p in citizens.generate(12, 5)]
    assert first == [p.to_json() for p in citizens.generate(12, 5)]
    assert first != [p.to_json() for p in citizens.generate(12, 6)]
    assert citizens.synthetic_face("001093047064") == citizens.synthetic_face("001093047064")


def test_every_record_validates_against_the_schema() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    for person in _people():
        errors = list(validator.iter_errors(json.loads(person.to_json())))
        assert not errors, errors[0].message


def test_names_are_nfc_with_vietnamese_letters() -> None:
    people = _people()
    text = " ".join(p.full_name for p in people)
    for person in people:
        assert unicodedata.is_normalized("NFC", person.full_name)
        assert len(person.full_name.split()) >= 3
    assert any(ch in text for ch in "đĐ")
    assert any(ch in text for ch in "ươƯƠ")
    assert any(unicodedata.normalize("NFD", ch) != ch for ch in text)  # letters with diacritics


def test_number_dates_and_expiry_hold_together() -> None:
    people = _people(120)
    assert len({p.id_number for p in people}) == len(people)
    for person in people:
        dob = dt.date.fromisoformat(person.date_of_birth)
        issued = dt.date.fromisoformat(person.date_of_issue or "")
        number = person.id_number
        century_sex = int(number[3])
        assert century_sex == (0 if dob.year < 2000 else 2) + (0 if person.sex == "Nam" else 1)
        assert number[4:6] == f"{dob.year % 100:02d}"
        assert 1 <= int(number[:3]) <= 96
        assert issued >= dob.replace(year=dob.year + 14) - dt.timedelta(days=1)
        expected = cccd_expiry(dob, issued)
        assert person.date_of_expiry == (expected.isoformat() if expected else None)
    assert any(p.date_of_expiry is None for p in people)  # over-60 cards never expire
    assert any(p.spouse_name for p in people) and any(p.spouse_name is None for p in people)
    assert any(p.old_id_number for p in people) and any(p.old_id_number is None for p in people)
    assert any(p.ethnicity != "Kinh" for p in people) and any(p.religion != "Không" for p in people)


def test_address_form_follows_the_2025_reform() -> None:
    for person in _people(120):
        issued = dt.date.fromisoformat(person.date_of_issue or "")
        parts = (person.place_of_origin or "").split(", ")
        assert len(parts) == (2 if issued >= citizens.ADDRESS_REFORM else 3), (issued, parts)
        assert parts[-1].startswith(("Tỉnh ", "Thành phố "))
        assert parts[0].startswith(("Xã ", "Phường ", "Thị trấn ", "Đặc khu "))


def test_cli_writes_json_and_faces(tmp_path: Path) -> None:
    assert citizens.main(["--count", "3", "--seed", "9", "--out", str(tmp_path)]) == 0
    files = sorted(tmp_path.iterdir())
    jsons = [f for f in files if f.suffix == ".json"]
    faces = [f for f in files if f.suffix == ".jpg"]
    assert len(jsons) == len(faces) == 3
    for json_path, face in zip(jsons, faces, strict=True):
        person = Identity.from_json(json_path.read_text(encoding="utf-8"))
        assert face.read_bytes() == citizens.synthetic_face(person.id_number, person.sex)
        assert face.read_bytes()[:3] == b"\xff\xd8\xff"
