"""A stand-in for the BHXH gateway: the token call and the 2024 card check, over a synthetic card set.

Run: ``python -m hardware_mocks.bhxh_gateway --port 8090 [--latency-ms 200] [--fail-rate 0.1]``.

The fixture set is built so every ``maKetQua`` the station knows comes out of an ordinary request:
codes tied to a card's state (000–004, 010, 054, 055, 100, 101, 110, 120–124, 130) belong to one card
each; the checks the gateway makes on the request itself come from what is sent — 205 (bad parameter
format), 051/052/053 (malformed card code, unknown province, benefit level outside 1–5), 050 (no such
card), 060/061 (wrong name; 061 when the first letter is right), 070 (wrong date of birth) and 401
(bad login or token). Every person here is invented.

Assumed wire format (from integrators' public code, not an official spec): the token call takes form
fields ``username``/``password`` (upper-case MD5 hex) and answers ``{"maKetQua": "200", "APIKey":
{"access_token", "id_token", "token_type", "username", "expires_in"}}``; the check takes ``token``,
``id_token``, ``username``, ``password`` in the query string and a JSON body.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import json
import random
import re
import secrets
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from station.submit.bhyt_codes import PROVINCES

__all__ = [
    "DEFAULT_PASSWORD",
    "DEFAULT_USERNAME",
    "FIXTURE_CARDS",
    "FixtureCard",
    "GatewayServer",
    "fixture_for_code",
    "main",
]

DEFAULT_USERNAME = "79999_BV"
DEFAULT_PASSWORD = "mat-khau-thu"
_VALID_PROVINCES = frozenset(PROVINCES)  # the same table the station uses
_CARD_RE = re.compile(r"^[A-Z]{2}\d{13}$")
_CCCD_RE = re.compile(r"^\d{12}$")
_DOB_RE = re.compile(r"^(\d{2}/\d{2}/\d{4}|\d{4})$")


@dataclass(frozen=True)
class FixtureCard:
    outcome: str  # the maKetQua this card yields when asked with matching name and date of birth
    card_code: str
    cccd: str
    name: str
    dob: str  # dd/mm/yyyy
    sex: str = "Nam"
    address: str = "Số 1 Đường Thử, Phường Mẫu, Thành phố Giả định"
    registered_facility: str = "79001"
    issuing_office: str = "BHXH thành phố Giả định"
    valid_from: str = "01/01/2026"
    valid_to: str = "31/12/2026"
    area_code: str = ""
    five_years_from: str = "01/01/2027"
    new_card: dict[str, str] = field(default_factory=dict)

    @property
    def bhxh_number(self) -> str:
        return self.card_code[5:]


def _card(outcome: str, group: str, level: int, province: str, n: int, name: str, dob: str, **kw: Any) -> FixtureCard:
    number = f"79{n:08d}"
    # A personal number that keeps the structure rules: province 079, then the century/sex digit
    # (0/1 for men/women born in the 1900s, 2/3 from 2000), the birth year's last two digits, a serial.
    year = int(dob[-4:])
    female = kw.get("sex", "Nam") == "Nữ"
    century_sex = (0 if year < 2000 else 2) + (1 if female else 0)
    return FixtureCard(
        outcome=outcome,
        card_code=f"{group}{level}{province}{number}",
        cccd=f"079{century_sex}{year % 100:02d}{n:06d}",
        name=name,
        dob=dob,
        **kw,
    )


FIXTURE_CARDS: tuple[FixtureCard, ...] = (
    _card("000", "DN", 4, "79", 1, "NGUYỄN VĂN THỬ", "15/03/1985"),
    _card("001", "QN", 1, "97", 2, "TRẦN QUÂN MẪU", "02/09/1990"),
    _card("002", "CA", 1, "98", 3, "LÊ CÔNG GIẢ", "19/05/1988"),
    _card(
        "003",
        "HT",
        2,
        "79",
        4,
        "PHẠM THỊ CŨ",
        "01/01/1950",
        sex="Nữ",
        valid_from="01/01/2025",
        valid_to="31/12/2025",
        new_card={
            "maTheMoi": "HT2790000000040",
            "gtTheTuMoi": "01/01/2026",
            "gtTheDenMoi": "31/12/2026",
            "maDKBDMoi": "79002",
            "tenDKBDMoi": "Phòng khám Giả định số 2",
        },
    ),
    _card(
        "004",
        "HS",
        4,
        "79",
        5,
        "HOÀNG VĂN ĐỔI",
        "20/10/2008",
        new_card={
            "maTheMoi": "HS4790000000050",
            "gtTheTuMoi": "01/10/2026",
            "gtTheDenMoi": "30/09/2027",
            "maDKBDMoi": "79001",
            "tenDKBDMoi": "Bệnh viện Giả định",
        },
    ),
    _card(
        "010", "GD", 4, "79", 6, "VŨ THỊ HẾT", "07/07/1977", sex="Nữ", valid_from="01/01/2024", valid_to="31/12/2024"
    ),
    _card("054", "SV", 3, "79", 7, "ĐẶNG VĂN CHỜ", "11/11/2004", valid_from="01/01/2027", valid_to="31/12/2027"),
    _card("055", "HN", 1, "79", 8, "BÙI THỊ XEM", "03/03/1966", sex="Nữ"),
    _card("100", "DN", 4, "79", 9, "NGÔ VĂN LỖI", "09/09/1999"),
    _card("101", "DN", 4, "79", 10, "ĐỖ VĂN MÁY", "10/10/1991"),
    _card("110", "CN", 3, "79", 11, "HỒ THỊ THU", "12/12/1972", sex="Nữ"),
    _card("120", "DN", 4, "79", 12, "DƯƠNG VĂN GIẢM", "04/04/1984"),
    _card("121", "DN", 4, "79", 13, "LÝ VĂN NGOẠI", "05/05/1985"),
    _card("122", "DN", 4, "79", 14, "TRỊNH VĂN NỘI", "06/06/1986"),
    _card("123", "DN", 4, "79", 15, "MAI VĂN LẠI", "07/07/1987"),
    _card("124", "GD", 4, "79", 16, "CAO THỊ NGỪNG", "08/08/1968", sex="Nữ"),
    _card("130", "TE", 1, "79", 17, "LƯU BÉ NHỎ", "01/06/2023", sex="Nữ"),
)


def fixture_for_code(code: str) -> FixtureCard:
    for card in FIXTURE_CARDS:
        if card.outcome == code:
            return card
    raise KeyError(code)


_NOTES = {
    "000": "Thẻ còn giá trị sử dụng.",
    "001": "Thẻ do BHXH Bộ Quốc Phòng quản lý, đề nghị kiểm tra thẻ và thông tin giấy tờ tùy thân.",
    "002": "Thẻ do BHXH Bộ Công An quản lý, đề nghị kiểm tra thẻ và thông tin giấy tờ tùy thân.",
    "003": "Thẻ cũ hết giá trị sử dụng nhưng đã được cấp thẻ mới.",
    "004": "Thẻ cũ còn giá trị sử dụng nhưng đã được cấp thẻ mới.",
    "010": "Thẻ hết giá trị sử dụng.",
    "050": "Không thấy thông tin thẻ BHYT.",
    "051": "Mã thẻ không đúng.",
    "052": "Mã tỉnh cấp thẻ (kí tự thứ 4,5 của mã thẻ) không đúng.",
    "053": "Mã quyền lợi thẻ (kí tự thứ 3 của mã thẻ) không đúng.",
    "054": "Thẻ chưa đến hạn sử dụng.",
    "055": "Cần kiểm tra lại thông tin thẻ.",
    "060": "Thẻ sai họ tên.",
    "061": "Thẻ sai họ tên (đúng ký tự đầu).",
    "070": "Thẻ sai ngày sinh.",
    "100": "Lỗi khi lấy dữ liệu số thẻ.",
    "101": "Lỗi server.",
    "110": "Thẻ đã thu hồi.",
    "120": "Thẻ đã báo giảm.",
    "121": "Thẻ đã báo giảm. Giảm chuyển ngoại tỉnh.",
    "122": "Thẻ đã báo giảm. Giảm chuyển nội tỉnh.",
    "123": "Thẻ đã báo giảm. Thu hồi do tăng lại cùng đơn vị.",
    "124": "Thẻ đã báo giảm. Ngừng tham gia.",
    "130": "Trẻ em không xuất trình thẻ.",
    "205": "Lỗi sai định dạng tham số.",
    "401": "Lỗi xác thực tài khoản.",
}
#: answers that carry the card record (the others are a bare maKetQua/ghiChu)
_WITH_RECORD = {"000", "001", "002", "003", "004", "010", "054", "055", "110", "120", "121", "122", "123", "124", "130"}


def _fold(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).upper().split())


class _Gateway:
    """The logic, separate from HTTP so the rules read in one place."""

    def __init__(self, username: str, password: str, cards: tuple[FixtureCard, ...]) -> None:
        self.username = username
        self.password_hash = hashlib.md5(password.encode(), usedforsecurity=False).hexdigest().upper()
        self.cards = cards
        self.tokens: dict[str, str] = {}
        self.lock = threading.Lock()
        self.check_count = 0

    def take_token(self, form: dict[str, str]) -> dict[str, Any]:
        if form.get("username") != self.username or form.get("password", "").upper() != self.password_hash:
            return {"maKetQua": "401", "APIKey": None}
        access, id_token = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        with self.lock:
            self.tokens[access] = id_token
        expires = dt.datetime.now(dt.UTC) + dt.timedelta(hours=4)
        return {
            "maKetQua": "200",
            "APIKey": {
                "access_token": access,
                "id_token": id_token,
                "token_type": "Bearer",
                "username": self.username,
                "expires_in": expires.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            },
        }

    def revoke_tokens(self) -> None:
        with self.lock:
            self.tokens.clear()

    def check(self, query: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.check_count += 1
            authorised = (
                self.tokens.get(query.get("token", "")) == query.get("id_token")
                and query.get("username") == self.username
                and query.get("password", "").upper() == self.password_hash
            )
        if not authorised:
            return self._bare("401")
        values = {k: body.get(k) for k in ("maThe", "hoTen", "ngaySinh", "hoTenCb", "cccdCb")}
        if not all(isinstance(v, str) and v.strip() for v in values.values()):
            return self._bare("205")
        ma_the, name, dob = str(values["maThe"]).strip().upper(), str(values["hoTen"]), str(values["ngaySinh"]).strip()
        if not _DOB_RE.match(dob) or not _CCCD_RE.match(str(values["cccdCb"]).strip()):
            return self._bare("205")
        if _CCCD_RE.match(ma_the):
            card = next((c for c in self.cards if c.cccd == ma_the), None)
        else:
            if not _CARD_RE.match(ma_the):
                return self._bare("051")
            if not "1" <= ma_the[2] <= "5":
                return self._bare("053")
            if ma_the[3:5] not in _VALID_PROVINCES:
                return self._bare("052")
            card = next((c for c in self.cards if c.card_code == ma_the), None)
        if card is None:
            return self._bare("050")
        if _fold(name) != _fold(card.name):
            return self._bare("061" if _fold(name)[:1] == _fold(card.name)[:1] else "060")
        if (len(dob) == 4 and dob != card.dob[-4:]) or (len(dob) == 10 and dob != card.dob):
            return self._bare("070")
        if card.outcome not in _WITH_RECORD:
            return self._bare(card.outcome)
        return self._record(card)

    @staticmethod
    def _bare(code: str) -> dict[str, Any]:
        return {"maKetQua": code, "ghiChu": _NOTES[code], "dsLichSuKCB2018": None, "dsLichSuKT2018": None}

    @staticmethod
    def _record(card: FixtureCard) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "maKetQua": card.outcome,
            "ghiChu": _NOTES[card.outcome],
            "maThe": card.card_code,
            "hoTen": card.name,
            "ngaySinh": card.dob,
            "gioiTinh": card.sex,
            "diaChi": card.address,
            "maDKBD": card.registered_facility,
            "cqBHXH": card.issuing_office,
            "gtTheTu": card.valid_from,
            "gtTheDen": card.valid_to,
            "maKV": card.area_code,
            "ngayDu5Nam": card.five_years_from,
            "maSoBHXH": card.bhxh_number,
            "maTheCu": card.card_code if card.new_card else None,
            "maTheMoi": None,
            "gtTheTuMoi": None,
            "gtTheDenMoi": None,
            "maDKBDMoi": None,
            "tenDKBDMoi": None,
            "dsLichSuKCB2018": [],
            "dsLichSuKT2018": [],
        }
        answer.update(card.new_card)
        return answer


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return  # request lines carry names and numbers: keep them out of the console

    def _send_json(self, status: int, payload: Any) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
            self.close_connection = True

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        srv = self.server
        if srv.latency_ms:
            time.sleep(srv.latency_ms / 1000.0)
        if srv.fail_rate and srv.rng.random() < srv.fail_rate:
            if srv.rng.random() < 0.5:
                self._send_json(503, {"message": "Service Unavailable"})
            else:
                self.close_connection = True
                self.connection.shutdown(2)  # drop the line without an answer
            return
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/api/token/take":
            ctype = self.headers.get("Content-Type", "")
            if "json" in ctype:
                try:
                    form = {str(k).lower(): str(v) for k, v in json.loads(raw or b"{}").items()}
                except (ValueError, AttributeError):
                    form = {}
            else:
                form = {k.lower(): v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
            self._send_json(200, srv.gateway.take_token(form))
        elif url.path == "/api/egw/KQNhanLichSuKCB2024":
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = None
            if not isinstance(body, dict):
                self._send_json(200, _Gateway._bare("205"))
                return
            self._send_json(200, srv.gateway.check(query, body))
        else:
            self._send_json(404, {"message": "Not Found"})


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, gateway: _Gateway, latency_ms: float, fail_rate: float, seed: int | None) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.gateway = gateway
        self.latency_ms = latency_ms
        self.fail_rate = fail_rate
        self.rng = random.Random(seed)


class GatewayServer:
    """The mock on 127.0.0.1 in a background thread; ``latency_ms``/``fail_rate`` may change while it runs."""

    def __init__(
        self,
        *,
        port: int = 0,
        latency_ms: float = 0.0,
        fail_rate: float = 0.0,
        seed: int | None = None,
        username: str = DEFAULT_USERNAME,
        password: str = DEFAULT_PASSWORD,
        cards: tuple[FixtureCard, ...] = FIXTURE_CARDS,
    ) -> None:
        self.gateway = _Gateway(username, password, cards)
        self._server = _Server(port, self.gateway, latency_ms, fail_rate, seed)
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def latency_ms(self) -> float:
        return self._server.latency_ms

    @latency_ms.setter
    def latency_ms(self, value: float) -> None:
        self._server.latency_ms = value

    @property
    def fail_rate(self) -> float:
        return self._server.fail_rate

    @fail_rate.setter
    def fail_rate(self, value: float) -> None:
        self._server.fail_rate = value

    def start(self) -> GatewayServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> GatewayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hardware_mocks.bhxh_gateway", description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--fail-rate", type=float, default=0.0, help="share of requests answered 503 or dropped")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--username", default=DEFAULT_USERNAME)
    parser.add_argument("--password", default=DEFAULT_PASSWORD)
    parser.add_argument("--list-cards", action="store_true", help="print the synthetic fixture cards and exit")
    args = parser.parse_args(argv)
    if args.list_cards:
        print(json.dumps([dataclasses.asdict(c) for c in FIXTURE_CARDS], ensure_ascii=False, indent=2))
        return 0
    server = GatewayServer(
        port=args.port,
        latency_ms=args.latency_ms,
        fail_rate=args.fail_rate,
        seed=args.seed,
        username=args.username,
        password=args.password,
    )
    print(f"mock BHXH gateway on {server.url} (user {args.username})", flush=True)
    try:
        server._server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server._server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
