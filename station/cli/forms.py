"""``station forms``: list the intake forms, fill one from identities read at the counter.

Exit codes of ``fill``: 0 the form is complete; 2 required fields are missing or invalid
(each is named); 3 unknown form or field id; 1 the identity file or output could not be
read or written. The PDF is written even when fields are missing: blank boxes and dotted
lines are completed by hand.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from station.forms import (
    FormDefinition,
    FormsError,
    UnknownFieldError,
    UnknownFormError,
    Xml1Error,
    add_identity_row,
    get_form,
    list_forms,
    prefill,
    with_values,
)
from station.forms.values import display
from station.identity import Identity, IdentityError

__all__ = ["EXIT_INCOMPLETE", "EXIT_UNKNOWN", "register"]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_INCOMPLETE = 2
EXIT_UNKNOWN = 3


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("forms", help="biểu mẫu: liệt kê, điền sẵn từ thẻ, in PDF")
    sub = parser.add_subparsers(dest="forms_command", metavar="SUBCOMMAND")
    parser.set_defaults(handler=lambda _args: _usage(parser))

    listing = sub.add_parser("list", help="các biểu mẫu có sẵn")
    listing.add_argument("--json", action="store_true", help="in dạng JSON")
    listing.set_defaults(handler=_list)

    fill = sub.add_parser("fill", help="điền biểu mẫu từ thẻ và giá trị của cán bộ")
    fill.add_argument("form_id", metavar="FORM_ID")
    fill.add_argument(
        "--identity",
        action="append",
        default=[],
        type=Path,
        metavar="FILE.json",
        help="Identity JSON (station read --json); lặp lại để thêm người vào bảng (khách lưu trú, thành viên hộ)",
    )
    fill.add_argument(
        "--set",
        dest="assignments",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="giá trị của cán bộ; ô bảng: bang[0].cot=...; xác nhận xã của địa chỉ cũ: dia_chi.commune_code=MÃ",
    )
    fill.add_argument("--out", type=Path, metavar="FILE.pdf", help="ghi tờ khai A4 ra PDF")
    fill.add_argument("--xml1", type=Path, metavar="FILE.xml", help="ghi đoạn XML1 (biểu mẫu có XML1)")
    fill.add_argument("--json", action="store_true", help="in giá trị, nguồn và lỗi dạng JSON")
    fill.set_defaults(handler=_fill)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_INCOMPLETE


def _list(args: argparse.Namespace) -> int:
    forms = list_forms()
    if args.json:
        rows = [
            {
                "id": f.id,
                "version": f.version,
                "title": f.title,
                "form_code": f.form_code,
                "legal_basis": f.legal_basis,
                "fields": [{"id": x.id, "label": x.label, "type": x.type, "required": x.required} for x in f.fields],
                "xml1": f.xml_root is not None,
            }
            for f in forms
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    for f in forms:
        print(f"{f.id:20} {f.form_code:14.14} {f.title}")
    return EXIT_OK


def _parse_assignments(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        field, sep, value = item.partition("=")
        if not sep or not field.strip():
            raise ValueError(f"--set cần dạng FIELD=VALUE, nhận «{item}»")
        out[field.strip()] = value
    return out


def _read_identity(path: Path) -> Identity:
    try:
        return Identity.from_json(path.read_bytes())
    except OSError as exc:
        raise IdentityError(f"không đọc được {path}: {exc.strerror}") from exc


def _print_human(form: FormDefinition, data: dict[str, Any]) -> None:
    values, provenance = data["values"], data["provenance"]
    for field in form.fields:
        value = values.get(field.id)
        if field.type == "table":
            print(f"{field.label}: {len(value or [])} dòng")
            for index, row in enumerate(value or []):
                cells = [
                    f"{c.label}={display(c, row.get(c.id))} [{provenance.get(f'{field.id}[{index}].{c.id}', '-')}]"
                    for c in field.columns
                ]
                print(f"  {index + 1}. " + "; ".join(cells))
            continue
        print(f"{field.label}: {display(field, value)} [{provenance.get(field.id, '-')}]")
    for issue in data["issues"]:
        print(f"LỖI {issue['field']} ({issue['code']}): {issue['message']}")
    print("ĐỦ" if data["complete"] else "CHƯA ĐỦ")


def _fill(args: argparse.Namespace) -> int:
    try:
        form = get_form(args.form_id)
        overrides = _parse_assignments(args.assignments)
        identities = [_read_identity(p) for p in args.identity]
        filled = prefill(form, identities[0] if identities else None)
        for extra in identities[1:]:
            filled = add_identity_row(form, filled, extra)
        if overrides:  # after every card, so cells of the added rows can be set too
            filled = with_values(form, filled, overrides)
    except (UnknownFormError, UnknownFieldError) as exc:
        print(f"lỗi: {exc}", file=sys.stderr)
        return EXIT_UNKNOWN
    except (IdentityError, ValueError) as exc:
        print(f"lỗi: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if args.xml1 is not None and form.xml_root is None:
        print(f"lỗi: biểu mẫu «{form.id}» không xuất được XML1", file=sys.stderr)
        return EXIT_ERROR
    try:
        if args.out is not None:
            from station.forms.pdf import write_pdf

            write_pdf(form, filled, args.out)
    except (FormsError, OSError) as exc:
        print(f"lỗi: {exc}", file=sys.stderr)
        return EXIT_ERROR
    data = filled.to_json_dict()
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print_human(form, data)
    code = EXIT_OK if filled.complete else EXIT_INCOMPLETE
    if args.xml1 is not None:
        from station.forms.xml1 import to_xml1

        try:
            args.xml1.write_text(to_xml1(form, filled), encoding="utf-8")
        except Xml1Error as exc:  # values that do not fit XML1: named, nothing written
            print(f"lỗi: {exc}", file=sys.stderr)
            code = EXIT_INCOMPLETE
        except OSError as exc:
            print(f"lỗi: {exc}", file=sys.stderr)
            code = EXIT_ERROR
    return code
