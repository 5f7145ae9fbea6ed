"""``station outbox status|flush``: what is waiting to be sent, and send it now."""

from __future__ import annotations

import argparse
import json
import sys

from station.cli.submit import add_backend_args
from station.config import ConfigError, load_settings
from station.submit import NotConfiguredError, OutboxState, make_sender, open_outbox

__all__ = ["register"]

_STATE_VI = {
    OutboxState.QUEUED: "đang chờ gửi",
    OutboxState.SENDING: "đang gửi",
    OutboxState.ACCEPTED: "đã được nhận",
    OutboxState.REJECTED: "bị từ chối",
}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("outbox", help="hàng đợi gửi hồ sơ (outbox status and flush)")
    sub = parser.add_subparsers(dest="outbox_command", metavar="ACTION", required=True)
    status = sub.add_parser("status", help="số hồ sơ theo trạng thái")
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=run_status)
    flush = sub.add_parser("flush", help="gửi ngay các hồ sơ đang chờ")
    add_backend_args(flush)
    flush.add_argument("--json", action="store_true")
    flush.set_defaults(handler=run_flush)


def run_status(args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    with open_outbox(settings) as outbox:
        counts = outbox.counts()
        pending = [i for i in outbox.items() if i.state is not OutboxState.ACCEPTED]
    if args.json:
        print(
            json.dumps(
                {"counts": {s.value: n for s, n in counts.items()}, "pending": [i.to_json_dict() for i in pending]},
                ensure_ascii=False,
            )
        )
        return 0
    for state, n in counts.items():
        print(f"{_STATE_VI[state]}: {n}")
    for item in pending:
        why = item.reason or item.last_error or ""
        print(f"  {item.id} {item.form_id or ''} {_STATE_VI[item.state]} (lần gửi: {item.attempts}) {why}".rstrip())
    return 0


def run_flush(args: argparse.Namespace) -> int:
    try:
        settings = load_settings(backend_url=args.backend, backend_token=args.token)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    with open_outbox(settings) as outbox:
        try:
            sender = make_sender(settings, outbox)
        except NotConfiguredError as exc:
            print(exc.clerk_message, file=sys.stderr)
            return 2
        try:
            report = sender.flush(ignore_schedule=True)
        finally:
            sender.client.close()
    if args.json:
        print(json.dumps(report.to_json_dict()))
    else:
        print(f"Đã gửi: {report.accepted}, bị từ chối: {report.rejected}, còn chờ: {report.remaining}")
        if report.offline:
            print("Máy chủ thủ tục chưa kết nối được; hồ sơ còn lại sẽ được gửi sau.", file=sys.stderr)
    return 0 if report.remaining == 0 else 3
