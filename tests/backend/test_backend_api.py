"""The submission API against real databases: idempotency, auth, validation, listing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from procedure_backend import Database, create_app
from procedure_backend.models import ApiToken, Submission
from procedure_backend.tokens import Scope, TokenStore
from procedure_backend.validation import FieldError


def _validator(form_id: str, form_version: str, values: dict[str, Any]) -> list[FieldError]:
    """Stands in for the form definitions in these mechanics tests (the real ones are tested separately)."""
    if form_id != "to-khai-thu":
        return [FieldError(("form_id",), "Không có biểu mẫu.", "unknown_form")]
    if not values.get("ho_ten"):
        return [FieldError(("values", "ho_ten"), "Họ tên là bắt buộc.", "required")]
    return []


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    database.upgrade()
    yield database
    database.dispose()


@pytest.fixture
def client(db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(db, validator=_validator)) as c:
        yield c


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _body(name: str = "NGUYỄN VĂN THỬ") -> dict[str, Any]:
    return {
        "form_id": "to-khai-thu",
        "form_version": "1",
        "values": {"ho_ten": name, "so_dinh_danh": "079099000001"},
        "provenance": {"ho_ten": "chip"},
    }


def test_upgrade_is_repeatable_and_creates_tables(db: Database) -> None:
    db.upgrade()
    with db.sessions() as s:
        assert s.execute(select(func.count()).select_from(Submission)).scalar_one() == 0
        assert s.execute(select(func.count()).select_from(ApiToken)).scalar_one() == 0


def test_token_is_stored_hashed(db: Database) -> None:
    token = TokenStore(db).create("tram-01")
    with db.sessions() as s:
        stored = s.execute(select(ApiToken.token_hash)).scalars().all()
    assert len(stored) == 1 and token not in stored[0] and len(stored[0]) == 64


def test_first_submit_201_replay_200_same_body_conflict_409(client: TestClient, db: Database) -> None:
    token = TokenStore(db).create("tram-01")
    first = client.post("/api/v1/submissions", json=_body(), headers={**_auth(token), "Idempotency-Key": "k-1"})
    assert first.status_code == 201, first.text
    again = client.post("/api/v1/submissions", json=_body(), headers={**_auth(token), "Idempotency-Key": "k-1"})
    assert again.status_code == 200
    assert again.json() == first.json()
    other = client.post(
        "/api/v1/submissions", json=_body("TRẦN THỊ KHÁC"), headers={**_auth(token), "Idempotency-Key": "k-1"}
    )
    assert other.status_code == 409
    with db.sessions() as s:
        assert s.execute(select(func.count()).select_from(Submission)).scalar_one() == 1


def test_same_key_from_another_station_is_a_conflict(client: TestClient, db: Database) -> None:
    a, b = TokenStore(db).create("tram-a"), TokenStore(db).create("tram-b")
    assert (
        client.post("/api/v1/submissions", json=_body(), headers={**_auth(a), "Idempotency-Key": "k"}).status_code
        == 201
    )
    assert (
        client.post("/api/v1/submissions", json=_body(), headers={**_auth(b), "Idempotency-Key": "k"}).status_code
        == 409
    )


def test_idempotency_key_is_mandatory(client: TestClient, db: Database) -> None:
    token = TokenStore(db).create("tram-01")
    response = client.post("/api/v1/submissions", json=_body(), headers=_auth(token))
    assert response.status_code == 422
    assert "Idempotency-Key" in str(response.json()["detail"])


@pytest.mark.parametrize("path", ["/api/v1/submissions", "/api/v1/submissions/x"])
def test_every_api_endpoint_needs_a_token(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 401
    assert client.get(path, headers=_auth("pbt_wrong")).status_code == 401


def test_post_without_token_is_401_and_stores_nothing(client: TestClient, db: Database) -> None:
    response = client.post("/api/v1/submissions", json=_body(), headers={"Idempotency-Key": "k"})
    assert response.status_code == 401
    with db.sessions() as s:
        assert s.execute(select(func.count()).select_from(Submission)).scalar_one() == 0


def test_health_and_openapi_are_public(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    spec = client.get("/openapi.json").json()
    assert "/api/v1/submissions" in spec["paths"]


def test_revoked_token_is_refused(db: Database) -> None:
    store = TokenStore(db)
    token = store.create("tram-01")
    with TestClient(create_app(db, validator=_validator, token_cache_ttl=0)) as c:
        assert c.get("/api/v1/submissions", headers=_auth(token)).status_code == 200
        assert store.revoke_station("tram-01") == 1
        assert c.get("/api/v1/submissions", headers=_auth(token)).status_code == 401


def test_validation_422_names_the_field_and_stores_nothing(client: TestClient, db: Database) -> None:
    token = TokenStore(db).create("tram-01")
    body = _body()
    body["values"]["ho_ten"] = ""
    response = client.post("/api/v1/submissions", json=body, headers={**_auth(token), "Idempotency-Key": "k"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "values", "ho_ten"]
    with db.sessions() as s:
        assert s.execute(select(func.count()).select_from(Submission)).scalar_one() == 0


def test_get_returns_values_and_hides_other_stations(client: TestClient, db: Database) -> None:
    a, b = TokenStore(db).create("tram-a"), TokenStore(db).create("tram-b")
    created = client.post("/api/v1/submissions", json=_body(), headers={**_auth(a), "Idempotency-Key": "k"}).json()
    got = client.get(f"/api/v1/submissions/{created['id']}", headers=_auth(a))
    assert got.status_code == 200
    assert got.json()["values"]["ho_ten"] == "NGUYỄN VĂN THỬ"
    assert got.json()["provenance"] == {"ho_ten": "chip"}
    assert client.get(f"/api/v1/submissions/{created['id']}", headers=_auth(b)).status_code == 404


def test_list_is_filtered_and_scoped(client: TestClient, db: Database) -> None:
    store = TokenStore(db)
    a, b = store.create("tram-a"), store.create("tram-b")
    office = store.create("so-noi-vu", Scope.BACK_OFFICE)
    for i in range(3):
        client.post("/api/v1/submissions", json=_body(), headers={**_auth(a), "Idempotency-Key": f"a{i}"})
    client.post("/api/v1/submissions", json=_body(), headers={**_auth(b), "Idempotency-Key": "b0"})
    assert client.get("/api/v1/submissions", headers=_auth(a)).json()["total"] == 3
    # a station token cannot widen its view with ?station=
    assert client.get("/api/v1/submissions?station=tram-b", headers=_auth(a)).json()["total"] == 3
    everything = client.get("/api/v1/submissions", headers=_auth(office)).json()
    assert everything["total"] == 4
    only_b = client.get("/api/v1/submissions?station=tram-b", headers=_auth(office)).json()
    assert [i["station"] for i in only_b["items"]] == ["tram-b"]
    page = client.get("/api/v1/submissions?limit=2&offset=0", headers=_auth(office)).json()
    assert len(page["items"]) == 2 and page["total"] == 4
    assert client.get("/api/v1/submissions?form_id=khac", headers=_auth(office)).json()["total"] == 0
    # back office reads but does not submit
    assert (
        client.post("/api/v1/submissions", json=_body(), headers={**_auth(office), "Idempotency-Key": "o"}).status_code
        == 403
    )


def test_concurrent_deliveries_of_one_key_make_one_row(db: Database) -> None:
    """Racing replays (two senders, or a retry while the first is still in flight) insert once."""
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    from procedure_backend.testing import ServerThread

    token = TokenStore(db).create("tram-01")
    with ServerThread(create_app(db, validator=_validator)) as server:

        def send(_: int) -> int:
            r = httpx.post(
                f"{server.url}/api/v1/submissions",
                json=_body(),
                headers={**_auth(token), "Idempotency-Key": "same"},
                timeout=30,
            )
            return r.status_code

        with ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(send, range(16)))
    assert sorted(codes).count(201) == 1
    assert codes.count(200) == 15
    with db.sessions() as s:
        assert s.execute(select(func.count()).select_from(Submission)).scalar_one() == 1


def test_real_form_definitions_validate_payloads(db: Database) -> None:
    """Default validator = the station's own form definitions: a good form passes, a bad one names the field."""
    from procedure_backend.testing import sample_submission

    token = TokenStore(db).create("tram-01")
    with TestClient(create_app(db)) as c:
        ok = c.post("/api/v1/submissions", json=sample_submission(1), headers={**_auth(token), "Idempotency-Key": "a"})
        assert ok.status_code == 201, ok.text
        bad = sample_submission(2)
        bad["values"]["so_dien_thoai"] = ""
        r = c.post("/api/v1/submissions", json=bad, headers={**_auth(token), "Idempotency-Key": "b"})
        assert r.status_code == 422
        assert r.json()["detail"][0]["loc"] == ["body", "values", "so_dien_thoai"]
        wrong_version = {**sample_submission(3), "form_version": "1999"}
        r = c.post("/api/v1/submissions", json=wrong_version, headers={**_auth(token), "Idempotency-Key": "c"})
        assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "form_version"]
        unknown = {**sample_submission(4), "form_id": "khong-co"}
        r = c.post("/api/v1/submissions", json=unknown, headers={**_auth(token), "Idempotency-Key": "d"})
        assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "form_id"]
        stored = c.get(f"/api/v1/submissions/{ok.json()['id']}", headers=_auth(token)).json()
        assert stored["values"] == sample_submission(1)["values"]


