"""Shared fixtures: the real pcscd with the vpcd driver, started when it is not running.

Tests that need pcscd FAIL when it cannot be had (never skip): CI installs it through
scripts/setup.sh, and a developer machine must have it too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest

from procedure_backend.testing import PostgresUnavailableError, temporary_postgres

VPCD_READERS = {35963: "Virtual PCD 00 00", 35964: "Virtual PCD 00 01"}


def _pcscd_running() -> bool:
    return subprocess.run(["pgrep", "-x", "pcscd"], capture_output=True).returncode == 0


def _virtual_readers() -> list[str]:
    from station.readers.pcsc import list_readers

    try:
        return [r for r in list_readers() if r.startswith("Virtual PCD")]
    except Exception:
        return []


@pytest.fixture(scope="session")
def pcscd() -> Iterator[None]:
    """A running pcscd that lists the vpcd virtual readers."""
    process: subprocess.Popen[bytes] | None = None
    if not _pcscd_running():
        exe = shutil.which("pcscd") or "/usr/sbin/pcscd"
        if not os.path.exists(exe):
            pytest.fail("pcscd is not installed: run scripts/setup.sh (apt: pcscd vsmartcard-vpcd)")
        process = subprocess.Popen([exe, "-f"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 15
    while not _virtual_readers():
        if time.monotonic() > deadline:
            pytest.fail("pcscd runs but lists no 'Virtual PCD' reader: is vsmartcard-vpcd installed?")
        time.sleep(0.2)
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
