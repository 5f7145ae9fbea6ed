"""Synthetic card QR images: a made-up citizen, printed in the real payload layout, held up to a webcam.

Everything is synthetic (names drawn from common Vietnamese name parts, random numbers); no real
person's data. The payload text comes from ``station.readers.qr.format_qr_payload`` so the mocks and
the station share one codec.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import cv2
import numpy as np
import qrcode
from numpy.typing import NDArray

from station.identity import Identity, Source
from station.readers.qr import QrLayout, format_qr_payload

__all__ = [
    "card_frame",
    "qr_matrix",
    "render_qr",
    "synthetic_identity",
    "synthetic_payload",
]

_SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
_MIDDLE_M = ["Văn", "Hữu", "Đức", "Thế", "Quốc", "Minh", "Công", "Xuân"]
_MIDDLE_F = ["Thị", "Ngọc", "Thùy", "Kiều", "Mỹ", "Thị Thuỳ", "Ánh"]
_GIVEN_M = ["Hậu", "Phước", "Dũng", "Thắng", "Ước", "Lực", "Tuấn", "Hiếu", "Quỳnh", "Khoa", "Lợi", "Nghĩa"]
_GIVEN_F = ["Tuyết", "Ánh", "Yến", "Lơ", "Hương", "Nguyệt", "Thủy", "Diệp", "Quyên", "Hằng", "Nhung", "Trâm"]
_PLACES = [
    ("Ấp Phước Lợi, xã Đức Hòa", "tỉnh Long An"),
    ("Tổ 3, phường Bến Thành", "Thành phố Hồ Chí Minh"),
    ("Thôn Ước Lễ, xã Tân Ước", "Thành phố Hà Nội"),
    ("Buôn Ea Kao, xã Ea Kao", "tỉnh Đắk Lắk"),
    ("Khối 7, phường Quyết Thắng", "tỉnh Lai Châu"),
    ("Số 12/3A đường Nguyễn Trãi, phường Hưng Lợi", "Thành phố Cần Thơ"),
]
_PROVINCE_CODES = ["001", "031", "046", "066", "079", "083", "092"]


def synthetic_identity(rng: random.Random | int | None = None, *, issued_2024: bool = False) -> Identity:
    """A made-up citizen whose number agrees with sex and birth year, as real numbers do."""
    r = rng if isinstance(rng, random.Random) else random.Random(rng)
    female = r.random() < 0.5
    dob = dt.date(1950, 1, 1) + dt.timedelta(days=r.randrange(0, 365 * 55))
    century_sex = (0 if dob.year < 2000 else 2) + (1 if female else 0)
    number = f"{r.choice(_PROVINCE_CODES)}{century_sex}{dob.year % 100:02d}{r.randrange(10**6):06d}"
    name = " ".join(
        [r.choice(_SURNAMES), r.choice(_MIDDLE_F if female else _MIDDLE_M), r.choice(_GIVEN_F if female else _GIVEN_M)]
    )
    street, province = r.choice(_PLACES)
    earliest_issue = max(dob + dt.timedelta(days=365 * 14), dt.date(2024, 7, 1) if issued_2024 else dt.date(2021, 1, 1))
    latest_issue = dt.date(2026, 6, 30) if issued_2024 else dt.date(2024, 6, 30)
    span = max(1, (latest_issue - earliest_issue).days)
    issued = earliest_issue + dt.timedelta(days=r.randrange(span))
    has_old = dob.year < 2000 and r.random() < 0.8
    return Identity(
        id_number=number,
        old_id_number=f"{r.randrange(10**9):09d}" if has_old else None,
        full_name=name,
        date_of_birth=dob.isoformat(),
        sex="Nữ" if female else "Nam",
        place_of_residence=f"{street}, {province}",
        date_of_issue=issued.isoformat(),
        father_name=f"{name.split()[0]} {r.choice(_MIDDLE_M)} {r.choice(_GIVEN_M)}" if issued_2024 else None,
        mother_name=f"{r.choice(_SURNAMES)} Thị {r.choice(_GIVEN_F)}" if issued_2024 else None,
        source=Source.QR,
    )


def synthetic_payload(rng: random.Random | int | None = None) -> tuple[Identity, str]:
    """A synthetic identity and its payload, in one of the layouts real cards carry."""
    r = rng if isinstance(rng, random.Random) else random.Random(rng)
    layout = r.choice(
        [QrLayout.CCCD_2021, QrLayout.CCCD_2021, QrLayout.CCCD_2021_NO_OLD_NUMBER, QrLayout.CAN_CUOC_2024]
    )
    identity = synthetic_identity(r, issued_2024=layout is QrLayout.CAN_CUOC_2024)
    return identity, format_qr_payload(identity, layout)


def qr_matrix(payload: str | bytes, *, error_correction: str = "M") -> NDArray[np.bool_]:
    """The QR's modules (True = dark), no quiet zone; text is encoded as UTF-8 bytes like the cards."""
    levels = {"L": qrcode.constants.ERROR_CORRECT_L, "M": qrcode.constants.ERROR_CORRECT_M,
              "Q": qrcode.constants.ERROR_CORRECT_Q, "H": qrcode.constants.ERROR_CORRECT_H}  # fmt: skip
    code = qrcode.QRCode(error_correction=levels[error_correction], border=0)
    code.add_data(payload.encode("utf-8") if isinstance(payload, str) else payload)
    code.make(fit=True)
    return np.array(code.get_matrix(), dtype=bool)


