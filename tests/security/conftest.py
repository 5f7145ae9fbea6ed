"""Fixtures for the security tests: a migrated backend database (SQLite, or PostgreSQL too) and tokens for it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from security_support import BackendDb

from procedure_backend import Database
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


@pytest.fixture(params=["sqlite", "postgresql"])
def any_backend_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BackendDb]:
    """The backend on both databases it supports: injection must be text on each."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'backend.sqlite3'}"
    else:
        import psycopg

        base: str = request.getfixturevalue("postgres_url")
        name = "sec_" + uuid.uuid4().hex[:12]
        with psycopg.connect(base.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = base.rsplit("/", 1)[0] + "/" + name
    found = _with_tokens(Database(url))
    yield found
    found.db.dispose()
