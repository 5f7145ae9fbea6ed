"""``station demo --selftest``: a clerk's two flows, through the real window, with timings.

Every step acts on the real widgets with key and mouse events (QTest) and passes only when the
window shows what a clerk would look for: a name and badges after a read, a green summary under
the form, "Đã tiếp nhận" in the submissions list. One line per step; exit 0 only if all passed.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QWidget

from station.ui.keys import type_text

if TYPE_CHECKING:
    from station.demo import DemoEnvironment
    from station.ui.main_window import MainWindow

__all__ = ["StepFailed", "run_selftest"]


class StepFailed(AssertionError):
    """What the clerk would have seen instead of what the step expects."""


@dataclass
class StepResult:
    name: str
    ok: bool
    seconds: float
    detail: str


def wait_for(condition: Callable[[], bool], timeout_s: float, what: str, window: MainWindow | None = None) -> None:
    """Pump the event loop until ``condition``; fail naming ``what`` and the window's message."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            seen = f" (màn hình: «{window.message.text()}»)" if window is not None else ""
            raise StepFailed(f"không thấy {what} sau {timeout_s:.0f} s{seen}")
        QTest.qWait(30)


def _press(widget: QWidget, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(widget, key, modifier)


class SelfTest:
    def __init__(self, environment: DemoEnvironment, window: MainWindow, heartbeat: _Heartbeat) -> None:
        self.env = environment
        self.window = window
        self.heartbeat = heartbeat
        self.results: list[StepResult] = []

    def step(self, name: str, action: Callable[[], str]) -> bool:
        started = time.monotonic()
        self.heartbeat.take_step()
        try:
            detail = action()
            ok = True
        except StepFailed as exc:
            detail, ok = str(exc), False
        except Exception as exc:  # a crash is a failed step, reported like one
            detail, ok = f"{type(exc).__name__}: {exc}", False
        seconds = time.monotonic() - started
        self.results.append(StepResult(name, ok, seconds, detail))
        mark = "ĐẠT  " if ok else "LỖI  "
        stall = self.heartbeat.take_step()
        print(
            f"[{mark}] {len(self.results):2d}. {name:<38} {seconds:6.2f} s  (GUI chặn ≤{stall:4.0f} ms)  {detail}",
            flush=True,
        )
        return ok

    # ------------------------------------------------------------------ helpers

    def fill(self, field_id: str, text: str) -> None:
        widget = self.window.editor.inputs.get(field_id)
        if not isinstance(widget, QLineEdit):
            raise StepFailed(f"biểu mẫu không có ô {field_id}")
        widget.clear()
        type_text(widget, text)
        _press(widget, Qt.Key.Key_Return)

    def wait_complete(self) -> None:
        editor = self.window.editor

        def complete() -> bool:
            return editor.filled is not None and editor.filled.complete

        try:
            wait_for(complete, 5, "biểu mẫu hợp lệ")
        except StepFailed:
            issues = ", ".join(i.field_id for i in editor.filled.issues) if editor.filled else "?"
            raise StepFailed(f"biểu mẫu còn lỗi ở: {issues}") from None
        if "có thể nộp" not in editor.summary.text():
            raise StepFailed(f"dòng tóm tắt: «{editor.summary.text()}»")

    def submit_and_wait_accepted(self) -> str:
        window = self.window
        before = window.submissions.count()
        _press(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        wait_for(lambda: window.submissions.count() == before + 1, 10, "hồ sơ trong danh sách đã nộp", window)
        if window.identity is not None or window.identity_panel.values["full_name"].text():
            raise StepFailed("màn hình chưa xóa thông tin công dân sau khi nộp")
        item = window.submissions.item(0)
        wait_for(lambda: "Đã tiếp nhận" in item.text(), 30, "«Đã tiếp nhận»", window)
        return item.text()

    # ------------------------------------------------------------------ flows

    def run(self) -> bool:
        window = self.window
        env = self.env
        citizen = env.citizen
        assert citizen is not None
        person = citizen.identity

        def window_up() -> str:
            wait_for(lambda: env.reader in window.status.text("reader"), 15, f"đầu đọc {env.reader}", window)
            wait_for(lambda: "Máy chủ" in window.status.text("backend"), 10, "trạng thái máy chủ", window)
            return " | ".join(window.status.text(p) for p in window.status.PARTS)

        def type_number() -> str:
            _press(window, Qt.Key.Key_F2)
            type_text(window.access.number, person.id_number)
            _press(window.access.number, Qt.Key.Key_Return)
            wait_for(lambda: "Khóa sẵn sàng" in window.access.state.text(), 3, "«Khóa sẵn sàng»", window)
            return window.access.state.text()

        def insert_and_read() -> str:
            env.insert_card()
            wait_for(lambda: window.chip.busy or window.identity is not None, 20, "bắt đầu đọc chip", window)
            wait_for(lambda: window.identity_panel.values["full_name"].text() != "", 20, "họ tên (DG13)", window)
            wait_for(
                lambda: window.identity is not None and window.identity.verification is not None,
                30,
                "kết thúc đọc chip",
                window,
            )
            shown = window.identity_panel.values["full_name"].text()
            if shown != person.full_name:
                raise StepFailed(f"họ tên hiển thị «{shown}» khác thẻ")
            badges = window.identity_panel.badge_texts()
            for expected in ("Dữ liệu chip toàn vẹn", "Chữ ký số hợp lệ", "Chứng thư gốc (CSCA) hợp lệ"):
                if expected not in badges:
                    raise StepFailed(f"thiếu dấu «{expected}» (thấy: {badges})")
            pixmap = window.identity_panel.photo.pixmap()
            if pixmap is None or pixmap.isNull():
                raise StepFailed("không có ảnh chân dung")
            return f"{window.step.text()}; {', '.join(badges)}"

        def choose_ct01() -> str:
            picker = window.form_picker
            picker.setFocus()
            picker.setCurrentIndex(picker.findData("ct01"))
            _press(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
            editor = window.editor
            wait_for(lambda: editor.form is not None and editor.form.id == "ct01", 3, "biểu mẫu CT01", window)
            if editor.origins["ho_ten"].text() != "Chip":
                raise StepFailed(f"nguồn của họ tên: «{editor.origins['ho_ten'].text()}»")
            return editor.summary.text()

        def fill_ct01() -> str:
            self.fill("kinh_gui", "Công an phường Bến Thành")
            self.fill("so_dien_thoai", "0912345678")
            self.fill("noi_dung_de_nghi", "Đăng ký tạm trú")
            self.wait_complete()
            return window.editor.summary.text()

        def pull_card() -> str:
            # Stopping the card process waits for it: off the GUI thread, so the stall figure is the window's.
            puller = threading.Thread(target=env.remove_card)
            puller.start()
            wait_for(lambda: not puller.is_alive(), 15, "thẻ ảo dừng", window)
            wait_for(lambda: window.card_reader is None, 15, "thẻ được rút ra", window)
            return "thẻ đã rút khỏi đầu đọc"

        def hospital_desk() -> str:
            picker = window.profile_picker
            picker.setFocus()
            while picker.currentData() != "hospital":
                index = picker.currentIndex()
                _press(picker, Qt.Key.Key_Down)
                if picker.currentIndex() == index:
                    raise StepFailed("không chọn được quầy bệnh viện bằng bàn phím")
            if not window.bhyt.isVisible():
                raise StepFailed("không thấy khung kiểm tra BHYT")
            return window.windowTitle()

        def scan_qr() -> str:
            _press(window, Qt.Key.Key_F3)
            wait_for(lambda: window.identity is not None, 30, "công dân từ mã QR", window)
            editor = window.editor
            wait_for(lambda: editor.form is not None and editor.form.id == "tiep-don-bhyt", 5, "phiếu tiếp đón", window)
            if window.identity_panel.values["id_number"].text() != person.id_number:
                raise StepFailed("số định danh từ mã QR khác thẻ")
            return f"{window.identity_panel.badge_texts()}; {editor.origins['HO_TEN'].text()} → HO_TEN"

        def bhyt_check() -> str:
            wait_for(lambda: window.bhyt.result is not None, 20, "kết quả kiểm tra tự động", window)
            first = window.bhyt.verdict.text()
            window.bhyt.code.setFocus()
            type_text(window.bhyt.code, citizen.bhyt_card_code)
            _press(window.bhyt.code, Qt.Key.Key_Return)
            wait_for(lambda: "Thẻ hợp lệ" in window.bhyt.verdict.text(), 20, "«Thẻ hợp lệ»", window)
            editor = window.editor
            wait_for(
                lambda: editor.filled is not None and editor.filled.values.get("MA_THE_BHYT") == citizen.bhyt_card_code,
                5,
                "mã thẻ BHYT trong phiếu",
            )
            if editor.origins["MA_THE_BHYT"].text() != "Cổng BHXH":
                raise StepFailed(f"nguồn mã thẻ: «{editor.origins['MA_THE_BHYT'].text()}»")
            return f"theo số CCCD: «{first[:40]}…»; theo mã thẻ: «{window.bhyt.verdict.text()[:40]}…»"

        def fill_intake() -> str:
            self.fill("MA_NGHE_NGHIEP", "00000")
            self.fill("LY_DO_VV", "Sốt, ho hai ngày")
            ethnicity = window.editor.inputs["MA_DANTOC"]
            if not isinstance(ethnicity, QComboBox):
                raise StepFailed("ô dân tộc không phải danh sách chọn")
            if window.editor.filled is not None and not window.editor.filled.values.get("MA_DANTOC"):
                ethnicity.setFocus()
                _press(ethnicity, Qt.Key.Key_Down)
            self.wait_complete()
            return window.editor.summary.text()

        steps: list[tuple[str, Callable[[], str]]] = [
            ("Cửa sổ mở, thiết bị sẵn sàng", window_up),
            ("Nhập số thẻ (F2)", type_number),
            ("Đặt thẻ → đọc chip", insert_and_read),
            ("Chọn biểu mẫu ct01 (Ctrl+O)", choose_ct01),
            ("Điền phần còn lại", fill_ct01),
            ("Nộp → được tiếp nhận", self.submit_and_wait_accepted),
            ("Rút thẻ", pull_card),
            ("Chuyển sang quầy bệnh viện", hospital_desk),
            ("Quét mã QR trên camera ảo (F3)", scan_qr),
            ("Kiểm tra thẻ BHYT", bhyt_check),
            ("Điền phiếu tiếp-don-bhyt", fill_intake),
            ("Nộp → được tiếp nhận", self.submit_and_wait_accepted),
        ]
        return all(self.step(name, action) for name, action in steps)


class _Heartbeat:
    """Measures the longest the GUI thread went without turning its event loop (a frozen window)."""

    INTERVAL_MS = 10

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.worst_ms = 0.0
        self._last = time.monotonic()
        self._timer = QTimer()
        self._timer.timeout.connect(self._beat)
        self._timer.start(self.INTERVAL_MS)
        self.step_worst_ms = 0.0

        self.step_worst_ms = 0.0

    def _beat(self) -> None:
        now = time.monotonic()
        gap = (now - self._last) * 1000 - self.INTERVAL_MS
        self.worst_ms = max(self.worst_ms, gap)
        self.step_worst_ms = max(self.step_worst_ms, gap)
        self._last = now

    def take_step(self) -> float:
        worst, self.step_worst_ms = self.step_worst_ms, 0.0
        return worst

    def stop(self) -> None:
        self._timer.stop()


def run_selftest(environment: DemoEnvironment, *, language: str = "vi") -> int:
    from station.ui.app import make_app
    from station.ui.main_window import MainWindow
    from station.ui.profiles import profile
    from station.ui.services import StationServices

    if language != "vi":
        print("station demo --selftest: chạy bằng tiếng Việt (các bước đối chiếu chữ trên màn hình)", file=sys.stderr)
    started = time.monotonic()
    app, _translator = make_app("vi")
    window: Any = MainWindow(
        StationServices.from_settings(retry_base_s=0.5, use_keyring=False),
        profile("counter"),
        reader=environment.reader,
        camera_source=str(environment.qr_video),
        idle_timeout_s=0,
    )
    window.show()
    window.activateWindow()
    QTest.qWaitForWindowActive(window, 5000)
    heartbeat = _Heartbeat()
    test = SelfTest(environment, window, heartbeat)
    try:
        passed = test.run()
    finally:
        heartbeat.stop()
        window.shutdown()
        window.close()
        QApplication.processEvents()
    total = time.monotonic() - started
    done = sum(1 for r in test.results if r.ok)
    verdict = "ĐẠT" if passed else "KHÔNG ĐẠT"
    print(
        f"Tự kiểm tra {verdict}: {done}/12 bước, {total:.1f} s; vòng sự kiện giao diện bị chặn lâu nhất "
        f"{heartbeat.worst_ms:.0f} ms (nhịp {_Heartbeat.INTERVAL_MS} ms)",
        flush=True,
    )
    del app
    return 0 if passed else 1
