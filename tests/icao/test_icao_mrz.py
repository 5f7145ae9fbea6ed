"""TD1 MRZ parsing, check digits, BAC MRZ information and the CCCD expiry rule."""

from __future__ import annotations

import datetime as dt

import pytest

from station.readers.mrz import (
    NO_EXPIRY_FIELD,
    MRZError,
    PartialDate,
    cccd_document_number,
    cccd_expiry,
    cccd_mrz_information,
    check_digit,
    mrz_information,
    parse_td1,
)

D = dt.date

# The example of cccd-profile.md; its check digits were recomputed by hand below and are consistent.
CCCD_LINES = ("IDVNM0930470641001093047064<<2", "9301054M3301052VNM<<<<<<<<<<<8", "UNG<<HOANG<HIEP<<<<<<<<<<<<<<<")


def _weighted(s: str) -> str:
    """Independent check digit for the tests (ICAO 9303-3 §4.9)."""
    values = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")} | {"<": 0}
    return str(sum(values[c] * (7, 3, 1)[i % 3] for i, c in enumerate(s)) % 10)


def test_profile_example_check_digits_are_consistent() -> None:
    l1, l2, _ = CCCD_LINES
    assert _weighted("093047064") == l1[14] == "1"
    assert _weighted("001093047064") == l1[29] == "2"
    assert _weighted("930105") == l2[6] == "4"
    assert _weighted("330105") == l2[14] == "2"
    assert _weighted(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]) == l2[29] == "8"


def test_parse_profile_example() -> None:
    td1 = parse_td1("\n".join(CCCD_LINES), today=D(2026, 1, 1))
    assert td1.document_code == "ID" and td1.issuing_state == "VNM" and td1.nationality == "VNM"
    assert td1.document_number == "093047064"
    assert td1.id_number == "001093047064" and td1.id_number_check_ok
    assert td1.date_of_birth == D(1993, 1, 5)
    assert td1.expiry == D(2033, 1, 5)
    assert td1.sex == "M"
    assert td1.name == ("UNG", "HOANG HIEP")
    assert td1.all_checks_ok
    assert td1.mrz_information == "093047064" + "1" + "930105" + "4" + "330105" + "2"
    assert td1.mrz_information == cccd_mrz_information("001093047064", D(1993, 1, 5), D(2033, 1, 5))
    # 90 characters in one piece parse the same.
    assert parse_td1("".join(CCCD_LINES), today=D(2026, 1, 1)) == td1


def test_icao_l898902c_mrz_information() -> None:
    assert mrz_information("L898902C", D(1969, 8, 6), D(1994, 6, 23)) == "L898902C<369080619406236"


def test_icao_td1_specimen() -> None:
    # ICAO 9303-5 TD1 specimen (Utopia, Anna Maria Eriksson).
    td1 = parse_td1(
        "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<",
        today=D(2026, 1, 1),
    )
    assert td1.document_number == "D23145890"
    assert td1.date_of_birth == D(1974, 8, 12) and td1.expiry == D(2012, 4, 15) and td1.sex == "F"
    assert td1.id_number is None and td1.id_number_check_ok is None
    assert td1.surname == "ERIKSSON" and td1.given_names == "ANNA MARIA"
    assert td1.mrz_information == "D23145890" + "7" + "740812" + "2" + "120415" + "9"


def _replace(line: str, index: int, char: str) -> str:
    return line[:index] + char + line[index + 1 :]


@pytest.mark.parametrize(
    ("line", "index", "field", "flag"),
    [
        (0, 14, "document number", "document_check_ok"),
        (0, 29, "id number", "id_number_check_ok"),
        (1, 6, "date of birth", "date_of_birth_check_ok"),
        (1, 14, "expiry", "expiry_check_ok"),
        (1, 29, "composite", "composite_check_ok"),
    ],
)
def test_each_bad_check_digit_is_named(line: int, index: int, field: str, flag: str) -> None:
    lines = list(CCCD_LINES)
    wrong = str((int(lines[line][index]) + 1) % 10)
    lines[line] = _replace(lines[line], index, wrong)
    with pytest.raises(MRZError) as info:
        parse_td1("\n".join(lines))
    assert info.value.field == field
    lenient = parse_td1("\n".join(lines), strict=False)
    assert getattr(lenient, flag) is False
    assert not lenient.all_checks_ok


