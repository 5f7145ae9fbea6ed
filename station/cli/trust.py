"""``station trust``: fill and inspect the CSCA trust store passive authentication relies on.

Exit codes of ``import``: 0 all imported; 1 something readable was refused (a master list whose
signature does not verify, a certificate that is not a CSCA); 2 an input could not be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from station.readers.icao.trust_store import (
    ImportReport,
    MasterListStatus,
    TrustStore,
    TrustStoreError,
)

__all__ = ["register"]

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_UNREADABLE = 2

_STATUS_TEXT = {
    MasterListStatus.VALID: "chữ ký hợp lệ, bên ký do CSCA trong danh sách cấp",
    MasterListStatus.SIGNER_UNTRUSTED: "chữ ký hợp lệ nhưng bên ký KHÔNG do CSCA nào trong danh sách cấp",
    MasterListStatus.INVALID: "chữ ký KHÔNG hợp lệ — đã từ chối, không nhập chứng thư nào",
}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("trust", help="kho chứng thư gốc CSCA (xác thực thụ động)")
    parser.add_argument(
        "--trust-dir", type=Path, default=None, help="thư mục kho tin cậy (mặc định: $STATION_TRUST_DIR)"
    )
    actions = parser.add_subparsers(dest="trust_command", metavar="ACTION")
    importer = actions.add_parser("import", help="nhập danh sách CSCA (.ml), chứng thư, CRL hoặc thư mục")
    importer.add_argument("files", nargs="+", type=Path, metavar="FILE")
    importer.set_defaults(handler=_import)
    lister = actions.add_parser("list", help="liệt kê chứng thư CSCA trong kho")
    lister.add_argument("--json", action="store_true", help="in dạng JSON")
    lister.set_defaults(handler=_list)
    parser.set_defaults(handler=lambda _args: _usage(parser))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_UNREADABLE


def _print_report(report: ImportReport) -> None:
    for ml in report.master_lists:
        print(f"Danh sách CSCA {ml.source}: {ml.certificates} chứng thư; {_STATUS_TEXT[ml.status]}")
        if ml.signer_subject:
            print(f"  Bên ký: {ml.signer_subject}")
        if ml.reason:
            print(f"  Lý do: {ml.reason}")
        if ml.undecodable:
            print(f"  Bỏ qua {ml.undecodable} chứng thư sai cấu trúc trong danh sách")
        if ml.status is not MasterListStatus.INVALID:
            print("  Theo nước: " + ", ".join(f"{country} {n}" for country, n in ml.by_country.items()))
    for cert in report.added:
        print(f"Đã nhập CSCA {cert.country}: {cert.subject} ({cert.fingerprint[:16]}…)")
    if report.already_present:
        print(f"{len(report.already_present)} chứng thư đã có sẵn trong kho (không nhập lại)")
    if report.crls_added or report.crls_already_present:
        print(f"CRL: {len(report.crls_added)} mới, {len(report.crls_already_present)} đã có")
    counts = report.by_country()
    if counts:
        print("Số CSCA theo nước: " + ", ".join(f"{country} {n}" for country, n in counts.items()))
    for source, reason in report.refused:
        print(f"TỪ CHỐI {source}: {reason}", file=sys.stderr)
    if report.skipped:
        print(f"Bỏ qua {len(report.skipped)} tệp không chứa chứng thư CSCA (khóa, chứng thư DS...)")
    for source, reason in report.unreadable:
        print(f"KHÔNG ĐỌC ĐƯỢC {source}: {reason}", file=sys.stderr)


def _import(args: argparse.Namespace) -> int:
    store = TrustStore(args.trust_dir)
    total = ImportReport()
    try:
        for path in args.files:
            if not path.exists():
                total.unreadable.append((str(path), "không có tệp hoặc thư mục này"))
                continue
            total.merge(store.import_path(path))
    except TrustStoreError as exc:
        print(f"Lỗi kho tin cậy: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    _print_report(total)
    if total.unreadable:
        return EXIT_UNREADABLE
    return EXIT_REFUSED if total.refused else EXIT_OK


def _list(args: argparse.Namespace) -> int:
    try:
        entries = TrustStore(args.trust_dir).list()
    except TrustStoreError as exc:
        print(f"Lỗi kho tin cậy: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    if args.json:
        print(json.dumps([e.to_json() for e in entries], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not entries:
        print("Kho tin cậy chưa có chứng thư CSCA nào. Dùng: station trust import <tệp .ml>")
        return EXIT_OK
    for e in entries:
        sources = "; ".join(
            s.source + (f" [{s.master_list_status}]" if s.master_list_status else "") for s in e.sources
        )
        print(
            f"{e.country}  {e.subject}\n    hiệu lực {e.not_before:%Y-%m-%d} → {e.not_after:%Y-%m-%d}"
            f"  SHA-256 {e.fingerprint}\n    nguồn: {sources}"
        )
    return EXIT_OK
