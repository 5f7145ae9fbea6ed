"""``station read``: read the card on a PC/SC reader and print one Identity.

Exit codes: 0 read; 2 bad arguments; 3 no reader / no card; 4 access denied (wrong key);
5 card or protocol error (including a card pulled mid-read).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path
from typing import Any

from station.identity import FIELD_LABELS, CheckStatus, Identity
from station.readers.chip import AccessKey, ChipSession, ReadProgress
from station.readers.errors import AccessDeniedError, NoCardError, NoReaderError, ReaderError
from station.readers.icao.trust_store import TrustStore
from station.readers.mrz import MRZError
from station.readers.pcsc import PcscCard
from station.readers.qr import QrPayloadError, parse_qr
from station.readers.qr_link import access_keys_from_qr, with_qr_check

EXIT_OK = 0
EXIT_BAD_ARGS = 2
EXIT_NO_CARD = 3
EXIT_ACCESS_DENIED = 4
EXIT_CARD_ERROR = 5

_CHECK_LABELS = {
    "data_group_hashes": "Toàn vẹn dữ liệu chip",
    "sod_signature": "Chữ ký số của cơ quan cấp",
    "certificate_chain": "Chứng thư gốc (CSCA)",
    "chip_authentication": "Xác thực chip",
    "active_authentication": "Xác thực chủ động",
    "qr_matches_chip": "QR khớp chip",
}
_STATUS_WORDS = {
    CheckStatus.PASSED: "đạt",
    CheckStatus.FAILED: "KHÔNG ĐẠT",
    CheckStatus.NOT_SUPPORTED: "thẻ không hỗ trợ",
    CheckStatus.NOT_RUN: "chưa kiểm tra",
    CheckStatus.UNKNOWN_TRUST_ANCHOR: "chưa có chứng thư gốc",
}


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "read",
        help="đọc chip thẻ CCCD trên đầu đọc",
        description="Đọc chip CCCD / căn cước qua PC/SC và in bản ghi Identity.",
    )
    parser.add_argument("--reader", help="reader name (or part of it); default: the first reader")
    key = parser.add_argument_group("access key (one of)")
    key.add_argument("--mrz", help="the three MRZ lines, concatenated (90 characters)")
    key.add_argument("--id-number", help="the 12-digit personal number (gives the CAN for PACE)")
    key.add_argument("--can", help="the 6-digit card access number")
    key.add_argument("--qr", help="the card's QR text: keys from it, then QR and chip compared")
    parser.add_argument("--dob", type=dt.date.fromisoformat, help="date of birth YYYY-MM-DD (BAC fallback)")
    parser.add_argument("--expiry", type=dt.date.fromisoformat, help="card expiry YYYY-MM-DD (BAC fallback)")
    parser.add_argument("--no-expiry", action="store_true", help="the card never expires (BAC fallback)")
    parser.add_argument("--no-photo", action="store_true", help="skip DG2 (the face image)")
    parser.add_argument("--wait", type=float, default=0.0, metavar="SECONDS", help="wait this long for a card")
    parser.add_argument("--trust-dir", help="CSCA trust store directory (default: the station's)")
    parser.add_argument("--json", action="store_true", help="print the Identity JSON (schema) on stdout")
    parser.add_argument("--progress", action="store_true", help="print progress on stderr")
    parser.set_defaults(handler=run)


def _access_key(args: argparse.Namespace) -> AccessKey:
    given = [name for name in ("mrz", "id_number", "can", "qr") if getattr(args, name)]
    if len(given) != 1:
        raise ValueError("give exactly one of --mrz, --id-number, --can, --qr")
    if args.qr:
        keys = access_keys_from_qr(parse_qr(args.qr))
        return AccessKey(can=keys.can, mrz_information=keys.mrz_information)
    if args.mrz:
        return AccessKey.from_mrz(args.mrz)
    if args.can:
        return AccessKey(can=args.can)
    return AccessKey.for_cccd(args.id_number, args.dob, args.expiry, never_expires=args.no_expiry)


def _connect(reader: str | None, wait_s: float) -> PcscCard:
    deadline = time.monotonic() + wait_s
    while True:
        card = PcscCard(reader)
        try:
            card.connect()
            return card
        except NoCardError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.2)


def _print_progress(event: ReadProgress) -> None:
    print(f"  {event.label}: {event.done}/{event.total}", file=sys.stderr)


def _print_human(identity: Identity) -> None:
    data = identity.to_dict(include_face=False)
    for field, label in FIELD_LABELS.items():
        if field in data:
            print(f"{label}: {data[field]}")
    if identity.face_jpeg:
        print(f"Ảnh chân dung: {len(identity.face_jpeg)} byte JPEG")
    if identity.verification is not None:
        print("Kiểm tra:")
        for name, check in identity.verification.checks().items():
            detail = f" — {check.detail}" if check.detail else ""
            print(f"  {_CHECK_LABELS.get(name, name)}: {_STATUS_WORDS[check.status]}{detail}")


def run(args: argparse.Namespace) -> int:
    try:
        key = _access_key(args)
    except QrPayloadError as exc:
        print(f"station read: {exc.clerk_message}", file=sys.stderr)
        return EXIT_BAD_ARGS
    except (ValueError, MRZError) as exc:
        print(f"station read: {exc}", file=sys.stderr)
        return EXIT_BAD_ARGS
    trust = TrustStore(Path(args.trust_dir) if args.trust_dir else None)
    try:
        card = _connect(args.reader, args.wait)
    except (NoReaderError, NoCardError) as exc:
        print(f"station read: {exc.clerk_message} ({exc})", file=sys.stderr)
        return EXIT_NO_CARD
    try:
        session = ChipSession(
            card,
            key,
            trust=trust,
            read_photo=not args.no_photo,
            on_progress=_print_progress if args.progress else None,
        )
        reading = session.read()
    except AccessDeniedError as exc:
        print(f"station read: {exc.clerk_message}", file=sys.stderr)
        return EXIT_ACCESS_DENIED
    except ReaderError as exc:
        print(f"station read: {exc.clerk_message} ({exc})", file=sys.stderr)
        return EXIT_CARD_ERROR
    finally:
        card.disconnect()
    identity = with_qr_check(reading.identity, parse_qr(args.qr)) if args.qr else reading.identity
    if args.json:
        print(identity.to_json())
    else:
        _print_human(identity)
    return EXIT_OK
