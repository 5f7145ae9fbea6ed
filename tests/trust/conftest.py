"""Fixtures for passive authentication and the trust store: one test PKI per run, synthetic data groups."""

from __future__ import annotations

from pathlib import Path

import pytest

from hardware_mocks.pki import TestPKI, load_or_create, write_master_list
from station.readers.icao.trust_store import TrustStore


@pytest.fixture(scope="session")
def pki_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pki")


@pytest.fixture(scope="session")
def pki(pki_dir: Path) -> TestPKI:
    return load_or_create(pki_dir)


@pytest.fixture(scope="session")
def rsa_pki(pki_dir: Path) -> TestPKI:
    return load_or_create(pki_dir, algorithm="rsa")


@pytest.fixture
def data_groups() -> dict[int, bytes]:
    """Synthetic file bytes (tag, length, value) standing in for DG1, DG2, DG13 and DG14."""
    return {
        1: bytes.fromhex("615d5f1f5a")
        + b"IDVNM0123456789<<<<<<<<<<<<<<<"
        + b"9001014M3001014VNM<<<<<<<<<<<"
        + b"NGUYEN<<VAN<A<<<<<<<<<<<<<<<<",
        2: b"\x75\x82\x01\x00" + bytes(range(256)),
        13: b"\x6d\x0e" + "Thử nghiệm".encode(),
        14: b"\x6e\x03\x31\x01\x00",
    }


@pytest.fixture
def trusted_store(tmp_path: Path, pki: TestPKI) -> TrustStore:
    """A store in a temporary directory with the test master list imported."""
    store = TrustStore(tmp_path / "trust")
    report = store.import_path(write_master_list(tmp_path / "test.ml", pki))
    assert report.master_lists[0].status == "valid"
    return store
