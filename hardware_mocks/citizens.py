"""Synthetic citizens: Identity JSON files and face JPEGs to personalise virtual cards with.

Every value is invented but holds together the way a real card's data does: the 12-digit
number encodes the birth province, century, sex and birth year; the expiry follows the CCCD
renewal rule from the birth and issue dates; a card issued from 1 July 2025 carries the
two-level address (ward, province) and an older one the three-level form. Output depends
only on the seed.

    python -m hardware_mocks.citizens --count 20 --seed 7 --out /tmp/citizens
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import random
import sqlite3
import sys
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

from station.identity import Identity, Source

__all__ = ["ADDRESS_REFORM", "generate", "main", "synthetic_face", "write_citizens"]

ADDRESS_REFORM = dt.date(2025, 7, 1)
FIRST_CHIP_ISSUE = dt.date(2021, 1, 15)
LAST_ISSUE = dt.date(2026, 10, 31)

_SURNAMES = [
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Huỳnh", 4), ("Hoàng", 4), ("Võ", 4),
    ("Phan", 4), ("Vũ", 3), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2), ("Ngô", 2),
    ("Dương", 1), ("Lý", 1), ("Trương", 1), ("Đinh", 1), ("Lương", 1), ("Mai", 1), ("Tạ", 1),
]  # fmt: skip
_MIDDLE_MALE = ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Thành", "Công", "Đình", "Xuân", "Ngọc", "Thế", "Tuấn"]
_MIDDLE_FEMALE = ["Thị", "Thị", "Ngọc", "Thu", "Thùy", "Minh", "Phương", "Bảo", "Kim", "Thanh", "Mỹ", "Diệu"]
_GIVEN_MALE = [
    "Hùng", "Dũng", "Tuấn", "Quyết", "Thắng", "Hiếu", "Đạt", "Khải", "Lực", "Sơn", "Vượng", "Nghĩa", "Thuận",
    "Trường", "Phước", "Hưng", "Cường", "Kỳ", "Vỹ", "Huỳnh", "Tiến", "Lộc", "Đông", "Nhật", "Khánh", "Quý",
]  # fmt: skip
_GIVEN_FEMALE = [
    "Hương", "Lan", "Huệ", "Nguyệt", "Thủy", "Thư", "Ngọc", "Hằng", "Yến", "Trâm", "Quỳnh", "Nhàn", "Hậu",
    "Diệp", "Uyên", "Thảo", "Vy", "Duyên", "Tuyết", "Ánh", "Mỹ", "Giang", "Liễu", "Nhung", "Hạnh", "Đào",
]  # fmt: skip
_ETHNICITIES = [("Kinh", 85), ("Tày", 3), ("Thái", 3), ("Mường", 2), ("Khmer", 2), ("H'Mông", 2), ("Nùng", 1),
                ("Hoa", 1), ("Dao", 1)]  # fmt: skip
_RELIGIONS = [("Không", 78), ("Phật giáo", 10), ("Công giáo", 7), ("Tin lành", 2), ("Cao Đài", 2),
              ("Phật giáo Hòa Hảo", 1)]  # fmt: skip
_MARKS = [
    "Nốt ruồi C:1cm trên trước đầu lông mày trái",
    "Nốt ruồi C:2cm dưới sau đuôi mắt phải",
    "Sẹo chấm C:1cm trên trước cánh mũi trái",
    "Sẹo chấm C:3cm dưới trước mép phải",
    "Nốt ruồi cách 1,5cm trên đầu mày phải",
]
_HAMLETS = ["Đông", "Tây", "Thượng", "Hạ", "Trung", "Bắc", "Nam", "Phú Mỹ", "An Lạc", "Tân Thành", "Yên Thế"]
_STREETS = ["Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Hai Bà Trưng", "Quang Trung", "Lý Thường Kiệt", "Phan Bội Châu"]


@dataclass(frozen=True)
class _Ward:
    ward: str
    district: str | None
    province: str
    province_code: str


@lru_cache(maxsize=1)
def _units() -> tuple[tuple[_Ward, ...], dict[str, tuple[_Ward, ...]]]:
    """Old (63-province, three-level) and new (34-province, two-level) units from vietnamadminunits' data."""
    path = resources.files("vietnamadminunits") / "data" / "dataset.db"
    with resources.as_file(path) as db_path:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            old = tuple(
                _Ward(_unit_case(w), _unit_case(d), p, code)
                for p, d, w, code in conn.execute(
                    "select province, district, ward, provinceCode from admin_units_legacy"
                    " where ward is not null order by rowid"
                )
            )
            new_rows = conn.execute("select province, ward, provinceCode from admin_units order by rowid").fetchall()
        finally:
            conn.close()
    new: dict[str, list[_Ward]] = {}
    for province, ward, code in new_rows:
        new.setdefault(code, []).append(_Ward(ward, None, province, code))
    return old, {code: tuple(wards) for code, wards in new.items()}


