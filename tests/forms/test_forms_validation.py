from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from station.forms import FieldIssue, get_form, validate

TODAY = dt.date(2026, 3, 2)


def issues_of(form_id: str, values: dict[str, Any]) -> dict[str, FieldIssue]:
    return {i.field_id: i for i in validate(get_form(form_id), values, today=TODAY)}


CT01_OK: dict[str, Any] = {
    "kinh_gui": "Công an phường Bến Thành",
    "ho_ten": "Nguyễn Thị Ánh Tuyết",
    "ngay_sinh": "1990-03-15",
    "gioi_tinh": "Nữ",
    "so_dinh_danh": "079190001234",
    "noi_dung_de_nghi": "Đăng ký tạm trú",
    "thanh_vien": [],
}


def ct01(**changes: Any) -> dict[str, FieldIssue]:
    return issues_of("ct01", {**CT01_OK, **changes})


def test_a_good_ct01_has_no_issue() -> None:
    assert ct01() == {}


def test_missing_required_names_the_field() -> None:
    issue = ct01(kinh_gui="  ")["kinh_gui"]
    assert issue.code == "required"
    assert "«Kính gửi»" in issue.message_vi


@pytest.mark.parametrize("phone", ["0912345678", "0281234567 8".replace(" ", ""), "0387654321"])
def test_good_phones(phone: str) -> None:
    assert "so_dien_thoai" not in ct01(so_dien_thoai=phone)


@pytest.mark.parametrize("phone", ["912345678", "0112345678", "09123456789", "09123abc78", "+84912345678"])
def test_bad_phone(phone: str) -> None:
    issue = ct01(so_dien_thoai=phone)["so_dien_thoai"]
    assert issue.code == "invalid_phone"
    assert "«Số điện thoại liên hệ»" in issue.message_vi


def test_bad_email() -> None:
    issue = ct01(email="tuyet@example")["email"]
    assert issue.code == "invalid_email"
    assert "«Email»" in issue.message_vi
    assert "email" not in ct01(email="tuyet@example.vn")


def test_future_date() -> None:
    issue = ct01(ngay_sinh="2026-03-03")["ngay_sinh"]
    assert issue.code == "future_date"
    assert "«Ngày, tháng, năm sinh»" in issue.message_vi


@pytest.mark.parametrize("bad", ["1990-02-30", "15/03/1990", "199", "1990-13"])
def test_impossible_date(bad: str) -> None:
    assert ct01(ngay_sinh=bad)["ngay_sinh"].code == "invalid_date"


def test_year_only_birth_date_is_allowed_where_the_form_says_so() -> None:
    assert ct01(ngay_sinh="1990") == {}


@pytest.mark.parametrize("bad", ["07919000123", "07919000123X", "0791900012345"])
def test_personal_number_must_be_12_digits(bad: str) -> None:
    issue = ct01(so_dinh_danh=bad)["so_dinh_danh"]
    assert issue.code == "invalid_format"
    assert "12 chữ số" in issue.message_vi


def test_personal_number_province_code() -> None:
    issue = ct01(so_dinh_danh="099190001234")["so_dinh_danh"]
    assert issue.code == "id_structure"
    assert "099" in issue.message_vi


def test_personal_number_sex_digit_must_agree() -> None:
    issue = ct01(gioi_tinh="Nam")["so_dinh_danh"]
    assert issue.code == "id_mismatch"
    assert "giới tính" in issue.message_vi


def test_personal_number_birth_year_must_agree() -> None:
    issue = ct01(ngay_sinh="1991-03-15")["so_dinh_danh"]
    assert issue.code == "id_mismatch"
    assert "1990" in issue.message_vi and "1991" in issue.message_vi


def test_born_in_the_2000s_uses_digits_2_and_3() -> None:
    assert ct01(so_dinh_danh="002302009876", ngay_sinh="2002-07-09") == {}
    assert ct01(so_dinh_danh="002202009876", ngay_sinh="2002-07-09", gioi_tinh="Nam") == {}


def test_choice_outside_the_list() -> None:
    issue = ct01(gioi_tinh="Khác")["gioi_tinh"]
    assert issue.code == "not_in_list"


def test_too_long() -> None:
    assert ct01(ho_ten="A" * 101)["ho_ten"].code == "too_long"


def test_table_cells_are_named_with_row_and_column() -> None:
    row = {"ho_ten": "Giàng Thị Mỷ", "ngay_sinh": "2002-07-09", "gioi_tinh": "Nữ", "so_dinh_danh": "00230200987"}
    issues = ct01(thanh_vien=[row, {}])
    assert issues["thanh_vien[0].so_dinh_danh"].code == "invalid_format"
    assert "dòng 1" in issues["thanh_vien[0].so_dinh_danh"].message_vi
    assert issues["thanh_vien[1].ho_ten"].code == "required"
    assert "«Những thành viên trong hộ gia đình cùng thay đổi», dòng 2" in issues["thanh_vien[1].ho_ten"].message_vi


