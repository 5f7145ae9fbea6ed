"""The station window: card tap → identity → form → outbox, on one screen, keyboard first.

State lives here; every wait (PC/SC, chip, camera, SQLite, HTTP) is in ``workers`` and comes
back as a signal. The window keeps no personal data after a submission or an idle timeout.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from station.forms import FormDefinition, get_form, list_forms, prefill, render_pdf, with_values
from station.forms.values import display
from station.identity import Identity
from station.readers.chip import AccessKey, ChipReading, ReadCancelled, ReadProgress
from station.readers.errors import AccessDeniedError, CardRemovedError, NoCardError, ReaderError
from station.readers.pcsc import CardEvent, CardEventKind
from station.readers.qr import parse_qr
from station.readers.qr_link import access_keys_from_qr, compare_qr_chip
from station.readers.scanner import ScanResult
from station.submit import BhytCheckResult, BhytInputError, OutboxState
from station.submit.sender import FlushReport
from station.ui.access_panel import AccessPanel
from station.ui.bhyt_panel import BhytPanel, form_values_from_check
from station.ui.form_editor import FormEditor
from station.ui.identity_panel import IdentityPanel
from station.ui.profiles import PROFILES, Profile, ProfileId
from station.ui.services import StationServices
from station.ui.status import StationStatusBar
from station.ui.text import Tone, t
from station.ui.workers import CardMonitor, ChipReader, Tasks

__all__ = ["MainWindow"]

log = logging.getLogger(__name__)

_FINAL_STATES = (OutboxState.ACCEPTED, OutboxState.REJECTED)


def _warm_up() -> None:
    """Off the GUI thread, before they are needed: the administrative-unit tables (~0.2 s, first
    prefill) and OpenCV with the QR decoders (~0.25 s of imports, first F3)."""
    from station.forms.admin_units import resolve_address

    resolve_address("Phường Bến Thành, Thành phố Hồ Chí Minh")
    import station.readers.camera  # noqa: F401


class _ActivityFilter(QObject):
    """Any key or click restarts the idle timer (privacy: the screen clears when nobody works)."""

    def __init__(self, on_activity: Any) -> None:
        super().__init__()
        self._on_activity = on_activity

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress):
            self._on_activity()
        return False


class _ScanBridge(QObject):
    scanned = Signal(object)  # ScanResult, from the serial scanner's thread or the wedge filter


class MainWindow(QMainWindow):
    """``reader``: only react to readers whose name contains it (None: any reader)."""

    messageShown = Signal(str)

    def __init__(
        self,
        services: StationServices,
        profile: Profile = PROFILES[ProfileId.COUNTER],
        *,
        reader: str | None = None,
        camera_source: int | str | None = None,
        scanner_port: str | None = None,
        idle_timeout_s: float | None = None,
        monitor_cards: bool = True,
    ) -> None:
        super().__init__()
        self.services = services
        self.profile = profile
        self.reader_filter = reader
        self.camera_source = camera_source
        self.tasks = Tasks(self)
        self.chip = ChipReader(self)
        self.monitor = CardMonitor(self)
        self.camera: Any = None
        self.serial_scanner: Any = None
        self.card_reader: str | None = None
        self.key: AccessKey | None = None
        self.key_origin = ""
        self.hold = False  # no automatic (re)read until a new card or a new key
        self.read_done = False
        self.identity: Identity | None = None
        self.qr_identity: Identity | None = None
        self.batch: list[Identity] = []
        self.tracked: dict[str, QListWidgetItem] = {}
        self.last_report: FlushReport | None = None
        self.read_started_at = 0.0
        self._closed = False
        self._build()
        self.set_profile(profile)
        self.chip.progress.connect(self._on_progress)
        self.chip.partial.connect(self._on_partial)
        self.chip.finished.connect(self._on_read)
        self.chip.failed.connect(self._on_read_failed)
        self.monitor.cardEvent.connect(self._on_card_event)
        self.monitor.readers.connect(self._on_readers)
        self.services.watch.changed.connect(self._on_outbox_report)
        self.scan_bridge = _ScanBridge(self)
        self.scan_bridge.scanned.connect(self._on_scan)
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.timeout.connect(self._on_idle)
        self.idle_timeout_s = idle_timeout_s if idle_timeout_s is not None else profile.idle_timeout_s
        self.activity = _ActivityFilter(self._touch)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.activity)
        self.poll = QTimer(self)
        self.poll.setInterval(700)
        self.poll.timeout.connect(self._poll_outbox)
        self.poll.start()
        self.status.set("reader", t("Đầu đọc: đang tìm…"))
        self.status.set("camera", self._camera_idle_text(), Tone.INFO)
        self.status.set("scanner", t("Máy quét: bàn phím"))
        self._show_service_status()
        self._start_scanners(scanner_port)
        self.services.start()
        if monitor_cards:
            self.monitor.start()
        self.tasks.run(_warm_up, lambda _r, _e: None)
        self.show_message(t("Sẵn sàng. Đặt thẻ CCCD lên đầu đọc, quét mã QR (F3) hoặc nhập số thẻ (F2)."))
        self._poll_outbox()

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        self.setWindowTitle(t("Trạm CCCD"))
        self.resize(1280, 800)
        self.profile_picker = QComboBox()
        self.profile_picker.setObjectName("profilePicker")
        for p in PROFILES.values():
            self.profile_picker.addItem(t(p.title), p.id.value)
        self.profile_picker.activated.connect(
            lambda _i: self.set_profile(PROFILES[ProfileId(self.profile_picker.currentData())])
        )
        self.qr_button = QPushButton(t("Quét &QR (F3)"))
        self.qr_button.setObjectName("qrButton")
        self.cancel_button = QPushButton(t("&Hủy đọc (Esc)"))
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setEnabled(False)
        self.clear_button = QPushButton(t("&Xóa màn hình (Ctrl+L)"))
        self.clear_button.setObjectName("clearButton")
        top = QHBoxLayout()
        profile_label = QLabel(t("&Quầy:"))
        profile_label.setBuddy(self.profile_picker)
        top.addWidget(profile_label)
        top.addWidget(self.profile_picker)
        top.addStretch(1)
        top.addWidget(self.qr_button)
        top.addWidget(self.cancel_button)
        top.addWidget(self.clear_button)

        self.access = AccessPanel()
        self.step = QLabel(t("Chưa đọc thẻ"))
        self.step.setObjectName("readStep")
        self.progress = QProgressBar()
        self.progress.setObjectName("readProgress")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setMinimumHeight(48)
        self.identity_panel = IdentityPanel()
        self.batch_box = QGroupBox(t("Hàng đợi thẻ đã đọc (nộp sau)"))
        self.batch_list = QListWidget()
        self.batch_list.setObjectName("batchQueue")
        batch_layout = QVBoxLayout(self.batch_box)
        batch_layout.addWidget(self.batch_list)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.access)
        left_layout.addWidget(self.step)
        left_layout.addWidget(self.progress)
        left_layout.addWidget(self.message)
        left_layout.addWidget(self.identity_panel, 1)
        left_layout.addWidget(self.batch_box)

        self.bhyt = BhytPanel()
        self.form_picker = QComboBox()
        self.form_picker.setObjectName("formPicker")
        self.form_picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.forms: dict[str, FormDefinition] = {form.id: form for form in list_forms()}
        for form in self.forms.values():
            self.form_picker.addItem(f"{form.title} ({form.id})", form.id)
        self.open_form_button = QPushButton(t("&Mở biểu mẫu"))
        self.open_form_button.setObjectName("openForm")
        picker = QHBoxLayout()
        picker_label = QLabel(t("&Biểu mẫu:"))
        picker_label.setBuddy(self.form_picker)
        picker.addWidget(picker_label)
        picker.addWidget(self.form_picker, 1)
        picker.addWidget(self.open_form_button)
        self.editor = FormEditor()
        self.submit_button = QPushButton(t("&Nộp hồ sơ (Ctrl+Enter)"))
        self.submit_button.setObjectName("submitButton")
        self.print_button = QPushButton(t("&In (Ctrl+P)"))
        self.print_button.setObjectName("printButton")
        self.pdf_button = QPushButton(t("&Lưu PDF (Ctrl+S)"))
        self.pdf_button.setObjectName("pdfButton")
        actions = QHBoxLayout()
        actions.addWidget(self.submit_button)
        actions.addWidget(self.print_button)
        actions.addWidget(self.pdf_button)
        actions.addStretch(1)
        self.submissions = QListWidget()
        self.submissions.setObjectName("submissions")
        self.submissions.setMaximumHeight(110)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.bhyt)
        right_layout.addLayout(picker)
        right_layout.addWidget(self.editor, 1)
        right_layout.addLayout(actions)
        right_layout.addWidget(QLabel(t("Hồ sơ đã nộp (trạng thái gửi):")))
        right_layout.addWidget(self.submissions)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([520, 760])
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self.status = StationStatusBar(self)
        self.setStatusBar(self.status)

        self.access.keyEntered.connect(self.set_key)
        self.qr_button.clicked.connect(self.start_camera)
        self.cancel_button.clicked.connect(self.cancel_read)
        self.clear_button.clicked.connect(lambda: self.clear_screen(t("Đã xóa màn hình.")))
        self.open_form_button.clicked.connect(self.open_selected_form)
        self.submit_button.clicked.connect(self.submit)
        self.print_button.clicked.connect(self.print_dialog)
        self.pdf_button.clicked.connect(self.save_pdf_dialog)
        self.bhyt.checkRequested.connect(self.check_bhyt)
        self.batch_list.itemActivated.connect(self._open_batch_item)
        shortcuts = {
            "F2": self.focus_key_entry,
            "F3": self.start_camera,
            "F5": lambda: self.check_bhyt(self.bhyt.code.text().strip()),
            "Esc": self.cancel_read,
            "Ctrl+L": lambda: self.clear_screen(t("Đã xóa màn hình.")),
            "Ctrl+Return": self.submit,
            "Ctrl+Enter": self.submit,
            "Ctrl+P": self.print_dialog,
            "Ctrl+S": self.save_pdf_dialog,
            "Ctrl+O": self.open_selected_form,
        }
        self.shortcuts = []
        for keys, slot in shortcuts.items():
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(slot)
            self.shortcuts.append(shortcut)
        self._update_actions()

    def focus_key_entry(self) -> None:
        self.access.number.setFocus()
        self.access.number.selectAll()

    def set_profile(self, profile: Profile) -> None:
        self.profile = profile
        self.profile_picker.setCurrentIndex(max(0, self.profile_picker.findData(profile.id.value)))
        self.bhyt.setVisible(profile.bhyt_first)
        self.batch_box.setVisible(profile.batch)
        if profile.default_form:
            self.form_picker.setCurrentIndex(max(0, self.form_picker.findData(profile.default_form)))
        self.setWindowTitle(t("Trạm CCCD") + " — " + t(profile.title))

    # ------------------------------------------------------------------ messages

    def show_message(self, text: str, tone: Tone = Tone.INFO) -> None:
        colours = {Tone.INFO: "#263238", Tone.GOOD: "#1b5e20", Tone.WARN: "#8a5300", Tone.BAD: "#b71c1c"}
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {colours[tone]}; font-size: 11pt; font-weight: bold;")
        self.messageShown.emit(text)

    def _show_service_status(self) -> None:
        if self.services.gateway is None:
            self.status.set("bhxh", t("Cổng BHXH: chưa cấu hình"), Tone.WARN)
        else:
            self.status.set("bhxh", t("Cổng BHXH: sẵn sàng"), Tone.GOOD)
        if self.services.sender is None:
            self.status.set("backend", t("Máy chủ: chưa cấu hình"), Tone.WARN)

    def _camera_idle_text(self) -> str:
        return t("Camera: chưa chọn") if self.camera_source is None else t("Camera: sẵn sàng")

    # ------------------------------------------------------------------ card reader

    def _matches(self, reader: str) -> bool:
        return self.reader_filter is None or self.reader_filter in reader

    def _on_readers(self, readers: list[str]) -> None:
        mine = [r for r in readers if self._matches(r)]
        if mine:
            self.status.set("reader", t("Đầu đọc: ") + ", ".join(mine), Tone.GOOD)
        else:
            self.status.set("reader", t("Đầu đọc: không có (kiểm tra cáp, pcscd)"), Tone.BAD)

    def _on_card_event(self, event: CardEvent) -> None:
        if not self._matches(event.reader):
            return
        if event.kind is CardEventKind.INSERTED:
            self.card_reader = event.reader
            self.hold = False
            self.read_done = False
            self._touch()
            if self.key is None:
                self.show_message(
                    t("Đã có thẻ trên đầu đọc. Nhập số CCCD 12 số (hoặc CAN 6 số) in trên thẻ, hoặc quét mã QR (F3)."),
                    Tone.WARN,
                )
                self.access.number.setFocus()
            self.maybe_start_read()
        elif event.kind in (CardEventKind.REMOVED, CardEventKind.READER_REMOVED) and self.card_reader == event.reader:
            self.card_reader = None
            if not self.chip.busy and not self.read_done:
                self.step.setText(t("Thẻ đã được lấy ra"))

    def set_key(self, key: AccessKey, origin: str) -> None:
        self.key = key
        self.key_origin = origin
        self.hold = False
        self.read_done = False
        self.access.show_key(key, origin)
        if self.card_reader is None and not self.chip.busy:
            self.show_message(t("Khóa đã sẵn sàng. Đặt thẻ lên đầu đọc: máy sẽ tự đọc."))
        self.maybe_start_read()

    def maybe_start_read(self) -> None:
        if self.card_reader is None or self.key is None or self.chip.busy or self.hold or self.read_done:
            return
        self.identity_panel.clear()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.step.setText(t("Đang mở chip (truy cập)…"))
        self.show_message(t("Đang đọc thẻ, giữ yên thẻ trên đầu đọc…"))
        self.cancel_button.setEnabled(True)
        self.read_started_at = time.monotonic()
        self.chip.start(self.card_reader, self.key, self.services.trust)

    def cancel_read(self) -> None:
        if self.chip.busy:
            self.hold = True
            self.chip.cancel()
            self.step.setText(t("Đang hủy…"))
        elif self.camera is not None:
            self.stop_camera()
            self.show_message(t("Đã dừng quét mã QR."))

    def _on_progress(self, event: ReadProgress) -> None:
        self.progress.setRange(0, max(1, event.total))
        self.progress.setValue(event.done)
        label = t("truy cập (mở khóa chip)") if event.label == "truy cập" else event.label
        self.step.setText(t("Bước") + f" {event.done}/{event.total}: {label}")

    def _on_partial(self, identity: Identity) -> None:
        self.identity_panel.show_identity(identity)

    def _on_read(self, reading: ChipReading) -> None:
        self.cancel_button.setEnabled(False)
        self.read_done = True
        identity = reading.identity
        if self.qr_identity is not None and self.qr_identity.id_number == identity.id_number:
            verification = identity.verification
            if verification is not None:
                check = compare_qr_chip(self.qr_identity, identity)
                identity = identity.model_copy(
                    update={"verification": verification.with_check("qr_matches_chip", check)}
                )
        self.progress.setValue(self.progress.maximum())
        seconds = time.monotonic() - self.read_started_at
        self.step.setText(t("Đã đọc xong chip") + f" ({reading.protocol.value}, {seconds:.1f} s)")
        self.key = None  # the next card needs its own key
        self.access.clear()
        self.qr_identity = None
        self._identified(identity)

    def _on_read_failed(self, error: ReaderError) -> None:
        self.cancel_button.setEnabled(False)
        self.progress.setValue(0)
        if isinstance(error, ReadCancelled):
            self.identity_panel.clear()
            self.step.setText(t("Đã hủy"))
            self.show_message(t("Đã hủy đọc thẻ. Đặt lại thẻ hoặc nhập khóa mới để đọc lại."), Tone.WARN)
        elif isinstance(error, CardRemovedError):
            self.identity_panel.clear()
            self.step.setText(t("Thẻ bị rút ra"))
            self.show_message(
                t("Thẻ bị rút ra khi đang đọc. Đặt lại thẻ và giữ yên đến khi đọc xong: máy sẽ tự đọc lại."),
                Tone.BAD,
            )
            self.maybe_start_read()  # the card may already be back
        elif isinstance(error, NoCardError):
            self.identity_panel.clear()
            self.step.setText(t("Chưa có thẻ"))
            self.show_message(t(error.clerk_message), Tone.WARN)  # the next insertion reads by itself
        elif isinstance(error, AccessDeniedError):
            self.hold = True
            self.identity_panel.clear()
            self.step.setText(t("Sai khóa truy cập"))
            self.show_message(t(error.clerk_message), Tone.BAD)
            self.access.number.setFocus()
            self.access.number.selectAll()
        else:
            self.hold = True
            self.identity_panel.clear()
            self.step.setText(t("Lỗi đọc thẻ"))
            self.show_message(t(error.clerk_message), Tone.BAD)

    # ------------------------------------------------------------------ QR (camera, scanner)

    def start_camera(self) -> None:
        if self.camera is not None:
            return
        if self.camera_source is None:
            self.show_message(t("Chưa chọn camera: chạy với --camera (số thiết bị, tệp video hoặc URL)."), Tone.WARN)
            return
        from station.readers.camera import make_qt_camera_reader

        self.camera = make_qt_camera_reader(self.camera_source, parent=self)
        self.camera.payloadRead.connect(self._on_camera_payload)
        self.camera.failed.connect(self._on_camera_failed)
        self.camera.finished.connect(self._on_camera_finished)
        self.status.set("camera", t("Camera: đang quét mã QR…"), Tone.GOOD)
        self.show_message(t("Đưa mã QR trên thẻ vào trước camera…"))
        camera = self.camera
        self.tasks.run(camera.start, lambda _r, _e: None)  # opening a device or a URL can take seconds

    def stop_camera(self) -> None:
        camera, self.camera = self.camera, None
        if camera is not None:
            # stop() joins the decode threads, which may be mid-frame: not on the GUI thread.
            self.tasks.run(camera.stop, lambda _r, _e: camera.deleteLater())
        self.status.set("camera", self._camera_idle_text())

    def _on_camera_payload(self, event: Any) -> None:
        self.stop_camera()
        try:
            identity = event.payload.identity if event.payload is not None else parse_qr(event.text)
        except ReaderError as exc:
            self.show_message(t(exc.clerk_message), Tone.BAD)
            return
        self.qr_read(identity)

    def _on_camera_failed(self, error: ReaderError) -> None:
        self.status.set("camera", t("Camera: lỗi"), Tone.BAD)
        self.show_message(t(error.clerk_message), Tone.BAD)
        self.camera = None

    def _on_camera_finished(self) -> None:
        if self.camera is not None:
            self.camera = None
            self.status.set("camera", self._camera_idle_text())
            self.show_message(t("Không thấy mã QR của thẻ CCCD trên camera."), Tone.WARN)

    def _start_scanners(self, port: str | None) -> None:
        from station.readers.scanner import make_wedge_filter

        self.wedge = make_wedge_filter(self.scan_bridge.scanned.emit)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.wedge)
        if port:
            from station.readers.scanner import SerialScanner

            self.serial_scanner = SerialScanner(port, self.scan_bridge.scanned.emit)
            try:
                self.serial_scanner.start()
                self.status.set("scanner", t("Máy quét: cổng ") + port, Tone.GOOD)
            except ReaderError as exc:
                self.serial_scanner = None
                self.status.set("scanner", t("Máy quét: không mở được cổng ") + port, Tone.BAD)
                log.info("serial scanner: %s", exc)

    def _on_scan(self, result: ScanResult) -> None:
        if result.payload is not None:
            self.qr_read(result.payload.identity)
        elif result.key_fields is not None:
            self.set_key(AccessKey.for_cccd(result.key_fields.id_number), "qr")
            self.show_message(t(result.message or ""), Tone.WARN)
        elif result.message:
            self.show_message(t(result.message), Tone.BAD)

    def qr_read(self, identity: Identity) -> None:
        """A QR identity: it shows at once, gives the chip key, and prefills like a card read."""
        self.qr_identity = identity
        keys = access_keys_from_qr(identity)
        self.key = AccessKey(can=keys.can, mrz_information=keys.mrz_information)
        self.key_origin = "qr"
        self.hold = False
        self.read_done = False
        self.access.show_key(self.key, "qr")
        self.show_message(t("Đã đọc mã QR. Đặt thẻ lên đầu đọc để đối chiếu chip."), Tone.GOOD)
        self._identified(identity)
        self.maybe_start_read()

    # ------------------------------------------------------------------ identity → form

    def _identified(self, identity: Identity) -> None:
        if self.editor.takes_next_card():
            self._add_person(identity)
            return
        self.identity = identity
        self.identity_panel.show_identity(identity)
        self._touch()
        if self.profile.batch:
            self._queue(identity)
            return
        if self.profile.auto_open_form and self.profile.default_form:
            self.open_form(self.profile.default_form)
        else:
            self.form_picker.setFocus()
            if identity.verification is not None:
                self.show_message(t("Đã đọc thẻ. Chọn biểu mẫu rồi nhấn Enter (Ctrl+O)."), Tone.GOOD)
        if self.profile.bhyt_first and self.services.gateway is not None:
            self.check_bhyt("")

    def _add_person(self, identity: Identity) -> None:
        """With "Thêm người từ thẻ tiếp theo" on, the card read becomes a row of the form's table
        (a guest, a household member); the person the form is about stays. The panel shows the
        card just read, so its checks are seen like any other read's."""
        self.identity_panel.show_identity(identity)
        self._touch()
        table_id, index, replaced = self.editor.add_person(identity)
        table = self.editor.form.field(table_id) if self.editor.form is not None else None
        where = f"«{table.label if table else table_id}», " + t("dòng") + f" {index + 1}"
        if replaced:
            self.show_message(t("Đã cập nhật") + f" {where}. " + t("Đọc thẻ tiếp theo để thêm người."), Tone.GOOD)
        else:
            self.show_message(
                t("Đã thêm vào") + f" {where}. " + t("Đọc thẻ tiếp theo, hoặc tắt «Thêm người từ thẻ tiếp theo»."),
                Tone.GOOD,
            )

    def _queue(self, identity: Identity) -> None:
        """Field officer: one entry per person; the chip read that follows a QR scan replaces it."""
        where = t("chip") if identity.verification is not None else t("mã QR")
        text = f"{identity.masked_id()} — {dt.datetime.now():%H:%M} ({where})"
        same = [i for i, queued in enumerate(self.batch) if queued.id_number == identity.id_number]
        if same:
            self.batch[same[0]] = identity
            self.batch_list.item(same[0]).setText(text)
        else:
            self.batch.append(identity)
            self.batch_list.addItem(QListWidgetItem(text))
        self.show_message(t("Đã thêm vào hàng đợi") + f" ({len(self.batch)}). " + t("Đặt thẻ tiếp theo."), Tone.GOOD)

    def _open_batch_item(self, item: QListWidgetItem) -> None:
        row = self.batch_list.row(item)
        if 0 <= row < len(self.batch):
            self.identity = self.batch[row]
            self.identity_panel.show_identity(self.identity)
            self.open_selected_form()

    def open_selected_form(self) -> None:
        form_id = self.form_picker.currentData()
        if form_id:
            self.open_form(str(form_id))

    def open_form(self, form_id: str) -> None:
        form = get_form(form_id)
        self.form_picker.setCurrentIndex(max(0, self.form_picker.findData(form_id)))
        kept = self._kept_values(form_id)
        filled = prefill(form, self.identity, overrides=kept.get("clerk"))
        if kept.get("bhxh"):
            filled = with_values(form, filled, kept["bhxh"], provenance="bhxh")
        self.editor.load(form, filled)
        if self.bhyt.result is not None:
            self._apply_bhyt(self.bhyt.result)
        self._update_actions()
        first = self.editor.first_problem()
        if first is not None:
            first.setFocus()
        self.show_message(t("Điền các ô còn thiếu (viền đỏ), rồi nộp bằng Ctrl+Enter."))

    def _kept_values(self, form_id: str) -> dict[str, dict[str, object]]:
        """What the clerk (or the gateway) put in the open form, when the same form reopens for the
        same person: the chip read finishing after a QR read must not wipe what was typed."""
        filled, identity = self.editor.filled, self.identity
        if filled is None or identity is None or filled.form_id != form_id:
            return {}
        same_person = any(
            filled.values.get(f.id) == identity.id_number for f in (self.editor.form.fields if self.editor.form else [])
        )
        if not same_person:
            return {}
        kept: dict[str, dict[str, object]] = {}
        for ref, origin in filled.provenance.items():
            if origin in ("clerk", "bhxh") and "[" not in ref and "." not in ref and ref in filled.values:
                value = filled.values[ref]
                kept.setdefault(origin, {})[ref] = value.get("text") if isinstance(value, dict) else value
        return kept

    def _update_actions(self) -> None:
        has_form = self.editor.form is not None
        for button in (self.submit_button, self.print_button, self.pdf_button):
            button.setEnabled(has_form)

    # ------------------------------------------------------------------ BHYT

    def check_bhyt(self, code: str) -> None:
        gateway = self.services.gateway
        if gateway is None:
            self.bhyt.verdict.setText(t("Chưa cấu hình cổng BHXH."))
            return
        identity = self.identity
        if identity is None:
            self.bhyt.verdict.setText(t("Cần đọc thẻ CCCD hoặc mã QR trước khi kiểm tra BHYT."))
            return
        target = code or identity.id_number
        name, dob = identity.full_name, identity.date_of_birth
        self.bhyt.busy()
        self.status.set("bhxh", t("Cổng BHXH: đang hỏi…"))

        def call() -> BhytCheckResult:
            year, _, rest = dob.partition("-")
            return gateway.check(target, name, dob if rest else year)

        self.tasks.run(call, self._on_bhyt)

    def _on_bhyt(self, result: BhytCheckResult | None, error: BaseException | None) -> None:
        if error is not None or result is None:
            message = str(error) if isinstance(error, BhytInputError) else t("Không kiểm tra được thẻ BHYT.")
            self.bhyt.verdict.setText(message)
            self.status.set("bhxh", t("Cổng BHXH: lỗi"), Tone.BAD)
            return
        self.bhyt.show_result(result)
        if result.verdict.value == "not_checked":
            self.status.set("bhxh", t("Cổng BHXH: mất kết nối (chưa kiểm tra)"), Tone.WARN)
        else:
            self.status.set("bhxh", t("Cổng BHXH: đã trả lời"), Tone.GOOD)
        self._apply_bhyt(result)

    def _apply_bhyt(self, result: BhytCheckResult) -> None:
        if self.editor.form is None:
            return
        values = form_values_from_check(result, self.editor.form.field_ids)
        if values:
            self.editor.apply(values, provenance="bhxh")

    # ------------------------------------------------------------------ submit, print, PDF

    def submit(self) -> None:
        filled = self.editor.commit()
        if filled is None or self.editor.form is None:
            self.show_message(t("Chưa mở biểu mẫu nào."), Tone.WARN)
            return
        if filled.issues:
            self.show_message(
                t("Chưa nộp được: còn %n chỗ cần sửa (viền đỏ).").replace("%n", str(len(filled.issues))), Tone.BAD
            )
            first = self.editor.first_problem()
            if first is not None:
                first.setFocus()
            return
        document = filled.to_json_dict()
        form_id = filled.form_id
        submitted = self.identity
        self.submit_button.setEnabled(False)
        stamp = dt.datetime.now().strftime("%H:%M:%S")

        def done(item_id: str | None, error: BaseException | None) -> None:
            if error is not None or item_id is None:
                log.error("enqueue failed: %s", type(error).__name__)
                self.submit_button.setEnabled(True)
                self.show_message(t("Không lưu được hồ sơ vào hàng đợi: ") + str(error), Tone.BAD)
                return
            item = QListWidgetItem(f"{form_id} · {stamp} — {t('Đang chờ gửi')}")
            item.setData(Qt.ItemDataRole.UserRole, (form_id, stamp))
            self.submissions.insertItem(0, item)
            self.tracked[item_id] = item
            if self.profile.batch and submitted is not None and submitted in self.batch:
                index = self.batch.index(submitted)
                self.batch.pop(index)
                self.batch_list.takeItem(index)
            self.clear_screen(t("Đã nộp hồ sơ") + f" {form_id}: " + t("đang gửi lên máy chủ. Màn hình đã xóa."))
            self._poll_outbox()

        self.tasks.run(lambda: self.services.enqueue(document), done)

    def _poll_outbox(self) -> None:
        pending = [item_id for item_id in self.tracked]

        def look() -> tuple[int, dict[str, tuple[OutboxState | None, str | None]]]:
            states = {item_id: self.services.state_of(item_id) for item_id in pending}
            return self.services.queued_count(), states

        if self.tasks.pending > 4:  # a slow disk: do not pile up look-ups
            return
        self.tasks.run(look, self._on_outbox_state)

    def _on_outbox_state(self, result: Any, error: BaseException | None) -> None:
        if error is not None or result is None:
            self.status.set("backend", t("Hàng đợi: lỗi đọc"), Tone.BAD)
            return
        queued, states = result
        words = {
            OutboxState.QUEUED: t("Đang chờ gửi"),
            OutboxState.SENDING: t("Đang gửi"),
            OutboxState.ACCEPTED: t("Đã tiếp nhận"),
            OutboxState.REJECTED: t("Bị từ chối"),
        }
        for item_id, (state, server_id) in states.items():
            item = self.tracked.get(item_id)
            if item is None or state is None:
                continue
            form_id, stamp = item.data(Qt.ItemDataRole.UserRole)
            text = f"{form_id} · {stamp} — {words[state]}"
            if state is OutboxState.ACCEPTED and server_id:
                text += f" ({t('mã hồ sơ')} {server_id[:8]})"
            item.setText(text)
            if state in _FINAL_STATES:
                del self.tracked[item_id]
        if self.services.sender is None:
            return
        offline = self.last_report is not None and self.last_report.offline and queued
        if offline:
            text = t("Máy chủ: mất kết nối, %n hồ sơ chờ gửi").replace("%n", str(queued))
            self.status.set("backend", text, Tone.WARN)
        elif queued:
            self.status.set("backend", t("Máy chủ: %n hồ sơ chờ gửi").replace("%n", str(queued)), Tone.INFO)
        else:
            self.status.set("backend", t("Máy chủ: đã gửi hết"), Tone.GOOD)

    def _on_outbox_report(self, report: FlushReport) -> None:
        self.last_report = report

    def _document_html(self) -> str:
        form, filled = self.editor.form, self.editor.filled
        if form is None or filled is None:
            return ""
        rows = "".join(
            "<tr><td>"
            + html.escape(field.label)
            + "</td><td>"
            + self._field_html(field, filled.values.get(field.id))
            + "</td></tr>"
            for field in form.fields
        )
        return (
            f"<h2 align='center'>{html.escape(form.title)}</h2><p align='center'>{html.escape(form.form_code)}</p>"
            f"<p><i>{html.escape(form.legal_basis)}</i></p>"
            f"<table border='1' cellpadding='4' width='100%'>{rows}</table>"
        )

    @staticmethod
    def _field_html(field: Any, value: Any) -> str:
        """A value as printed; a table (guests, household members) as a table of its own."""
        if field.type != "table":
            return html.escape(display(field, value))
        rows = value if isinstance(value, list) else []
        head = "".join(f"<th>{html.escape(column.label)}</th>" for column in field.columns)
        body = "".join(
            "<tr>"
            + "".join(f"<td>{html.escape(display(column, row.get(column.id)))}</td>" for column in field.columns)
            + "</tr>"
            for row in rows
            if isinstance(row, dict)
        )
        return f"<table border='1' cellpadding='2' width='100%'><tr>{head}</tr>{body}</table>"

    def print_to(self, printer: QPrinter) -> None:
        document = QTextDocument()
        document.setHtml(self._document_html())
        document.print_(printer)

    def print_dialog(self) -> None:
        if self.editor.form is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            self.print_to(printer)
            self.show_message(t("Đã gửi biểu mẫu tới máy in."), Tone.GOOD)

    def save_pdf_to(self, path: Path) -> None:
        """Render off the GUI thread; the message says when the file is there."""
        form, filled = self.editor.form, self.editor.commit()
        if form is None or filled is None:
            return

        def write() -> Path:
            path.write_bytes(render_pdf(form, filled))
            return path

        def done(result: Path | None, error: BaseException | None) -> None:
            if error is not None:
                self.show_message(t("Không lưu được PDF: ") + str(error), Tone.BAD)
            else:
                self.show_message(t("Đã lưu PDF: ") + str(result), Tone.GOOD)

        self.tasks.run(write, done)

    def save_pdf_dialog(self) -> None:
        if self.editor.form is None:
            return
        name, _ = QFileDialog.getSaveFileName(self, t("Lưu PDF"), f"{self.editor.form.id}.pdf", "PDF (*.pdf)")
        if name:
            self.save_pdf_to(Path(name))

    # ------------------------------------------------------------------ privacy

    def _touch(self) -> None:
        if self.idle_timeout_s > 0:
            self.idle.start(int(self.idle_timeout_s * 1000))

    def _on_idle(self) -> None:
        if self.identity is not None or self.editor.form is not None or self.access.number.text():
            self.clear_screen(t("Màn hình đã tự xóa sau thời gian không thao tác."))

    def clear_screen(self, reason: str) -> None:
        """Forget the person on screen (not the outbox, not the field officer's queue)."""
        if self.chip.busy:
            self.hold = True
            self.chip.cancel()
        self.identity = None
        self.qr_identity = None
        self.key = None
        self.identity_panel.clear()
        self.access.clear()
        self.editor.clear()
        self.bhyt.clear()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.step.setText(t("Chưa đọc thẻ"))
        self._update_actions()
        self.show_message(reason)

    # ------------------------------------------------------------------ shutdown

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.poll.stop()
        self.idle.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.activity)
            app.removeEventFilter(self.wedge)
        self.chip.cancel()
        self.chip.wait(10)
        self.monitor.stop()
        if self.camera is not None:
            self.camera.stop()
            self.camera = None
        if self.serial_scanner is not None:
            self.serial_scanner.stop()
        self.tasks.join(10)
        self.services.stop()
