"""Property tests over every parser the atheris harnesses fuzz: a valid result or the parser's typed error.

Inputs are the real encoders' output (hardware_mocks) damaged the ways a card, a camera or a file
damages data — bytes flipped, cut short, extended, spliced, lengths bumped — plus plain random bytes.
The contract and the seeds are bench/fuzz_targets.py's, so CI and the long atheris runs agree.
"""

from __future__ import annotations

import functools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.fuzz_common import Harness, check_one
from bench.fuzz_targets import HARNESSES

EXAMPLES = 400


@functools.cache
def _seeds(name: str) -> tuple[bytes, ...]:
    return tuple(HARNESSES[name].seeds())


def _flip(data: bytes, index: int, value: int) -> bytes:
    if not data:
        return data
    i = index % len(data)
    return data[:i] + bytes((value,)) + data[i + 1 :]


def _cut(data: bytes, index: int) -> bytes:
    return data[: index % (len(data) + 1)]


def _splice(data: bytes, index: int, insert: bytes) -> bytes:
    i = index % (len(data) + 1)
    return data[:i] + insert + data[i:]


def _bump_length(data: bytes, index: int) -> bytes:
    """Raise a byte that is likely a length (just after a tag) so the value claims more than there is."""
    if len(data) < 2:
        return data
    i = 1 + index % (len(data) - 1)
    return data[:i] + bytes(((data[i] + 1) % 256,)) + data[i + 1 :]


def damaged(name: str) -> st.SearchStrategy[bytes]:
    seeds = st.sampled_from(_seeds(name))
    position = st.integers(0, 1 << 20)
    one = st.one_of(
        st.builds(_flip, seeds, position, st.integers(0, 255)),
        st.builds(_cut, seeds, position),
        st.builds(_splice, seeds, position, st.binary(min_size=1, max_size=16)),
        st.builds(_bump_length, seeds, position),
    )
    twice = st.builds(lambda a, i, v: _flip(a, i, v), one, position, st.integers(0, 255))
    return st.one_of(seeds, one, twice, st.binary(max_size=300))


def _assert_contract(harness: Harness, data: bytes) -> None:
    outcome = check_one(harness, data)
    if isinstance(outcome, BaseException):
        raise AssertionError(f"{harness.name}: {type(outcome).__name__} escaped the parser") from outcome


@pytest.mark.parametrize("name", sorted(HARNESSES))
def test_seeds_are_valid_inputs(name: str) -> None:
    """The seeds must parse: otherwise the damaged variants test nothing but the first check."""
    harness = HARNESSES[name]
    seeds = _seeds(name)
    assert seeds
    assert all(check_one(harness, seed) is True for seed in seeds), name


@pytest.mark.parametrize("name", sorted(HARNESSES))
def test_damaged_inputs_end_in_a_typed_error_or_a_result(name: str) -> None:
    harness = HARNESSES[name]

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(damaged(name))
    def run(data: bytes) -> None:
        _assert_contract(harness, data)

    run()
