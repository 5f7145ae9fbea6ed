"""Fixtures for reading virtual CCCDs through the real pcscd with the station's reader."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

from hardware_mocks import pki as test_pki
from hardware_mocks.citizens import generate, synthetic_face
from hardware_mocks.harness import inserted_card
from hardware_mocks.virtual_cccd import CardFaults, VirtualCCCD
from hardware_mocks.vpcd import VpcdCard
from station.identity import Identity


@pytest.fixture(scope="session")
def pki_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("pki")
    test_pki.load_or_create(directory)
    return directory


@pytest.fixture(scope="session")
def citizens(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Identity, bytes]]:
    """Synthetic citizens covering the profile's cases (spouse or not, over 60, old number)."""
    return [(person, synthetic_face(person.id_number, person.sex)) for person in generate(12, 20261123)]


CardFactory = Callable[..., AbstractContextManager[VpcdCard]]


@pytest.fixture
def virtual_card(pcscd: None, vpcd_port: int, pki_dir: Path) -> Iterator[CardFactory]:
    """Put a virtual CCCD for an identity on the vpcd reader for the duration of a ``with`` block."""

    def factory(
        identity: Identity,
        face: bytes | None = None,
        *,
        faults: CardFaults | None = None,
        **options: Any,
    ) -> AbstractContextManager[VpcdCard]:
        """``options``: VirtualCCCD.from_identity's switches (security_protocols, pace, forge_sod, clone)."""
        card = VirtualCCCD.from_identity(identity, face, test_pki.load_or_create(pki_dir), faults=faults, **options)
        return inserted_card(card, port=vpcd_port)

    yield factory


@pytest.fixture(scope="session")
def master_list(pki_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test CSCA master list, in the real .ml format, as an authority would publish it."""
    return test_pki.write_master_list(tmp_path_factory.mktemp("ml"), test_pki.load_or_create(pki_dir))