def render_qr(payload: str | bytes, *, module_px: float = 4.0, quiet_modules: int = 4) -> NDArray[np.uint8]:
    """Grayscale QR image; ``module_px`` may be fractional (small modules are resampled, as a lens would)."""
    matrix = np.pad(qr_matrix(payload), quiet_modules, constant_values=False)
    image = np.where(matrix, 0, 255).astype(np.uint8)
    size = max(1, round(matrix.shape[0] * module_px))
    interpolation = cv2.INTER_NEAREST if module_px >= 1 and float(module_px).is_integer() else cv2.INTER_AREA
    return np.asarray(cv2.resize(image, (size, size), interpolation=interpolation), dtype=np.uint8)


def card_frame(
    payload: str | bytes,
    *,
    size: tuple[int, int] = (1280, 720),
    module_px: float = 4.0,
    rng: np.random.Generator | int | None = None,
) -> NDArray[np.uint8]:
    """A BGR webcam frame: a desk, a card on it, the card's QR and some printed lines around it."""
    g = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    width, height = size
    frame = _desk(width, height, g)
    qr = render_qr(payload, module_px=module_px)
    side = qr.shape[0]
    card_w = max(int(side * 2.6), 120)
    card_h = int(card_w * 54 / 85.6)
    card_w, card_h = min(card_w, width - 4), min(card_h, height - 4)
    card = np.empty((card_h, card_w, 3), np.uint8)
    tint = g.integers(215, 245, size=3)
    card[:] = tint
    _print_lines(card, g)  # drawn first: the QR covers what runs under it
    qy = max(2, min(card_h - side - 2, int(card_h * 0.12)))
    qx = max(2, card_w - side - int(card_w * 0.06))
    qh, qw = min(side, card_h - qy), min(side, card_w - qx)
    card[qy : qy + qh, qx : qx + qw] = cv2.cvtColor(qr[:qh, :qw], cv2.COLOR_GRAY2BGR)
    top = int(g.integers(0, height - card_h + 1))
    left = int(g.integers(0, width - card_w + 1))
    frame[top : top + card_h, left : left + card_w] = card
    return frame


def _desk(width: int, height: int, g: np.random.Generator) -> NDArray[np.uint8]:
    base = g.integers(60, 160, size=3).astype(np.float32)
    ramp = np.linspace(0.8, 1.15, width, dtype=np.float32)[None, :, None]
    desk = np.clip(base[None, None, :] * ramp + g.normal(0, 6, (height, width, 1)).astype(np.float32), 0, 255)
    return np.ascontiguousarray(np.broadcast_to(desk, (height, width, 3)).astype(np.uint8))


def _print_lines(card: NDArray[Any], g: np.random.Generator) -> None:
    """Text-like strokes, so finder-pattern search meets clutter like on a real card."""
    height = card.shape[0]
    scale = max(0.3, height / 400)
    y = int(height * 0.18)
    while y < height - 10:
        text = "".join(g.choice(list("ABCDEHKLMNOPQRSTUVXY0123456789 /:"), size=int(g.integers(8, 22))))
        cv2.putText(card, text, (10, y), cv2.FONT_HERSHEY_SIMPLEX, scale, (40, 40, 60), 1, cv2.LINE_AA)
        y += int(max(12, height * 0.11))
