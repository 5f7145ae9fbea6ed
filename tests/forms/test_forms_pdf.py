from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest

from station.forms import FontMissingError, add_identity_row, get_form, prefill, render_pdf
from station.forms import pdf as pdf_module
from station.identity import Identity

NOW = dt.datetime(2026, 3, 2, 9, 30)
Load = Callable[[str], Identity]


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in reader.pages))


@pytest.mark.parametrize("form_id", ["ct01", "ly-lich-tu-phap", "tiep-don-bhyt"])
@pytest.mark.parametrize("who", ["pre2025_spouse_hcm", "post2025_hmong", "pre2025_khmer_namdinh"])
def test_name_and_number_are_in_the_pdf(form_id: str, who: str, identity: Load) -> None:
    person = identity(who)
    form = get_form(form_id)
    data = render_pdf(form, prefill(form, person, now=NOW))
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert person.full_name in text  # every diacritic survives
    assert person.id_number in text
    assert form.title in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert form.form_code.split()[0] in text


def test_the_font_is_embedded(identity: Load) -> None:
    form = get_form("ct01")
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(form, prefill(form, identity("pre2025_spouse_hcm"), now=NOW))))
    resources = reader.pages[0]["/Resources"].get_object()
    assert isinstance(resources, pypdf.generic.DictionaryObject)
    fonts = resources["/Font"].get_object()
    assert isinstance(fonts, pypdf.generic.DictionaryObject)
    names = []
    for ref in fonts.values():
        font = ref.get_object()
        for descendant in font.get("/DescendantFonts", [font]):
            descriptor = descendant.get_object().get("/FontDescriptor")
            if descriptor is not None:
                names.append(str(descriptor.get_object()["/FontName"]))
                assert "/FontFile2" in descriptor.get_object()
    assert any("DejaVuSans" in n for n in names)


def test_guests_table_and_deadline(identity: Load) -> None:
    form = get_form("thong-bao-luu-tru")
    filled = prefill(form, identity("pre2025_spouse_hcm"), overrides={"nguoi_thong_bao": "Lê Văn Chủ"}, now=NOW)
    filled = add_identity_row(form, filled, identity("post2025_hmong"), now=NOW)
    text = pdf_text(render_pdf(form, filled))
    assert "Lê Văn Chủ" in text
    assert "079190001234" in text and "002302009876" in text
    for word in ("Giàng", "Thị", "Mỷ", "Tuyết"):
        assert word in text
    assert "Trước 23 giờ 00 ngày 02/03/2026" in text


def test_an_incomplete_form_still_prints(identity: Load) -> None:
    form = get_form("ly-lich-tu-phap")
    filled = prefill(form, None, now=NOW)
    assert not filled.complete
    text = pdf_text(render_pdf(form, filled))
    assert "Nơi sinh" in text and "....." in text


def test_a_long_table_runs_onto_more_pages(identity: Load) -> None:
    form = get_form("thong-bao-luu-tru")
    filled = prefill(form, identity("pre2025_spouse_hcm"), now=NOW)
    for _ in range(40):
        filled = add_identity_row(form, filled, identity("post2025_hmong"), now=NOW)
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(form, filled)))
    assert len(reader.pages) >= 2
    assert "trang 2" in reader.pages[1].extract_text()


def test_missing_font_names_the_debian_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_module, "FONT_DIRS", (tmp_path,))
    monkeypatch.delenv("STATION_FONT_DIR", raising=False)
    with pytest.raises(FontMissingError) as err:
        pdf_module._font_dir()
    assert "fonts-dejavu-core" in str(err.value)
