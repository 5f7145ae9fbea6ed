"""Fixtures for the security tests: a migrated backend database and tokens for it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from security_support import BackendDb

from procedure_backend import Database
from procedure_backend.tokens import Scope, TokenStore


@pytest.fixture
def backend_db(tmp_path: Path) -> Iterator[BackendDb]:
    database = Database(f"sqlite:///{tmp_path / 'backend.sqlite3'}")
    database.upgrade()
    tokens = TokenStore(database)
    yield BackendDb(database, tokens.create("tram-01"), tokens.create("so-01", Scope.BACK_OFFICE))
    database.dispose()
