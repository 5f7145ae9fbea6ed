"""``station demo [--selftest] [--profile ...]``: the station on this machine with virtual hardware.

Exit codes: 0 the window closed normally / every self-test step passed; 1 a self-test step
failed; 3 a part of the demo could not be started (the message says which).
"""

from __future__ import annotations

import argparse
from typing import Any

from station.ui.profiles import ProfileId


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "demo",
        help="chạy thử trạm với phần cứng ảo (thẻ ảo, camera ảo, máy chủ cục bộ)",
        description=(
            "Khởi động những gì máy còn thiếu (pcscd, thẻ CCCD ảo, camera ảo, máy chủ nhận hồ sơ SQLite, "
            "cổng BHXH giả lập) rồi mở cửa sổ trạm. Không có màn hình: cửa sổ chạy offscreen và tự đi qua "
            "các bước của thư ký (như --selftest) rồi thoát."
        ),
    )
    parser.add_argument("--selftest", action="store_true", help="drive the real window through both flows, then exit")
    parser.add_argument("--profile", choices=[p.value for p in ProfileId], default=ProfileId.COUNTER.value)
    parser.add_argument("--lang", choices=["vi", "en"], default="vi", help="window language (default vi)")
    parser.add_argument("--vpcd-port", type=int, default=35963, help="vpcd port of the virtual card (35963 or 35964)")
    parser.add_argument("--keep", action="store_true", help="keep the demo's working directory (logs, databases)")
    parser.add_argument(
        "--interactive",
        action="store_true",
        help="keep the window open even without a display (default there: run the clerk's flows, then exit)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from station.demo import run_demo

    return run_demo(
        selftest=args.selftest,
        profile=args.profile,
        language=args.lang,
        vpcd_port=args.vpcd_port,
        keep=args.keep,
        interactive=args.interactive,
    )
