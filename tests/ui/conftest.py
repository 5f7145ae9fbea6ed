"""UI fixtures: the real window on Qt's offscreen platform, a virtual card through the real pcscd,
the procedure backend and the mock BHXH gateway on loopback."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

from hardware_mocks import pki as test_pki
from hardware_mocks.bhxh_gateway import DEFAULT_PASSWORD, DEFAULT_USERNAME, GatewayServer
from hardware_mocks.citizens import generate, synthetic_face
from hardware_mocks.harness import inserted_card
from hardware_mocks.virtual_cccd import CardFaults, VirtualCCCD
from hardware_mocks.vpcd import VpcdCard
from procedure_backend import Database, create_app
from procedure_backend.testing import ServerThread, free_port
from procedure_backend.tokens import TokenStore
from station.config import load_settings
from station.identity import Identity
from station.readers.icao.trust_store import TrustStore

CardFactory = Callable[..., AbstractContextManager[VpcdCard]]


@pytest.fixture(scope="session")
def ui_pki_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("ui-pki")
    test_pki.load_or_create(directory)
    return directory


@pytest.fixture(scope="session")
def people() -> list[tuple[Identity, bytes]]:
    return [(person, synthetic_face(person.id_number, person.sex)) for person in generate(4, 20261124)]


@pytest.fixture
def card(pcscd: None, vpcd_port: int, ui_pki_dir: Path) -> CardFactory:
    def factory(
        identity: Identity, face: bytes | None = None, *, faults: CardFaults | None = None, bac_only: bool = False
    ) -> AbstractContextManager[VpcdCard]:
        pki = test_pki.load_or_create(ui_pki_dir)
        virtual = VirtualCCCD.from_identity(identity, face, pki, faults=faults, security_protocols=not bac_only)
        return inserted_card(virtual, port=vpcd_port)

    return factory


class Backend:
    """The procedure backend on a fixed port, so a test can take it down and bring it back."""

    def __init__(self, tmp: Path) -> None:
        self.db = Database(f"sqlite:///{tmp / 'backend.sqlite3'}")
        self.db.upgrade()
        self.token = TokenStore(self.db).create("tram-ui")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server: ServerThread | None = None

    def start(self) -> None:
        self.server = ServerThread(create_app(self.db), port=self.port)
        self.server.__enter__()

    def stop(self) -> None:
        if self.server is not None:
            self.server.__exit__(None, None, None)
            self.server = None


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[Backend]:
    server = Backend(tmp_path)
    server.start()
    yield server
    server.stop()
    server.db.dispose()


@pytest.fixture(scope="session")
def gateway() -> Iterator[GatewayServer]:
    with GatewayServer() as server:
        yield server


@pytest.fixture
def make_services(tmp_path: Path, backend: Backend, gateway: GatewayServer, ui_pki_dir: Path) -> Callable[..., Any]:
    from station.ui.services import StationServices

    def factory(**overrides: str) -> StationServices:
        env = {
            "STATION_CONFIG": str(tmp_path / "no-config.toml"),
            "STATION_DATA_DIR": str(tmp_path / "station"),
            "STATION_BACKEND_URL": backend.url,
            "STATION_BACKEND_TOKEN": backend.token,
            "STATION_BHXH_URL": gateway.url,
            "STATION_BHXH_USERNAME": DEFAULT_USERNAME,
            "STATION_BHXH_PASSWORD": DEFAULT_PASSWORD,
            "STATION_BHXH_OFFICER_NAME": "Cán Bộ Thử",
            "STATION_BHXH_OFFICER_ID": "079099999999",
            **overrides,
        }
        return StationServices.from_settings(
            load_settings(env), use_keyring=False, retry_base_s=0.2, trust=TrustStore(tmp_path / "trust")
        )

    return factory


@pytest.fixture
def make_window(qtbot: Any, make_services: Callable[..., Any], vpcd_reader: str) -> Iterator[Callable[..., Any]]:
    from PySide6.QtTest import QTest

    from station.ui.main_window import MainWindow
    from station.ui.profiles import profile

    windows: list[MainWindow] = []

    def factory(profile_name: str = "counter", **kwargs: Any) -> MainWindow:
        kwargs.setdefault("idle_timeout_s", 0)
        window = MainWindow(make_services(), profile(profile_name), reader=vpcd_reader, **kwargs)
        qtbot.addWidget(window)
        window.show()
        window.activateWindow()  # window shortcuts (F3, Ctrl+Enter) need the active window
        assert QTest.qWaitForWindowActive(window)
        windows.append(window)
        return window

    yield factory
    for window in windows:
        window.shutdown()
