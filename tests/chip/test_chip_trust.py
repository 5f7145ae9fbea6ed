"""Issue 4 on the real stack: passive authentication, chip and active authentication, clone and
forgery faults, PACE-CAN and the BAC fallback, read with ``station read`` through pcscd."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from hardware_mocks.virtual_cccd import CardFaults
from hardware_mocks.vpcd import VpcdCard
from station.cli import main as station_main
from station.identity import Identity
from station.readers.qr import format_qr_payload

CardFactory = Callable[..., AbstractContextManager[VpcdCard]]
CHECKS = ("data_group_hashes", "sod_signature", "certificate_chain", "chip_authentication", "active_authentication")


@pytest.fixture
def trust_dir(tmp_path: Path, master_list: Path, capsys: pytest.CaptureFixture[str]) -> str:
    directory = str(tmp_path / "trust")
    assert station_main(["trust", "--trust-dir", directory, "import", str(master_list)]) == 0
    capsys.readouterr()
    return directory


def _statuses(
    capsys: pytest.CaptureFixture[str], reader: str, person: Identity, trust: str, *extra: str
) -> dict[str, str]:
    args = ["read", "--reader", reader, "--trust-dir", trust, "--json", *extra]
    if not {"--mrz", "--qr", "--id-number"} & set(extra):
        args += ["--id-number", person.id_number]
    code = station_main(args)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    verification = json.loads(captured.out)["verification"]
    return {name: verification[name]["status"] for name in verification}


@pytest.mark.parametrize(
    ("with_master_list", "chain"),
    [(True, "passed"), (False, "unknown_trust_anchor")],
    ids=["master-list-imported", "empty-trust-store"],
)
def test_genuine_card_passes_every_check_and_the_chain_needs_the_master_list(
    with_master_list: bool,
    chain: str,
    citizens: list[tuple[Identity, bytes]],
    virtual_card: CardFactory,
    vpcd_reader: str,
    trust_dir: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    person, face = citizens[0]
    trust = trust_dir if with_master_list else str(tmp_path / "empty-trust")
    with virtual_card(person, face):
        statuses = _statuses(capsys, vpcd_reader, person, trust)
    expected = dict.fromkeys(CHECKS, "passed") | {"certificate_chain": chain}
    assert {name: statuses[name] for name in CHECKS} == expected


@pytest.mark.parametrize(
    ("options", "failed"),
    [
        ({"forge_sod": True}, {"certificate_chain"}),
        ({"faults": CardFaults(corrupt_dg=2)}, {"data_group_hashes"}),
        ({"faults": CardFaults(corrupt_dg=13)}, {"data_group_hashes"}),
        ({"faults": CardFaults(corrupt_dg=1)}, {"data_group_hashes"}),
        ({"clone": True}, {"chip_authentication", "active_authentication"}),
    ],
    ids=["forge-sod", "corrupt-dg2", "corrupt-dg13", "corrupt-dg1", "clone"],
)
def test_each_fault_fails_exactly_its_check(
    options: dict[str, object],
    failed: set[str],
    citizens: list[tuple[Identity, bytes]],
    virtual_card: CardFactory,
    vpcd_reader: str,
    trust_dir: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    person, face = citizens[2]
    with virtual_card(person, face, **options):
        statuses = _statuses(capsys, vpcd_reader, person, trust_dir)
    assert {name for name in CHECKS if statuses[name] == "failed"} == failed
    assert all(statuses[name] == "passed" for name in CHECKS if name not in failed)


def test_bac_only_card_reads_by_bac_and_still_proves_its_chip(
    citizens: list[tuple[Identity, bytes]],
    virtual_card: CardFactory,
    vpcd_reader: str,
    trust_dir: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    person, face = citizens[3]
    expiry = ["--expiry", person.date_of_expiry] if person.date_of_expiry else ["--no-expiry"]
    with virtual_card(person, face, pace=False):
        statuses = _statuses(
            capsys,
            vpcd_reader,
            person,
            trust_dir,
            "--id-number",
            person.id_number,
            "--dob",
            person.date_of_birth,
            *expiry,
        )
        code = station_main(["read", "--reader", vpcd_reader, "--id-number", person.id_number, "--json"])
        err = capsys.readouterr().err
    assert {name: statuses[name] for name in CHECKS} == dict.fromkeys(CHECKS, "passed")
    assert code == 4 and "ngày sinh" in err, "without DOB/expiry the clerk is told what is missing"


def test_qr_gives_the_keys_and_is_compared_with_the_chip(
    citizens: list[tuple[Identity, bytes]],
    virtual_card: CardFactory,
    vpcd_reader: str,
    trust_dir: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    person, face = next(c for c in citizens if c[0].date_of_issue)
    qr = format_qr_payload(person)
    with virtual_card(person, face, pace=False):  # BAC needs DOB + expiry: both come from the QR
        statuses = _statuses(capsys, vpcd_reader, person, trust_dir, "--qr", qr)
        assert statuses["qr_matches_chip"] == "passed"
        tampered = qr.replace(person.full_name, person.full_name + " Văn", 1)
        assert (
            station_main(["read", "--reader", vpcd_reader, "--trust-dir", trust_dir, "--qr", tampered, "--json"]) == 0
        )
    result = json.loads(capsys.readouterr().out)["verification"]["qr_matches_chip"]
    assert result["status"] == "failed"
    assert "Họ" in result["detail"], "the mismatch names the field"


def test_an_older_card_without_pace_does_not_advertise_it_in_dg14(citizens: list[tuple[Identity, bytes]]) -> None:
    from hardware_mocks.lds_builder import personalise
    from station.readers.icao.lds.dg14 import parse_dg14

    person, face = citizens[0]
    assert parse_dg14(personalise(person, face, pace=True).files[0x010E]).pace_infos
    assert not parse_dg14(personalise(person, face, pace=False).files[0x010E]).pace_infos
