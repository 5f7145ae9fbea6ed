"""QR → chip access keys (CAN, BAC) and the QR↔chip field comparison."""

from __future__ import annotations

import datetime as dt

from station.identity import CheckStatus, Identity
from station.readers.qr import extract_key_fields, parse_qr
from station.readers.qr_link import access_keys_from_qr, compare_qr_chip

P2021 = "001099012345|123456789|Huỳnh Thị Ngọc Ánh|05031999|Nữ|Số 5,ấp Phước Lợi, xã Đức Hòa|15042021"


def _chip(**changes: object) -> Identity:
    base = {
        "id_number": "001099012345",
        "full_name": "HUỲNH THỊ NGỌC ÁNH",
        "date_of_birth": "1999-03-05",
        "sex": "Nữ",
        "nationality": "Việt Nam",
        "place_of_residence": "Số 5, ấp Phước Lợi,  xã Đức Hòa",
        "date_of_issue": "2021-04-15",
        "date_of_expiry": "2024-03-05",
        "father_name": "Huỳnh Văn Đức",
        "source": "chip",
    }
    base.update(changes)
    return Identity.model_validate(base)


def test_keys_from_2021_qr() -> None:
    keys = access_keys_from_qr(parse_qr(P2021))
    assert keys.can == "012345"
    assert keys.document_number == "099012345"
    assert keys.date_of_birth == dt.date(1999, 3, 5)
    # Issued at 22, more than two years before 25: valid until the 25th birthday.
    assert keys.date_of_expiry == dt.date(2024, 3, 5)
    assert keys.has_bac_key and keys.mrz_information is not None
    assert "099012345" in keys.mrz_information
    assert "990305" in keys.mrz_information and "240305" in keys.mrz_information


def test_keys_issued_within_two_years_of_renewal_age() -> None:
    keys = access_keys_from_qr(parse_qr(P2021.replace("15042021", "01062023")))
    assert keys.date_of_expiry == dt.date(2039, 3, 5)


def test_keys_without_bac() -> None:
    year_only = access_keys_from_qr(parse_qr(P2021.replace("05031999", "00001999")))
    assert year_only.can == "012345" and not year_only.has_bac_key and year_only.date_of_birth is None
    elderly = access_keys_from_qr(parse_qr(P2021.replace("05031999", "05031950")))
    assert elderly.date_of_expiry is None  # issued past 60: never expires, BAC uses the no-expiry fillers
    assert elderly.mrz_information is not None and "500305" in elderly.mrz_information
    no_issue = parse_qr("079203004321|Đặng Văn Thế|12112003|Nam|Tổ 3||")
    assert not access_keys_from_qr(no_issue).has_bac_key
    assert access_keys_from_qr(no_issue).can == "004321"


def test_keys_from_digits_only() -> None:
    lost = "001099012345|123456789|Hunh Th Ngc nh|05031999|N|S 5|15042021"
    assert access_keys_from_qr(extract_key_fields(lost)) == access_keys_from_qr(parse_qr(P2021))


def test_qr_matches_chip_after_normalisation() -> None:
    check = compare_qr_chip(parse_qr(P2021), _chip())
    assert check.status is CheckStatus.PASSED, check.detail
    assert check.detail is not None and "Họ, chữ đệm và tên" in check.detail


def test_mismatch_names_fields_in_vietnamese() -> None:
    check = compare_qr_chip(parse_qr(P2021), _chip(full_name="Huỳnh Thị Ngọc Anh", date_of_birth="1999-03-06"))
    assert check.status is CheckStatus.FAILED
    assert check.detail is not None
    assert "Họ, chữ đệm và tên" in check.detail and "Ngày sinh" in check.detail
    assert "Giới tính" not in check.detail and "Anh" not in check.detail


def test_address_may_differ_only_by_whitespace() -> None:
    assert compare_qr_chip(parse_qr(P2021), _chip()).status is CheckStatus.PASSED
    moved = compare_qr_chip(parse_qr(P2021), _chip(place_of_residence="Số 6, ấp Phước Lợi, xã Đức Hòa"))
    assert moved.status is CheckStatus.FAILED
    assert moved.detail is not None and "Nơi thường trú" in moved.detail


def test_fields_missing_on_one_side_are_not_compared() -> None:
    chip = _chip(father_name=None, old_id_number="987654321")
    assert compare_qr_chip(parse_qr(P2021.replace("|123456789|", "||")), chip).status is CheckStatus.PASSED
    assert compare_qr_chip(parse_qr(P2021), chip).status is CheckStatus.FAILED
