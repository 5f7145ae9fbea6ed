from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest

from station.forms import (
    FilledForm,
    UnknownFieldError,
    add_identity_row,
    get_form,
    prefill,
    refresh,
    with_values,
)
from station.identity import Identity

NOW = dt.datetime(2026, 3, 2, 9, 30)

Load = Callable[[str], Identity]


def test_ct01_from_a_chip_read(identity: Load) -> None:
    filled = prefill(get_form("ct01"), identity("pre2025_spouse_hcm"), now=NOW)
    assert filled.values["ho_ten"] == "Nguyễn Thị Ánh Tuyết"
    assert filled.values["ngay_sinh"] == "1990-03-15"
    assert filled.values["gioi_tinh"] == "Nữ"
    assert filled.values["so_dinh_danh"] == "079190001234"
    assert filled.values["thanh_vien"] == []
    assert {filled.provenance[k] for k in ("ho_ten", "ngay_sinh", "gioi_tinh", "so_dinh_danh")} == {"chip"}
    assert "kinh_gui" not in filled.provenance
    assert {i.field_id for i in filled.issues} == {"kinh_gui", "noi_dung_de_nghi"}
    assert not filled.complete


def test_ct01_family_members_come_from_further_cards(identity: Load) -> None:
    form = get_form("ct01")
    filled = prefill(form, identity("pre2025_spouse_hcm"), now=NOW)
    filled = add_identity_row(form, filled, identity("post2025_hmong"), now=NOW)
    filled = add_identity_row(form, filled, identity("pre2025_khmer_namdinh"), now=NOW)
    rows = filled.values["thanh_vien"]
    assert [r["ho_ten"] for r in rows] == ["Giàng Thị Mỷ", "Thạch Sô Phol"]
    assert rows[1]["ngay_sinh"] == "1978"
    assert filled.provenance["thanh_vien[0].so_dinh_danh"] == "chip"
    filled = with_values(
        form,
        filled,
        {
            "kinh_gui": "Công an phường Bến Thành",
            "noi_dung_de_nghi": "Đăng ký thường trú",
            "thanh_vien[1].quan_he_voi_chu_ho": "Cha",
        },
        now=NOW,
    )
    assert filled.complete, filled.issues
    assert filled.values["thanh_vien"][1]["quan_he_voi_chu_ho"] == "Cha"
    assert filled.provenance["thanh_vien[1].quan_he_voi_chu_ho"] == "clerk"


def test_qr_provenance_is_kept(identity: Load) -> None:
    filled = prefill(get_form("ct01"), identity("pre2025_divided_hanoi"), now=NOW)
    assert filled.provenance["ho_ten"] == "qr"


def test_per_field_source_wins(identity: Load) -> None:
    mixed = Identity.from_dict({**identity("pre2025_spouse_hcm").to_dict(), "field_sources": {"full_name": "qr"}})
    filled = prefill(get_form("ct01"), mixed, now=NOW)
    assert filled.provenance["ho_ten"] == "qr"
    assert filled.provenance["ngay_sinh"] == "chip"


def test_lltp_with_spouse(identity: Load) -> None:
    filled = prefill(get_form("ly-lich-tu-phap"), identity("pre2025_spouse_hcm"), now=NOW)
    v = filled.values
    assert v["ho_ten_vo_chong"] == "Trần Quốc Bảo"
    assert v["ho_ten_cha"] == "Nguyễn Văn Định" and v["ho_ten_me"] == "Lê Thị Hường"
    assert v["quoc_tich"] == "Việt Nam"
    assert v["giay_to_loai"] == "Căn cước công dân"
    assert v["giay_to_so"] == "079190001234"
    assert v["giay_to_ngay_cap"] == "2021-05-10"
    assert v["giay_to_noi_cap"] == "Cục Cảnh sát quản lý hành chính về trật tự xã hội"
    assert filled.provenance["giay_to_noi_cap"] == "computed"
    assert v["so_ban"] == 1 and filled.provenance["so_ban"] == "default"
    assert v["noi_thuong_tru"]["commune_code"] == "26743"
    assert filled.provenance["noi_thuong_tru"] == "chip+mapped"
    assert "noi_sinh" not in v  # the card's quê quán is not the place of birth
    missing = {i.field_id for i in filled.issues}
    assert missing == {"kinh_gui", "noi_sinh", "qua_trinh_cu_tru", "phieu_so", "muc_dich"}


def test_lltp_without_spouse_leaves_it_blank(identity: Load) -> None:
    filled = prefill(get_form("ly-lich-tu-phap"), identity("pre2025_divided_hanoi"), now=NOW)
    assert "ho_ten_vo_chong" not in filled.values
    assert "ho_ten_vo_chong" not in {i.field_id for i in filled.issues}  # optional


