from __future__ import annotations

import pytest

from station.forms import get_form
from station.forms.model import FieldDef
from station.forms.values import coerce, display


def field(form_id: str, field_id: str) -> FieldDef:
    f = get_form(form_id).field(field_id)
    assert f is not None
    return f


@pytest.mark.parametrize(
    ("form_id", "field_id", "raw", "stored"),
    [
        ("ct01", "ngay_sinh", "5/3/1990", "1990-03-05"),
        ("ct01", "ngay_sinh", "1990", "1990"),
        ("ct01", "so_dien_thoai", "+84 912 345 678", "0912345678"),
        ("ct01", "so_dien_thoai", "0912.345.678", "0912345678"),
        ("ct01", "gioi_tinh", "nữ", "Nữ"),
        ("ct01", "ho_ten", "  Trần Văn An ", "Trần Văn An"),
        ("ct01", "ho_ten", "   ", None),
        ("tiep-don-bhyt", "MA_LOAI_KCB", "Khám bệnh", "01"),
        ("tiep-don-bhyt", "NGAY_VAO", "08:15 02/03/2026", "2026-03-02T08:15"),
        ("tiep-don-bhyt", "NGAY_VAO", "2026-03-02 08:15", "2026-03-02T08:15"),
        ("tiep-don-bhyt", "MAXA_CU_TRU", "733", "00733"),
        ("ly-lich-tu-phap", "so_ban", "2", 2),
        ("ly-lich-tu-phap", "so_ban", "hai", "hai"),
    ],
)
def test_clerk_input_is_stored_canonically(form_id: str, field_id: str, raw: str, stored: object) -> None:
    assert coerce(field(form_id, field_id), raw) == stored


def test_nfc_on_the_way_in() -> None:
    decomposed = "Nguye\u0302\u0303n"  # Nguyễn typed with combining marks
    assert coerce(field("ct01", "ho_ten"), decomposed) == "Nguyễn"


def test_typed_address_is_resolved() -> None:
    value = coerce(field("ly-lich-tu-phap", "noi_tam_tru"), "Số 1, Phường Bến Thành, Quận 1, TP. Hồ Chí Minh")
    assert isinstance(value, dict)
    assert value["commune_code"] == "26743" and value["status"] == "mapped"


@pytest.mark.parametrize(
    ("form_id", "field_id", "value", "printed"),
    [
        ("ct01", "ngay_sinh", "1990-03-05", "05/03/1990"),
        ("ct01", "ngay_sinh", "1990", "1990"),
        ("ct01", "ngay_sinh", "1990-03", "03/1990"),
        ("tiep-don-bhyt", "GIOI_TINH", "2", "2 – Nữ"),
        ("tiep-don-bhyt", "MA_DANTOC", "08", "08 – HMông"),
        ("tiep-don-bhyt", "NGAY_VAO", "2026-03-02T08:15", "08 giờ 15, ngày 02/03/2026"),
        ("ct01", "gioi_tinh", "Nam", "Nam"),
        ("ct01", "ho_ten", None, ""),
    ],
)
def test_display(form_id: str, field_id: str, value: object, printed: str) -> None:
    assert display(field(form_id, field_id), value) == printed
