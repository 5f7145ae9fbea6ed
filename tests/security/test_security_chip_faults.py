"""Faults at every step of a chip read, in process: ChipSession over the virtual card's APDU engine.

Every command goes through its byte encoding into ``VirtualCCCD.handle_apdu`` (what pcscd + vpcd
carry in production). A fault at APDU *i* — the card pulled, a response with a broken MAC, a replayed
response (wrong SSC), a truncated one, a 6Cxx storm — must end the read in a ``ReaderError`` or in
the very identity a clean read gives: never a different or half-filled one. A fresh session on the
same card then reads it completely.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from hardware_mocks import pki as test_pki
from hardware_mocks.citizens import generate, synthetic_face
from hardware_mocks.virtual_cccd import CardFaults, CardRemoved, VirtualCCCD
from station.identity import Identity
from station.readers.chip import AccessKey, AccessProtocol, ChipReading, ChipSession
from station.readers.errors import CardRemovedError, ReaderError
from station.readers.icao.apdu import CommandAPDU, ResponseAPDU

Mangle = Callable[[int, CommandAPDU, bytes], bytes | None]
"""(APDU index, command, raw response) → the raw response to deliver, or None to deliver it unchanged."""


@dataclass
class EngineTransport:
    """In-process link to the card engine; ``mangle`` tampers with responses to model a hostile card or link."""

    card: VirtualCCCD
    mangle: Mangle | None = None
    max_apdu_data: int = 256
    count: int = 0
    instructions: list[int] = field(default_factory=list)
    _previous: bytes = b""

    def transmit(self, command: CommandAPDU) -> ResponseAPDU:
        self.count += 1
        self.instructions.append(command.ins)
        try:
            raw = self.card.handle_apdu(command.to_bytes())
        except CardRemoved as exc:  # what the PC/SC layer turns a pulled card into
            raise CardRemovedError(str(exc)) from exc
        if self.mangle is not None:
            raw = self.mangle(self.count, command, raw) or raw
        return ResponseAPDU.from_bytes(raw)


@dataclass(frozen=True)
class Citizen:
    identity: Identity
    face: bytes
    pki: test_pki.TestPKI


@pytest.fixture(scope="module")
def citizen(tmp_path_factory: pytest.TempPathFactory) -> Citizen:
    person = generate(1, 909)[0]
    face = synthetic_face(person.id_number, person.sex, size=(40, 52))  # small DG2: few APDUs per pass
    return Citizen(person, face, test_pki.load_or_create(Path(tmp_path_factory.mktemp("pki"))))


@pytest.fixture(scope="module")
def card(citizen: Citizen) -> VirtualCCCD:
    return VirtualCCCD.from_identity(citizen.identity, citizen.face, citizen.pki)


def _key(person: Identity, *, mrz: bool = False) -> AccessKey:
    import datetime as dt

    if not mrz:
        return AccessKey.for_cccd(person.id_number)
    expiry = dt.date.fromisoformat(person.date_of_expiry) if person.date_of_expiry else None
    return AccessKey.for_cccd(
        person.id_number, dt.date.fromisoformat(person.date_of_birth), expiry, never_expires=expiry is None
    )


@dataclass
class Outcome:
    reading: ChipReading | None
    error: ReaderError | None
    partials: list[Identity]
    apdus: int


def _read(card: VirtualCCCD, key: AccessKey, mangle: Mangle | None = None, link_size: int = 256) -> Outcome:
    card.power_on()
    link = EngineTransport(card, mangle, max_apdu_data=link_size)
    partials: list[Identity] = []
    try:
        reading = ChipSession(link, key, on_partial=partials.append).read()
    except ReaderError as exc:
        return Outcome(None, exc, partials, link.count)
    return Outcome(reading, None, partials, link.count)


def _same_person(reading: ChipReading, baseline: ChipReading) -> None:
    assert reading.identity.model_dump(exclude={"verification"}) == baseline.identity.model_dump(
        exclude={"verification"}
    )
    assert reading.data_groups == baseline.data_groups


def _baseline(card: VirtualCCCD, key: AccessKey, link_size: int = 256) -> tuple[ChipReading, list[int]]:
    card.power_on()
    link = EngineTransport(card, max_apdu_data=link_size)
    reading = ChipSession(link, key).read()
    return reading, link.instructions


def _check_contract(outcome: Outcome, baseline: ChipReading) -> None:
    """The rule every fault must keep: a clean error, or exactly the clean read's person."""
    if outcome.reading is None:
        assert isinstance(outcome.error, ReaderError)
        assert outcome.error.clerk_message  # something the clerk can act on
    else:
        _same_person(outcome.reading, baseline)
    for partial in outcome.partials:  # an early preview never claims to be verified
        assert partial.verification is None
        assert partial.id_number == baseline.identity.id_number


