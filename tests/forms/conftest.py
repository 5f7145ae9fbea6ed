"""Synthetic identities (no real person) for the forms tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from station.identity import Identity

FIXTURES = Path(__file__).with_name("fixtures")

# A fixed counter clock: tests do not depend on the day they run.
NOW = dt.datetime(2026, 3, 2, 9, 30)


def load_identity(name: str) -> Identity:
    return Identity.from_json((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture
def identity() -> Callable[[str], Identity]:
    return load_identity


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES
