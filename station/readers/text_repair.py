"""Vietnamese text out of QR bytes: UTF-8 first, mojibake repair second, reject the rest.

The CCCD QR carries UTF-8. zbar (and the apps built on it) guess the symbol's encoding and often
hand back UTF-8 Vietnamese decoded as Shift-JIS or Big5 ("Huỳnh" → "Hu廙軟h", mchehab/zbar#212,
pyzbar#14); other tools decode it as Latin-1/cp1252. Re-encoding with the mistaken codec gives the
original bytes back, which then decode as UTF-8. A repair is accepted only when the result is
valid Vietnamese text, because a wrong name on a form is worse than no reading at all.

"Valid Vietnamese text" here means: NFC text made only of
- letters: the 26 ASCII letters (ethnic-minority and foreign names use f, j, w, z), đ/Đ, and the
  twelve Vietnamese vowels a ă â e ê i o ô ơ u ư y in both cases with at most one of the five tone
  marks (huyền, sắc, hỏi, ngã, nặng);
- the digits 0-9 and the space;
- common punctuation of names and addresses: , . - / ' ’ ( ) : ; & # " + and the en dash.
Everything else (CJK, half-width katakana, Latin-1 symbols, control characters, "?", U+FFFD) is not.
"""

from __future__ import annotations

import unicodedata

__all__ = [
    "MOJIBAKE_CODECS",
    "VIETNAMESE_LETTERS",
    "TextRepairError",
    "decode_qr_bytes",
    "is_vietnamese_text",
    "repair_mojibake",
    "vietnamese_text",
]

_BASE_VOWELS = "aăâeêioôơuưy"
_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")


def _vietnamese_letters() -> frozenset[str]:
    letters = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZđĐ")
    for vowel in _BASE_VOWELS + _BASE_VOWELS.upper():
        for tone in _TONES:
            letters.add(unicodedata.normalize("NFC", vowel + tone))
    return frozenset(letters)


VIETNAMESE_LETTERS: frozenset[str] = _vietnamese_letters()
"""Every letter (NFC, one code point each) the Vietnamese alphabet writes, plus f j w z."""

_ALLOWED = VIETNAMESE_LETTERS | frozenset("0123456789 ,.-/'’()&#\"+:;–")

MOJIBAKE_CODECS: tuple[str, ...] = (
    "shift_jis",
    "cp932",
    "shift_jis_2004",
    "euc_jp",
    "big5",
    "cp950",
    "big5hkscs",
    "gb18030",
    "gbk",
    "euc_kr",
    "cp1252",
    "latin-1",
)
"""Codecs UTF-8 Vietnamese is known to be mistaken for, by zbar (SJIS, Big5) and others (Latin-1)."""


class TextRepairError(ValueError):
    """Bytes or text that are not, and cannot be repaired into, valid Vietnamese text."""


def is_vietnamese_text(text: str, *, also: str = "") -> bool:
    """True when every character of ``text`` (NFC) is allowed Vietnamese text or in ``also``."""
    allowed = _ALLOWED | frozenset(also) if also else _ALLOWED
    return all(ch in allowed for ch in unicodedata.normalize("NFC", text))


def repair_mojibake(text: str, *, also: str = "") -> str | None:
    """Undo a wrong-codec decoding of UTF-8; None when no codec gives one valid Vietnamese text.

    Every codec is tried; the repair is accepted only when all codecs that yield valid Vietnamese
    text agree on it, so an ambiguous string is refused rather than guessed.
    """
    candidates: set[str] = set()
    for codec in MOJIBAKE_CODECS:
        try:
            raw = text.encode(codec)
            repaired = unicodedata.normalize("NFC", raw.decode("utf-8"))
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if repaired != text and is_vietnamese_text(repaired, also=also):
            candidates.add(repaired)
    return candidates.pop() if len(candidates) == 1 else None


def vietnamese_text(text: str, *, also: str = "") -> str:
    """``text`` as NFC Vietnamese, repaired when it is mojibake; raise when it is neither."""
    normalised = unicodedata.normalize("NFC", text)
    if is_vietnamese_text(normalised, also=also):
        return normalised
    repaired = repair_mojibake(normalised, also=also)
    if repaired is None:
        raise TextRepairError("text is not valid Vietnamese and no encoding repair makes it so")
    return repaired


def decode_qr_bytes(data: bytes, *, also: str = "") -> str:
    """Raw QR bytes → NFC Vietnamese text; UTF-8 only (the CCCD QR is UTF-8)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TextRepairError(f"QR bytes are not UTF-8 (offset {exc.start})") from exc
    return vietnamese_text(text.removeprefix("\ufeff"), also=also)