def test_lltp_new_card_kind_and_issuer(identity: Load) -> None:
    filled = prefill(get_form("ly-lich-tu-phap"), identity("post2025_hmong"), now=NOW)
    assert filled.values["giay_to_loai"] == "Căn cước"
    assert filled.values["giay_to_noi_cap"] == "Bộ Công an"
    assert filled.provenance["noi_thuong_tru"] == "chip+current"


def test_bhyt_pre2025_undivided_minority(identity: Load) -> None:
    filled = prefill(get_form("tiep-don-bhyt"), identity("pre2025_khmer_namdinh"), now=NOW)
    v, p = filled.values, filled.provenance
    assert v["MA_DANTOC"] == "05"
    assert v["GIOI_TINH"] == "1"
    assert v["MA_QUOCTICH"] == "000"
    assert v["NGAY_SINH"] == "1978"
    assert (v["MATINH_CU_TRU"], v["MAXA_CU_TRU"]) == ("37", "14215")
    assert v["DIA_CHI"]["text"] == "Xóm 3, Xã Hải Hậu, Ninh Bình"
    assert p["DIA_CHI"] == p["MAXA_CU_TRU"] == "chip+mapped"
    assert v["NGAY_VAO"] == "2026-03-02T09:30" and p["NGAY_VAO"] == "computed"
    assert v["MA_LOAI_KCB"] == "01" and p["MA_LOAI_KCB"] == "default"


def test_bhyt_post2025_hmong(identity: Load) -> None:
    filled = prefill(get_form("tiep-don-bhyt"), identity("post2025_hmong"), now=NOW)
    assert filled.values["MA_DANTOC"] == "08"
    assert (filled.values["MATINH_CU_TRU"], filled.values["MAXA_CU_TRU"]) == ("08", "00733")
    assert filled.provenance["MAXA_CU_TRU"] == "chip+current"


def test_bhyt_divided_ward_waits_for_the_clerk(identity: Load) -> None:
    form = get_form("tiep-don-bhyt")
    filled = prefill(form, identity("pre2025_divided_hanoi"), now=NOW)
    assert "MAXA_CU_TRU" not in filled.values
    assert filled.values["MATINH_CU_TRU"] == "01"
    assert filled.provenance["DIA_CHI"] == "qr+needs_confirmation"
    issues = {i.field_id: i for i in filled.issues}
    assert issues["MAXA_CU_TRU"].code == "needs_confirmation"
    assert "Phường Ngọc Hà (00008)" in issues["MAXA_CU_TRU"].message_vi
    assert issues["DIA_CHI"].code == "needs_confirmation"
    # The clerk picks Ngọc Hà: the code field and the address both take it.
    confirmed = with_values(form, filled, {"MAXA_CU_TRU": "00008"}, now=NOW)
    assert confirmed.values["DIA_CHI"]["commune_code"] == "00008"
    assert confirmed.values["DIA_CHI"]["text"] == "Số 12 ngõ 34 phố Đội Cấn, Phường Ngọc Hà, Thành phố Hà Nội"
    assert confirmed.provenance["DIA_CHI"] == "qr+confirmed"
    assert confirmed.provenance["MAXA_CU_TRU"] == "clerk"
    assert not {"DIA_CHI", "MAXA_CU_TRU"} & {i.field_id for i in confirmed.issues}


def test_confirming_through_the_address_fills_the_code(identity: Load) -> None:
    form = get_form("tiep-don-bhyt")
    filled = prefill(form, identity("pre2025_divided_hanoi"), overrides={"DIA_CHI.commune_code": "00004"}, now=NOW)
    assert filled.values["MAXA_CU_TRU"] == "00004"
    assert filled.values["DIA_CHI"]["commune_name"] == "Phường Ba Đình"


def test_bhxh_gateway_values_are_marked(identity: Load) -> None:
    form = get_form("tiep-don-bhyt")
    filled = prefill(form, identity("post2025_hmong"), now=NOW)
    card = {"MA_THE_BHYT": "DT2080812345678", "MA_DKBD": "08001", "GT_THE_TU": "2026-01-01", "GT_THE_DEN": "2026-12-31"}
    filled = with_values(form, filled, card, provenance="bhxh", now=NOW)
    assert all(filled.provenance[k] == "bhxh" for k in card)
    filled = with_values(form, filled, {"MA_NGHE_NGHIEP": "00000", "LY_DO_VV": "Sốt"}, now=NOW)
    assert filled.complete, filled.issues


