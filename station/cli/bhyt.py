"""``station bhyt check``: look a BHYT card up at the BHXH gateway (by card code or CCCD number)."""

from __future__ import annotations

import argparse
import json
import sys

from station.config import ConfigError, load_settings
from station.submit import BhytInputError, BhytVerdict, NotConfiguredError, gateway_client

__all__ = ["register"]

EXIT_NOT_CHECKED = 3


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("bhyt", help="kiểm tra thẻ BHYT trên cổng BHXH")
    sub = parser.add_subparsers(dest="bhyt_command", metavar="ACTION", required=True)
    check = sub.add_parser("check", help="kiểm tra một thẻ")
    check.add_argument("--id-number", required=True, metavar="N", help="số CCCD 12 chữ số hoặc mã thẻ BHYT 15 ký tự")
    check.add_argument("--name", required=True, help="họ và tên (đủ dấu)")
    check.add_argument("--dob", required=True, help="ngày sinh dd/mm/yyyy, yyyy-mm-dd hoặc yyyy")
    check.add_argument("--gateway", metavar="URL", help="cổng BHXH (mặc định: STATION_BHXH_URL / cấu hình)")
    check.add_argument("--json", action="store_true")
    check.set_defaults(handler=run_check)


def run_check(args: argparse.Namespace) -> int:
    try:
        settings = load_settings(bhxh_url=args.gateway)
        client = gateway_client(settings)
    except (ConfigError, NotConfiguredError) as exc:
        print(getattr(exc, "clerk_message", ""), str(exc), file=sys.stderr)
        return 2
    with client:
        try:
            result = client.check(args.id_number, args.name, args.dob)
        except BhytInputError as exc:
            print(str(exc), file=sys.stderr)
            return 2
    if args.json:
        print(json.dumps(result.to_json_dict(), ensure_ascii=False))
    else:
        print(f"{result.verdict_vi} (mã {result.code or '—'}): {result.explanation_vi}")
        print(f"Việc cần làm: {result.action_vi}")
        if result.card is not None:
            c = result.card
            print(f"Mã thẻ: {c.code} — {c.group_vi}; mức hưởng {c.benefit_level}: {c.benefit_vi}; tỉnh {c.province_vi}")
        if result.valid_from or result.valid_to:
            print(
                f"Giá trị sử dụng: {result.valid_from or '?'} → {result.valid_to or '?'};"
                f" nơi ĐKBĐ: {result.registered_facility}"
            )
        if result.five_years_from:
            print(f"Đủ 5 năm liên tục từ: {result.five_years_from}")
        if result.new_card is not None and result.new_card.card is not None:
            n = result.new_card
            print(
                f"Thẻ mới: {n.card.code if n.card else ''} ({n.valid_from} → {n.valid_to}),"
                f" nơi ĐKBĐ mới: {n.registered_facility}"
            )
    return EXIT_NOT_CHECKED if result.verdict is BhytVerdict.NOT_CHECKED else 0
