"""``station demo``: bring up what the machine lacks, then open the real window (or drive it).

Started as child processes, never imported (``station`` does not import ``hardware_mocks``):
pcscd (only when none runs), the test PKI, a synthetic citizen, the virtual CCCD on the vpcd
reader, the procedure backend on SQLite, the mock BHXH gateway, and a video of the card's QR
for the virtual webcam. The window finds them through the station's ordinary settings
(``STATION_*`` environment variables set for this process only) and opens the video exactly
as it would open a real camera: by its source string.

The demo citizen is a synthetic one from ``hardware_mocks.citizens``, given the name, sex and
date of birth and personal number of the mock gateway's valid-card holder, so the BHYT check by
CCCD has a card to find.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from station.identity import Identity, Source
from station.readers.icao.trust_store import TrustStore
from station.readers.mrz import cccd_expiry
from station.readers.qr import format_qr_payload

__all__ = ["VPCD_READERS", "DemoCitizen", "DemoEnvironment", "DemoError"]

log = logging.getLogger(__name__)

VPCD_READERS = {35963: "Virtual PCD 00 00", 35964: "Virtual PCD 00 01"}
"""The reader names vsmartcard-vpcd's default configuration gives its two ports."""

GATEWAY_USER = "demo-benh-vien"
GATEWAY_PASSWORD = "mat-khau-demo"  # a mock's login, only on loopback
DEMO_ADDRESS = "Số 5 đường Lê Lợi, Phường Bến Thành, Thành phố Hồ Chí Minh"

_QR_VIDEO_SCRIPT = """
import sys, cv2, numpy as np
from hardware_mocks.qr_image import card_frame
payload = open(sys.argv[1], encoding="utf-8").read()
frame = card_frame(payload, module_px=4, rng=7)
out = cv2.VideoWriter(sys.argv[2], cv2.VideoWriter.fourcc(*"MJPG"), 30, (frame.shape[1], frame.shape[0]))
for image in [np.full_like(frame, 90)] * 5 + [frame] * 25:
    out.write(image)
out.release()
"""


class DemoError(RuntimeError):
    """A part of the demo could not be started; the message says which and why (Vietnamese)."""


@dataclass(frozen=True)
class DemoCitizen:
    identity: Identity
    identity_file: Path
    face_file: Path | None
    bhyt_card_code: str


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


