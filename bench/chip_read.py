"""Chip read benchmark on a modelled contactless link, through the real pcscd + vpcd.

For each scenario it reports: time to access control, time until the identity fields
(DG13) are in, total time, APDU count, bytes on the wire, the link's lower bound for those
exchanges (bytes × 8 ÷ bit rate + APDUs × turnaround) and the ratio of the total to it.
Medians of ``--runs`` reads each. Run: ``python -m bench.chip_read [--runs 3]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from dataclasses import dataclass, field

from hardware_mocks import pki as test_pki
from hardware_mocks.citizens import generate, synthetic_face
from hardware_mocks.harness import VPCD_READERS, ensure_pcscd, inserted_card
from hardware_mocks.virtual_cccd import CardFaults, VirtualCCCD
from hardware_mocks.vpcd import LinkModel
from station.readers.chip import ACCESS_STEP, AccessKey, ChipSession, ReadProgress
from station.readers.icao.apdu import CommandAPDU, ResponseAPDU
from station.readers.pcsc import PcscCard


class _Counting:
    """The PC/SC transport, counting what crosses the link."""

    def __init__(self, inner: PcscCard) -> None:
        self.inner = inner
        self.apdus = 0
        self.bytes = 0

    @property
    def max_apdu_data(self) -> int:
        return self.inner.max_apdu_data

    def transmit(self, command: CommandAPDU) -> ResponseAPDU:
        response = self.inner.transmit(command)
        self.apdus += 1
        self.bytes += len(command.to_bytes()) + len(response.data) + 2
        return response


@dataclass
class Scenario:
    name: str
    pace: bool = True
    checks: bool = True
    extended: bool = True
    key: str = "can"
    runs: list[dict[str, float]] = field(default_factory=list)


def _read_once(scenario: Scenario, reader: str, key: AccessKey, link: LinkModel) -> dict[str, float]:
    marks: dict[str, float] = {}
    started = time.perf_counter()

    def on_progress(event: ReadProgress) -> None:
        if event.done == event.total and event.label not in marks:
            marks[event.label] = time.perf_counter() - started

    card = PcscCard(reader)
    card.connect()
    counting = _Counting(card)
    try:
        ChipSession(counting, key, authenticate_chip=scenario.checks, on_progress=on_progress).read()
    finally:
        card.disconnect()
    total = time.perf_counter() - started
    bound = counting.bytes * 8 / link.bitrate + counting.apdus * link.turnaround_ms / 1000
    return {
        "access": marks[ACCESS_STEP],
        "dg13": marks["DG13"],
        "total": total,
        "apdus": counting.apdus,
        "bytes": counting.bytes,
        "bound": bound,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.chip_read", description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--port", type=int, default=35963)
    parser.add_argument("--bitrate", type=int, default=424_000)
    parser.add_argument("--turnaround-ms", type=float, default=5.0)
    args = parser.parse_args(argv)

    ensure_pcscd()
    reader = VPCD_READERS[args.port]
    link = LinkModel(bitrate=args.bitrate, turnaround_ms=args.turnaround_ms)
    pki = test_pki.load_or_create()
    person = generate(1, 424)[0]
    face = synthetic_face(person.id_number, person.sex)
    assert person.birth_date is not None
    expiry = None if person.date_of_expiry is None else dt.date.fromisoformat(person.date_of_expiry)
    keys = {
        "can": AccessKey(can=person.can),
        "mrz": AccessKey.for_cccd(person.id_number, person.birth_date, expiry, never_expires=expiry is None),
    }
    scenarios = [
        Scenario("PACE-CAN + CA + AA, extended length"),
        Scenario("PACE-CAN + CA + AA, short reads", extended=False),
        Scenario("BAC, no CA/AA, extended length", pace=False, checks=False, key="mrz"),
        Scenario("BAC, no CA/AA, short reads", pace=False, checks=False, extended=False, key="mrz"),
        Scenario("BAC + CA + AA, extended length", pace=False, key="mrz"),
    ]
    for scenario in scenarios:
        card = VirtualCCCD.from_identity(
            person, face, pki, faults=CardFaults(no_extended_length=not scenario.extended), pace=scenario.pace
        )
        with inserted_card(card, port=args.port, link=link):
            for _ in range(args.runs):
                scenario.runs.append(_read_once(scenario, reader, keys[scenario.key], link))

    print(f"link: {args.bitrate} bit/s, {args.turnaround_ms} ms turnaround per APDU; medians of {args.runs} reads")
    header = f"{'scenario':38} {'access':>7} {'DG13':>7} {'DG13-acc':>8} {'total':>7} {'APDUs':>6} {'bytes':>7}"
    print(header + f" {'bound':>7} {'ratio':>6}")
    medians: dict[str, dict[str, float]] = {}
    for scenario in scenarios:
        m = {k: statistics.median(run[k] for run in scenario.runs) for k in scenario.runs[0]}
        medians[scenario.name] = m
        print(
            f"{scenario.name:38} {m['access']:7.3f} {m['dg13']:7.3f} {m['dg13'] - m['access']:8.3f} {m['total']:7.3f}"
            f" {int(m['apdus']):6d} {int(m['bytes']):7d} {m['bound']:7.3f} {m['total'] / m['bound']:6.2f}"
        )
    pace = medians["PACE-CAN + CA + AA, extended length"]
    bac = medians["BAC, no CA/AA, extended length"]
    after_access = pace["dg13"] - pace["access"]
    print(f"identity fields after access control (PACE, extended): {after_access:.3f} s (target ≤ 0.5)")
    print(f"extended PACE read / its lower bound: {pace['total'] / pace['bound']:.2f} (target ≤ 1.2)")
    print(f"PACE-CAN + all checks / plain BAC read: {pace['total'] / bac['total']:.2f} (target ≤ 1.5)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
