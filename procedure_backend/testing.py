"""Real servers for tests and benchmarks: a throwaway PostgreSQL cluster and the API on loopback.

Shipped with the backend (not hidden in a conftest) because the tests, the benchmark and a developer
trying the station against a backend all need the same two things.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

__all__ = [
    "BackendProcess",
    "PostgresUnavailableError",
    "ServerThread",
    "free_port",
    "postgres_bindir",
    "sample_submission",
    "temporary_postgres",
]


class PostgresUnavailableError(RuntimeError):
    """No PostgreSQL server binaries on this machine (Debian: ``apt-get install postgresql``)."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def postgres_bindir() -> Path:
    env = os.environ.get("PG_BINDIR")
    candidates = [env] if env else sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise PostgresUnavailableError("PostgreSQL server binaries (initdb, pg_ctl) not found")


@contextlib.contextmanager
def temporary_postgres(*, fsync: bool = False) -> Iterator[str]:
    """Start a private cluster on a free loopback port; yield its SQLAlchemy URL; stop and delete it.

    initdb and postgres refuse to run as root, so as root the cluster belongs to the ``postgres`` user.
    """
    bindir = postgres_bindir()
    tmp = Path(tempfile.mkdtemp(prefix="pgtmp-"))
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    if as_root:
        shutil.chown(tmp, user="postgres", group="postgres")
    data = tmp / "data"
    port = free_port()
    opts = f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c max_connections=100"
    if not fsync:
        opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    try:
        subprocess.run(
            [
                *prefix,
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(tmp / "log"), "-w", "start"],
            check=True,
            capture_output=True,
        )
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(tmp, ignore_errors=True)


class ServerThread:
    """Uvicorn serving ``app`` on 127.0.0.1 in a daemon thread (a real socket, a real HTTP stack)."""

    def __init__(self, app: FastAPI, *, port: int = 0) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", port))
        self.port: int = self._sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ServerThread:
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(10)
        self._sock.close()


class BackendProcess:
    """``python -m procedure_backend serve`` as a child process, for tests that need a separate process."""

    def __init__(self, db_url: str, *, port: int | None = None, extra_args: tuple[str, ...] = ()) -> None:
        self.db_url = db_url
        self.port = port or free_port()
        self.extra_args = extra_args
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> BackendProcess:
        self._proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "procedure_backend", "serve", "--db", self.db_url, "--port", str(self.port)),
                *self.extra_args,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while True:
            if self._proc.poll() is not None:
                err = self._proc.stderr.read().decode(errors="replace") if self._proc.stderr else ""
                raise RuntimeError(f"backend exited early: {err[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            if time.monotonic() > deadline:
                raise RuntimeError("backend did not become healthy")
            time.sleep(0.05)

    def __exit__(self, *exc: object) -> None:
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            if self._proc.stderr:
                self._proc.stderr.close()


def sample_submission(n: int = 0) -> dict[str, Any]:
    """A synthetic, valid ``thong-bao-luu-tru`` submission (no real person); ``n`` varies the guest."""
    return {
        "form_id": "thong-bao-luu-tru",
        "form_version": "2021-05-15",
        "values": {
            "kinh_gui": "Công an phường Thử Nghiệm",
            "ten_co_so": "Nhà nghỉ Giả Định",
            "nguoi_thong_bao": "NGUYỄN VĂN THỬ",
            "so_dien_thoai": "0901234567",
            "dia_chi_luu_tru": {"text": "Số 1 Đường Thử, Phường Mẫu, Thành phố Giả định"},
            "khach": [
                {
                    "ho_ten": f"KHÁCH THỬ SỐ {n}",
                    "so_giay_to": f"0791990{n % 100000:05d}",
                    "ngay_sinh": "1990-01-02",
                    "gioi_tinh": "Nữ" if n % 2 else "Nam",
                    "quoc_tich": "Việt Nam",
                    "ly_do": "Du lịch",
                    "tu_ngay": "2026-11-20",
                    "den_ngay": "2026-11-22",
                }
            ],
        },
        "provenance": {"nguoi_thong_bao": "manual", "khach[0].ho_ten": "chip"},
    }
