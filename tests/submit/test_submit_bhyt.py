"""BHYT check against the mock BHXH gateway over real HTTP: every result code, offline and timeouts."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator

import pytest

from hardware_mocks.bhxh_gateway import (
    DEFAULT_PASSWORD,
    DEFAULT_USERNAME,
    FIXTURE_CARDS,
    GatewayServer,
    fixture_for_code,
)
from procedure_backend.testing import free_port
from station.submit import RESULT_CODES, BhxhGatewayClient, BhytInputError, BhytVerdict, parse_card_code
from station.submit.bhyt import format_dob, password_hash

SPEC_CODES = [
    "000",
    "001",
    "002",
    "003",
    "004",
    "010",
    "050",
    "051",
    "052",
    "053",
    "054",
    "055",
    "060",
    "061",
    "070",
    "100",
    "101",
    "110",
    "120",
    "121",
    "122",
    "123",
    "124",
    "130",
    "205",
    "401",
]
OFFICER = {"officer_name": "CÁN BỘ THỬ", "officer_id": "079099000999"}


@pytest.fixture(scope="module")
def gateway() -> Iterator[GatewayServer]:
    with GatewayServer(seed=1) as server:
        yield server


@pytest.fixture
def client(gateway: GatewayServer) -> Iterator[BhxhGatewayClient]:
    with BhxhGatewayClient(gateway.url, DEFAULT_USERNAME, DEFAULT_PASSWORD, timeout=5, **OFFICER) as c:
        yield c


def test_every_spec_code_has_explanation_action_and_verdict() -> None:
    assert sorted(RESULT_CODES) == sorted(SPEC_CODES)
    for info in RESULT_CODES.values():
        assert info.meaning_vi and info.action_vi and isinstance(info.verdict, BhytVerdict)


def test_password_hash_is_upper_hex_md5() -> None:
    assert password_hash("123456") == "E10ADC3949BA59ABBE56E057F20F883E"


def test_card_code_parts() -> None:
    card = parse_card_code("dn 4 79 7900000001")
    assert (card.group, card.benefit_level, card.province_code, card.bhxh_number) == ("DN", 4, "79", "7900000001")
    assert "80%" in card.benefit_vi and card.province_vi == "TP. Hồ Chí Minh"
    assert "doanh nghiệp" in card.group_vi
    assert "100%" in parse_card_code("TE1017900000001").benefit_vi
    assert "95%" in parse_card_code("HN3017900000001").benefit_vi
    with pytest.raises(BhytInputError):
        parse_card_code("DN47979")


@pytest.mark.parametrize(
    ("raw", "sent"),
    [
        ("15/03/1985", "15/03/1985"),
        ("1985-03-15", "15/03/1985"),
        ("1985", "1985"),
        (dt.date(1985, 3, 15), "15/03/1985"),
    ],
)
def test_dob_formats(raw: str | dt.date, sent: str) -> None:
    assert format_dob(raw) == sent


def test_bad_dob_is_an_input_error() -> None:
    with pytest.raises(BhytInputError):
        format_dob("31/02/1985x")


@pytest.mark.parametrize("card", FIXTURE_CARDS, ids=lambda c: c.outcome)
def test_fixture_card_yields_its_code_by_card_and_by_cccd(client: BhxhGatewayClient, card: object) -> None:
    from hardware_mocks.bhxh_gateway import FixtureCard

    assert isinstance(card, FixtureCard)
    for key in (card.card_code, card.cccd):
        result = client.check(key, card.name, card.dob)
        assert result.code == card.outcome
        assert result.verdict is RESULT_CODES[card.outcome].verdict


def test_valid_card_details_are_parsed(client: BhxhGatewayClient) -> None:
    card = fixture_for_code("000")
    result = client.check(card.cccd, card.name.title(), card.dob[-4:])  # name case and year-only DOB accepted
    assert result.verdict is BhytVerdict.VALID
    assert result.card is not None and result.card.code == card.card_code
    assert result.valid_from == dt.date(2026, 1, 1) and result.valid_to == dt.date(2026, 12, 31)
    assert result.registered_facility == card.registered_facility
    assert result.five_years_from == dt.date(2027, 1, 1)
    assert result.bhxh_number == card.bhxh_number
    assert result.to_json_dict()["card"]["benefit_level"] == 4


def test_new_card_fields_for_003(client: BhxhGatewayClient) -> None:
    card = fixture_for_code("003")
    result = client.check(card.card_code, card.name, card.dob)
    assert result.new_card is not None and result.new_card.card is not None
    assert result.new_card.card.code == card.new_card["maTheMoi"]
    assert result.new_card.valid_to == dt.date(2026, 12, 31)
    assert result.new_card.registered_facility_name == card.new_card["tenDKBDMoi"]
    assert result.old_card == card.card_code


@pytest.mark.parametrize(
    ("key", "name", "dob", "code"),
    [
        ("DN4797900000999", "AI ĐÓ", "01/01/1990", "050"),  # well-formed, no such card
        ("079099099999", "AI ĐÓ", "01/01/1990", "050"),
        ("DN6797900000001", "NGUYỄN VĂN THỬ", "15/03/1985", "053"),
        ("DN4037900000001", "NGUYỄN VĂN THỬ", "15/03/1985", "052"),
        ("DN4797900000001", "TRẦN VĂN THỬ", "15/03/1985", "060"),
        ("DN4797900000001", "NGUYỄN VĂN THỦ", "15/03/1985", "061"),
        ("DN4797900000001", "NGUYỄN VĂN THỬ", "16/03/1985", "070"),
        ("DN4797900000001", "NGUYỄN VĂN THỬ", "1986", "070"),
    ],
)
def test_request_checks(client: BhxhGatewayClient, key: str, name: str, dob: str, code: str) -> None:
    result = client.check(key, name, dob)
    assert result.code == code
    assert result.verdict is RESULT_CODES[code].verdict
    assert result.card is None  # a failed match reveals no record


def test_bad_login_is_401_not_an_exception(gateway: GatewayServer) -> None:
    with BhxhGatewayClient(gateway.url, DEFAULT_USERNAME, "sai-mat-khau", **OFFICER) as c:
        result = c.check("DN4797900000001", "NGUYỄN VĂN THỬ", "15/03/1985")
    assert result.code == "401" and result.verdict is BhytVerdict.GATEWAY_ERROR


def test_malformed_card_and_bad_format_codes(gateway: GatewayServer) -> None:
    """051 and 205 come from requests the station itself never sends; a raw client provokes them."""
    import httpx

    tok = httpx.post(
        f"{gateway.url}/api/token/take",
        data={"username": DEFAULT_USERNAME, "password": password_hash(DEFAULT_PASSWORD)},
    ).json()
    q = {
        "token": tok["APIKey"]["access_token"],
        "id_token": tok["APIKey"]["id_token"],
        "username": DEFAULT_USERNAME,
        "password": password_hash(DEFAULT_PASSWORD),
    }
    base = {"hoTen": "A", "ngaySinh": "1990", "hoTenCb": "B", "cccdCb": "079099000999"}
    url = f"{gateway.url}/api/egw/KQNhanLichSuKCB2024"
    assert httpx.post(url, params=q, json={**base, "maThe": "D1234"}).json()["maKetQua"] == "051"
    assert (
        httpx.post(url, params=q, json={**base, "maThe": "DN4797900000001", "ngaySinh": "1990-01-01"}).json()[
            "maKetQua"
        ]
        == "205"
    )
    assert (
        httpx.post(url, params=q, json={**base, "maThe": "DN4797900000001", "cccdCb": ""}).json()["maKetQua"] == "205"
    )


def test_expired_gateway_token_is_renewed_once(gateway: GatewayServer, client: BhxhGatewayClient) -> None:
    card = fixture_for_code("000")
    assert client.check(card.card_code, card.name, card.dob).code == "000"
    gateway.gateway.revoke_tokens()
    assert client.check(card.card_code, card.name, card.dob).code == "000"


def test_input_errors_raise_before_any_request(client: BhxhGatewayClient) -> None:
    with pytest.raises(BhytInputError):
        client.check("12345", "A", "1990")


def test_offline_gateway_is_not_checked_never_an_exception() -> None:
    port = free_port()  # nothing listens there
    with BhxhGatewayClient(f"http://127.0.0.1:{port}", DEFAULT_USERNAME, DEFAULT_PASSWORD, timeout=2, **OFFICER) as c:
        result = c.check("DN4797900000001", "NGUYỄN VĂN THỬ", "15/03/1985")
    assert result.verdict is BhytVerdict.NOT_CHECKED and result.verdict_vi == "Chưa kiểm tra"
    assert result.code is None


def test_slow_gateway_times_out_to_not_checked() -> None:
    with (
        GatewayServer(latency_ms=1500) as slow,
        BhxhGatewayClient(slow.url, DEFAULT_USERNAME, DEFAULT_PASSWORD, timeout=0.3, **OFFICER) as c,
    ):
        result = c.check("DN4797900000001", "NGUYỄN VĂN THỬ", "15/03/1985")
    assert result.verdict is BhytVerdict.NOT_CHECKED


def test_failing_gateway_gives_not_checked_or_an_answer() -> None:
    """With failure injection every call still returns a result; some are 'chưa kiểm tra'."""
    card = fixture_for_code("000")
    verdicts = []
    with (
        GatewayServer(fail_rate=0.5, seed=7) as flaky,
        BhxhGatewayClient(flaky.url, DEFAULT_USERNAME, DEFAULT_PASSWORD, timeout=2, **OFFICER) as c,
    ):
        for _ in range(12):
            verdicts.append(c.check(card.card_code, card.name, card.dob).verdict)
    assert BhytVerdict.NOT_CHECKED in verdicts
    assert set(verdicts) <= {BhytVerdict.NOT_CHECKED, BhytVerdict.VALID}


def test_logs_carry_no_personal_data_or_credentials(
    client: BhxhGatewayClient, caplog: pytest.LogCaptureFixture
) -> None:
    card = fixture_for_code("000")
    with caplog.at_level(logging.DEBUG):
        client.check(card.cccd, card.name, card.dob)
        client.check(card.card_code, "TRẦN VĂN THỬ", card.dob)
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "maKetQua=000" in text  # something was logged, and it is the code
    for secret in (card.name, "TRẦN VĂN THỬ", card.cccd, card.card_code, card.dob, password_hash(DEFAULT_PASSWORD)):
        assert secret not in text


def test_mock_gateway_runs_as_a_module() -> None:
    import subprocess
    import sys
    import time

    import httpx

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "hardware_mocks.bhxh_gateway", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                r = httpx.post(
                    f"http://127.0.0.1:{port}/api/token/take",
                    data={"username": DEFAULT_USERNAME, "password": password_hash(DEFAULT_PASSWORD)},
                )
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "mock gateway did not start"
                time.sleep(0.1)
        assert r.json()["maKetQua"] == "200" and r.json()["APIKey"]["access_token"]
    finally:
        proc.terminate()
        proc.wait(10)
