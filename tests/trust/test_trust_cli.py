"""``station trust import`` / ``station trust list`` through ``station.cli.main``."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from hardware_mocks.pki import TestPKI, build_master_list, write_master_list
from hardware_mocks.pki import main as pki_main
from station.cli import main
from station.readers.icao.trust_store import ENV_TRUST_DIR


@pytest.fixture
def trust_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "trust"
    monkeypatch.setenv(ENV_TRUST_DIR, str(directory))
    return directory


def test_import_then_list_json(
    tmp_path: Path, trust_dir: Path, pki: TestPKI, capsys: pytest.CaptureFixture[str]
) -> None:
    ml = write_master_list(tmp_path / "test.ml", pki)
    assert main(["trust", "import", str(ml)]) == 0
    out = capsys.readouterr().out
    assert "chữ ký hợp lệ" in out
    assert "VN 1" in out
    assert main(["trust", "list", "--json"]) == 0
    (entry,) = json.loads(capsys.readouterr().out)
    assert (
        entry["fingerprint_sha256"]
        == hashlib.sha256(pki.csca_cert.public_bytes(serialization.Encoding.DER)).hexdigest()
    )
    assert entry["country"] == "VN"
    assert entry["sources"][0]["source"] == "test.ml"
    assert entry["sources"][0]["master_list_status"] == "valid"
    assert entry["not_after"].startswith(str(pki.csca_cert.not_valid_after_utc.year))
    assert (trust_dir / "index.json").exists()

    assert main(["trust", "import", str(ml)]) == 0
    assert "đã có sẵn" in capsys.readouterr().out
    assert main(["trust", "list"]) == 0
    text = capsys.readouterr().out
    assert "CSCA VIETNAM TEST" in text and entry["fingerprint_sha256"] in text


def test_unreadable_input_exits_2(tmp_path: Path, trust_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    garbage = tmp_path / "garbage.ml"
    garbage.write_bytes(b"not a master list")
    assert main(["trust", "import", str(garbage)]) == 2
    assert "KHÔNG ĐỌC ĐƯỢC" in capsys.readouterr().err
    assert main(["trust", "import", str(tmp_path / "missing.ml")]) == 2


def test_tampered_master_list_exits_1_and_stores_nothing(
    tmp_path: Path, trust_dir: Path, pki: TestPKI, capsys: pytest.CaptureFixture[str]
) -> None:
    data = build_master_list([pki.csca_cert], pki.forger_ds_key, pki.ml_signer_cert)  # wrong key
    (tmp_path / "bad.ml").write_bytes(data)
    assert main(["trust", "import", str(tmp_path / "bad.ml")]) == 1
    captured = capsys.readouterr()
    assert "KHÔNG hợp lệ" in captured.out and "TỪ CHỐI" in captured.err
    assert main(["trust", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_pki_command_writes_pems_and_master_list(
    tmp_path: Path, trust_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pki-out"
    assert pki_main(["--out", str(out)]) == 0
    assert (out / "ecdsa" / "csca-cert.pem").exists() and (out / "ecdsa" / "ds-key.pem").exists()
    capsys.readouterr()
    assert main(["trust", "import", str(out / "test-master-list.ml")]) == 0
    assert "VN 1" in capsys.readouterr().out
