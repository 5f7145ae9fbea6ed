"""BHYT (health-insurance) card check at the BHXH gateway.

Two calls: ``/api/token/take`` (form fields ``username`` and ``password`` = upper-case hex MD5 of the
password) returns ``APIKey.access_token``/``id_token``; then ``/api/egw/KQNhanLichSuKCB2024`` with
those tokens plus username/password hash in the query and a JSON body ``maThe`` (15-character card
code or 12-digit CCCD number), ``hoTen``, ``ngaySinh`` (dd/mm/yyyy or yyyy), ``hoTenCb``, ``cccdCb``
(the officer doing the look-up). The answer's ``maKetQua`` decides the desk's next step.

A check never blocks an intake: a timeout, a refused connection or an unreadable answer gives the
verdict ``NOT_CHECKED`` ("chưa kiểm tra") and the clerk carries on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import threading
import time
import unicodedata
from dataclasses import asdict, dataclass
from typing import Any

import httpx

from station.submit.bhyt_codes import (
    BENEFICIARY_GROUPS,
    BENEFIT_LEVELS,
    PROVINCES,
    RESULT_CODES,
    BhytVerdict,
    ResultCode,
)

__all__ = [
    "BhxhGatewayClient",
    "BhytCheckResult",
    "BhytInputError",
    "CardCode",
    "NewCard",
    "format_dob",
    "parse_card_code",
    "password_hash",
]

log = logging.getLogger(__name__)
# httpx logs every request URL at INFO; the gateway protocol puts the token and the password hash
# in the query string, so those lines must never reach a log file.
if logging.getLogger("httpx").level < logging.WARNING:
    logging.getLogger("httpx").setLevel(logging.WARNING)

TOKEN_PATH = "/api/token/take"
CHECK_PATH = "/api/egw/KQNhanLichSuKCB2024"
_CARD_RE = re.compile(r"^[A-Z]{2}\d{13}$")
_CCCD_RE = re.compile(r"^\d{12}$")


class BhytInputError(ValueError):
    """The clerk's input cannot be sent as is (bad card code, bad date); the message says which."""


@dataclass(frozen=True)
class CardCode:
    """The 15-character BHYT code: group (2 letters), benefit level (1 digit), province (2), BHXH number (10)."""

    code: str
    group: str
    benefit_level: int
    province_code: str
    bhxh_number: str

    @property
    def group_vi(self) -> str:
        return BENEFICIARY_GROUPS.get(self.group, "Mã đối tượng khác")

    @property
    def benefit_vi(self) -> str:
        return BENEFIT_LEVELS.get(self.benefit_level, "Mức hưởng không xác định")

    @property
    def province_vi(self) -> str:
        return PROVINCES.get(self.province_code, "Mã tỉnh không xác định")

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "group": self.group,
            "group_vi": self.group_vi,
            "benefit_level": self.benefit_level,
            "benefit_vi": self.benefit_vi,
            "province_code": self.province_code,
            "province_vi": self.province_vi,
            "bhxh_number": self.bhxh_number,
        }


def parse_card_code(code: str) -> CardCode:
    cleaned = re.sub(r"[\s-]", "", code).upper()
    if not _CARD_RE.match(cleaned):
        raise BhytInputError("Mã thẻ BHYT phải gồm 2 chữ cái và 13 chữ số (15 ký tự).")
    return CardCode(
        code=cleaned,
        group=cleaned[:2],
        benefit_level=int(cleaned[2]),
        province_code=cleaned[3:5],
        bhxh_number=cleaned[5:],
    )


def password_hash(password: str) -> str:
    """The gateway wants MD5 as upper-case hex (its own protocol; not a storage choice of ours)."""
    return hashlib.md5(password.encode("utf-8"), usedforsecurity=False).hexdigest().upper()


def format_dob(dob: str | dt.date) -> str:
    """Normalise a date of birth to the gateway's ``dd/mm/yyyy`` (or ``yyyy`` when only the year is known)."""
    if isinstance(dob, dt.date):
        return dob.strftime("%d/%m/%Y")
    text = dob.strip()
    if re.fullmatch(r"\d{4}", text):
        return text
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).strftime("%d/%m/%Y")
        except ValueError:
            continue
    raise BhytInputError("Ngày sinh phải có dạng dd/mm/yyyy, yyyy-mm-dd hoặc chỉ năm (yyyy).")


