"""Keeps key releases in step with the keyboard-wedge filter's held key presses.

``station.readers.scanner.make_wedge_filter`` holds every printable key press for a moment (to
tell a scanner's burst from a person typing) and replays it, but lets the matching release
through at once. A text field only needs the press; a push button clicks on the release, which
then arrives before the press: Space on a focused button never clicked. This filter holds such a
release until the wedge has replayed its press, then delivers it.
"""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtGui import QKeyEvent

__all__ = ["ReleaseKeeper"]

_RETRY_MS = 20


class ReleaseKeeper(QObject):
    def __init__(self, wedge: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._wedge = wedge
        self._sending = False

    def _held(self, watched: QObject, key: int) -> bool:
        return any(item.key == key and item.receiver is watched for item in self._wedge.state.held)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._sending or event.type() != QEvent.Type.KeyRelease or not isinstance(event, QKeyEvent):
            return False
        if not watched.isWidgetType() or not self._held(watched, event.key()):
            return False
        copy = QKeyEvent(QEvent.Type.KeyRelease, event.key(), event.modifiers(), event.text())
        self._later(watched, copy)
        return True

    def _later(self, receiver: QObject, event: QKeyEvent) -> None:
        def deliver() -> None:
            if not shiboken6.isValid(receiver):  # the widget went (a form cleared after submit)
                return
            if self._held(receiver, event.key()):
                self._later(receiver, event)  # the wedge still holds the press
                return
            self._sending = True
            try:
                QCoreApplication.sendEvent(receiver, event)
            finally:
                self._sending = False

        QTimer.singleShot(_RETRY_MS, deliver)
