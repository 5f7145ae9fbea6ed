"""Personal data stays where it belongs (Nghị định 13/2023/NĐ-CP).

* a full run through the CLI at DEBUG — chip read (through pcscd and the virtual card), forms fill,
  submit, BHYT check — leaves no personal number, name, date of birth or face bytes in any log;
* no file the station writes (outbox, config, temp files) holds them in clear, the face included;
* the outbox database holds no plaintext name, and the retention purge removes the sealed payload.

Only the files the clerk explicitly asked for (``--json`` exports to ``out/``) may hold them.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from security_support import Needles, accept_all

from hardware_mocks import pki as test_pki
from hardware_mocks.bhxh_gateway import DEFAULT_PASSWORD, DEFAULT_USERNAME, GatewayServer
from hardware_mocks.citizens import generate, synthetic_face
from hardware_mocks.harness import VPCD_READERS, inserted_card
from hardware_mocks.virtual_cccd import VirtualCCCD
from procedure_backend import Database, create_app
from procedure_backend.testing import ServerThread
from procedure_backend.tokens import TokenStore
from station.identity import Identity
from station.submit import Outbox, OutboxState

STATION_MAIN = "import sys; from station.cli import main; sys.exit(main())"
TWELVE_DIGITS = re.compile(rb"(?<![0-9])[0-9]{12}(?![0-9])")


@pytest.fixture(scope="module")
def citizen() -> tuple[Identity, bytes]:
    person = generate(3, 13_2023)[2]
    return person, synthetic_face(person.id_number, person.sex)


def _station(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-c", STATION_MAIN, "--log-level", "DEBUG", *args], env=env, capture_output=True, timeout=120
    )


@pytest.fixture
def station_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    root = tmp_path / "station"
    for sub in ("home", "tmp", "data", "config", "cache"):
        (root / sub).mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATION_")}
    env.update(
        HOME=str(root / "home"),
        TMPDIR=str(root / "tmp"),
        XDG_CONFIG_HOME=str(root / "config"),
        XDG_DATA_HOME=str(root / "data"),
        XDG_CACHE_HOME=str(root / "cache"),
        STATION_DATA_DIR=str(root / "data" / "station"),
        STATION_CONFIG=str(root / "config" / "station.toml"),
        STATION_TRUST_DIR=str(root / "data" / "trust"),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    yield env


def test_full_cli_run_at_debug_leaks_no_personal_data(
    pcscd: None,
    vpcd_port: int,
    tmp_path: Path,
    station_env: dict[str, str],
    citizen: tuple[Identity, bytes],
) -> None:
    person, face = citizen
    needles = Needles.of(person, face)
    out = tmp_path / "out"  # the clerk's explicit exports: allowed to hold the data
    out.mkdir()
    server_side = tmp_path / "server"
    server_side.mkdir()
    db = Database(f"sqlite:///{server_side / 'backend.sqlite3'}")
    db.upgrade()
    token = TokenStore(db).create("tram-pii")
    pki = test_pki.load_or_create(server_side / "pki")
    card = VirtualCCCD.from_identity(person, face, pki)
    logs: dict[str, bytes] = {}
    env = dict(station_env)

    # the backend takes the form as is: an incomplete CT01 is fine for a test about where data goes
    with ServerThread(create_app(db, validator=accept_all)) as backend, GatewayServer() as gateway:
        env.update(
            STATION_BACKEND_URL=backend.url,
            STATION_BACKEND_TOKEN=token,
            STATION_BHXH_URL=gateway.url,
            STATION_BHXH_USERNAME=DEFAULT_USERNAME,
            STATION_BHXH_PASSWORD=DEFAULT_PASSWORD,
            STATION_BHXH_OFFICER_NAME="Cán bộ Thử",
            STATION_BHXH_OFFICER_ID="079099000999",
        )
        with inserted_card(card, port=vpcd_port):
            read = _station(env, "read", "--reader", VPCD_READERS[vpcd_port], "--id-number", person.id_number, "--json")
        assert read.returncode == 0, read.stderr.decode(errors="replace")[-2000:]
        logs["read"] = read.stderr
        read_identity = json.loads(read.stdout)
        assert read_identity["id_number"] == person.id_number and read_identity["full_name"] == person.full_name
        # the face was read (the explicit export carries it), so there were face bytes to leak
        assert any(h.startswith("face") for h in needles.found_in(read.stdout))
        identity_file = out / "identity.json"
        identity_file.write_bytes(read.stdout)

        fill = _station(env, "forms", "fill", "ct01", "--identity", str(identity_file), "--json")
        assert fill.returncode in (0, 2), fill.stderr.decode(errors="replace")[-2000:]  # 2: issues left
        logs["forms fill"] = fill.stderr
        filled = out / "filled.json"
        filled.write_bytes(fill.stdout)
        assert person.full_name in fill.stdout.decode("utf-8")

        submit = _station(env, "submit", str(filled), "--force", "--json")
        assert submit.returncode == 0, submit.stderr.decode(errors="replace")[-2000:]
        logs["submit"] = submit.stderr
        assert json.loads(submit.stdout)["state"] == "accepted"

        check = _station(
            env, "bhyt", "check", "--id-number", person.id_number, "--name", person.full_name,
            "--dob", dt.date.fromisoformat(person.date_of_birth).strftime("%d/%m/%Y"),
        )  # fmt: skip
        logs["bhyt check"] = check.stderr
        assert check.returncode in (0, 3), check.stderr.decode(errors="replace")[-2000:]
    db.dispose()

    assert any(b" DEBUG " in text for text in logs.values()), "DEBUG logging was not on"
    assert b" INFO station.readers" in logs["read"]  # the read did log, so its silence on PII means something
    for step, text in logs.items():
        assert needles.found_in(text) == [], f"personal data in the {step} log"
        assert TWELVE_DIGITS.findall(text) == [], f"a 12-digit number in the {step} log"

    # every file the station wrote (outbox, its key, config, temp files) is free of it too
    root = Path(station_env["HOME"]).parent
    written = [p for p in root.rglob("*") if p.is_file()]
    assert any(p.name.startswith("outbox") or "outbox" in str(p) for p in written), written
    for path in written:
        assert needles.found_in(path.read_bytes()) == [], f"personal data in {path.relative_to(root)}"
    assert list(Path(station_env["TMPDIR"]).iterdir()) == []  # no leftover temp files at all


def test_outbox_database_holds_no_plaintext_and_purge_removes_the_payload(
    tmp_path: Path, citizen: tuple[Identity, bytes]
) -> None:
    person, face = citizen
    needles = Needles.of(person, face)
    path = tmp_path / "outbox.sqlite3"
    payload = {
        "form_id": "ct01",
        "form_version": "1",
        "values": {
            "full_name": person.full_name,
            "id_number": person.id_number,
            "date_of_birth": person.date_of_birth,
            "photo": base64.b64encode(face).decode(),
        },
    }
    box = Outbox(path, key_file=tmp_path / "outbox.key", use_keyring=False)
    kept = box.enqueue(payload, form_id="ct01")
    old = box.enqueue(payload, form_id="ct01")
    box.mark_rejected(kept, f"backend refused {person.full_name}")  # reasons may quote values: sealed too
    claimed = box.claim_next(ignore_schedule=True)
    assert claimed is not None and claimed.id == old
    box.mark_accepted(old, server_id="srv-1")
    files = sorted(tmp_path.glob("outbox.sqlite3*"))
    for file in files:
        assert needles.found_in(file.read_bytes()) == [], file.name
    assert box.payload(old) == payload  # encrypted, not lost

    # retention: an accepted item older than the retention loses its payload, the rest stays
    assert box.purge_accepted(dt.timedelta(days=30), now=dt.datetime.now(dt.UTC).timestamp() + 31 * 86400) == 1
    purged = box.get(old)
    assert purged is not None and purged.purged and purged.state is OutboxState.ACCEPTED
    with pytest.raises(Exception):  # noqa: B017 -- whichever OutboxError: the payload is gone
        box.payload(old)
    assert box.payload(kept) == payload  # a rejected item waits for the clerk, whatever its age
    box.close()
    for file in sorted(tmp_path.glob("outbox.sqlite3*")):
        assert needles.found_in(file.read_bytes()) == [], file.name
