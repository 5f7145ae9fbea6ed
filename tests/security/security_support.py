"""Helpers shared by the security tests (kept out of conftest so test modules can import them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from procedure_backend import Database
from procedure_backend.validation import FieldError

INJECTIONS = (
    "'; DROP TABLE submissions; --",
    '" OR "1"="1',
    "x' OR '1'='1' --",
    "1; DELETE FROM api_tokens WHERE 1=1",
    "Nguyễn'); UPDATE submissions SET station='pwned'; --",
    "%' UNION SELECT token_hash, scope FROM api_tokens --",
    "\\x00\\'; SELECT pg_sleep(5); --",
)
"""Classic SQL injection payloads, one with Vietnamese text, one with a LIKE wildcard."""


def accept_all(form_id: str, form_version: str, values: dict[str, Any]) -> list[FieldError]:
    """Let any form through, so injection strings reach the database in every field."""
    return []


@dataclass(frozen=True)
class BackendDb:
    db: Database
    station_token: str
    back_office_token: str
