"""Make docs/screenshot.png: the station window right after a chip read, rendered offscreen.

Run: ``.venv/bin/python scripts/screenshot.py [--vpcd-port 35963] [--out docs/screenshot.png]``.
Uses the same environment as ``station demo`` (virtual card through the real pcscd, backend,
gateway), types the card number, taps the card, waits for the read and opens form CT01.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vpcd-port", type=int, default=35963)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshot.png")
    args = parser.parse_args(argv)

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from station.demo import DemoEnvironment
    from station.ui.app import make_app
    from station.ui.keys import type_text
    from station.ui.main_window import MainWindow
    from station.ui.profiles import profile
    from station.ui.selftest import wait_for
    from station.ui.services import StationServices

    with DemoEnvironment(vpcd_port=args.vpcd_port) as env:
        app, _translator = make_app("vi")
        app.setStyle("Fusion")
        window = MainWindow(
            StationServices.from_settings(use_keyring=False),
            profile("counter"),
            reader=env.reader,
            camera_source=str(env.qr_video),
            idle_timeout_s=0,
        )
        window.resize(1400, 860)
        window.show()
        window.activateWindow()
        QTest.qWaitForWindowActive(window, 5000)
        assert env.citizen is not None
        type_text(window.access.number, env.citizen.identity.id_number)
        QTest.keyClick(window.access.number, Qt.Key.Key_Return)
        env.insert_card()
        read = lambda: window.identity is not None and window.identity.verification is not None  # noqa: E731
        wait_for(read, 40, "đọc chip", window)
        window.open_form("ct01")
        QTest.qWait(300)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(args.out)):
            print(f"không ghi được {args.out}", file=sys.stderr)
            return 1
        window.shutdown()
    print(f"Đã ghi {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
