"""``station submit``, ``station outbox``, ``station bhyt check`` end to end (real backend, mock gateway)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hardware_mocks.bhxh_gateway import DEFAULT_PASSWORD, DEFAULT_USERNAME, GatewayServer, fixture_for_code
from procedure_backend import Database, create_app
from procedure_backend.testing import ServerThread, free_port, sample_submission
from procedure_backend.tokens import TokenStore

STATION_MAIN = "import sys; from station.cli import main; sys.exit(main())"


def _station(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", STATION_MAIN, *args], env=env, capture_output=True, text=True, timeout=60
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("STATION_")}
    e["STATION_DATA_DIR"] = str(tmp_path / "data")
    e["STATION_CONFIG"] = str(tmp_path / "config.toml")
    e["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    return e


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[tuple[str, str, Database]]:
    db = Database(f"sqlite:///{tmp_path / 'backend.sqlite3'}")
    db.upgrade()
    token = TokenStore(db).create("tram-cli")
    with ServerThread(create_app(db)) as server:
        yield server.url, token, db
    db.dispose()


def _form_file(tmp_path: Path, issues: list[dict[str, str]] | None = None) -> Path:
    doc = {**sample_submission(5), "issues": issues or [], "complete": not issues}
    path = tmp_path / "form.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def test_submit_sends_and_reports(tmp_path: Path, env: dict[str, str], backend: tuple[str, str, Database]) -> None:
    url, token, _db = backend
    r = _station(env, "submit", str(_form_file(tmp_path)), "--backend", url, "--token", token, "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["state"] == "accepted" and out["server_id"]
    status = json.loads(_station(env, "outbox", "status", "--json").stdout)
    assert status["counts"]["accepted"] == 1 and status["pending"] == []


def test_submit_refuses_a_form_with_issues(tmp_path: Path, env: dict[str, str]) -> None:
    issues = [{"field": "so_dien_thoai", "code": "required", "message": "Chưa điền số điện thoại."}]
    r = _station(env, "submit", str(_form_file(tmp_path, issues)))
    assert r.returncode == 2
    assert "so_dien_thoai" in r.stderr and "--force" in r.stderr
    assert json.loads(_station(env, "outbox", "status", "--json").stdout)["counts"]["queued"] == 0


def test_offline_submit_is_queued_then_flushed(
    tmp_path: Path, env: dict[str, str], backend: tuple[str, str, Database]
) -> None:
    url, token, _db = backend
    env_offline = {**env, "STATION_BACKEND_URL": f"http://127.0.0.1:{free_port()}", "STATION_BACKEND_TOKEN": token}
    r = _station(env_offline, "submit", str(_form_file(tmp_path)))
    assert r.returncode == 3, r.stderr
    assert "hàng đợi" in r.stdout
    status = json.loads(_station(env, "outbox", "status", "--json").stdout)
    assert status["counts"]["queued"] == 1 and status["pending"][0]["attempts"] == 1
    env_online = {**env, "STATION_BACKEND_URL": url, "STATION_BACKEND_TOKEN": token}
    flushed = _station(env_online, "outbox", "flush", "--json")
    assert flushed.returncode == 0, flushed.stderr
    assert json.loads(flushed.stdout)["accepted"] == 1


def test_submit_without_backend_config_still_queues(tmp_path: Path, env: dict[str, str]) -> None:
    r = _station(env, "submit", str(_form_file(tmp_path)))
    assert r.returncode == 3
    assert json.loads(_station(env, "outbox", "status", "--json").stdout)["counts"]["queued"] == 1


def test_bhyt_check_cli(env: dict[str, str]) -> None:
    card = fixture_for_code("010")
    with GatewayServer() as gw:
        e = {
            **env,
            "STATION_BHXH_URL": gw.url,
            "STATION_BHXH_USERNAME": DEFAULT_USERNAME,
            "STATION_BHXH_PASSWORD": DEFAULT_PASSWORD,
            "STATION_BHXH_OFFICER_NAME": "CÁN BỘ THỬ",
            "STATION_BHXH_OFFICER_ID": "079099000999",
        }
        r = _station(e, "bhyt", "check", "--id-number", card.cccd, "--name", card.name, "--dob", card.dob, "--json")
        text = _station(e, "bhyt", "check", "--id-number", card.card_code, "--name", card.name, "--dob", card.dob)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["code"] == "010" and out["verdict"] == "invalid" and out["card"]["group"] == "GD"
    assert "Thẻ hết giá trị sử dụng" in text.stdout
    offline = {**e, "STATION_BHXH_URL": f"http://127.0.0.1:{free_port()}"}
    r = _station(offline, "bhyt", "check", "--id-number", card.cccd, "--name", card.name, "--dob", card.dob)
    assert r.returncode == 3 and "Chưa kiểm tra" in r.stdout


def test_submit_revalidates_an_edited_file(tmp_path: Path, env: dict[str, str]) -> None:
    doc = {**sample_submission(5), "issues": [], "complete": True}
    doc["values"]["so_dien_thoai"] = ""  # edited after `forms fill` said it was complete
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    r = _station(env, "submit", str(path))
    assert r.returncode == 2 and "so_dien_thoai" in r.stderr
    forced = _station(env, "submit", str(path), "--force")
    assert forced.returncode == 3  # queued (no backend configured here); the backend will judge it