@dataclass
class DemoEnvironment:
    """Everything ``station demo`` starts; ``stop()`` ends exactly the processes it started."""

    vpcd_port: int = 35963
    seed: int = 2026
    work_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="station-demo-")))
    keep_work_dir: bool = False
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    citizen: DemoCitizen | None = None
    qr_video: Path | None = None

    @property
    def reader(self) -> str:
        try:
            return VPCD_READERS[self.vpcd_port]
        except KeyError:
            raise DemoError(f"vpcd chỉ có cổng 35963 và 35964 (đã chọn {self.vpcd_port})") from None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        _ = self.reader
        self._start_pcscd()
        pki = self.work_dir / "pki"
        self._run("hardware_mocks.pki", "--out", str(pki))
        report = TrustStore(self.work_dir / "trust").import_path(pki / "test-master-list.ml")
        if not (report.added or report.already_present):
            raise DemoError(f"không nhập được CSCA thử nghiệm: {report.refused or report.unreadable}")
        _say(f"• Kho chứng thư gốc của demo: {len(report.added)} CSCA thử nghiệm (chỉ trong thư mục demo)")
        self.citizen = self._make_citizen()
        self.qr_video = self._make_qr_video(self.citizen.identity)
        backend_url, token = self._start_backend()
        gateway_url = self._start_gateway()
        self.env = {
            "STATION_CONFIG": str(self.work_dir / "khong-co-tep-cau-hinh.toml"),
            "STATION_DATA_DIR": str(self.work_dir / "station"),
            "STATION_TRUST_DIR": str(self.work_dir / "trust"),
            "STATION_BACKEND_URL": backend_url,
            "STATION_BACKEND_TOKEN": token,
            "STATION_BHXH_URL": gateway_url,
            "STATION_BHXH_USERNAME": GATEWAY_USER,
            "STATION_BHXH_PASSWORD": GATEWAY_PASSWORD,
            "STATION_BHXH_OFFICER_NAME": "Cán Bộ Tiếp Đón",
            "STATION_BHXH_OFFICER_ID": "079190000001",
        }
        os.environ.update(self.env)

    def stop(self) -> None:
        for name in reversed(list(self.processes)):
            self._end(name)
        if not self.keep_work_dir:
            shutil.rmtree(self.work_dir, ignore_errors=True)

    def __enter__(self) -> DemoEnvironment:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ card

    def insert_card(self) -> None:
        """The virtual CCCD on the vpcd reader: pcscd reports an insertion."""
        assert self.citizen is not None
        args = ["--identity", str(self.citizen.identity_file), "--port", str(self.vpcd_port)]
        if self.citizen.face_file is not None:
            args += ["--face", str(self.citizen.face_file)]
        args += ["--pki-dir", str(self.work_dir / "pki")]
        self._spawn("card", "hardware_mocks.virtual_cccd", *args)

    def remove_card(self) -> None:
        self._end("card")

    # ------------------------------------------------------------------ parts

    def _start_pcscd(self) -> None:
        if subprocess.run(["pgrep", "-x", "pcscd"], capture_output=True).returncode == 0:
            _say("• pcscd đang chạy: dùng dịch vụ sẵn có")
            return
        exe = shutil.which("pcscd") or "/usr/sbin/pcscd"
        if not os.path.exists(exe):
            raise DemoError("Chưa cài pcscd (Debian: apt-get install pcscd vsmartcard-vpcd)")
        log_file = (self.work_dir / "pcscd.log").open("wb")
        self.processes["pcscd"] = subprocess.Popen([exe, "-f"], stdout=log_file, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 15
        from station.readers.errors import ReaderError
        from station.readers.pcsc import list_readers

        while time.monotonic() < deadline:
            with contextlib.suppress(ReaderError):
                if self.reader in list_readers():
                    _say("• Đã khởi động pcscd")
                    return
            time.sleep(0.2)
        raise DemoError("pcscd chạy nhưng không có đầu đọc ảo vpcd (cài vsmartcard-vpcd?)")

    def _make_citizen(self) -> DemoCitizen:
        folder = self.work_dir / "citizens"
        self._run("hardware_mocks.citizens", "--count", "8", "--seed", str(self.seed), "--out", str(folder))
        cards = json.loads(self._run("hardware_mocks.bhxh_gateway", "--list-cards"))
        card = next(c for c in cards if c["outcome"] == "000")
        day, month, year = card["dob"].split("/")
        sex = "Nam" if card["sex"] == "Nam" else "Nữ"
        for path in sorted(folder.glob("*.json")):
            base = Identity.from_json(path.read_text(encoding="utf-8"))
            if base.sex == sex:
                break
        else:
            raise DemoError("không sinh được công dân giả lập phù hợp")
        number = card["cccd"]  # the gateway finds the holder's BHYT card by it
        birth = dt.date(int(year), int(month), int(day))
        issued = dt.date.fromisoformat(base.date_of_issue) if base.date_of_issue else None
        expiry = cccd_expiry(birth, issued) if issued else None  # the card's rule, for the new birth date
        identity = base.model_copy(
            update={
                "id_number": number,
                "full_name": card["name"].title(),
                "date_of_birth": birth.isoformat(),
                "date_of_expiry": expiry.isoformat() if expiry else None,
                "place_of_residence": DEMO_ADDRESS,
                "source": Source.CHIP,
            }
        )
        identity = Identity.from_json(identity.to_json())  # revalidate the changed record
        identity_file = self.work_dir / "cong-dan-demo.json"
        identity_file.write_text(identity.to_json(include_face=False), encoding="utf-8")
        face = path.with_suffix(".jpg")
        _say(f"• Công dân giả lập: {identity.full_name}, số {identity.id_number} (CAN {identity.can})")
        return DemoCitizen(identity, identity_file, face if face.exists() else None, card["card_code"])

    def _make_qr_video(self, identity: Identity) -> Path:
        payload_file = self.work_dir / "qr.txt"
        payload_file.write_text(format_qr_payload(identity), encoding="utf-8")
        video = self.work_dir / "webcam-qr.avi"
        self._run_code(_QR_VIDEO_SCRIPT, str(payload_file), str(video))
        _say(f"• Camera ảo: video mã QR của thẻ ({video.name})")
        return video

    def _start_backend(self) -> tuple[str, str]:
        db = f"sqlite:///{self.work_dir / 'backend.sqlite3'}"
        token = self._run("procedure_backend", "token", "create", "--db", db, "--station", "tram-demo").strip()
        port = _free_port()
        self._spawn("backend", "procedure_backend", "serve", "--db", db, "--host", "127.0.0.1", "--port", str(port))
        url = f"http://127.0.0.1:{port}"
        self._wait_http(url + "/healthz", "backend")
        _say(f"• Máy chủ nhận hồ sơ (SQLite): {url}")
        return url, token

    def _start_gateway(self) -> str:
        port = _free_port()
        self._spawn(
            "gateway",
            "hardware_mocks.bhxh_gateway",
            "--port",
            str(port),
            "--username",
            GATEWAY_USER,
            "--password",
            GATEWAY_PASSWORD,
        )
        self._wait_port(port, "gateway")
        _say(f"• Cổng BHXH giả lập: http://127.0.0.1:{port}")
        return f"http://127.0.0.1:{port}"

    # ------------------------------------------------------------------ processes

    def _run(self, module: str, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", module, *args], capture_output=True, text=True, timeout=120, cwd=self._cwd()
        )
        if result.returncode != 0:
            raise DemoError(f"{module} lỗi (mã {result.returncode}): {result.stderr.strip()[-400:]}")
        return result.stdout

    def _run_code(self, code: str, *args: str) -> None:
        result = subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120, cwd=self._cwd()
        )
        if result.returncode != 0:
            raise DemoError(f"không tạo được video camera ảo: {result.stderr.strip()[-400:]}")

    def _spawn(self, name: str, module: str, *args: str) -> None:
        self._end(name)
        log_file = (self.work_dir / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", module, *args], stdout=log_file, stderr=subprocess.STDOUT, cwd=self._cwd()
        )

    def _end(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)

    def _cwd(self) -> str:
        # The mocks and the backend live next to ``station`` in the source tree.
        return str(Path(__file__).resolve().parents[1])

    def _alive(self, name: str) -> None:
        process = self.processes.get(name)
        if process is not None and process.poll() is not None:
            log_text = (self.work_dir / f"{name}.log").read_text(encoding="utf-8", errors="replace")
            raise DemoError(f"{name} đã dừng (mã {process.returncode}): {log_text.strip()[-400:]}")

    def _wait_http(self, url: str, name: str, timeout_s: float = 30.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            self._alive(name)
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url, timeout=1.0).status_code == 200:
                    return
            time.sleep(0.1)
        raise DemoError(f"{name} không trả lời ở {url}")

    def _wait_port(self, port: int, name: str, timeout_s: float = 30.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            self._alive(name)
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
            time.sleep(0.1)
        raise DemoError(f"{name} không mở cổng {port}")


def run_demo(
    *,
    selftest: bool = False,
    profile: str = "counter",
    language: str = "vi",
    vpcd_port: int = 35963,
    keep: bool = False,
    interactive: bool = False,
) -> int:
    """The ``station demo`` command: returns the process exit code.

    Without a display nobody could use an offscreen window, so unless ``interactive`` the demo
    then shows the station's job by driving the window through the clerk's flows, and exits.
    """
    from station.ui.app import ensure_display

    note = ensure_display()
    if note:
        _say(note)
        if not selftest and not interactive:
            _say("• Không ai thao tác được cửa sổ offscreen: trạm tự đi qua các bước của thư ký rồi thoát.")
            selftest = True
    environment = DemoEnvironment(vpcd_port=vpcd_port, keep_work_dir=keep)
    signal.signal(signal.SIGTERM, _on_terminate)  # a kill still stops the card, backend and gateway
    try:
        with environment:
            if keep:
                _say(f"• Thư mục làm việc của demo (giữ lại): {environment.work_dir}")
            if selftest:
                from station.ui.selftest import run_selftest

                return run_selftest(environment, language=language)
            return _interactive(environment, profile=profile, language=language)
    except DemoError as exc:
        _say(f"station demo: {exc}")
        return 3
    except KeyboardInterrupt:
        _say("station demo: đã dừng")
        return 130


def _on_terminate(_signum: int, _frame: object) -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is not None and _EVENT_LOOP_RUNNING:
        app.quit()  # the window closes normally; the environment stops after it
        return
    raise KeyboardInterrupt


_EVENT_LOOP_RUNNING = False


def _interactive(environment: DemoEnvironment, *, profile: str, language: str) -> int:
    from PySide6.QtCore import QTimer

    from station.ui.app import make_app
    from station.ui.main_window import MainWindow
    from station.ui.profiles import profile as find_profile
    from station.ui.services import StationServices

    app, _translator = make_app(language)
    window: Any = MainWindow(
        StationServices.from_settings(use_keyring=False),  # a throwaway outbox: no keyring entry
        find_profile(profile),
        reader=environment.reader,
        camera_source=str(environment.qr_video),
    )
    window.show()
    environment.insert_card()
    citizen = environment.citizen
    assert citizen is not None
    _say(
        f"Cửa sổ đã mở. Thẻ ảo đã đặt trên {environment.reader}: nhập số {citizen.identity.id_number} (F2, Enter); "
        f"F3 quét mã QR trên camera ảo; mã thẻ BHYT của công dân: {citizen.bhyt_card_code}."
    )
    global _EVENT_LOOP_RUNNING
    # Python runs signal handlers only between bytecodes: a timer lets it in while Qt waits.
    ticker = QTimer()
    ticker.timeout.connect(lambda: None)
    ticker.start(200)
    _EVENT_LOOP_RUNNING = True
    try:
        code = int(app.exec())
    finally:
        _EVENT_LOOP_RUNNING = False
        ticker.stop()
        window.shutdown()
    return code
