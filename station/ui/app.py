"""Start the window: QApplication, language, services from settings, profile."""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

__all__ = ["ensure_display", "make_app", "run"]

log = logging.getLogger(__name__)


def ensure_display() -> str | None:
    """No display (a CI box, ssh): fall back to Qt's offscreen platform and say so."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return None
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return "Không có màn hình (DISPLAY): cửa sổ chạy ở chế độ offscreen (QT_QPA_PLATFORM=offscreen)."
    return None


_NOISE = ("This plugin does not support propagateSizeHints()",)


def _quiet_offscreen_noise() -> None:
    """The offscreen platform warns on every window resize hint; nothing a clerk or CI can act on."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    def handler(kind: QtMsgType, _context: object, message: str) -> None:
        if message in _NOISE:
            return
        level = logging.WARNING if kind in (QtMsgType.QtWarningMsg, QtMsgType.QtInfoMsg) else logging.ERROR
        if kind == QtMsgType.QtDebugMsg:
            level = logging.DEBUG
        logging.getLogger("qt").log(level, "%s", message)
        if kind != QtMsgType.QtDebugMsg:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def make_app(language: str = "vi") -> tuple[Any, Any]:
    """The QApplication (reused if one exists) and its translator."""
    from PySide6.QtWidgets import QApplication

    from station.ui.i18n import install_translation

    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        _quiet_offscreen_noise()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Trạm CCCD")
    translator = install_translation(app, language)
    return app, translator


def run(
    *,
    profile: str = "counter",
    language: str = "vi",
    reader: str | None = None,
    camera: int | str | None = None,
    scanner_port: str | None = None,
) -> int:
    """Open the window and run until it closes; returns the exit code."""
    note = ensure_display()
    if note:
        print(note, file=sys.stderr)
    app, _translator = make_app(language)
    from station.ui.main_window import MainWindow
    from station.ui.profiles import profile as find_profile
    from station.ui.services import StationServices

    window = MainWindow(
        StationServices.from_settings(),
        find_profile(profile),
        reader=reader,
        camera_source=camera,
        scanner_port=scanner_port,
    )
    window.show()
    code = int(app.exec())
    window.shutdown()
    return code
