"""``station ui``: the station window on this machine's real devices and configured services.

Exit code: the window's (0 when it is closed normally).
"""

from __future__ import annotations

import argparse
from typing import Any

from station.ui.profiles import ProfileId


def register(subparsers: Any) -> None:
    """``station ui``: the window on this machine's real devices and configured services."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "ui",
        help="mở cửa sổ trạm (đầu đọc, camera, máy quét thật; dịch vụ theo cấu hình)",
        description="Mở cửa sổ trạm CCCD với thiết bị thật và dịch vụ theo cấu hình (STATION_* / config.toml).",
    )
    parser.add_argument("--profile", choices=[p.value for p in ProfileId], default=ProfileId.COUNTER.value)
    parser.add_argument("--lang", choices=["vi", "en"], default="vi", help="window language (default vi)")
    parser.add_argument("--reader", help="only this PC/SC reader (name or part of it); default: any")
    parser.add_argument("--camera", help="camera: device number, video file or stream URL (default: none)")
    parser.add_argument("--scanner-port", help="serial (USB-COM) QR scanner port, e.g. /dev/ttyACM0")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from station.ui.app import run as run_window

    camera: int | str | None = args.camera
    if isinstance(camera, str) and camera.isdigit():
        camera = int(camera)
    return run_window(
        profile=args.profile,
        language=args.lang,
        reader=args.reader,
        camera=camera,
        scanner_port=args.scanner_port,
    )
