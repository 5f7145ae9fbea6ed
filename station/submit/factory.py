"""Builds the submission objects from station settings, so the CLI and the UI wire them the same way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from station.config import StationSettings
from station.submit.bhyt import BhxhGatewayClient
from station.submit.client import BackendClient
from station.submit.errors import NotConfiguredError
from station.submit.outbox import Outbox
from station.submit.sender import OutboxSender

__all__ = ["backend_client", "gateway_client", "make_sender", "open_outbox", "submission_body"]


def open_outbox(settings: StationSettings, *, use_keyring: bool = True) -> Outbox:
    return Outbox(settings.resolved_outbox_path, use_keyring=use_keyring)


def backend_client(settings: StationSettings) -> BackendClient:
    if not settings.backend_url or not settings.backend_token:
        raise NotConfiguredError("backend URL or token missing (STATION_BACKEND_URL / STATION_BACKEND_TOKEN)")
    return BackendClient(settings.backend_url, settings.backend_token, timeout=settings.backend_timeout_s)


def make_sender(settings: StationSettings, outbox: Outbox, client: BackendClient | None = None) -> OutboxSender:
    """The sender the UI starts in the background (``sender.start()``) and ``station outbox flush`` runs once."""
    return OutboxSender(
        outbox,
        client or backend_client(settings),
        retention=dt.timedelta(days=settings.retention_days),
    )


def gateway_client(settings: StationSettings) -> BhxhGatewayClient:
    missing = [
        name
        for name in ("bhxh_url", "bhxh_username", "bhxh_password", "bhxh_officer_name", "bhxh_officer_id")
        if not getattr(settings, name)
    ]
    if missing:
        raise NotConfiguredError("BHXH gateway settings missing: " + ", ".join(missing))
    assert settings.bhxh_url and settings.bhxh_username and settings.bhxh_password
    assert settings.bhxh_officer_name and settings.bhxh_officer_id
    return BhxhGatewayClient(
        settings.bhxh_url,
        settings.bhxh_username,
        settings.bhxh_password,
        officer_name=settings.bhxh_officer_name,
        officer_id=settings.bhxh_officer_id,
        timeout=settings.bhxh_timeout_s,
    )


def submission_body(filled: Mapping[str, Any]) -> dict[str, Any]:
    """What the backend stores from a ``FilledForm.to_json_dict()``: ids, values, provenance (not the issues)."""
    for key in ("form_id", "form_version", "values"):
        if key not in filled:
            raise ValueError(f"filled form JSON lacks {key!r}")
    if not isinstance(filled["values"], dict):
        raise ValueError("filled form 'values' is not an object")
    return {
        "form_id": str(filled["form_id"]),
        "form_version": str(filled["form_version"]),
        "values": dict(filled["values"]),
        "provenance": dict(filled.get("provenance") or {}),
    }