def test_accommodation_guests_and_deadline(identity: Load) -> None:
    form = get_form("thong-bao-luu-tru")
    filled = prefill(form, identity("pre2025_spouse_hcm"), now=NOW)
    filled = add_identity_row(form, filled, identity("post2025_hmong"), now=NOW)
    guests = filled.values["khach"]
    assert [g["ho_ten"] for g in guests] == ["Nguyễn Thị Ánh Tuyết", "Giàng Thị Mỷ"]
    assert all(g["tu_ngay"] == "2026-03-02" for g in guests)
    assert filled.provenance["khach[1].tu_ngay"] == "computed"
    assert filled.values["han_thong_bao"].startswith("Trước 23 giờ 00 ngày 02/03/2026")
    assert "08 giờ 00 ngày 03/03/2026" in filled.values["han_thong_bao"]
    # A guest who arrived the day before moves the deadline.
    filled = with_values(form, filled, {"khach[0].tu_ngay": "01/03/2026"}, now=NOW)
    assert filled.values["han_thong_bao"].startswith("Trước 23 giờ 00 ngày 01/03/2026")
    missing = {i.field_id for i in filled.issues}
    assert {"khach[0].ly_do", "khach[0].den_ngay", "khach[1].ly_do"} <= missing


def test_unknown_field_in_overrides(identity: Load) -> None:
    form = get_form("ct01")
    for ref in ("bogus", "thanh_vien[0].bogus", "ho_ten[0].x", "ho_ten.commune_code"):
        with pytest.raises(UnknownFieldError):
            prefill(form, identity("pre2025_spouse_hcm"), overrides={ref: "x"})


def test_no_identity_gives_a_blank_form() -> None:
    filled = prefill(get_form("ct01"), None, now=NOW)
    assert filled.values == {"thanh_vien": []}
    assert "ho_ten" in {i.field_id for i in filled.issues}


def test_json_round_trip(identity: Load) -> None:
    form = get_form("tiep-don-bhyt")
    filled = prefill(form, identity("pre2025_divided_hanoi"), now=NOW)
    data = json.loads(json.dumps(filled.to_json_dict(), ensure_ascii=False))
    assert set(data) == {"form_id", "form_version", "values", "provenance", "issues", "complete"}
    assert data["complete"] is False
    assert set(data["issues"][0]) == {"field", "code", "message"}
    back = FilledForm.from_json_dict(data)
    assert back == filled
    assert back.to_json_dict() == filled.to_json_dict()
    assert refresh(form, back, now=NOW).issues == filled.issues


def test_edits_do_not_change_the_earlier_form(identity: Load) -> None:
    form = get_form("ct01")
    first = add_identity_row(form, prefill(form, identity("pre2025_spouse_hcm"), now=NOW), identity("post2025_hmong"))
    with_values(form, first, {"thanh_vien[0].ho_ten": "Khác"}, now=NOW)
    assert first.values["thanh_vien"][0]["ho_ten"] == "Giàng Thị Mỷ"


def test_clock_is_used_for_computed_dates(identity: Load) -> None:
    later = prefill(get_form("tiep-don-bhyt"), identity("post2025_hmong"), now=dt.datetime(2026, 5, 1, 7, 5))
    assert later.values["NGAY_VAO"] == "2026-05-01T07:05"


ALL_FIXTURES = ["pre2025_spouse_hcm", "pre2025_divided_hanoi", "post2025_hmong", "pre2025_khmer_namdinh"]
ALL_FORMS = ["ct01", "thong-bao-luu-tru", "ly-lich-tu-phap", "tiep-don-bhyt"]
KNOWN_SOURCES = {"chip", "qr", "mrz", "clerk", "bhxh", "computed", "default"}
ADDRESS_NOTES = {"current", "mapped", "needs_confirmation", "unmapped", "confirmed"}


@pytest.mark.parametrize("form_id", ALL_FORMS)
@pytest.mark.parametrize("who", ALL_FIXTURES)
def test_every_value_has_a_provenance(form_id: str, who: str, identity: Load) -> None:
    form = get_form(form_id)
    filled = prefill(form, identity(who), now=NOW)
    for field_id, value in filled.values.items():
        if isinstance(value, list):
            for index, row in enumerate(value):
                assert {f"{field_id}[{index}].{k}" for k in row} <= set(filled.provenance)
        else:
            assert field_id in filled.provenance, field_id
    for source in filled.provenance.values():
        base, _, note = source.partition("+")
        assert base in KNOWN_SOURCES
        assert note == "" or note in ADDRESS_NOTES
    assert not filled.complete  # every form asks the clerk for something
    assert all(i.message_vi and i.code for i in filled.issues)
