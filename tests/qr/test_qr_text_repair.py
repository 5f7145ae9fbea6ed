"""Mojibake repair: UTF-8 Vietnamese mis-decoded as Shift-JIS, Big5, Latin-1 comes back exact."""

from __future__ import annotations

import unicodedata

import pytest

from station.readers.text_repair import (
    TextRepairError,
    decode_qr_bytes,
    is_vietnamese_text,
    repair_mojibake,
    vietnamese_text,
)

# Synthetic names covering ỳ, ế, ậ, ơ, ư, đ (and friends).
NAMES = [
    "Huỳnh Văn Đức",
    "Lê Thị Tuyết",
    "Trần Hậu Phước",
    "Phạm Thị Lơ",
    "Ưng Thế Dũng",
    "Đặng Thị Ngọc Ánh",
    "Võ Đức Thế",
    "Nguyễn Thị Thuỳ Dương",
]


def _mojibake(text: str, codec: str) -> str | None:
    try:
        return text.encode("utf-8").decode(codec)
    except UnicodeDecodeError:
        return None


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("codec", ["shift_jis", "big5", "cp1252", "latin-1"])
def test_mojibake_round_trip(name: str, codec: str) -> None:
    garbled = _mojibake(name, codec)
    if garbled is None:  # this codec cannot even mis-decode these bytes: nothing to repair
        assert codec in {"shift_jis", "big5", "cp1252"}
        return
    assert garbled != name
    assert not is_vietnamese_text(garbled)
    assert repair_mojibake(garbled) == name
    assert vietnamese_text(garbled) == name


def test_examples_from_the_zbar_issues() -> None:
    assert vietnamese_text("Hu廙軟h") == "Huỳnh"  # Big5 (mchehab/zbar#212 pattern)
    assert vietnamese_text("Lﾃｪ Vﾄハ H蘯ｭu") == "Lê Văn Hậu"  # Shift-JIS


def test_each_name_is_garbled_by_some_codec() -> None:
    for name in NAMES:
        assert any(_mojibake(name, c) not in (None, name) for c in ("shift_jis", "big5", "latin-1"))


def test_valid_text_passes_unchanged_and_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Ước")
    assert vietnamese_text(decomposed) == "Nguyễn Thị Ước"
    assert unicodedata.is_normalized("NFC", vietnamese_text(decomposed))
    assert vietnamese_text("H'Hen Niê, Số 12/3A (Thôn 4)") == "H'Hen Niê, Số 12/3A (Thôn 4)"


@pytest.mark.parametrize(
    "text",
    ["Nguy?n V?n A", "名前", "Tr\ufffdn", "Ngô\x00", "Jürgen", "Ça va", "Ａｎｈ", "Nguyễn ☺"],
)
def test_invalid_text_is_rejected(text: str) -> None:
    assert not is_vietnamese_text(text)
    with pytest.raises(TextRepairError):
        vietnamese_text(text)


def test_decode_bytes() -> None:
    assert decode_qr_bytes("Đỗ Thị Yến".encode()) == "Đỗ Thị Yến"
    assert decode_qr_bytes("\ufeffĐỗ".encode()) == "Đỗ"
    # A decoder that re-encoded its mojibake as UTF-8 is repaired too.
    assert decode_qr_bytes("Hu廙軟h".encode()) == "Huỳnh"
    with pytest.raises(TextRepairError, match="not UTF-8"):
        decode_qr_bytes(b"\xd0\xf4\xde")  # Windows-1258 bytes, not UTF-8
    assert decode_qr_bytes(b"a|b", also="|") == "a|b"
    with pytest.raises(TextRepairError):
        decode_qr_bytes(b"a|b")


def test_every_toned_vowel_is_a_letter() -> None:
    for vowel in "aăâeêioôơuưy":
        for tone in ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323"):
            assert is_vietnamese_text(unicodedata.normalize("NFC", vowel + tone).upper())
    assert not is_vietnamese_text(unicodedata.normalize("NFC", "e\u0301\u0300"))  # two tones


def test_real_zbar_text_mode_output_is_repaired_never_wrong() -> None:
    """zbar's own encoding guess (its default text mode), on synthetic names: repaired or exact."""
    from pyzbar import pyzbar

    from hardware_mocks.qr_image import render_qr

    names = [
        f"{a} {b} {c}"
        for a in ("Huỳnh", "Lê", "Võ", "Đặng", "Trần")
        for b in ("Văn", "Thị")
        for c in ("Đức", "Tuyết", "Hậu", "Lơ", "Ước")
    ]
    repaired = 0
    for name in names:
        data = pyzbar.decode(render_qr(name, module_px=3))[0].data
        try:
            as_utf8 = data.decode("utf-8")
        except UnicodeDecodeError:
            as_utf8 = None
        assert decode_qr_bytes(data) == name
        repaired += as_utf8 != name
    assert repaired >= 5  # the zbar bug did happen on some of them
