from __future__ import annotations

import pytest

from station.forms.ethnicity import ETHNIC_GROUPS, ethnic_code, ethnic_name


def test_the_list_has_54_groups_and_the_two_extra_codes() -> None:
    assert len(ETHNIC_GROUPS) == 56
    assert list(ETHNIC_GROUPS) == [f"{n:02d}" for n in range(1, 57)]
    assert len(set(ETHNIC_GROUPS.values())) == 56


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("01", "Kinh"),
        ("02", "Tày"),
        ("03", "Thái"),
        ("04", "Hoa"),
        ("05", "Khơ-me"),
        ("06", "Mường"),
        ("07", "Nùng"),
        ("08", "HMông"),
        ("09", "Dao"),
        ("10", "Gia-rai"),
        ("12", "Ê-đê"),
        ("13", "Ba-na"),
        ("17", "Chăm"),
        ("53", "Ơ Đu"),
        ("54", "Rơ-măm"),
    ],
)
def test_official_codes(code: str, name: str) -> None:
    assert ethnic_name(code) == name
    assert ethnic_code(name) == code


@pytest.mark.parametrize(
    ("printed", "code"),
    [
        ("Khmer", "05"),
        ("Khơ Me", "05"),
        ("H'Mông", "08"),
        ("H’Mông", "08"),
        ("Mông", "08"),
        ("HMONG", "08"),
        ("Dân tộc Tày", "02"),
        ("Ê Đê", "12"),
        ("Bana", "13"),
        ("Xơ Đăng", "14"),
        ("K'Ho", "16"),
        ("M'Nông", "20"),
        ("Bru - Vân Kiều", "23"),
        ("Ta Ôi", "31"),
        ("Rơ Măm", "54"),
        ("kinh ", "01"),
        ("8", "08"),
    ],
)
def test_common_spellings(printed: str, code: str) -> None:
    assert ethnic_code(printed) == code


@pytest.mark.parametrize("printed", ["", None, "Klingon", "99", "Kinh Hoa"])
def test_unknown_is_none_never_a_guess(printed: str | None) -> None:
    assert ethnic_code(printed) is None
