"""Procedure backend under hostile clients: no token, guessed tokens, huge bodies, SQL in every text field."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from security_support import INJECTIONS, BackendDb, accept_all
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select

from procedure_backend import create_app
from procedure_backend.limits import FailedAuthLimiter
from procedure_backend.models import Submission
from procedure_backend.testing import BackendProcess
from procedure_backend.tokens import TokenStore

PUBLIC_PATHS = {"/healthz"}
"""Liveness probe for load balancers and the test harness: answers "ok" and the database kind, nothing else."""


def _client(app: FastAPI, host: str = "203.0.113.7") -> TestClient:
    return TestClient(app, client=(host, 40000))


@pytest.fixture
def app(backend_db: BackendDb) -> FastAPI:
    return create_app(backend_db.db, validator=accept_all)


def _routes(app: FastAPI) -> Iterator[tuple[str, str]]:
    for path, item in app.openapi()["paths"].items():
        for method in item:
            yield method.upper(), re.sub(r"\{[^}]+\}", "00000000-0000-0000-0000-000000000000", path)


def test_every_route_refuses_without_a_valid_token(app: FastAPI) -> None:
    routes = list(_routes(app))
    assert len(routes) >= 3  # the enumeration itself must find the API
    client = _client(app)
    checked = 0
    for method, path in routes:
        if path in PUBLIC_PATHS:
            continue
        for headers in ({}, {"Authorization": "Bearer pbt_wrong"}, {"Authorization": "Basic dXNlcjpwYXNz"}):
            response = client.request(method, path, headers={**headers, "Idempotency-Key": "k"}, json={})
            assert response.status_code == 401, (method, path, headers, response.status_code)
            assert response.headers["www-authenticate"] == "Bearer"
            checked += 1
    assert checked == 3 * (len(routes) - len(PUBLIC_PATHS))


def test_public_health_probe_discloses_nothing(app: FastAPI) -> None:
    body = _client(app).get("/healthz").json()
    assert set(body) == {"status", "database"}


def test_guessing_tokens_is_rate_limited_per_address(backend_db: BackendDb) -> None:
    now = [1000.0]
    limiter = FailedAuthLimiter(max_failures=5, window=60.0, clock=lambda: now[0])
    app = create_app(backend_db.db, validator=accept_all, auth_limiter=limiter)
    attacker, other = _client(app, "198.51.100.9"), _client(app, "198.51.100.10")
    for i in range(5):
        assert attacker.get("/api/v1/submissions", headers={"Authorization": f"Bearer guess{i}"}).status_code == 401
    blocked = attacker.get("/api/v1/submissions", headers={"Authorization": "Bearer guess-6"})
    assert blocked.status_code == 429
    assert 1 <= int(blocked.headers["retry-after"]) <= 60
    # even the right token waits: the limiter must not tell a guesser which guess was right
    good = {"Authorization": f"Bearer {backend_db.station_token}"}
    assert attacker.get("/api/v1/submissions", headers=good).status_code == 429
    # another address is not punished for the attacker's guesses
    assert other.get("/api/v1/submissions", headers=good).status_code == 200
    now[0] += 61
    assert attacker.get("/api/v1/submissions", headers=good).status_code == 200


def test_rate_limiter_forgets_old_addresses() -> None:
    limiter = FailedAuthLimiter(max_failures=1, window=60.0, max_clients=3, clock=lambda: 0.0)
    for n in range(10):
        limiter.record_failure(f"10.0.0.{n}")
    assert limiter.retry_after("10.0.0.9") is not None
    assert limiter.retry_after("10.0.0.0") is None  # evicted, memory stays bounded


def test_declared_oversized_body_is_refused_before_reading(backend_db: BackendDb) -> None:
    app = create_app(backend_db.db, validator=accept_all, max_body_bytes=2_000)
    client = _client(app)
    response = client.post(
        "/api/v1/submissions",
        headers={"Authorization": f"Bearer {backend_db.station_token}", "Idempotency-Key": "big-1"},
        json={"form_id": "f", "form_version": "1", "values": {"note": "x" * 5_000}},
    )
    assert response.status_code == 413
    assert response.json()["detail"]


def test_streamed_oversized_body_is_refused(backend_db: BackendDb) -> None:
    app = create_app(backend_db.db, validator=accept_all, max_body_bytes=2_000)
    client = _client(app)

    def chunks() -> Iterator[bytes]:
        yield b'{"form_id": "f", "form_version": "1", "values": {"note": "'
        for _ in range(10):
            yield b"y" * 500
        yield b'"}}'

    response = client.post(
        "/api/v1/submissions",
        headers={
            "Authorization": f"Bearer {backend_db.station_token}",
            "Idempotency-Key": "big-2",
            "Content-Type": "application/json",
        },
        content=chunks(),
    )
    assert response.status_code == 413
    with backend_db.db.sessions() as session:
        assert session.execute(select(Submission)).first() is None


def test_body_under_the_limit_is_accepted(backend_db: BackendDb) -> None:
    app = create_app(backend_db.db, validator=accept_all, max_body_bytes=2_000)
    response = _client(app).post(
        "/api/v1/submissions",
        headers={"Authorization": f"Bearer {backend_db.station_token}", "Idempotency-Key": "small"},
        json={"form_id": "f", "form_version": "1", "values": {"note": "x" * 500}},
    )
    assert response.status_code == 201


@pytest.mark.parametrize("attack", INJECTIONS)
def test_sql_injection_in_every_text_field_is_stored_as_text(any_backend_db: BackendDb, attack: str) -> None:
    backend_db = any_backend_db
    station = f"tram {attack}"[:100]
    token = TokenStore(backend_db.db).create(station)
    app = create_app(backend_db.db, validator=accept_all)
    client = _client(app)
    body: dict[str, Any] = {
        "form_id": attack[:100],
        "form_version": attack[:50],
        "values": {"full_name": attack, attack: attack, "nested": [attack, {"k": attack}]},
        "provenance": {"full_name": attack},
    }
    key = f"key-{attack}".encode("ascii", "backslashreplace").decode()[:200]  # headers are ASCII
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
    created = client.post("/api/v1/submissions", headers=headers, json=body)
    assert created.status_code == 201, created.text
    receipt = created.json()
    assert (receipt["station"], receipt["form_id"], receipt["idempotency_key"]) == (station, attack[:100], key)
    back = client.get(f"/api/v1/submissions/{receipt['id']}", headers=headers).json()
    assert back["values"] == body["values"] and back["provenance"] == body["provenance"]
    # the same text as a filter finds exactly that row, and as an id finds nothing
    office = {"Authorization": f"Bearer {backend_db.back_office_token}"}
    listed = client.get("/api/v1/submissions", params={"station": station, "form_id": attack[:100]}, headers=office)
    assert listed.status_code == 200 and listed.json()["total"] == 1
    assert client.get(f"/api/v1/submissions/{attack}", headers=office).status_code in (404, 405)
    # and the schema is intact
    assert {"submissions", "api_tokens"} <= set(sa_inspect(backend_db.db.engine).get_table_names())
    with backend_db.db.sessions() as session:
        rows = session.execute(select(Submission.form_id, Submission.station)).all()
    assert rows == [(attack[:100], station)]


def test_huge_list_offset_is_a_validation_error_not_a_server_error(app: FastAPI, backend_db: BackendDb) -> None:
    """Found by schemathesis: offset=2**63 overflowed SQLite's INTEGER and answered 500."""
    office = {"Authorization": f"Bearer {backend_db.back_office_token}"}
    response = _client(app).get("/api/v1/submissions", params={"offset": 2**63}, headers=office)
    assert response.status_code == 422


def test_served_backend_applies_the_limits_from_its_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'served.sqlite3'}"
    args = ("--max-body-bytes", "500", "--auth-failures-per-minute", "2")
    with BackendProcess(url, extra_args=args) as server:
        big = httpx.post(
            f"{server.url}/api/v1/submissions", content=b"x" * 600, headers={"Content-Type": "application/json"}
        )
        assert big.status_code == 413
        codes = [
            httpx.get(f"{server.url}/api/v1/submissions", headers={"Authorization": f"Bearer bad{i}"}).status_code
            for i in range(3)
        ]
        assert codes == [401, 401, 429]
