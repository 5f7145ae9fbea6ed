"""Helpers shared by the UI tests (imported by module name, like tests/pace/pace_card_harness.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from station.identity import Identity


def write_qr_video(path: Path, payload: str) -> Path:
    """What the virtual webcam shows: an empty desk, then the card's QR, as a video file."""
    import cv2
    import numpy as np

    from hardware_mocks.qr_image import card_frame

    frame = card_frame(payload, module_px=4, rng=3)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 30, (frame.shape[1], frame.shape[0]))
    for image in [np.full_like(frame, 90)] * 3 + [frame] * 6:
        writer.write(image)
    writer.release()
    return path


def bhyt_holder() -> Identity:
    """The mock gateway's valid-card holder (code 000), as a 2021 CCCD's QR describes them.

    The personal number is the fixture's, which the gateway finds the card by (a CCCD check).
    """
    from hardware_mocks.bhxh_gateway import fixture_for_code
    from station.identity import Source

    holder = fixture_for_code("000")
    day, month, year = holder.dob.split("/")
    return Identity(
        id_number=holder.cccd,
        full_name=holder.name.title(),
        date_of_birth=f"{year}-{month}-{day}",
        sex="Nam" if holder.sex == "Nam" else "Nữ",
        place_of_residence="Số 5 đường Lê Lợi, Phường Bến Thành, Thành phố Hồ Chí Minh",
        date_of_issue="2021-06-01",
        source=Source.QR,
    )


def wait_complete(qtbot: Any, editor: Any, timeout: int = 5000) -> None:
    """Wait for the form to validate; on timeout say which fields still block it."""
    try:
        qtbot.waitUntil(lambda: editor.filled is not None and editor.filled.complete, timeout=timeout)
    except Exception:
        issues = [(i.field_id, i.message_vi) for i in editor.filled.issues] if editor.filled else "no form"
        values = editor.filled.values if editor.filled else {}
        raise AssertionError(f"form still has issues: {issues}; values {values}") from None