def _unit_case(name: str) -> str:
    """The dataset writes a few unit types capitalised ("Thị Trấn"); cards print "Thị trấn"."""
    for wrong, right in (("Thị Trấn ", "Thị trấn "), ("Thị Xã ", "Thị xã "), ("Thành Phố ", "Thành phố ")):
        if name.startswith(wrong):
            return right + name[len(wrong) :]
    return name


def _weighted(rng: random.Random, items: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in items], weights=[w for _, w in items])[0]


def _name(rng: random.Random, sex: str, surname: str | None = None) -> str:
    surname = surname or _weighted(rng, _SURNAMES)
    middles, givens = (_MIDDLE_MALE, _GIVEN_MALE) if sex == "Nam" else (_MIDDLE_FEMALE, _GIVEN_FEMALE)
    middle = rng.choice(middles)
    given = rng.choice([g for g in givens if g != middle])
    return f"{surname} {middle} {given}"


def _random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _birthday(dob: dt.date, age: int) -> dt.date:
    try:
        return dob.replace(year=dob.year + age)
    except ValueError:
        return dt.date(dob.year + age, 2, 28)


def _expiry(dob: dt.date, issue: dt.date) -> dt.date | None:
    from station.readers.mrz import cccd_expiry

    return cccd_expiry(dob, issue)


def _street_part(rng: random.Random) -> str:
    kind = rng.randrange(3)
    if kind == 0:
        return f"Tổ {rng.randint(1, 30)}"
    if kind == 1:
        return f"Thôn {rng.choice(_HAMLETS)}"
    return f"Số {rng.randint(1, 250)} đường {rng.choice(_STREETS)}"


def _address(rng: random.Random, old_ward: _Ward, issued: dt.date, *, with_street: bool) -> str:
    """Three-level (old) form before the 2025 reform, two-level (new ward, province) after."""
    parts = [_street_part(rng)] if with_street else []
    if issued < ADDRESS_REFORM:
        parts += [old_ward.ward, old_ward.district or "", old_ward.province]
    else:
        _, new = _units()
        candidates = new.get(old_ward.province_code) or next(iter(new.values()))
        ward = rng.choice(candidates)
        parts += [ward.ward, ward.province]
    return ", ".join(p for p in parts if p)


def _person(rng: random.Random, index: int) -> Identity:
    old_units, _ = _units()
    sex: Literal["Nam", "Nữ"] = "Nam" if rng.random() < 0.5 else "Nữ"
    if index % 7 == 3:  # some over 60: cards without expiry
        dob = _random_date(rng, dt.date(1940, 1, 1), dt.date(1962, 12, 31))
    else:
        dob = _random_date(rng, dt.date(1962, 1, 1), dt.date(2011, 12, 31))
    earliest = max(_birthday(dob, 14), FIRST_CHIP_ISSUE)
    if index % 5 == 1 and earliest < ADDRESS_REFORM:  # some issued after the 2025 reform, some before
        earliest = ADDRESS_REFORM
    issued = _random_date(rng, earliest, LAST_ISSUE)
    expiry = _expiry(dob, issued)
    origin = rng.choice(old_units)
    home = origin if rng.random() < 0.6 else rng.choice(old_units)
    century_sex = (0 if dob.year < 2000 else 2) + (0 if sex == "Nam" else 1)
    number = f"{int(origin.province_code):03d}{century_sex}{dob.year % 100:02d}{rng.randrange(10**6):06d}"
    surname = _weighted(rng, _SURNAMES)
    age = (issued - dob).days // 365
    married = age >= 22 and rng.random() < 0.55
    spouse_sex = "Nữ" if sex == "Nam" else "Nam"
    old_id = f"{rng.randrange(10**8, 10**9):09d}" if dob.year < 2000 and rng.random() < 0.5 else None
    return Identity(
        id_number=number,
        old_id_number=old_id,
        full_name=_name(rng, sex, surname),
        date_of_birth=dob.isoformat(),
        sex=sex,
        nationality="Việt Nam",
        ethnicity=_weighted(rng, _ETHNICITIES),
        religion=_weighted(rng, _RELIGIONS),
        place_of_origin=_address(rng, origin, issued, with_street=False),
        place_of_residence=_address(rng, home, issued, with_street=True),
        identifying_marks=rng.choice(_MARKS),
        date_of_issue=issued.isoformat(),
        date_of_expiry=expiry.isoformat() if expiry else None,
        father_name=_name(rng, "Nam", surname),
        mother_name=_name(rng, "Nữ"),
        spouse_name=_name(rng, spouse_sex) if married else None,
        source=Source.MANUAL,
    )


def generate(count: int, seed: int) -> list[Identity]:
    """``count`` citizens; the same seed gives the same people (and numbers) every time."""
    rng = random.Random(seed)
    people: list[Identity] = []
    numbers: set[str] = set()
    while len(people) < count:
        person = _person(rng, len(people))
        if person.id_number in numbers:
            continue
        numbers.add(person.id_number)
        people.append(person)
    return people


