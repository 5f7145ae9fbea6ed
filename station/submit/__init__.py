"""Submission side of the station: durable encrypted outbox, backend client and sender, BHYT check.

Typical use (the UI)::

    settings = load_settings()
    outbox = open_outbox(settings)
    sender = make_sender(settings, outbox)
    sender.start()                       # background thread, exponential backoff with jitter
    outbox.enqueue(submission_body(filled.to_json_dict()), form_id=filled.form_id)
    sender.wake()
"""

from __future__ import annotations

from station.submit.bhyt import (
    BhxhGatewayClient,
    BhytCheckResult,
    BhytInputError,
    CardCode,
    NewCard,
    parse_card_code,
)
from station.submit.bhyt_codes import RESULT_CODES, BhytVerdict, ResultCode
from station.submit.client import BackendClient, SubmitReceipt
from station.submit.errors import (
    BackendError,
    BackendRejectedError,
    BackendUnavailableError,
    NotConfiguredError,
    OutboxCorruptError,
    OutboxError,
    SubmitError,
)
from station.submit.factory import backend_client, gateway_client, make_sender, open_outbox, submission_body
from station.submit.outbox import Outbox, OutboxItem, OutboxState
from station.submit.sender import FlushReport, OutboxSender

__all__ = [
    "RESULT_CODES",
    "BackendClient",
    "BackendError",
    "BackendRejectedError",
    "BackendUnavailableError",
    "BhxhGatewayClient",
    "BhytCheckResult",
    "BhytInputError",
    "BhytVerdict",
    "CardCode",
    "FlushReport",
    "NewCard",
    "NotConfiguredError",
    "Outbox",
    "OutboxCorruptError",
    "OutboxError",
    "OutboxItem",
    "OutboxSender",
    "OutboxState",
    "ResultCode",
    "SubmitError",
    "SubmitReceipt",
    "backend_client",
    "gateway_client",
    "make_sender",
    "open_outbox",
    "parse_card_code",
    "submission_body",
]
