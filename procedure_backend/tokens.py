"""Per-station API tokens: shown once at creation, stored only as a SHA-256 digest.

A plain (fast) digest is enough here because the tokens are 256-bit random strings, not passwords:
there is nothing to brute-force, and every request can afford the check.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select, update

from procedure_backend.db import Database
from procedure_backend.models import ApiToken

__all__ = ["Principal", "Scope", "TokenStore", "hash_token"]

_PREFIX = "pbt_"


class Scope(StrEnum):
    STATION = "station"  # submits, and reads back its own submissions
    BACK_OFFICE = "back-office"  # reads every station's submissions


@dataclass(frozen=True)
class Principal:
    station: str
    scope: Scope


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokenStore:
    """Creates and checks tokens; remembers good ones briefly so auth is not a query per request."""

    def __init__(self, db: Database, *, cache_ttl: float = 30.0) -> None:
        self._db = db
        self._ttl = cache_ttl
        self._cache: dict[str, tuple[Principal, float]] = {}
        self._lock = threading.Lock()

    def create(self, station: str, scope: Scope = Scope.STATION) -> str:
        token = _PREFIX + secrets.token_urlsafe(32)
        with self._db.sessions.begin() as session:
            session.add(
                ApiToken(
                    station=station, scope=scope.value, token_hash=hash_token(token), created_at=dt.datetime.now(dt.UTC)
                )
            )
        return token

    def revoke_station(self, station: str) -> int:
        with self._db.sessions.begin() as session:
            result = session.execute(
                update(ApiToken)
                .where(ApiToken.station == station, ApiToken.revoked_at.is_(None))
                .values(revoked_at=dt.datetime.now(dt.UTC))
            )
            count: int = result.rowcount  # type: ignore[attr-defined]
        with self._lock:
            self._cache.clear()
        return count

    def verify(self, token: str) -> Principal | None:
        digest = hash_token(token)
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(digest)
            if hit is not None and hit[1] > now:
                return hit[0]
        with self._db.sessions() as session:
            row = session.execute(
                select(ApiToken.station, ApiToken.scope).where(
                    ApiToken.token_hash == digest, ApiToken.revoked_at.is_(None)
                )
            ).first()
        if row is None:
            return None
        principal = Principal(station=row[0], scope=Scope(row[1]))
        with self._lock:
            self._cache[digest] = (principal, now + self._ttl)
        return principal