BHYT_OK: dict[str, Any] = {
    "HO_TEN": "Giàng Thị Mỷ",
    "SO_CCCD": "002302009876",
    "NGAY_SINH": "2002-07-09",
    "GIOI_TINH": "2",
    "MA_QUOCTICH": "000",
    "MA_DANTOC": "08",
    "MA_NGHE_NGHIEP": "00000",
    "DIA_CHI": {"text": "Thôn Lũng Cú, Xã Sà Phìn, Tỉnh Tuyên Quang", "commune_code": "00733", "status": "current"},
    "MATINH_CU_TRU": "08",
    "MAXA_CU_TRU": "00733",
    "MA_THE_BHYT": "DT2080812345678",
    "MA_DKBD": "08001",
    "GT_THE_TU": "2026-01-01",
    "GT_THE_DEN": "2026-12-31",
    "NGAY_VAO": "2026-03-02T09:30",
    "LY_DO_VV": "Sốt",
    "MA_LOAI_KCB": "01",
}


def bhyt(**changes: Any) -> dict[str, FieldIssue]:
    return issues_of("tiep-don-bhyt", {**BHYT_OK, **changes})


def test_a_good_bhyt_has_no_issue() -> None:
    assert bhyt() == {}


def test_sex_code_checks_the_personal_number() -> None:
    assert bhyt(GIOI_TINH="1")["SO_CCCD"].code == "id_mismatch"


def test_bhyt_card_number_format() -> None:
    issue = bhyt(MA_THE_BHYT="DT20808123")["MA_THE_BHYT"]
    assert issue.code == "invalid_format"
    assert "15 ký tự" in issue.message_vi


def test_commune_must_be_in_the_province() -> None:
    issue = bhyt(MAXA_CU_TRU="26743")["MAXA_CU_TRU"]
    assert issue.code == "code_mismatch"
    assert "Phường Bến Thành" in issue.message_vi


def test_unknown_codes() -> None:
    assert bhyt(MAXA_CU_TRU="99999")["MAXA_CU_TRU"].code == "unknown_code"
    assert bhyt(MATINH_CU_TRU="03")["MATINH_CU_TRU"].code == "unknown_code"
    assert bhyt(MA_DANTOC="57")["MA_DANTOC"].code == "not_in_list"


def test_card_validity_order() -> None:
    issue = bhyt(GT_THE_DEN="2025-12-31")["GT_THE_DEN"]
    assert issue.code == "date_order"
    assert "«Giá trị thẻ từ ngày»" in issue.message_vi


def test_admission_time_not_in_the_future() -> None:
    assert bhyt(NGAY_VAO="2026-03-03T08:00")["NGAY_VAO"].code == "future_date"
    assert bhyt(NGAY_VAO="2026-03-02 08:00")["NGAY_VAO"].code == "invalid_date"


def test_address_waiting_for_confirmation() -> None:
    pending = {
        "text": "Phường Đội Cấn, Quận Ba Đình, Thành phố Hà Nội",
        "province_code": "01",
        "commune_code": None,
        "status": "needs_confirmation",
        "candidates": [{"code": "00004", "name": "Phường Ba Đình"}, {"code": "00008", "name": "Phường Ngọc Hà"}],
    }
    issues = bhyt(DIA_CHI=pending, MATINH_CU_TRU="01", MAXA_CU_TRU=None)
    assert issues["DIA_CHI"].code == "needs_confirmation"
    assert issues["MAXA_CU_TRU"].code == "needs_confirmation"
    assert "Phường Ba Đình (00004)" in issues["MAXA_CU_TRU"].message_vi


def test_unmapped_address() -> None:
    issues = bhyt(DIA_CHI={"text": "đâu đó", "status": "unmapped"}, MATINH_CU_TRU=None, MAXA_CU_TRU=None)
    assert issues["DIA_CHI"].code == "unmapped_address"
    assert issues["MATINH_CU_TRU"].code == "unmapped_address"


def test_number_range_and_min_rows() -> None:
    values = {"so_ban": 0, "qua_trinh_cu_tru": []}
    issues = issues_of("ly-lich-tu-phap", values)
    assert issues["so_ban"].code == "out_of_range"
    assert issues["qua_trinh_cu_tru"].code == "required"
    bad_month = issues_of("ly-lich-tu-phap", {"qua_trinh_cu_tru": [{"tu_thang": "13/2010", "noi_cu_tru": "Hà Nội"}]})
    assert "mm/yyyy" in bad_month["qua_trinh_cu_tru[0].tu_thang"].message_vi


def test_card_expired_before_admission() -> None:
    issue = bhyt(GT_THE_TU="2025-01-01", GT_THE_DEN="2026-02-28")["GT_THE_DEN"]
    assert issue.code == "date_order"
    assert "«Thời điểm đến khám»" in issue.message_vi


def test_stay_end_before_start_in_a_guest_row() -> None:
    row = {
        "ho_ten": "Giàng Thị Mỷ",
        "so_giay_to": "002302009876",
        "ngay_sinh": "2002-07-09",
        "gioi_tinh": "Nữ",
        "quoc_tich": "Việt Nam",
        "ly_do": "Du lịch",
        "tu_ngay": "2026-03-02",
        "den_ngay": "2026-03-01",
    }
    issues = issues_of("thong-bao-luu-tru", {"khach": [row]})
    assert issues["khach[0].den_ngay"].code == "date_order"
    assert "«Từ ngày»" in issues["khach[0].den_ngay"].message_vi
    passport = issues_of("thong-bao-luu-tru", {"khach": [{**row, "so_giay_to": "B1234567", "den_ngay": "2026-03-05"}]})
    assert not any(k.startswith("khach[0]") for k in passport)
