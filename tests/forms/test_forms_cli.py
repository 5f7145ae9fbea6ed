from __future__ import annotations

import io
import json
from pathlib import Path

import pypdf
import pytest

from station.cli import main

FIXTURES = Path(__file__).with_name("fixtures")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "forms", "list")
    assert code == 0
    assert "ct01" in out and "tiep-don-bhyt" in out


def test_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "forms", "list", "--json")
    data = json.loads(out)
    assert code == 0
    ct01 = next(f for f in data if f["id"] == "ct01")
    assert ct01["fields"][0] == {"id": "kinh_gui", "label": "Kính gửi", "type": "text", "required": True}
    assert next(f for f in data if f["id"] == "tiep-don-bhyt")["xml1"] is True


def test_fill_incomplete_writes_pdf_and_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_pdf = tmp_path / "ct01.pdf"
    code, out, _ = run(
        capsys,
        "forms",
        "fill",
        "ct01",
        "--identity",
        str(FIXTURES / "pre2025_spouse_hcm.json"),
        "--set",
        "so_dien_thoai=12345",
        "--out",
        str(out_pdf),
        "--json",
    )
    assert code == 2
    data = json.loads(out)
    assert data["complete"] is False
    assert {i["field"] for i in data["issues"]} == {"kinh_gui", "so_dien_thoai", "noi_dung_de_nghi"}
    assert data["provenance"]["so_dien_thoai"] == "clerk"
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(out_pdf.read_bytes())).pages)
    assert "Nguyễn Thị Ánh Tuyết" in text


def test_fill_complete_exits_0(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(
        capsys,
        "forms",
        "fill",
        "ct01",
        "--identity",
        str(FIXTURES / "pre2025_spouse_hcm.json"),
        "--identity",
        str(FIXTURES / "post2025_hmong.json"),
        "--set",
        "kinh_gui=Công an phường Bến Thành",
        "--set",
        "noi_dung_de_nghi=Đăng ký thường trú",
        "--set",
        "thanh_vien[0].quan_he_voi_chu_ho=Con",
        "--out",
        str(tmp_path / "ct01.pdf"),
    )
    assert code == 0
    assert "ĐỦ" in out and "Giàng Thị Mỷ" in out and "[chip]" in out
    assert (tmp_path / "ct01.pdf").stat().st_size > 1000


def test_fill_bhyt_xml1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    xml = tmp_path / "xml1.xml"
    code, out, _ = run(
        capsys,
        "forms",
        "fill",
        "tiep-don-bhyt",
        "--identity",
        str(FIXTURES / "pre2025_divided_hanoi.json"),
        "--set",
        "MAXA_CU_TRU=00008",
        "--xml1",
        str(xml),
        "--json",
    )
    data = json.loads(out)
    assert code == 2  # card details still missing
    assert data["values"]["DIA_CHI"]["commune_code"] == "00008"
    assert "<MAXA_CU_TRU>00008</MAXA_CU_TRU>" in xml.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "argv",
    [
        ["forms", "fill", "ct99"],
        ["forms", "fill", "ct01", "--set", "khong_co=1"],
        ["forms", "fill", "ct01", "--set", "thanh_vien[0].khong_co=1"],
    ],
)
def test_unknown_form_or_field_exits_3(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 3
    assert "ct99" in err or "khong_co" in err


def test_bad_identity_file_exits_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"id_number": "123"}', encoding="utf-8")
    code, _, err = run(capsys, "forms", "fill", "ct01", "--identity", str(bad))
    assert code == 1 and err
    code, _, err = run(capsys, "forms", "fill", "ct01", "--identity", str(tmp_path / "none.json"))
    assert code == 1 and "none.json" in err


def test_xml1_of_a_form_without_it(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "forms", "fill", "ct01", "--xml1", str(tmp_path / "x.xml"))
    assert code == 1 and "XML1" in err
    assert not (tmp_path / "x.xml").exists()


def test_xml1_refuses_values_that_do_not_fit(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    xml = tmp_path / "x.xml"
    code, out, err = run(
        capsys,
        "forms",
        "fill",
        "tiep-don-bhyt",
        "--identity",
        str(FIXTURES / "post2025_hmong.json"),
        "--set",
        "MA_THE_BHYT=DT2",
        "--xml1",
        str(xml),
        "--json",
    )
    assert code == 2
    assert "MA_THE_BHYT" in err
    assert json.loads(out)["values"]["MA_THE_BHYT"] == "DT2"
    assert not xml.exists()
