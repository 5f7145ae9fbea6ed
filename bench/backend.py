"""Backend and outbox throughput: ``python -m bench.backend [--requests N] [--outbox-items N]``.

Prints submissions/s for the procedure backend (uvicorn on loopback in its own process, so client
and server do not share a GIL) on SQLite and on a throwaway PostgreSQL cluster (fsync on), then
flushes an outbox of 10,000 items into the SQLite backend and counts lost and duplicated items in
the backend's database. Target: ≥ 500 submissions/s on SQLite.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from sqlalchemy import func, select

from procedure_backend import Database
from procedure_backend.models import Submission
from procedure_backend.testing import BackendProcess, sample_submission, temporary_postgres
from procedure_backend.tokens import TokenStore
from station.submit import BackendClient, Outbox, OutboxSender, OutboxState


def _prepare(url: str) -> tuple[Database, str]:
    db = Database(url)
    db.upgrade()
    return db, TokenStore(db).create("bench")


def submissions_per_second(base_url: str, token: str, requests: int, concurrency: int) -> tuple[float, int]:
    """Each worker posts its share over one keep-alive connection; returns (rate, non-201 answers)."""
    per_worker = requests // concurrency
    errors = 0
    lock = threading.Lock()
    bodies = [sample_submission(i) for i in range(64)]

    parsed = urlsplit(base_url)
    payloads = [json.dumps(b, ensure_ascii=False).encode("utf-8") for b in bodies]

    def worker() -> None:
        """http.client, not httpx: a lean load generator leaves the shared CPUs to the server under test."""
        nonlocal errors
        bad = 0
        conn = http.client.HTTPConnection(parsed.hostname or "127.0.0.1", parsed.port, timeout=30)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        for i in range(per_worker):
            conn.request(
                "POST",
                "/api/v1/submissions",
                body=payloads[i % 64],
                headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
            )
            response = conn.getresponse()
            response.read()
            if response.status != 201:
                bad += 1
        conn.close()
        with lock:
            errors += bad

    # warm-up: connections, token cache, first-query plans
    submissions_warm = max(concurrency, 50)
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}) as c:
        for i in range(submissions_warm):
            c.post("/api/v1/submissions", json=bodies[i % 64], headers={"Idempotency-Key": str(uuid.uuid4())})
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    return per_worker * concurrency / elapsed, errors


def bench_database(label: str, url: str, requests: int, concurrency: int) -> None:
    db, token = _prepare(url)
    db.dispose()
    with BackendProcess(url) as backend:
        rate, errors = submissions_per_second(backend.url, token, requests, concurrency)
    print(f"{label:<11} {rate:8.0f} submissions/s  ({requests} requests, {concurrency} connections, errors {errors})")


def bench_outbox(workdir: Path, items: int) -> None:
    url = f"sqlite:///{workdir / 'outbox-backend.sqlite3'}"
    db, token = _prepare(url)
    with Outbox(workdir / "outbox.sqlite3", use_keyring=False) as box:
        start = time.perf_counter()
        ids = {box.enqueue(sample_submission(i), form_id="thong-bao-luu-tru") for i in range(items)}
        enqueue_s = time.perf_counter() - start
        with BackendProcess(url) as backend, BackendClient(backend.url, token) as client:
            sender = OutboxSender(box, client)
            start = time.perf_counter()
            report = sender.flush()
            flush_s = time.perf_counter() - start
        accepted = box.counts()[OutboxState.ACCEPTED]
    with db.sessions() as s:
        keys = s.execute(select(Submission.idempotency_key)).scalars().all()
        distinct = s.execute(select(func.count(func.distinct(Submission.idempotency_key)))).scalar_one()
    db.dispose()
    lost = len(ids - set(keys))
    duplicates = len(keys) - distinct
    print(
        f"outbox      {items} items: enqueue {enqueue_s:.1f} s ({items / enqueue_s:.0f}/s), "
        f"flush {flush_s:.1f} s ({report.accepted / flush_s:.0f}/s), accepted {accepted}, "
        f"lost {lost}, duplicates {duplicates}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.backend", description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--outbox-items", type=int, default=10_000)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args(argv)
    print(f"machine: {os.cpu_count()} CPU(s); backend = uvicorn (1 worker) in a separate process on 127.0.0.1")
    with tempfile.TemporaryDirectory(prefix="bench-backend-") as tmp:
        work = Path(tmp)
        bench_database("SQLite", f"sqlite:///{work / 'bench.sqlite3'}", args.requests, args.concurrency)
        if not args.skip_postgres:
            with temporary_postgres(fsync=True) as pg_url:
                bench_database("PostgreSQL", pg_url, args.requests, args.concurrency)
        bench_outbox(work, args.outbox_items)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
