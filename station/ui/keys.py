"""Typing into the real widgets like a keyboard does, Vietnamese letters included.

``QTest.keyClicks`` maps characters through an ASCII key table and aborts on "ơ" or "đ"; an
input method delivers such letters as key events that carry text and no key code, so that is
what :func:`type_text` sends. The self-test and the UI tests type through here.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

__all__ = ["type_text"]


def type_text(widget: QWidget, text: str) -> None:
    """Click into ``widget`` (focus, as a clerk does) and type ``text`` key by key."""
    if not widget.hasFocus():
        widget.setFocus(Qt.FocusReason.MouseFocusReason)
    for char in text:
        if char.isascii() and char.isprintable():
            QTest.keyClick(widget, char)  # type: ignore[call-overload]  # the char overload is missing from the stubs
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char)
            QCoreApplication.sendEvent(widget, event)
