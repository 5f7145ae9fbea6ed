"""``station qr``: decode card QR images, or parse a payload already read.

    station qr decode IMAGE... [--json]   one Identity per image (JSON Lines with --json)
    station qr parse TEXT [--json]        TEXT "-" reads the payload from standard input

A failed image gets one error line naming it (on standard error) and the exit code is 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from station.readers.errors import ReaderError
from station.readers.qr import FIELD_LABELS, QrPayload, parse_qr_payload

if TYPE_CHECKING:
    from station.readers.camera import QrPipeline

__all__ = ["register"]

EXIT_OK = 0
EXIT_FAILED = 1


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("qr", help="đọc mã QR trên thẻ CCCD / căn cước")
    commands = parser.add_subparsers(dest="qr_command", metavar="ACTION", required=True)
    decode = commands.add_parser("decode", help="giải mã ảnh chụp mã QR (một hoặc nhiều ảnh)")
    decode.add_argument("images", nargs="+", metavar="IMAGE", type=Path)
    decode.add_argument("--json", action="store_true", help="một dòng JSON Identity cho mỗi ảnh")
    decode.set_defaults(handler=_decode)
    parse = commands.add_parser("parse", help="phân tích nội dung mã QR đã đọc được")
    parse.add_argument("text", metavar="TEXT", help='nội dung mã QR ("-" để đọc từ stdin)')
    parse.add_argument("--json", action="store_true", help="in Identity dạng JSON")
    parse.set_defaults(handler=_parse)


def _print_identity(payload: QrPayload, *, as_json: bool, name: str | None = None) -> None:
    identity = payload.identity
    if as_json:
        print(identity.to_json(indent=None), flush=True)
        return
    if name is not None:
        print(f"{name}:")
    for field, label in FIELD_LABELS.items():
        value = getattr(identity, field, None)
        if value:
            print(f"  {label}: {_vn_date(value) if field.startswith('date_') else value}")
    if payload.cancelled_numbers:
        print(f"  {FIELD_LABELS['cancelled_numbers']}: {', '.join(payload.cancelled_numbers)}")
    if payload.extra_fields:
        print(f"  Trường khác: {' | '.join(payload.extra_fields)}")
    print(f"  Mẫu mã QR: {payload.layout.value}; CAN: {identity.can}", flush=True)


def _vn_date(iso: str) -> str:
    """ISO (possibly year-only or year-month) → the dd/mm/yyyy a clerk reads on the card."""
    return "/".join(reversed(iso.split("-")))


def _error(name: str, message: str) -> None:
    print(f"{name}: lỗi: {message}", file=sys.stderr, flush=True)


def _decode(args: argparse.Namespace) -> int:
    import cv2
    import numpy as np

    from station.readers.camera import QrPipeline

    pipeline = QrPipeline()
    status = EXIT_OK
    for path in args.images:
        name = str(path)
        try:
            image = cv2.imdecode(np.fromfile(str(path), dtype=np.uint8), cv2.IMREAD_COLOR)
        except FileNotFoundError:
            _error(name, "không có tệp này")
            status = EXIT_FAILED
            continue
        except OSError:
            _error(name, "không mở được tệp (kiểm tra quyền đọc)")
            status = EXIT_FAILED
            continue
        if image is None:
            _error(name, "không phải tệp ảnh đọc được")
            status = EXIT_FAILED
            continue
        result = pipeline.decode(image)
        if result is None or result.payload is None:
            _error(name, _why_not(pipeline, image))
            status = EXIT_FAILED
            continue
        _print_identity(result.payload, as_json=args.json, name=name)
    return status


def _why_not(pipeline: QrPipeline, image: Any) -> str:
    """Tell "no QR found" from "a QR that is not a valid CCCD payload": the clerk acts differently."""
    from station.readers.camera import QrPipeline

    found = QrPipeline(pipeline.stages, require_cccd=False).decode(image)
    if found is None:
        return "không tìm thấy mã QR đọc được (hoặc nội dung không phải văn bản tiếng Việt hợp lệ)"
    try:
        parse_qr_payload(found.text)
    except ReaderError as exc:
        return exc.clerk_message
    return "mã QR không phải của thẻ CCCD / căn cước"  # pragma: no cover - parse succeeded above


def _parse(args: argparse.Namespace) -> int:
    text = sys.stdin.read() if args.text == "-" else args.text
    try:
        payload = parse_qr_payload(text)
    except ReaderError as exc:
        _error("mã QR", exc.clerk_message)
        return EXIT_FAILED
    _print_identity(payload, as_json=args.json)
    return EXIT_OK
