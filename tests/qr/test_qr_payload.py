"""QR payload layouts (2021 CCCD, 6-field variant, 2024 căn cước) and every validation error."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from station.identity import Identity, Source
from station.readers.errors import MalformedDataError, ReaderError
from station.readers.qr import (
    QrLayout,
    QrPayloadError,
    extract_key_fields,
    format_qr_payload,
    looks_like_cccd_payload,
    parse_qr,
    parse_qr_payload,
)

# Synthetic citizen (not a real person).
P2021 = "001099012345|123456789|Huỳnh Thị Ngọc Ánh|05031999|Nữ|Số 5, ấp Phước Lợi, xã Đức Hòa, tỉnh Long An|15042021"
P2021_6 = "001099012345|Huỳnh Thị Ngọc Ánh|05031999|Nữ|Số 5, ấp Phước Lợi, xã Đức Hòa, tỉnh Long An|15042021"
P2024 = (
    "079203004321|Đặng Văn Thế|12112003|Nam|Tổ 3, phường Bến Thành, Thành phố Hồ Chí Minh|01072024"
    "|024813579|079203000111|Đặng Văn Ước|Lê Thị Tuyết"
)


def test_2021_layout() -> None:
    payload = parse_qr_payload(P2021)
    ident = payload.identity
    assert payload.layout is QrLayout.CCCD_2021
    assert ident.source is Source.QR
    assert ident.id_number == "001099012345"
    assert ident.old_id_number == "123456789"
    assert ident.full_name == "Huỳnh Thị Ngọc Ánh"
    assert ident.date_of_birth == "1999-03-05"
    assert ident.sex == "Nữ"
    assert ident.place_of_residence == "Số 5, ấp Phước Lợi, xã Đức Hòa, tỉnh Long An"
    assert ident.date_of_issue == "2021-04-15"
    assert parse_qr(P2021.encode()) == ident


def test_2021_empty_old_number_and_six_fields() -> None:
    empty_old = parse_qr_payload(P2021.replace("|123456789|", "||"))
    assert empty_old.layout is QrLayout.CCCD_2021
    assert empty_old.identity.old_id_number is None
    six = parse_qr_payload(P2021_6)
    assert six.layout is QrLayout.CCCD_2021_NO_OLD_NUMBER
    assert six.identity.old_id_number is None
    assert six.identity.full_name == "Huỳnh Thị Ngọc Ánh"
    assert six.identity.date_of_issue == "2021-04-15"


def test_2021_twelve_digit_earlier_number_kept_aside() -> None:
    payload = parse_qr_payload(P2021.replace("|123456789|", "|001099000777|"))
    assert payload.identity.old_id_number is None
    assert payload.other_numbers == ("001099000777",)


def test_trailing_separator_and_line_end_tolerated() -> None:
    assert parse_qr(P2021 + "|\r\n") == parse_qr(P2021)


def test_2024_layout() -> None:
    payload = parse_qr_payload(P2024)
    ident = payload.identity
    assert payload.layout is QrLayout.CAN_CUOC_2024
    assert ident.id_number == "079203004321"
    assert ident.full_name == "Đặng Văn Thế"
    assert ident.date_of_birth == "2003-11-12"
    assert ident.sex == "Nam"
    assert ident.date_of_issue == "2024-07-01"
    assert ident.old_id_number == "024813579"
    assert payload.cancelled_numbers == ("079203000111",)
    assert ident.father_name == "Đặng Văn Ước"
    assert ident.mother_name == "Lê Thị Tuyết"
    assert payload.extra_fields == ()


def test_2024_partial_and_unknown_trailing_fields() -> None:
    short = parse_qr_payload("079203004321|Đặng Văn Thế|12112003|Nam|Tổ 3, phường Bến Thành|01072024|")
    assert short.layout is QrLayout.CAN_CUOC_2024
    assert short.identity.old_id_number is None and short.identity.father_name is None
    assert short.cancelled_numbers == ()
    extra = parse_qr_payload(P2024 + "|Nguyễn Thị Hơn|X-42")
    assert extra.extra_fields == ("Nguyễn Thị Hơn", "X-42")
    assert extra.identity == parse_qr(P2024)
    many = parse_qr_payload(P2024.replace("|079203000111|", "|079203000111, 079203000222;123456780|"))
    assert many.cancelled_numbers == ("079203000111", "079203000222", "123456780")


def test_partial_birth_dates() -> None:
    assert parse_qr(P2021.replace("05031999", "00001950")).date_of_birth == "1950"
    assert parse_qr(P2021.replace("05031999", "1950")).date_of_birth == "1950"
    assert parse_qr(P2021.replace("05031999", "00061950")).date_of_birth == "1950-06"


def test_sex_spelling_and_nfd_input() -> None:
    import unicodedata

    ident = parse_qr(unicodedata.normalize("NFD", P2021.replace("|Nữ|", "|NỮ|")))
    assert ident.sex == "Nữ"
    assert ident.full_name == "Huỳnh Thị Ngọc Ánh"


def test_mojibake_payload_is_repaired() -> None:
    # The whole payload mis-decoded by a zbar-like decoder (Big5 / Shift-JIS both attempted).
    repaired = 0
    for codec in ("big5", "shift_jis", "latin-1"):
        try:
            wrong = P2021.encode().decode(codec)
        except UnicodeDecodeError:
            continue
        assert parse_qr(wrong) == parse_qr(P2021)
        repaired += 1
    assert repaired >= 1
    assert parse_qr("001099012345|123456789|Hu廙軟h|05031999|Nam|Thon 3|15042021").full_name == "Huỳnh"


def _error(text: str) -> QrPayloadError:
    with pytest.raises(QrPayloadError) as info:
        parse_qr(text)
    return info.value


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (P2021.replace("001099012345", "00109901234"), "id_number"),
        (P2021.replace("001099012345", "00109901234X"), "id_number"),
        (P2021.replace("|123456789|", "|12345678|"), "old_id_number"),
        (P2021.replace("Huỳnh Thị Ngọc Ánh", ""), "full_name"),
        (P2021.replace("Huỳnh Thị Ngọc Ánh", "Huỳnh 3"), "full_name"),
        (P2021.replace("05031999", "31021999"), "date_of_birth"),
        (P2021.replace("05031999", "5031999"), "date_of_birth"),
        (P2021.replace("05031999", "05131999"), "date_of_birth"),
        (P2021.replace("15042021", "32042021"), "date_of_issue"),
        (P2021.replace("15042021", "00042021"), "date_of_issue"),
        (P2021.replace("|Nữ|", "|F|"), "sex"),
        (P2021.replace("Số 5, ấp", "Số 5 ☎ ấp"), "payload"),
        (P2021.replace("Huỳnh", "Hu?nh"), "payload"),
        ("001099012345|123456789|Huỳnh|05031999|Nữ", "field_count"),
        (P2021 + "|extra", "field_count"),
        ("hello world", "field_count"),
        (P2024.replace("|024813579|", "|02481357|"), "old_id_number"),
        (P2024.replace("|079203000111|", "|0792030|"), "cancelled_numbers"),
        (P2024.replace("Đặng Văn Ước", "Đặng 7"), "father_name"),
        (P2024.replace("Lê Thị Tuyết", "Lê (Tuyết)"), "mother_name"),
    ],
)
def test_validation_errors_name_the_field(text: str, field: str) -> None:
    error = _error(text)
    assert error.field == field
    assert isinstance(error, MalformedDataError) and isinstance(error, ReaderError)
    assert error.label in error.clerk_message
    assert "Mã QR không hợp lệ" in error.clerk_message
    # Messages for logs carry no personal data.
    assert "001099012345" not in str(error) and "Huỳnh" not in str(error)


def test_format_round_trip_all_layouts() -> None:
    ident = parse_qr(P2024)
    for layout in QrLayout:
        text = format_qr_payload(ident, layout, cancelled_numbers=("079203000111",))
        again = parse_qr_payload(text)
        assert again.layout is layout
        assert again.identity.id_number == ident.id_number
        assert again.identity.full_name == ident.full_name
        assert again.identity.date_of_birth == ident.date_of_birth
    assert format_qr_payload(parse_qr(P2021)) == P2021
    assert format_qr_payload(parse_qr(P2021_6), QrLayout.CCCD_2021_NO_OLD_NUMBER) == P2021_6
    year_only = Identity(id_number="001099012345", full_name="Lê Văn A", date_of_birth="1950", sex="Nam", source="qr")
    assert "|00001950|" in format_qr_payload(year_only)


def test_key_fields_survive_lost_diacritics() -> None:
    lost = "001099012345|123456789|Hunh Th Ngc nh|05031999|N|S 5, p Phc Li|15042021"
    keys = extract_key_fields(lost)
    assert keys.id_number == "001099012345" and keys.can == "012345"
    assert keys.date_of_birth is not None and keys.date_of_birth.isoformat() == "1999-03-05"
    assert keys.date_of_issue is not None and keys.date_of_issue.isoformat() == "2021-04-15"
    keys24 = extract_key_fields(P2024)
    assert keys24.date_of_issue is not None and keys24.date_of_issue.year == 2024
    with pytest.raises(QrPayloadError) as info:
        extract_key_fields(lost.replace("05031999", "99999999"))
    assert info.value.field == "date_of_birth"


def test_looks_like_payload() -> None:
    assert looks_like_cccd_payload(P2021) and looks_like_cccd_payload(P2024)
    assert not looks_like_cccd_payload("https://example.org")
    assert not looks_like_cccd_payload("1234|a|b|c|d|e")


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(min_value=0, max_value=10**6), layout=st.sampled_from(list(QrLayout)))
def test_synthetic_round_trip(seed: int, layout: QrLayout) -> None:
    from hardware_mocks.qr_image import synthetic_identity

    person = synthetic_identity(seed, issued_2024=layout is QrLayout.CAN_CUOC_2024)
    if layout is QrLayout.CCCD_2021_NO_OLD_NUMBER:
        person = person.model_copy(update={"old_id_number": None})
    again = parse_qr_payload(format_qr_payload(person, layout))
    assert again.layout is layout
    assert again.identity == person
