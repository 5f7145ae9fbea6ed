"""Whatever bytes a card sends, the parsers and protocols fail with the readers' own errors only."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hardware_mocks.card_security import build_dg14, card_access_bytes, generate_chip_auth_key
from station.readers.errors import MalformedDataError, ReaderError
from station.readers.icao.apdu import CommandAPDU, ResponseAPDU
from station.readers.icao.lds.dg14 import parse_dg14
from station.readers.icao.lds.dg15 import parse_dg15
from station.readers.icao.pace import PacePassword, perform_pace
from station.readers.icao.security_infos import PaceInfo, parse_security_infos
from station.readers.icao.sm import SecureChannel

CARD_ACCESS = card_access_bytes()
DG14 = build_dg14(generate_chip_auth_key())


def _mutations() -> st.SearchStrategy[bytes]:
    """Random bytes, and real files with a byte flipped, cut short or extended."""

    def flip(data: bytes, index: int, value: int) -> bytes:
        i = index % len(data)
        return data[:i] + bytes((value,)) + data[i + 1 :]

    real = st.sampled_from([CARD_ACCESS, DG14])
    return st.one_of(
        st.binary(max_size=80),
        st.builds(flip, real, st.integers(0, 10_000), st.integers(0, 255)),
        st.builds(lambda d, n: d[: n % len(d)], real, st.integers(0, 10_000)),
        st.builds(lambda d, extra: d + extra, real, st.binary(min_size=1, max_size=8)),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutations())
def test_parsers_fail_only_with_malformed_data(data: bytes) -> None:
    for parse in (parse_security_infos, parse_dg14, parse_dg15):
        with contextlib.suppress(MalformedDataError):
            parse(data)


class _RandomCard:
    max_apdu_data = 256

    def __init__(self, answers: list[tuple[bytes, int]]) -> None:
        self.answers = answers

    def transmit(self, command: CommandAPDU) -> ResponseAPDU:
        data, sw = self.answers.pop(0) if self.answers else (b"", 0x9000)
        return ResponseAPDU(data, sw)


_answer = st.tuples(
    st.one_of(st.binary(max_size=70), st.builds(lambda b: b"\x7c" + bytes((len(b),)) + b, st.binary(max_size=70))),
    st.sampled_from([0x9000, 0x9000, 0x9000, 0x6300, 0x6982, 0x6A80, 0x63C1, 0x6F00]),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_answer, min_size=1, max_size=5))
def test_pace_against_a_card_answering_nonsense(answers: list[tuple[bytes, int]]) -> None:
    channel = SecureChannel(_RandomCard(answers))
    try:
        perform_pace(channel, PacePassword.can("123456"), PaceInfo("0.4.0.127.0.7.2.2.4.2.2", 2, 13, b""))
    except ReaderError:
        assert channel.sm is None  # no half-established session is left behind
    else:  # pragma: no cover - a random card cannot know the session keys
        raise AssertionError("PACE succeeded against random answers")