def _parse_date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    for fmt in ("%d/%m/%Y", "%Y%m%d", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _str(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _card_or_none(value: Any) -> CardCode | None:
    text = _str(value)
    if text is None:
        return None
    try:
        return parse_card_code(text)
    except BhytInputError:
        return None


@dataclass(frozen=True)
class NewCard:
    """The card that replaces the checked one (codes 003/004)."""

    card: CardCode | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    registered_facility: str | None
    registered_facility_name: str | None


@dataclass(frozen=True)
class BhytCheckResult:
    """One check's outcome. Holds personal data for display: never log it."""

    verdict: BhytVerdict
    code: str | None
    explanation_vi: str
    action_vi: str
    gateway_note: str | None = None
    card: CardCode | None = None
    holder_name: str | None = None
    date_of_birth: str | None = None
    sex: str | None = None
    address: str | None = None
    registered_facility: str | None = None  # maDKBD
    issuing_office: str | None = None  # cqBHXH
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    area_code: str | None = None  # maKV
    five_years_from: dt.date | None = None  # ngayDu5Nam
    bhxh_number: str | None = None  # maSoBHXH
    old_card: str | None = None  # maTheCu
    new_card: NewCard | None = None
    assumed_meaning: bool = False

    @property
    def verdict_vi(self) -> str:
        return self.verdict.label_vi

    def to_json_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["verdict"] = self.verdict.value
        data["verdict_vi"] = self.verdict_vi
        data["card"] = self.card.to_json_dict() if self.card else None
        if self.new_card is not None:
            data["new_card"]["card"] = self.new_card.card.to_json_dict() if self.new_card.card else None
        result: dict[str, Any] = _json_dates(data)
        return result


def _json_dates(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json_dates(v) for k, v in value.items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def not_checked(reason_vi: str) -> BhytCheckResult:
    return BhytCheckResult(
        verdict=BhytVerdict.NOT_CHECKED,
        code=None,
        explanation_vi=reason_vi,
        action_vi="Tiếp nhận hồ sơ bình thường; kiểm tra thẻ BHYT lại khi có kết nối.",
    )


def interpret(response: dict[str, Any]) -> BhytCheckResult:
    """Turn the gateway's JSON answer into a result the desk can act on."""
    code = _str(response.get("maKetQua"))
    info: ResultCode | None = RESULT_CODES.get(code or "")
    if info is None:
        return BhytCheckResult(
            verdict=BhytVerdict.GATEWAY_ERROR,
            code=code,
            explanation_vi=f"Cổng BHXH trả mã kết quả không có trong danh mục ({code or 'trống'}).",
            action_vi="Tiếp nhận hồ sơ; báo quản trị mã kết quả này.",
            gateway_note=_str(response.get("ghiChu")),
        )
    new_code = _card_or_none(response.get("maTheMoi"))
    new_card = None
    if new_code is not None or _str(response.get("gtTheDenMoi")):
        new_card = NewCard(
            card=new_code,
            valid_from=_parse_date(response.get("gtTheTuMoi")),
            valid_to=_parse_date(response.get("gtTheDenMoi")),
            registered_facility=_str(response.get("maDKBDMoi")),
            registered_facility_name=_str(response.get("tenDKBDMoi")),
        )
    return BhytCheckResult(
        verdict=info.verdict,
        code=info.code,
        explanation_vi=info.meaning_vi,
        action_vi=info.action_vi,
        gateway_note=_str(response.get("ghiChu")),
        card=_card_or_none(response.get("maThe")),
        holder_name=_str(response.get("hoTen")),
        date_of_birth=_str(response.get("ngaySinh")),
        sex=_str(response.get("gioiTinh")),
        address=_str(response.get("diaChi")),
        registered_facility=_str(response.get("maDKBD")),
        issuing_office=_str(response.get("cqBHXH")),
        valid_from=_parse_date(response.get("gtTheTu")),
        valid_to=_parse_date(response.get("gtTheDen")),
        area_code=_str(response.get("maKV")),
        five_years_from=_parse_date(response.get("ngayDu5Nam")),
        bhxh_number=_str(response.get("maSoBHXH")),
        old_card=_str(response.get("maTheCu")),
        new_card=new_card,
        assumed_meaning=info.assumed,
    )


def _normalise_id(value: str) -> str:
    cleaned = re.sub(r"[\s-]", "", value).upper()
    if _CCCD_RE.match(cleaned) or _CARD_RE.match(cleaned):
        return cleaned
    raise BhytInputError("Cần mã thẻ BHYT 15 ký tự hoặc số CCCD 12 chữ số.")


class BhxhGatewayClient:
    """Caches the gateway token (it lives ~hours) and renews it once when the gateway answers 401."""

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        *,
        officer_name: str,
        officer_id: str,
        timeout: float = 10.0,
        token_ttl: float = 50 * 60,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._client = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout, transport=transport)
        self._username = username
        self._password_hash = password_hash(password)
        self._officer_name = officer_name
        self._officer_id = officer_id
        self._token_ttl = token_ttl
        self._token: tuple[str, str, float] | None = None
        self._lock = threading.Lock()

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> BhxhGatewayClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _take_token(self) -> tuple[str, str] | BhytCheckResult:
        response = self._client.post(TOKEN_PATH, data={"username": self._username, "password": self._password_hash})
        response.raise_for_status()  # the gateway answers 200 + maKetQua; anything else is an outage
        data = response.json()
        if not isinstance(data, dict):
            raise ValueError("token answer is not a JSON object")
        api_key = data.get("APIKey")
        if str(data.get("maKetQua")) != "200" or not isinstance(api_key, dict):
            log.warning("BHXH gateway refused the login (maKetQua=%s)", data.get("maKetQua"))
            return interpret({"maKetQua": "401"})
        access, id_token = str(api_key.get("access_token", "")), str(api_key.get("id_token", ""))
        with self._lock:
            self._token = (access, id_token, time.monotonic() + self._token_ttl)
        return access, id_token

    def _current_token(self) -> tuple[str, str] | BhytCheckResult:
        with self._lock:
            token = self._token
        if token is not None and token[2] > time.monotonic():
            return token[0], token[1]
        return self._take_token()

    def check(self, id_or_card: str, name: str, dob: str | dt.date) -> BhytCheckResult:
        """Check a card by its code or by the holder's CCCD number. Raises only :class:`BhytInputError`."""
        body = {
            "maThe": _normalise_id(id_or_card),
            "hoTen": unicodedata.normalize("NFC", name.strip()),
            "ngaySinh": format_dob(dob),
            "hoTenCb": self._officer_name,
            "cccdCb": self._officer_id,
        }
        try:
            for attempt in range(2):
                token = self._current_token()
                if isinstance(token, BhytCheckResult):
                    return token
                params = {
                    "token": token[0],
                    "id_token": token[1],
                    "username": self._username,
                    "password": self._password_hash,
                }
                response = self._client.post(CHECK_PATH, params=params, json=body)
                response.raise_for_status()
                data = response.json()
                if not isinstance(data, dict):
                    return not_checked("Cổng BHXH trả lời không đọc được.")
                if str(data.get("maKetQua")) == "401" and attempt == 0:
                    with self._lock:
                        self._token = None  # expired on the gateway side: log in again once
                    continue
                result = interpret(data)
                log.info("BHYT check done: maKetQua=%s verdict=%s", result.code, result.verdict.value)
                return result
        except httpx.TimeoutException:
            log.info("BHYT check timed out")
            return not_checked("Cổng BHXH không trả lời kịp (quá thời gian chờ).")
        except httpx.HTTPError as exc:
            log.info("BHYT check failed: %s", type(exc).__name__)
            return not_checked("Không kết nối được cổng BHXH.")
        except ValueError:  # JSON decode error
            return not_checked("Cổng BHXH trả lời không đọc được.")
        return interpret({"maKetQua": "401"})