def test_bad_layout_and_characters_are_named() -> None:
    with pytest.raises(MRZError) as info:
        parse_td1(CCCD_LINES[0] + "\n" + CCCD_LINES[1])
    assert info.value.field == "layout"
    with pytest.raises(MRZError) as info:
        parse_td1(CCCD_LINES[0] + "\n" + CCCD_LINES[1] + "\n" + "UNG<<HOANG<HIEP<<<<<<<<<<<<<<#")
    assert info.value.field == "line 3"
    with pytest.raises(MRZError):
        check_digit("abc")


def test_impossible_date_named() -> None:
    l2 = "9302304M3301052VNM<<<<<<<<<<<"  # 30 February
    l2 += _weighted(CCCD_LINES[0][5:30] + l2[0:7] + l2[8:15] + l2[18:29])
    l2 = _replace(l2, 6, _weighted("930230"))
    l2 = l2[:29] + _weighted(CCCD_LINES[0][5:30] + l2[0:7] + l2[8:15] + l2[18:29])
    with pytest.raises(MRZError) as info:
        parse_td1("\n".join((CCCD_LINES[0], l2, CCCD_LINES[2])))
    assert info.value.field == "date of birth"


def test_partial_birth_date_and_no_expiry() -> None:
    l1 = CCCD_LINES[0]
    l2 = "93<<<<" + _weighted("93<<<<") + "M" + NO_EXPIRY_FIELD + _weighted(NO_EXPIRY_FIELD) + "VNM" + "<" * 11
    l2 += _weighted(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29])
    td1 = parse_td1("\n".join((l1, l2, CCCD_LINES[2])), today=D(2026, 1, 1))
    assert td1.date_of_birth == PartialDate(1993, None, None)
    assert td1.date_of_birth.to_iso() == "1993"
    assert td1.expiry is None and td1.expiry_field == "<<<<<<"
    assert td1.mrz_information.endswith("93<<<<" + _weighted("93<<<<") + "<<<<<<0")


def test_far_future_expiry_reads_as_none_but_keys_use_the_printed_field() -> None:
    l1 = CCCD_LINES[0]
    l2 = "5501054M9912315VNM<<<<<<<<<<<"
    assert _weighted("991231") == "5"
    l2 = _replace(l2, 6, _weighted("550105"))
    l2 += _weighted(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29])
    td1 = parse_td1("\n".join((l1, l2, CCCD_LINES[2])), today=D(2026, 1, 1))
    assert td1.expiry is None
    assert td1.mrz_information.endswith("9912315")


def test_no_expiry_mrz_information() -> None:
    assert cccd_mrz_information("001093047064", D(1950, 3, 2), None) == "0930470641" + "500302" + "8" + "<<<<<<0"
    assert _weighted("500302") == "8"


def test_cccd_document_number() -> None:
    assert cccd_document_number("001093047064") == "093047064"
    for bad in ("01093047064", "00109304706a", "0010930470641"):
        with pytest.raises(MRZError) as info:
            cccd_document_number(bad)
        assert info.value.field == "id number"


