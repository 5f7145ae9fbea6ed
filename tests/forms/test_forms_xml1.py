from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest

from station.forms import FilledForm, Xml1Error, get_form, prefill, to_xml1, with_values
from station.identity import Identity

NOW = dt.datetime(2026, 3, 2, 9, 30)
Load = Callable[[str], Identity]

CARD = {
    "MA_NGHE_NGHIEP": "00000",
    "MA_THE_BHYT": "GD4363612345678",
    "MA_DKBD": "36001",
    "GT_THE_TU": "01/01/2026",
    "GT_THE_DEN": "31/12/2026",
    "NGAY_DU_5_NAM": "2024-05-01",
    "LY_DO_VV": "Đau đầu <3 ngày> & sốt",
    "DIEN_THOAI": "+84 912 345 678",
}

# Element: (format regex, maximum length) as QĐ 130 / QĐ 4750 give them.
SPEC = {
    "HO_TEN": (r".+", 255),
    "SO_CCCD": (r"[0-9]+", 15),
    "NGAY_SINH": (r"[0-9]{12}", 12),
    "GIOI_TINH": (r"[123]", 1),
    "MA_QUOCTICH": (r"[0-9]{3}", 3),
    "MA_DANTOC": (r"[0-9]{2}", 2),
    "MA_NGHE_NGHIEP": (r"[0-9]{1,5}", 5),
    "DIA_CHI": (r".+", 1024),
    "MATINH_CU_TRU": (r"[0-9]{2,3}", 3),
    "MAXA_CU_TRU": (r"[0-9]{5}", 5),
    "DIEN_THOAI": (r"0[0-9]+", 15),
    "MA_THE_BHYT": (r"[A-Z]{2}[1-5][0-9]{12}", 15),
    "MA_DKBD": (r"[0-9]{5}", 5),
    "GT_THE_TU": (r"[0-9]{8}", 8),
    "GT_THE_DEN": (r"[0-9]{8}", 8),
    "NGAY_DU_5_NAM": (r"[0-9]{8}", 8),
    "NGAY_VAO": (r"[0-9]{12}", 12),
    "LY_DO_VV": (r".+", 1024),
    "MA_LOAI_KCB": (r"0[1-9]", 2),
}


def complete_bhyt(person: Identity) -> FilledForm:
    form = get_form("tiep-don-bhyt")
    filled = with_values(form, prefill(form, person, now=NOW), CARD, now=NOW)
    assert filled.complete, filled.issues
    return filled


@pytest.mark.parametrize("who", ["pre2025_spouse_hcm", "post2025_hmong", "pre2025_khmer_namdinh"])
def test_fragment_fields_have_the_official_formats_and_lengths(who: str, identity: Load) -> None:
    root = ET.fromstring(to_xml1(get_form("tiep-don-bhyt"), complete_bhyt(identity(who))))
    assert root.tag == "TONG_HOP"
    assert [child.tag for child in root] == list(SPEC)
    for child in root:
        pattern, length = SPEC[child.tag]
        text = child.text or ""
        assert len(text) <= length, child.tag
        assert re.fullmatch(pattern, text), (child.tag, text)


def test_fragment_values(identity: Load) -> None:
    root = ET.fromstring(to_xml1(get_form("tiep-don-bhyt"), complete_bhyt(identity("pre2025_khmer_namdinh"))))
    get = {child.tag: child.text or "" for child in root}
    assert get["HO_TEN"] == "Thạch Sô Phol"
    assert get["NGAY_SINH"] == "197800000000"  # year only: month, day, time are zeros
    assert get["GIOI_TINH"] == "1"
    assert get["MA_DANTOC"] == "05"
    assert get["MA_QUOCTICH"] == "000"
    assert (get["MATINH_CU_TRU"], get["MAXA_CU_TRU"]) == ("37", "14215")
    assert get["DIA_CHI"] == "Xóm 3, Xã Hải Hậu, Ninh Bình"
    assert get["DIEN_THOAI"] == "0912345678"
    assert (get["GT_THE_TU"], get["GT_THE_DEN"]) == ("20260101", "20261231")
    assert get["NGAY_VAO"] == "202603020930"
    assert get["LY_DO_VV"] == "Đau đầu <3 ngày> & sốt"


def test_full_birth_date_has_zero_time(identity: Load) -> None:
    root = ET.fromstring(to_xml1(get_form("tiep-don-bhyt"), complete_bhyt(identity("post2025_hmong"))))
    assert root.findtext("NGAY_SINH") == "200207090000"
    assert root.findtext("MA_DANTOC") == "08"


def test_values_that_do_not_fit_are_refused_by_name(identity: Load) -> None:
    form = get_form("tiep-don-bhyt")
    filled = complete_bhyt(identity("post2025_hmong"))
    bad = filled.model_copy(
        update={"values": {**filled.values, "LY_DO_VV": "x" * 1025, "MA_THE_BHYT": "DT20808", "MA_DANTOC": "8a"}}
    )
    with pytest.raises(Xml1Error) as err:
        to_xml1(form, bad)
    joined = " ".join(err.value.problems)
    assert "LY_DO_VV" in joined and "MA_THE_BHYT" in joined and "MA_DANTOC" in joined


def test_incomplete_form_can_be_required_complete(identity: Load) -> None:
    form = get_form("tiep-don-bhyt")
    filled = prefill(form, identity("pre2025_divided_hanoi"), now=NOW)
    to_xml1(form, filled)  # a draft exports
    with pytest.raises(Xml1Error) as err:
        to_xml1(form, filled, require_complete=True)
    assert any("MAXA_CU_TRU" in p for p in err.value.problems)


def test_only_xml1_forms_export(identity: Load) -> None:
    form = get_form("ct01")
    with pytest.raises(Xml1Error):
        to_xml1(form, prefill(form, identity("post2025_hmong"), now=NOW))
