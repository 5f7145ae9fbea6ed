"""Fixtures for the security tests: a migrated backend database (SQLite, or PostgreSQL too) and tokens for it."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from security_support import BackendDb

from procedure_backend import Database
from procedure_backend.testing import PostgresUnavailableError, temporary_postgres
from procedure_backend.tokens import Scope, TokenStore


def _with_tokens(database: Database) -> BackendDb:
    database.upgrade()
    tokens = TokenStore(database)
    return BackendDb(database, tokens.create("tram-01"), tokens.create("so-01", Scope.BACK_OFFICE))


@pytest.fixture
def backend_db(tmp_path: Path) -> Iterator[BackendDb]:
    found = _with_tokens(Database(f"sqlite:///{tmp_path / 'backend.sqlite3'}"))
    yield found
    found.db.dispose()


@pytest.fixture(scope="session")
def security_postgres_url() -> Iterator[str]:
    """A throwaway cluster, or the server named by STATION_TEST_POSTGRES_URL (a superuser URL) if set."""
    existing = os.environ.get("STATION_TEST_POSTGRES_URL")
    if existing:
        yield existing
        return
    try:
        with temporary_postgres() as url:
            yield url
    except PostgresUnavailableError as exc:
        pytest.fail(f"PostgreSQL is required for the backend security tests (apt-get install postgresql): {exc}")


@pytest.fixture(params=["sqlite", "postgresql"])
def any_backend_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BackendDb]:
    """The backend on both databases it supports: injection must be text on each."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'backend.sqlite3'}"
    else:
        import psycopg

        base: str = request.getfixturevalue("security_postgres_url")
        name = "sec_" + uuid.uuid4().hex[:12]
        with psycopg.connect(base.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = base.rsplit("/", 1)[0] + "/" + name
    found = _with_tokens(Database(url))
    yield found
    found.db.dispose()