@pytest.fixture(scope="module")
def pace_baseline(card: VirtualCCCD, citizen: Citizen) -> tuple[ChipReading, list[int]]:
    card.faults = CardFaults()
    return _baseline(card, _key(citizen.identity))


def test_clean_read_exercises_every_protocol(pace_baseline: tuple[ChipReading, list[int]]) -> None:
    reading, instructions = pace_baseline
    assert reading.protocol is AccessProtocol.PACE
    checks = reading.identity.verification.checks() if reading.identity.verification else {}
    assert checks["chip_authentication"].status.value == "passed"
    assert checks["active_authentication"].status.value == "passed"
    # PACE/CA (MSE 22, GENERAL AUTHENTICATE 86), AA (INTERNAL AUTHENTICATE 88), SELECT A4, READ BINARY B0
    assert {0x22, 0x86, 0x88, 0xA4, 0xB0} <= set(instructions)


def _pull_everywhere(
    card: VirtualCCCD, key: AccessKey, baseline: ChipReading, total: int, link_size: int = 256
) -> set[str]:
    kinds: set[str] = set()
    for index in range(1, total + 1):
        card.faults = CardFaults(remove_at_apdu=index, refuse_pace=card.faults.refuse_pace)
        outcome = _read(card, key, link_size=link_size)
        assert outcome.reading is None, f"a read survived a pull at APDU {index}"
        assert isinstance(outcome.error, CardRemovedError), (index, outcome.error)
        _check_contract(outcome, baseline)
        kinds.add(type(outcome.error).__name__)
        # the card comes back as a fresh insertion: a new session reads it all
        retry = _read(card, key, link_size=link_size)
        assert retry.reading is not None, (index, retry.error)
        _same_person(retry.reading, baseline)
    return kinds


def test_card_pulled_at_every_apdu_of_a_pace_read(
    card: VirtualCCCD, citizen: Citizen, pace_baseline: tuple[ChipReading, list[int]]
) -> None:
    baseline, instructions = pace_baseline
    card.faults = CardFaults()
    assert _pull_everywhere(card, _key(citizen.identity), baseline, len(instructions)) == {"CardRemovedError"}


def test_card_pulled_at_every_apdu_over_an_extended_length_link(
    card: VirtualCCCD, citizen: Citizen, pace_baseline: tuple[ChipReading, list[int]]
) -> None:
    """What pcscd offers for a contactless reader: whole files in one extended READ BINARY."""
    card.faults = CardFaults()
    key = _key(citizen.identity)
    baseline, instructions = _baseline(card, key, link_size=65536)
    assert len(instructions) < len(pace_baseline[1])  # fewer, larger reads: a different path
    _same_person(baseline, pace_baseline[0])
    _pull_everywhere(card, key, baseline, len(instructions), link_size=65536)


