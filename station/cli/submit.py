"""``station submit FILE.json``: queue a filled form (as ``station forms fill --json`` printed it) and send it.

The form goes into the encrypted outbox first, so nothing is lost when the line is down; then the
outbox is flushed. Exit codes: 0 accepted, 1 rejected by the backend, 2 bad input (including a form
with unresolved issues and no ``--force``), 3 queued but not sent yet (offline or not configured).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from station.config import ConfigError, load_settings
from station.submit import (
    NotConfiguredError,
    OutboxState,
    SubmitError,
    make_sender,
    open_outbox,
    submission_body,
)

__all__ = ["EXIT_QUEUED", "EXIT_REJECTED", "add_backend_args", "register"]

EXIT_REJECTED = 1
EXIT_QUEUED = 3


def add_backend_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--backend", metavar="URL", help="procedure backend (default: STATION_BACKEND_URL / config)")
    parser.add_argument("--token", metavar="T", help="station API token (default: STATION_BACKEND_TOKEN / config)")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("submit", help="gửi hồ sơ đã điền (queue and send a filled form)")
    parser.add_argument("file", type=Path, metavar="FILE.json")
    add_backend_args(parser)
    parser.add_argument("--force", action="store_true", help="gửi cả khi tờ khai còn lỗi (send despite issues)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(handler=run)


def _issues(filled: dict[str, Any], body: dict[str, Any]) -> list[dict[str, Any]]:
    """Issues recorded at fill time plus a fresh check: the file may have been edited since."""
    from station.forms import UnknownFormError, get_form, validate

    issues = [i for i in (filled.get("issues") or []) if isinstance(i, dict)]
    try:
        form = get_form(body["form_id"])
    except UnknownFormError:
        return [*issues, {"field": "form_id", "code": "unknown_form", "message": "Không có biểu mẫu này."}]
    if form.version != body["form_version"]:
        msg = f"Tờ khai theo phiên bản {body['form_version']}, biểu mẫu hiện hành là {form.version}."
        issues.append({"field": "form_version", "code": "form_version_mismatch", "message": msg})
    seen = {(i.get("field"), i.get("code")) for i in issues}
    for issue in validate(form, body["values"]):
        if (issue.field_id, issue.code) not in seen:
            issues.append(issue.to_json_dict())
    return issues


def run(args: argparse.Namespace) -> int:
    try:
        filled = json.loads(args.file.read_text(encoding="utf-8"))
        body = submission_body(filled)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValueError, TypeError, AttributeError) as exc:
        print(f"Không đọc được tệp tờ khai {args.file}: {exc}", file=sys.stderr)
        return 2
    issues = _issues(filled, body)
    if issues and not args.force:
        print("Tờ khai còn lỗi, chưa gửi (dùng --force nếu vẫn muốn gửi):", file=sys.stderr)
        for issue in issues:
            print(f"  - {issue.get('field')}: {issue.get('message')}", file=sys.stderr)
        return 2
    try:
        settings = load_settings(backend_url=args.backend, backend_token=args.token)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    with open_outbox(settings) as outbox:
        item_id = outbox.enqueue(body, form_id=body["form_id"])
        note = ""
        try:
            sender = make_sender(settings, outbox)
        except NotConfiguredError as exc:
            sender = None
            note = exc.clerk_message
        if sender is not None:
            try:
                sender.flush(ignore_schedule=True)
            except SubmitError as exc:
                note = exc.clerk_message
            finally:
                sender.client.close()
        item = outbox.get(item_id)
    assert item is not None
    if args.json:
        print(json.dumps({**item.to_json_dict(), "note": note or None}, ensure_ascii=False))
    elif item.state is OutboxState.ACCEPTED:
        print(f"Đã gửi hồ sơ {item_id} (máy chủ nhận: {item.server_id}).")
    elif item.state is OutboxState.REJECTED:
        print(f"Máy chủ từ chối hồ sơ {item_id}: {item.reason}", file=sys.stderr)
    else:
        print(f"Hồ sơ {item_id} đã vào hàng đợi, sẽ gửi khi có kết nối. {note}".rstrip())
    if item.state is OutboxState.ACCEPTED:
        return 0
    return EXIT_REJECTED if item.state is OutboxState.REJECTED else EXIT_QUEUED