# --------------------------------------------------------------------------------- faces

_SKIN = [(241, 204, 170), (226, 185, 143), (205, 160, 120), (188, 140, 100)]
_SHIRTS = [(250, 250, 250), (40, 60, 110), (90, 90, 95), (140, 30, 40), (30, 90, 60)]


def synthetic_face(key: str, sex: str | None = None, *, size: tuple[int, int] = (480, 640)) -> bytes:
    """A passport-style portrait drawn with Pillow, ~10-20 KB JPEG like a real DG2 image.

    Deterministic from ``key`` (the personal number): the card and the citizen files agree on it.
    """
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(hashlib.sha256(key.encode("utf-8")).digest())
    width, height = size
    image = Image.new("RGB", size, (rng.randint(225, 245), rng.randint(232, 248), 255))
    draw = ImageDraw.Draw(image)
    skin = rng.choice(_SKIN)
    cx, cy = width // 2 + rng.randint(-12, 12), int(height * 0.42)
    face_w, face_h = int(width * rng.uniform(0.40, 0.46)), int(height * rng.uniform(0.40, 0.45))
    shirt = rng.choice(_SHIRTS)
    draw.ellipse((cx - width * 0.55, height * 0.78, cx + width * 0.55, height * 1.4), fill=shirt)
    draw.rectangle((cx - face_w * 0.22, cy + face_h * 0.3, cx + face_w * 0.22, height * 0.84), fill=skin)
    hair = (rng.randint(10, 40),) * 3
    long_hair = sex == "Nữ"
    hair_bottom = cy + face_h * (0.55 if long_hair else 0.05)
    draw.ellipse((cx - face_w * 0.58, cy - face_h * 0.62, cx + face_w * 0.58, hair_bottom), fill=hair)
    box = (cx - face_w / 2, cy - face_h / 2, cx + face_w / 2, cy + face_h / 2)
    draw.ellipse(box, fill=skin)
    draw.chord((box[0] - 4, box[1] - 10, box[2] + 4, cy + face_h * 0.05), 180, 360, fill=hair)
    eye_y = cy + face_h * 0.02
    for side in (-1, 1):
        ex = cx + side * face_w * 0.2
        draw.ellipse((ex - 18, eye_y - 8, ex + 18, eye_y + 8), fill=(250, 250, 250))
        draw.ellipse((ex - 7, eye_y - 7, ex + 7, eye_y + 7), fill=(35, 25, 20))
        draw.line((ex - 24, eye_y - 24, ex + 22, eye_y - 27 - rng.randint(0, 5)), fill=hair, width=6)
    draw.line((cx, eye_y + 10, cx - 8, eye_y + 58), fill=tuple(c - 40 for c in skin), width=4)
    mouth_y = cy + face_h * 0.3
    draw.arc((cx - 34, mouth_y - 14, cx + 34, mouth_y + 12), 15, 165, fill=(150, 60, 60), width=5)
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    grain = Image.frombytes("L", size, rng.randbytes(width * height)).filter(ImageFilter.GaussianBlur(0.6))
    image = Image.blend(image, Image.merge("RGB", (grain, grain, grain)), 0.06)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=rng.randint(60, 70), optimize=True)
    return out.getvalue()


# ----------------------------------------------------------------------------------- CLI


def _file_stem(index: int, identity: Identity) -> str:
    ascii_name = unicodedata.normalize("NFD", identity.full_name.replace("Đ", "D").replace("đ", "d"))
    ascii_name = "".join(c for c in ascii_name if c.isascii() and (c.isalnum() or c == " "))
    return f"citizen-{index:04d}-{ascii_name.lower().replace(' ', '-')}"


def write_citizens(count: int, seed: int, out: Path, *, faces: bool = True) -> list[Path]:
    """Write ``count`` Identity JSON files (and their face JPEGs); return the JSON paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for index, identity in enumerate(generate(count, seed), start=1):
        stem = _file_stem(index, identity)
        json_path = out / f"{stem}.json"
        json_path.write_text(identity.to_json(include_face=False) + "\n", encoding="utf-8")
        if faces:
            (out / f"{stem}.jpg").write_bytes(synthetic_face(identity.id_number, identity.sex))
        paths.append(json_path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m hardware_mocks.citizens", description="Sinh dữ liệu công dân giả lập (JSON + ảnh chân dung)."
    )
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--no-faces", action="store_true", help="skip the JPEG portraits")
    args = parser.parse_args(argv)
    if args.count < 1:
        print("--count phải lớn hơn 0", file=sys.stderr)
        return 2
    paths = write_citizens(args.count, args.seed, args.out, faces=not args.no_faces)
    print(f"Đã ghi {len(paths)} công dân vào {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
