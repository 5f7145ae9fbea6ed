"""HTTP client for the procedure backend's submission API.

It sorts every answer into "accepted", "retry later" (:class:`BackendUnavailableError`) or "will never
be accepted as is" (:class:`BackendRejectedError`), because that is the only decision the outbox makes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from station.submit.errors import BackendRejectedError, BackendUnavailableError

__all__ = ["BackendClient", "SubmitReceipt"]

#: answers a later attempt may turn into a success (auth and 404 are configuration, fixable on the station)
_RETRYABLE = {401, 403, 404, 408, 425, 429}


@dataclass(frozen=True)
class SubmitReceipt:
    submission_id: str
    replayed: bool
    body: dict[str, Any]


def _reason(response: httpx.Response) -> str:
    """A short reason from the backend's error body, naming fields but never echoing values."""
    try:
        data = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return f"HTTP {response.status_code}"
    detail = data.get("detail") if isinstance(data, dict) else None
    if isinstance(detail, str):
        return detail
    if isinstance(detail, list):
        parts = []
        for err in detail:
            if isinstance(err, dict):
                loc = ".".join(str(x) for x in err.get("loc", []) if x != "body")
                parts.append(f"{loc}: {err.get('msg', '')}".strip())
        if parts:
            return "; ".join(parts)
    return f"HTTP {response.status_code}"


class BackendClient:
    """One keep-alive connection to the backend; safe to use from one thread at a time."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = 15.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
            transport=transport,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> BackendClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def submit(self, idempotency_key: str, body: Mapping[str, Any]) -> SubmitReceipt:
        try:
            response = self._client.post(
                "/api/v1/submissions", json=dict(body), headers={"Idempotency-Key": idempotency_key}
            )
        except httpx.HTTPError as exc:
            raise BackendUnavailableError(f"network: {type(exc).__name__}") from exc
        status = response.status_code
        if status in (200, 201):
            try:
                data = response.json()
                submission_id = str(data["id"])
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise BackendUnavailableError("backend answered success with an unreadable body") from exc
            return SubmitReceipt(submission_id=submission_id, replayed=status == 200, body=data)
        if status >= 500 or status in _RETRYABLE:
            raise BackendUnavailableError(f"HTTP {status}: {_reason(response)}")
        raise BackendRejectedError(status, _reason(response))

    def get_submission(self, submission_id: str) -> dict[str, Any]:
        try:
            response = self._client.get(f"/api/v1/submissions/{submission_id}")
        except httpx.HTTPError as exc:
            raise BackendUnavailableError(f"network: {type(exc).__name__}") from exc
        if response.status_code != 200:
            raise BackendRejectedError(response.status_code, _reason(response))
        data = response.json()
        assert isinstance(data, dict)
        return data
