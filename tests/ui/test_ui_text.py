"""Words on screen: trust badges, provenance, and the English translation covering every string."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from station.identity import Check, CheckStatus, Identity, Source, Verification
from station.ui.text import Tone, badges_for, provenance_text

UI_DIR = Path(__file__).resolve().parents[2] / "station" / "ui"


def _person(source: Source = Source.CHIP, verification: Verification | None = None) -> Identity:
    return Identity(
        id_number="001085000123",
        full_name="Nguyễn Thị Mẫu",
        date_of_birth="1985-01-02",
        sex="Nữ",
        source=source,
        verification=verification,
    )


def test_a_good_read_says_intact_signed_and_no_csca_in_words_and_colour() -> None:
    verification = Verification(
        data_group_hashes=Check.passed(),
        sod_signature=Check.passed(),
        certificate_chain=Check(status=CheckStatus.UNKNOWN_TRUST_ANCHOR),
        chip_authentication=Check.passed(),
        active_authentication=Check.not_supported(),
    )
    badges = {b.text: b.tone for b in badges_for(_person(verification=verification))}
    assert badges["Dữ liệu chip toàn vẹn"] is Tone.GOOD
    assert badges["Chữ ký số hợp lệ"] is Tone.GOOD
    assert badges["Chưa có chứng thư gốc (CSCA)"] is Tone.WARN
    assert badges["Chip thật (xác thực chip)"] is Tone.GOOD
    assert badges["Xác thực chủ động: thẻ không hỗ trợ"] is Tone.INFO
    assert "Nghi thẻ giả / sao chép" not in badges


def test_a_failed_authentication_or_hash_says_suspected_forgery_once() -> None:
    verification = Verification(
        data_group_hashes=Check.failed("DG13 hash differs"),
        sod_signature=Check.passed(),
        chip_authentication=Check.failed("wrong key"),
        active_authentication=Check.failed("bad signature"),
    )
    badges = badges_for(_person(verification=verification))
    texts = [b.text for b in badges]
    assert texts.count("Nghi thẻ giả / sao chép") == 1
    assert "Dữ liệu chip bị thay đổi" in texts
    assert all(b.tone is Tone.BAD for b in badges if b.text == "Nghi thẻ giả / sao chép")
    hashes_only = badges_for(_person(verification=Verification(data_group_hashes=Check.failed("x"))))
    assert hashes_only[0].text == "Nghi thẻ giả / sao chép" and hashes_only[0].tone is Tone.BAD


def test_qr_and_typed_identities_are_never_shown_as_verified() -> None:
    assert [b.text for b in badges_for(_person(Source.QR))] == ["Đọc từ mã QR — chưa đối chiếu chip"]
    assert badges_for(_person(Source.MANUAL))[0].tone is Tone.WARN
    assert badges_for(_person(Source.CHIP))[0].text == "Chưa kiểm tra tính xác thực"


def test_provenance_words() -> None:
    assert provenance_text("chip") == "Chip"
    assert provenance_text("qr+needs_confirmation") == "Mã QR · cần chọn xã/phường"
    assert provenance_text("bhxh") == "Cổng BHXH"
    assert provenance_text("default") == "Mặc định — cần kiểm tra"
    assert provenance_text(None) == ""


def _ts_sources() -> dict[str, str]:
    root = ET.parse(UI_DIR / "translations" / "station_en.ts").getroot()
    return {m.findtext("source") or "": m.findtext("translation") or "" for m in root.iter("message")}


def test_every_window_string_has_an_english_translation() -> None:
    sources = _ts_sources()
    literal = re.compile(r"""\bt\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*\)""")
    used = set()
    for path in UI_DIR.glob("*.py"):
        for match in literal.finditer(path.read_text(encoding="utf-8")):
            used.add(match.group(1) or match.group(2))
    assert len(used) > 100
    missing = sorted(s for s in used if not sources.get(s))
    assert not missing, f"strings without an English translation: {missing}"


def test_reader_clerk_messages_are_translated() -> None:
    import station.readers.camera
    import station.readers.chip
    import station.readers.decoders
    import station.readers.scanner  # noqa: F401  (their error classes register as subclasses)
    from station.readers.errors import ReaderError

    def subclasses(cls: type[ReaderError]) -> list[type[ReaderError]]:
        return [c for sub in cls.__subclasses__() for c in (sub, *subclasses(sub))]

    sources = _ts_sources()
    classes = subclasses(ReaderError)
    assert len(classes) >= 10
    messages = {c.clerk_message for c in classes} | {ReaderError.clerk_message}
    assert sorted(m for m in messages if m not in sources) == []


def test_english_window_through_qt_translations(qapp: Any, make_window: Any) -> None:
    from station.ui.i18n import install_translation

    translator = install_translation(qapp, "en")
    try:
        window = make_window("hospital")
        assert window.submit_button.text() == "&Submit (Ctrl+Enter)"
        assert window.bhyt.title() == "BHYT card check (BHXH gateway)"
        assert window.windowTitle() == "CCCD station — Hospital reception (BHYT)"
        assert window.message.text().startswith("Ready. Put a CCCD card on the reader")
    finally:
        qapp.removeTranslator(translator)
