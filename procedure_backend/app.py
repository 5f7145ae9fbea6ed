"""The HTTP API: idempotent submission intake, read-back, a back-office list, health.

Idempotency: the station's outbox item id is the ``Idempotency-Key``. The first request with a key
stores the submission (201); the same key with the same body gets the same answer again (200) — that is
how a station that crashed between "sent" and "marked sent" learns its item is in; the same key with a
different body is a client bug and gets 409. The insert is attempted first and a unique-key violation
turns into the replay, so two racing deliveries of one item still make exactly one row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import uuid
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from procedure_backend.db import Database
from procedure_backend.limits import BodySizeLimit, FailedAuthLimiter
from procedure_backend.models import Submission
from procedure_backend.tokens import Principal, Scope, TokenStore
from procedure_backend.validation import FieldError, validate_submission

__all__ = ["API_PREFIX", "SubmissionIn", "create_app"]

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"

Validator = Callable[[str, str, dict[str, Any]], list[FieldError]]

DEFAULT_MAX_BODY_BYTES = 1_000_000
"""A filled form is a few kB; a megabyte leaves room for long free-text fields and nothing else."""


class SubmissionIn(BaseModel):
    """What a station sends: the filled form as ``station forms fill --json`` printed it (extra keys ignored)."""

    model_config = ConfigDict(extra="ignore")

    form_id: str = Field(min_length=1, max_length=100)
    form_version: str = Field(min_length=1, max_length=50)
    values: dict[str, Any]
    provenance: dict[str, Any] = Field(default_factory=dict)

    def canonical_sha256(self) -> str:
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


async def _principal(request: Request, authorization: Annotated[str | None, Header()] = None) -> Principal:
    """Async so the (cached) token check costs no threadpool hop; a cache miss is one short indexed read."""
    if authorization is None or not authorization.lower().startswith("bearer "):
        raise HTTPException(401, "Thiếu mã truy cập (Authorization: Bearer ...).", {"WWW-Authenticate": "Bearer"})
    limiter: FailedAuthLimiter = request.app.state.auth_limiter
    client = request.client.host if request.client is not None else "?"
    wait = limiter.retry_after(client)
    if wait is not None:
        raise HTTPException(429, "Sai mã truy cập quá nhiều lần. Vui lòng thử lại sau.", {"Retry-After": str(wait)})
    tokens: TokenStore = request.app.state.tokens
    found = tokens.verify(authorization[7:].strip())
    if found is None:
        limiter.record_failure(client)
        log.warning("rejected API token from %s", client)
        raise HTTPException(401, "Mã truy cập không hợp lệ hoặc đã bị thu hồi.", {"WWW-Authenticate": "Bearer"})
    return found


Auth = Annotated[Principal, Depends(_principal)]


def _receipt(row: Submission) -> dict[str, Any]:
    return {
        "id": row.id,
        "idempotency_key": row.idempotency_key,
        "station": row.station,
        "form_id": row.form_id,
        "form_version": row.form_version,
        "status": "received",
        "received_at": row.received_at.isoformat(),
    }


def _columns(row: Submission) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in Submission.__table__.columns}


def _full(row: Submission) -> dict[str, Any]:
    return {**_receipt(row), "values": row.values, "provenance": row.provenance}


def create_app(
    db: Database,
    *,
    token_cache_ttl: float = 30.0,
    validator: Validator | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    auth_limiter: FailedAuthLimiter | None = None,
) -> FastAPI:
    """The ASGI app over ``db`` (whose schema must already be migrated: see ``Database.upgrade``).

    ``validator`` defaults to the station's own form definitions (``station.forms``). Bodies over
    ``max_body_bytes`` get 413; ``auth_limiter`` (default: 20 bad tokens a minute per address) 429.
    """
    check_values: Validator = validator or validate_submission
    tokens = TokenStore(db, cache_ttl=token_cache_ttl)
    app = FastAPI(
        title="Procedure backend",
        version="1.0.0",
        description="Nhận hồ sơ thủ tục hành chính từ các trạm CCCD (gửi lặp lại an toàn nhờ Idempotency-Key).",
    )
    app.state.db = db
    app.state.tokens = tokens
    app.state.auth_limiter = auth_limiter or FailedAuthLimiter()
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        with db.engine.connect() as conn:
            conn.execute(select(1))
        return {"status": "ok", "database": db.engine.dialect.name}

    @app.post(f"{API_PREFIX}/submissions", status_code=201, responses={200: {}, 409: {}, 422: {}})
    def create_submission(
        body: SubmissionIn,
        who: Auth,
        idempotency_key: Annotated[str, Header(alias="Idempotency-Key", min_length=1, max_length=200)],
    ) -> JSONResponse:
        if who.scope is not Scope.STATION:
            raise HTTPException(403, "Mã truy cập này không được phép gửi hồ sơ.")
        digest = body.canonical_sha256()

        def replay() -> JSONResponse | None:
            with db.sessions() as session:
                existing = session.execute(
                    select(Submission).where(Submission.idempotency_key == idempotency_key)
                ).scalar_one_or_none()
            if existing is None:
                return None
            if existing.body_sha256 != digest or existing.station != who.station:
                raise HTTPException(409, "Idempotency-Key đã được dùng cho một hồ sơ khác.")
            return JSONResponse(_receipt(existing), status_code=200)

        errors = check_values(body.form_id, body.form_version, body.values)
        if errors:
            # a replayed or conflicting key says so even if the body no longer validates
            answer = replay()
            if answer is not None:
                return answer
            return JSONResponse({"detail": [e.to_json() for e in errors]}, status_code=422)
        row = Submission(
            id=str(uuid.uuid4()),
            idempotency_key=idempotency_key,
            station=who.station,
            form_id=body.form_id,
            form_version=body.form_version,
            values=body.values,
            provenance=body.provenance,
            body_sha256=digest,
            received_at=dt.datetime.now(dt.UTC),
        )
        try:
            # insert first: the common case (a new key) costs one statement; a duplicate key falls to replay
            with db.engine.begin() as conn:
                conn.execute(insert(Submission), [_columns(row)])
        except IntegrityError:
            answer = replay()
            if answer is None:
                raise
            return answer
        return JSONResponse(_receipt(row), status_code=201)

    @app.get(f"{API_PREFIX}/submissions/{{submission_id}}")
    def get_submission(submission_id: str, who: Auth) -> dict[str, Any]:
        with db.sessions() as session:
            row = session.get(Submission, submission_id)
        if row is None or (who.scope is Scope.STATION and row.station != who.station):
            raise HTTPException(404, "Không tìm thấy hồ sơ.")
        return _full(row)

    @app.get(f"{API_PREFIX}/submissions")
    def list_submissions(
        who: Auth,
        station: str | None = None,
        form_id: str | None = None,
        received_from: dt.datetime | None = None,
        received_to: dt.datetime | None = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,  # bounded: an unbounded int overflows SQL integers (500)
    ) -> dict[str, Any]:
        """Newest first. A station token sees only its own station, whatever ``station`` says."""
        conditions = []
        if who.scope is Scope.STATION:
            conditions.append(Submission.station == who.station)
        elif station is not None:
            conditions.append(Submission.station == station)
        if form_id is not None:
            conditions.append(Submission.form_id == form_id)
        if received_from is not None:
            conditions.append(Submission.received_at >= received_from)
        if received_to is not None:
            conditions.append(Submission.received_at < received_to)
        with db.sessions() as session:
            total = session.execute(select(func.count()).select_from(Submission).where(*conditions)).scalar_one()
            rows = (
                session.execute(
                    select(Submission)
                    .where(*conditions)
                    .order_by(Submission.received_at.desc(), Submission.id)
                    .limit(limit)
                    .offset(offset)
                )
                .scalars()
                .all()
            )
        return {"total": total, "limit": limit, "offset": offset, "items": [_receipt(r) for r in rows]}

    @app.exception_handler(HTTPException)
    def _http_error(_request: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    return app
