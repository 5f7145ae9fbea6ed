from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from station.forms import DefinitionError, UnknownFormError, get_form, list_forms
from station.forms.prefill import prefill
from station.forms.registry import load_definition
from station.identity import Identity

CT01_IDS = [
    "kinh_gui",
    "ho_ten",
    "ngay_sinh",
    "gioi_tinh",
    "so_dinh_danh",
    "so_dien_thoai",
    "email",
    "ho_ten_chu_ho",
    "quan_he_voi_chu_ho",
    "so_dinh_danh_chu_ho",
    "noi_dung_de_nghi",
    "thanh_vien",
]

XML1_IDS = [
    "HO_TEN",
    "SO_CCCD",
    "NGAY_SINH",
    "GIOI_TINH",
    "MA_QUOCTICH",
    "MA_DANTOC",
    "MA_NGHE_NGHIEP",
    "DIA_CHI",
    "MATINH_CU_TRU",
    "MAXA_CU_TRU",
    "DIEN_THOAI",
    "MA_THE_BHYT",
    "MA_DKBD",
    "GT_THE_TU",
    "GT_THE_DEN",
    "NGAY_DU_5_NAM",
    "NGAY_VAO",
    "LY_DO_VV",
    "MA_LOAI_KCB",
]


def test_the_four_forms_are_listed() -> None:
    assert {f.id for f in list_forms()} >= {"ct01", "thong-bao-luu-tru", "ly-lich-tu-phap", "tiep-don-bhyt"}


def test_ct01_field_ids_are_the_stable_ones() -> None:
    form = get_form("ct01")
    assert form.field_ids == CT01_IDS
    members = form.field("thanh_vien")
    assert members is not None and members.type == "table"
    assert [c.id for c in members.columns] == ["ho_ten", "ngay_sinh", "gioi_tinh", "so_dinh_danh", "quan_he_voi_chu_ho"]


def test_bhyt_field_ids_are_the_xml1_codes() -> None:
    form = get_form("tiep-don-bhyt")
    assert form.field_ids == XML1_IDS
    assert all(f.xml is not None for f in form.fields)
    assert form.xml_root == "TONG_HOP"


def test_lltp_has_the_official_fields() -> None:
    ids = set(get_form("ly-lich-tu-phap").field_ids)
    for wanted in (
        "ho_ten",
        "ten_goi_khac",
        "noi_sinh",
        "noi_thuong_tru",
        "noi_tam_tru",
        "giay_to_loai",
        "giay_to_so",
        "giay_to_ngay_cap",
        "giay_to_noi_cap",
        "ho_ten_cha",
        "ho_ten_me",
        "ho_ten_vo_chong",
        "ngay_sinh_vo_chong",
        "qua_trinh_cu_tru",
        "phieu_so",
        "muc_dich",
        "so_ban",
    ):
        assert wanted in ids


def test_unknown_form_names_the_known_ones() -> None:
    with pytest.raises(UnknownFormError) as err:
        get_form("ct99")
    assert "ct01" in str(err.value)


def test_a_new_procedure_is_a_data_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, identity: Callable[[str], Identity]
) -> None:
    (tmp_path / "xac-nhan-cu-tru.toml").write_text(
        """
id = "xac-nhan-cu-tru"
version = "1"
title = "TỜ KHAI XÁC NHẬN THÔNG TIN CƯ TRÚ"
form_code = "Mẫu CT07"
legal_basis = "Thông tư 66/2023/TT-BCA"

[[fields]]
id = "ho_ten"
label = "Họ, chữ đệm và tên"
type = "text"
required = true
prefill = "full_name"

[[fields]]
id = "noi_cu_tru"
label = "Nơi cư trú"
type = "address"
prefill = "residence"
""",
        encoding="utf-8",
    )
    monkeypatch.setenv("STATION_FORMS_DIR", str(tmp_path))
    form = get_form("xac-nhan-cu-tru")
    filled = prefill(form, identity("post2025_hmong"))
    assert filled.values["ho_ten"] == "Giàng Thị Mỷ"
    assert filled.values["noi_cu_tru"]["commune_code"] == "00733"
    assert filled.complete


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (
            'id = "bad"\nversion = "1"\ntitle = "T"\nform_code = "F"\nlegal_basis = "L"\nfields = []\nextra = 1\n',
            "extra",
        ),
        (
            'id = "bad"\nversion = "1"\ntitle = "T"\nform_code = "F"\nlegal_basis = "L"\n'
            '[[fields]]\nid = "a"\nlabel = "A"\ntype = "text"\nprefill = "shoe_size"\n',
            "shoe_size",
        ),
        ('id = "bad"\nversion = "1"\ntitle = "T"\nform_code = "F"\nlegal_basis = "L"\n[[fields]]\nid = "a"\n', "type"),
        ("this is = not toml [", "bad.toml"),
    ],
)
def test_a_broken_definition_is_named(tmp_path: Path, body: str, needle: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(DefinitionError) as err:
        load_definition(path)
    assert "bad.toml" in str(err.value)
    assert needle in str(err.value)