# (date of birth, date of issue, expected expiry) under the 2014 law ages (25, 40, 60): cards issued before 2024-07-01.
EXPIRY_2014 = [
    (D(1993, 1, 5), D(2021, 3, 1), D(2033, 1, 5)),  # 28 → 40th birthday (the profile example)
    (D(2000, 6, 15), D(2016, 6, 20), D(2025, 6, 15)),  # 16 → 25
    (D(2000, 6, 15), D(2023, 6, 14), D(2025, 6, 15)),  # 22 y 364 d: more than 2 years before 25 → 25
    (D(2000, 6, 15), D(2023, 6, 15), D(2040, 6, 15)),  # exactly 2 years before 25 → 40
    (D(2000, 6, 15), D(2024, 6, 1), D(2040, 6, 15)),  # within 2 years before 25 → 40
    (D(1985, 9, 1), D(2023, 9, 1), D(2045, 9, 1)),  # 38 → 60
    (D(1962, 1, 1), D(2019, 1, 1), D(2022, 1, 1)),  # 57 → 60
    (D(1962, 1, 1), D(2020, 1, 1), None),  # 58: within 2 years before 60 → no expiry
    (D(1950, 1, 1), D(2021, 5, 1), None),  # 71 → no expiry
    (D(2000, 2, 29), D(2018, 3, 1), D(2025, 2, 28)),  # 29 Feb: 25th birthday in a common year
    (D(1984, 2, 29), D(2021, 3, 1), D(2024, 2, 29)),  # 29 Feb: 40th birthday in a leap year
    (D(1996, 2, 29), D(2019, 3, 1), D(2036, 2, 29)),  # within 2 years before 25 (2021-02-28) → 40
]


@pytest.mark.parametrize(("dob", "issued", "expected"), EXPIRY_2014)
def test_cccd_expiry_2014_law(dob: dt.date, issued: dt.date, expected: dt.date | None) -> None:
    assert cccd_expiry(dob, issued) == expected


EXPIRY_2023 = [
    (D(2015, 4, 10), D(2024, 8, 1), D(2029, 4, 10)),  # 9 → 14
    (D(2012, 4, 10), D(2024, 8, 1), D(2037, 4, 10)),  # 12 y 3 m: within 2 years before 14 → 25
    (D(2010, 4, 10), D(2024, 8, 1), D(2035, 4, 10)),  # 14 → 25
    (D(1993, 1, 5), D(2024, 7, 1), D(2033, 1, 5)),  # first day of the 2023 law, 31 → 40
    (D(1964, 12, 31), D(2025, 1, 2), None),  # 60 → no expiry
]


@pytest.mark.parametrize(("dob", "issued", "expected"), EXPIRY_2023)
def test_cccd_expiry_2023_law(dob: dt.date, issued: dt.date, expected: dt.date | None) -> None:
    assert cccd_expiry(dob, issued) == expected


def test_cccd_expiry_law_switch_and_explicit_ages() -> None:
    dob = D(2011, 10, 1)  # 12 years old
    assert cccd_expiry(dob, D(2024, 6, 30)) == D(2036, 10, 1)  # 2014 law: next age is 25
    assert cccd_expiry(dob, D(2024, 7, 1)) == D(2036, 10, 1)  # 2023 law: within 2 years of 14 → 25
    assert cccd_expiry(D(2015, 1, 1), D(2024, 6, 30)) == D(2040, 1, 1)  # 2014 law, 9 years old → 25
    assert cccd_expiry(D(2015, 1, 1), D(2024, 7, 1)) == D(2029, 1, 1)  # 2023 law → 14
    assert cccd_expiry(D(2015, 1, 1), D(2024, 7, 1), renewal_ages=(25, 40, 60)) == D(2040, 1, 1)
    with pytest.raises(MRZError):
        cccd_expiry(D(2000, 1, 1), D(1999, 1, 1))


def test_errors_and_repr_keep_personal_data_out() -> None:
    l2 = "9302304M3301052VNM<<<<<<<<<<<8"
    with pytest.raises(MRZError) as info:
        parse_td1("\n".join((CCCD_LINES[0], l2, CCCD_LINES[2])), strict=False)
    assert "930230" not in str(info.value)
    assert "ngày sinh" in info.value.clerk_message
    td1 = parse_td1("\n".join(CCCD_LINES))
    assert "093047064" not in repr(td1) and "UNG" not in repr(td1) and "930105" not in repr(td1)
