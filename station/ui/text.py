"""Words the window shows that are not Qt widget text: provenance, check badges, outbox states.

Kept apart from the widgets so tests can check the wording without a window, and so every
user-visible string passes through :func:`t` (Qt translations; the source language is Vietnamese).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from station.identity import CheckStatus, Identity, Source

__all__ = [
    "Badge",
    "Tone",
    "badges_for",
    "provenance_text",
    "t",
]

CONTEXT = "station"


def t(source: str) -> str:
    """Translate a Vietnamese source string (identity when no translation is installed)."""
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate(CONTEXT, source)


class Tone(StrEnum):
    """Badge colour, chosen so a clerk reads it at a glance: good, look closer, stop."""

    GOOD = "good"
    WARN = "warn"
    BAD = "bad"
    INFO = "info"


TONE_COLOURS = {
    Tone.GOOD: ("#1b5e20", "#e8f5e9"),
    Tone.WARN: ("#8a5300", "#fff3e0"),
    Tone.BAD: ("#b71c1c", "#ffebee"),
    Tone.INFO: ("#37474f", "#eceff1"),
}


@dataclass(frozen=True)
class Badge:
    text: str
    tone: Tone
    detail: str | None = None


# (check name, status) → (words, tone). Words are the issue's own where it gives them.
_BADGE_WORDS: dict[tuple[str, CheckStatus], tuple[str, Tone]] = {
    ("data_group_hashes", CheckStatus.PASSED): ("Dữ liệu chip toàn vẹn", Tone.GOOD),
    ("data_group_hashes", CheckStatus.FAILED): ("Dữ liệu chip bị thay đổi", Tone.BAD),
    ("sod_signature", CheckStatus.PASSED): ("Chữ ký số hợp lệ", Tone.GOOD),
    ("sod_signature", CheckStatus.FAILED): ("Chữ ký số không hợp lệ", Tone.BAD),
    ("certificate_chain", CheckStatus.PASSED): ("Chứng thư gốc (CSCA) hợp lệ", Tone.GOOD),
    ("certificate_chain", CheckStatus.UNKNOWN_TRUST_ANCHOR): ("Chưa có chứng thư gốc (CSCA)", Tone.WARN),
    ("certificate_chain", CheckStatus.FAILED): ("Chứng thư gốc (CSCA) không hợp lệ", Tone.BAD),
    ("chip_authentication", CheckStatus.PASSED): ("Chip thật (xác thực chip)", Tone.GOOD),
    ("chip_authentication", CheckStatus.FAILED): ("Nghi thẻ giả / sao chép", Tone.BAD),
    ("active_authentication", CheckStatus.PASSED): ("Chip thật (xác thực chủ động)", Tone.GOOD),
    ("active_authentication", CheckStatus.FAILED): ("Nghi thẻ giả / sao chép", Tone.BAD),
    ("qr_matches_chip", CheckStatus.PASSED): ("Mã QR khớp chip", Tone.GOOD),
    ("qr_matches_chip", CheckStatus.FAILED): ("Mã QR không khớp chip", Tone.BAD),
}

_CHECK_NAMES = {
    "data_group_hashes": "Toàn vẹn dữ liệu chip",
    "sod_signature": "Chữ ký số",
    "certificate_chain": "Chứng thư gốc (CSCA)",
    "chip_authentication": "Xác thực chip",
    "active_authentication": "Xác thực chủ động",
    "qr_matches_chip": "Đối chiếu mã QR",
}

_STATUS_WORDS = {
    CheckStatus.NOT_SUPPORTED: "thẻ không hỗ trợ",
    CheckStatus.NOT_RUN: "chưa kiểm tra",
    CheckStatus.UNKNOWN_TRUST_ANCHOR: "chưa có chứng thư gốc",
    CheckStatus.PASSED: "đạt",
    CheckStatus.FAILED: "không đạt",
}


def badges_for(identity: Identity) -> list[Badge]:
    """What the identity panel shows about trust; a reading is never silently 'trusted'."""
    if identity.source is Source.QR:
        badges = [Badge(t("Đọc từ mã QR — chưa đối chiếu chip"), Tone.WARN)]
    elif identity.source is Source.MANUAL:
        badges = [Badge(t("Nhập tay — chưa xác thực"), Tone.WARN)]
    else:
        badges = []
    verification = identity.verification
    if verification is None:
        if identity.source is Source.CHIP:
            badges.append(Badge(t("Chưa kiểm tra tính xác thực"), Tone.WARN))
        return badges
    checks = verification.checks()
    forged = any(
        checks.get(name) is not None and checks[name].status is CheckStatus.FAILED
        for name in ("data_group_hashes", "sod_signature", "chip_authentication", "active_authentication")
    )
    seen: set[str] = set()
    for name, check in checks.items():
        words = _BADGE_WORDS.get((name, check.status))
        if words is None:
            text = f"{t(_CHECK_NAMES.get(name, name))}: {t(_STATUS_WORDS[check.status])}"
            badges.append(Badge(text, Tone.INFO, check.detail))
            continue
        text = t(words[0])
        if text in seen:  # CA and AA both failing say "suspect forgery" once
            continue
        seen.add(text)
        badges.append(Badge(text, words[1], check.detail))
    if forged and t("Nghi thẻ giả / sao chép") not in seen:
        badges.insert(0, Badge(t("Nghi thẻ giả / sao chép"), Tone.BAD))
    return badges


_PROVENANCE_BASE = {
    "chip": "Chip",
    "qr": "Mã QR",
    "mrz": "MRZ",
    "clerk": "Cán bộ nhập",
    "bhxh": "Cổng BHXH",
    "computed": "Tự tính",
    "default": "Mặc định — cần kiểm tra",
}
_PROVENANCE_SUFFIX = {
    "current": "địa chỉ mới",
    "mapped": "đã quy đổi sang địa giới mới",
    "needs_confirmation": "cần chọn xã/phường",
    "unmapped": "chưa nhận ra đơn vị hành chính",
    "confirmed": "đã xác nhận",
}


def provenance_text(provenance: str | None) -> str:
    """'chip+mapped' → 'Chip · đã quy đổi sang địa giới mới' (translated)."""
    if not provenance:
        return ""
    base, _, suffix = provenance.partition("+")
    text = t(_PROVENANCE_BASE.get(base, base))
    if suffix:
        text += " · " + t(_PROVENANCE_SUFFIX.get(suffix, suffix))
    return text


def date_text(value: str | None) -> str:
    """ISO (possibly partial) → dd/mm/yyyy as printed on the card."""
    if not value:
        return ""
    parts = value.split("-")
    return "/".join(reversed(parts))
