"""Shared fixtures: the real pcscd with the vpcd driver, started when it is not running.

Tests that need pcscd FAIL when it cannot be had (never skip): CI installs it through
scripts/setup.sh, and a developer machine must have it too.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from hardware_mocks.harness import VPCD_READERS, PcscdUnavailable, ensure_pcscd
from procedure_backend.testing import PostgresUnavailableError, temporary_postgres


@pytest.fixture(scope="session")
def pcscd() -> Iterator[None]:
    """A running pcscd that lists the vpcd virtual readers (started here when none runs)."""
    try:
        process = ensure_pcscd()
    except PcscdUnavailable as exc:
        pytest.fail(f"{exc}: run scripts/setup.sh")
    yield
    if process is not None:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def vpcd_port() -> int:
    return int(os.environ.get("STATION_TEST_VPCD_PORT", "35963"))


@pytest.fixture(scope="session")
def vpcd_reader(vpcd_port: int) -> str:
    return VPCD_READERS[vpcd_port]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway cluster, or the server named by STATION_TEST_POSTGRES_URL (a superuser URL) if set."""
    existing = os.environ.get("STATION_TEST_POSTGRES_URL")
    if existing:
        yield existing
        return
    try:
        with temporary_postgres() as url:
            yield url
    except PostgresUnavailableError as exc:
        pytest.fail(f"PostgreSQL is required for the backend tests (apt-get install postgresql): {exc}")
