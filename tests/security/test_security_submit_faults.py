"""Backend and BHXH gateway down, slow or answering garbage: the clerk sees a clear state and nothing is lost.

The hostile peers are real TCP servers on loopback (security_support.HostileServer), so "slow",
"truncated" and "not HTTP at all" are what the HTTP stack really meets, not mocked exceptions.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from security_support import BackendDb, HostileServer, accept_all, closed_port_url, http_response
from sqlalchemy import select

from procedure_backend import create_app
from procedure_backend.models import Submission
from procedure_backend.testing import ServerThread
from station.submit import BackendClient, BhxhGatewayClient, BhytVerdict, Outbox, OutboxSender, OutboxState
from station.submit.bhyt import CHECK_PATH, TOKEN_PATH

NAME = "Trần Thị Bích Ngọc"
ID_NUMBER = "079301012345"
PAYLOAD: dict[str, Any] = {
    "form_id": "ct01",
    "form_version": "1",
    "values": {"full_name": NAME, "id_number": ID_NUMBER, "date_of_birth": "1990-03-15"},
    "provenance": {"full_name": "chip"},
}
SLOW = 3.0
TIMEOUT = 0.3

Answer = Callable[[str], tuple[bytes, float]]


def _always(raw: bytes, delay: float = 0.0) -> Answer:
    return lambda _path: (raw, delay)


BACKEND_FAULTS: dict[str, Answer | None] = {
    "down": None,
    "slow": _always(http_response(201, b'{"id": "late"}'), SLOW),
    "500": _always(http_response(500, b"Internal Server Error", "text/plain")),
    "502 html": _always(http_response(502, b"<html><body>Bad gateway</body></html>", "text/html")),
    "503": _always(http_response(503, b'{"detail": "maintenance"}')),
    "200 html": _always(http_response(200, b"<html>captive portal</html>", "text/html")),
    "201 json list": _always(http_response(201, b"[1, 2, 3]")),
    "201 without id": _always(http_response(201, b'{"status": "received"}')),
    "201 not json": _always(http_response(201, b"\xff\xfe\x00garbage")),
    "truncated": _always(http_response(201, b'{"id": "abc", "status": "received"}')[:-20]),
    "not http": _always(b"\x00\x01\x02 this is not HTTP \xff\r\n\r\n"),
    "hangs up": _always(b""),
}


@pytest.fixture
def outbox(tmp_path: Path) -> Iterator[Outbox]:
    box = Outbox(tmp_path / "outbox.sqlite3", key=os.urandom(32), use_keyring=False)
    yield box
    box.close()


def _flush_against(url: str, outbox: Outbox) -> tuple[Any, str]:
    item_id = outbox.enqueue(PAYLOAD, form_id="ct01")
    with BackendClient(url, "pbt_station", timeout=TIMEOUT) as client:
        report = OutboxSender(outbox, client, base_delay=0.01).flush(ignore_schedule=True)
    return report, item_id


@pytest.mark.parametrize("fault", sorted(BACKEND_FAULTS))
def test_backend_trouble_keeps_the_item_queued(fault: str, outbox: Outbox, backend_db: BackendDb) -> None:
    answer = BACKEND_FAULTS[fault]
    if answer is None:
        report, item_id = _flush_against(closed_port_url(), outbox)
    else:
        with HostileServer(answer) as server:
            report, item_id = _flush_against(server.url, outbox)
            assert server.paths == ["/api/v1/submissions"]
    assert report.offline and report.accepted == 0 and report.remaining == 1
    item = outbox.get(item_id)
    assert item is not None and item.state is OutboxState.QUEUED and item.attempts == 1
    assert item.last_error and NAME not in item.last_error and ID_NUMBER not in item.last_error
    assert outbox.payload(item_id) == PAYLOAD  # nothing lost, nothing altered

    # the backend comes back: the same item goes in exactly once, unchanged
    app = create_app(backend_db.db, validator=accept_all)
    with ServerThread(app) as live, BackendClient(live.url, backend_db.station_token) as client:
        again = OutboxSender(outbox, client).flush(ignore_schedule=True)
    assert (again.accepted, again.remaining) == (1, 0)
    with backend_db.db.sessions() as session:
        rows = session.execute(select(Submission.idempotency_key, Submission.values)).all()
    assert rows == [(item_id, PAYLOAD["values"])]


def test_backend_refusal_is_a_visible_rejection_with_the_form_kept(outbox: Outbox) -> None:
    body = json.dumps({"detail": [{"loc": ["body", "values", "full_name"], "msg": "sai", "type": "x"}]}).encode()
    with HostileServer(_always(http_response(422, body))) as server:
        report, item_id = _flush_against(server.url, outbox)
    assert report.rejected == 1
    item = outbox.get(item_id)
    assert item is not None and item.state is OutboxState.REJECTED
    assert item.reason and "full_name" in item.reason
    assert outbox.payload(item_id) == PAYLOAD  # the clerk can correct and resend it


# ------------------------------------------------------------------------------- BHXH gateway

GOOD_TOKEN = http_response(200, b'{"maKetQua": "200", "APIKey": {"access_token": "a", "id_token": "b"}}')


def _gateway(token: bytes, check: bytes, delay: float = 0.0) -> Answer:
    def answer(path: str) -> tuple[bytes, float]:
        if path == TOKEN_PATH:
            return token, 0.0
        assert path == CHECK_PATH
        return check, delay

    return answer


GATEWAY_FAULTS: dict[str, Answer | None] = {
    "down": None,
    "slow": _gateway(GOOD_TOKEN, http_response(200, b'{"maKetQua": "000"}'), SLOW),
    "token 500": _gateway(http_response(500, b"oops", "text/plain"), b""),
    "token html": _gateway(http_response(200, b"<html>login</html>", "text/html"), b""),
    "token not http": _gateway(b"garbage\r\n\r\n", b""),
    "check 502": _gateway(GOOD_TOKEN, http_response(502, b"<html>bad gateway</html>", "text/html")),
    "check html": _gateway(GOOD_TOKEN, http_response(200, b"<html>ok</html>", "text/html")),
    "check json list": _gateway(GOOD_TOKEN, http_response(200, b'["000"]')),
    "check truncated": _gateway(GOOD_TOKEN, http_response(200, b'{"maKetQua": "000", "hoTen": "X"}')[:-10]),
    "check hangs up": _gateway(GOOD_TOKEN, b""),
}


def _check(url: str) -> Any:
    with BhxhGatewayClient(
        url, "tram01", "matkhau", officer_name="Cán bộ Một", officer_id="001099000001", timeout=TIMEOUT
    ) as client:
        return client.check(ID_NUMBER, NAME, "15/03/1990")


@pytest.mark.parametrize("fault", sorted(GATEWAY_FAULTS))
def test_gateway_trouble_is_not_checked(fault: str) -> None:
    answer = GATEWAY_FAULTS[fault]
    if answer is None:
        result = _check(closed_port_url())
    else:
        with HostileServer(answer) as server:
            result = _check(server.url)
    assert result.verdict is BhytVerdict.NOT_CHECKED
    assert result.verdict_vi == "Chưa kiểm tra"
    assert result.explanation_vi and result.action_vi
    assert result.holder_name is None and result.card is None  # nothing from a broken answer is shown


HOSTILE_FIELDS: list[dict[str, Any]] = [
    {"maKetQua": "000", "hoTen": {"nested": [1, 2]}, "gtTheTu": [2024], "gtTheDen": 20251231, "maThe": 12345},
    {"maKetQua": "000", "maTheMoi": {"x": 1}, "gtTheDenMoi": "31/02/2025", "ngayDu5Nam": "99/99/9999"},
    {"maKetQua": ["000"], "ghiChu": None},
    {"maKetQua": "000", "maThe": "DN" + "4" * 200, "diaChi": "x" * 100_000},
    {"maKetQua": 3.5, "hoTen": True},
    {},
]


@pytest.mark.parametrize("answer", HOSTILE_FIELDS, ids=range(len(HOSTILE_FIELDS)))
def test_malicious_gateway_json_never_escapes_as_an_exception(answer: dict[str, Any]) -> None:
    body = json.dumps(answer).encode()
    with HostileServer(_gateway(GOOD_TOKEN, http_response(200, body))) as server:
        result = _check(server.url)
    assert isinstance(result.verdict, BhytVerdict)
    assert result.verdict_vi and result.explanation_vi
    if result.card is not None:  # whatever is shown as a card code went through the card-code parser
        assert len(result.card.code) == 15