def test_card_pulled_at_every_apdu_of_a_bac_read(card: VirtualCCCD, citizen: Citizen) -> None:
    card.faults = CardFaults(refuse_pace=True)
    key = _key(citizen.identity, mrz=True)
    try:
        baseline, instructions = _baseline(card, key)
        assert baseline.protocol is AccessProtocol.BAC
        assert {0x84, 0x82} <= set(instructions)  # GET CHALLENGE, EXTERNAL AUTHENTICATE
        _pull_everywhere(card, key, baseline, len(instructions))
    finally:
        card.faults = CardFaults()


def _flip_mac(index: int) -> Mangle:
    def mangle(i: int, command: CommandAPDU, raw: bytes) -> bytes | None:
        if i != index or len(raw) < 4 or not command.cla & 0x0C:
            return None
        return raw[:-3] + bytes((raw[-3] ^ 0x01,)) + raw[-2:]  # last MAC byte, just before SW1 SW2

    return mangle


def _replay(index: int) -> Mangle:
    """Answer APDU ``index`` with the previous protected response: right keys, wrong SSC."""
    previous: dict[str, bytes] = {}

    def mangle(i: int, command: CommandAPDU, raw: bytes) -> bytes | None:
        if not command.cla & 0x0C:
            return None
        earlier = previous.get("raw")
        previous["raw"] = raw
        return earlier if i == index and earlier is not None else None

    return mangle


def _truncate(index: int) -> Mangle:
    def mangle(i: int, command: CommandAPDU, raw: bytes) -> bytes | None:
        if i != index or len(raw) <= 2:
            return None
        return raw[: (len(raw) - 2) // 2] + raw[-2:]

    return mangle


FAULTS: dict[str, Callable[[int], Mangle]] = {"wrong MAC": _flip_mac, "wrong SSC": _replay, "truncated": _truncate}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_one_bad_response_at_every_apdu(
    card: VirtualCCCD, citizen: Citizen, pace_baseline: tuple[ChipReading, list[int]], fault: str
) -> None:
    baseline, instructions = pace_baseline
    key = _key(citizen.identity)
    card.faults = CardFaults()
    recovered = failed = 0
    for index in range(1, len(instructions) + 1):
        outcome = _read(card, key, FAULTS[fault](index))
        _check_contract(outcome, baseline)
        if outcome.reading is None:
            failed += 1
        else:
            recovered += 1
    assert failed > 0  # the fault was noticed somewhere (not silently swallowed everywhere)
    retry = _read(card, key)
    assert retry.reading is not None
    _same_person(retry.reading, baseline)
    print(f"{fault}: {recovered} reads recovered in-session, {failed} ended in a clean error")


def _persistent(start: int, spoil: Callable[[bytes], bytes]) -> Mangle:
    def mangle(i: int, command: CommandAPDU, raw: bytes) -> bytes | None:
        return spoil(raw) if i >= start else None

    return mangle


def _storm(raw: bytes) -> bytes:
    return b"\x6c\x10"  # "wrong Le, use 16" on every command, forever


def _bad_mac(raw: bytes) -> bytes:
    return raw[:-3] + bytes((raw[-3] ^ 0x80,)) + raw[-2:] if len(raw) > 4 else raw


@pytest.mark.parametrize("spoil", [_storm, _bad_mac, lambda raw: raw[-2:]], ids=["6Cxx storm", "MAC", "no data"])
def test_a_card_that_keeps_misbehaving_ends_in_a_clean_error(
    card: VirtualCCCD, citizen: Citizen, pace_baseline: tuple[ChipReading, list[int]], spoil: Callable[[bytes], bytes]
) -> None:
    baseline, instructions = pace_baseline
    key = _key(citizen.identity)
    card.faults = CardFaults()
    for start in sorted({1, 5, len(instructions) // 3, len(instructions) // 2, len(instructions) - 2}):
        outcome = _read(card, key, _persistent(start, spoil))
        assert outcome.reading is None, start
        _check_contract(outcome, baseline)
        assert outcome.apdus < len(instructions) * 4, "the reader kept retrying a hopeless card"
    retry = _read(card, key)
    assert retry.reading is not None
    _same_person(retry.reading, baseline)