def test_cli_token_create_prints_a_working_token(tmp_path: Path) -> None:
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    out = subprocess.run(
        [sys.executable, "-m", "procedure_backend", "token", "create", "--station", "tram-cli", "--db", url],
        capture_output=True,
        text=True,
        check=True,
    )
    token = out.stdout.strip()
    db = Database(url)
    principal = TokenStore(db).verify(token)
    db.dispose()
    assert principal is not None and principal.station == "tram-cli" and principal.scope is Scope.STATION


def test_migrations_match_the_models(db: Database) -> None:
    """A model change without a migration (or the reverse) fails here, on both databases."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from procedure_backend.models import Base

    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_list_filters_by_time_window(client: TestClient, db: Database) -> None:
    import datetime as dt

    token = TokenStore(db).create("tram-01")
    client.post("/api/v1/submissions", json=_body(), headers={**_auth(token), "Idempotency-Key": "t1"})
    now = dt.datetime.now(dt.UTC)
    past = (now - dt.timedelta(hours=1)).isoformat()
    future = (now + dt.timedelta(hours=1)).isoformat()
    window = client.get(
        "/api/v1/submissions", params={"received_from": past, "received_to": future}, headers=_auth(token)
    )
    assert window.json()["total"] == 1
    later = client.get("/api/v1/submissions", params={"received_from": future}, headers=_auth(token))
    assert later.json()["total"] == 0


def test_cli_db_upgrade_creates_the_schema(tmp_path: Path) -> None:
    import subprocess
    import sys

    from sqlalchemy import inspect

    url = f"sqlite:///{tmp_path / 'up.sqlite3'}"
    subprocess.run([sys.executable, "-m", "procedure_backend", "db", "upgrade", "--db", url], check=True)
    db = Database(url)
    tables = set(inspect(db.engine).get_table_names())
    db.dispose()
    assert {"submissions", "api_tokens", "alembic_version"} <= tables
