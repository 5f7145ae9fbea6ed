"""The submission room's exception hierarchy.

Catch ``SubmitError`` for "submission side failed", or a subclass to act on it. ``clerk_message`` is
the Vietnamese text the UI and CLI show; ``str(exc)`` is for logs and never carries personal data.
"""

from __future__ import annotations

__all__ = [
    "BackendError",
    "BackendRejectedError",
    "BackendUnavailableError",
    "NotConfiguredError",
    "OutboxCorruptError",
    "OutboxError",
    "SubmitError",
]


class SubmitError(Exception):
    clerk_message = "Không gửi được hồ sơ."


class NotConfiguredError(SubmitError):
    """A backend or gateway address/token is missing from settings."""

    clerk_message = "Chưa cấu hình địa chỉ máy chủ hoặc mã truy cập của trạm."


class OutboxError(SubmitError):
    clerk_message = "Lỗi hàng đợi gửi hồ sơ trên máy trạm."


class OutboxCorruptError(OutboxError):
    """An item failed authenticated decryption: wrong key or tampered file."""

    clerk_message = "Không giải mã được hồ sơ trong hàng đợi (sai khóa hoặc tệp bị hỏng)."


class BackendError(SubmitError):
    clerk_message = "Máy chủ thủ tục trả lời lỗi."


class BackendUnavailableError(BackendError):
    """Network down, timeout, 5xx, 429: worth retrying later."""

    clerk_message = "Không kết nối được máy chủ thủ tục; hồ sơ được giữ lại và sẽ gửi lại sau."


class BackendRejectedError(BackendError):
    """4xx that retrying cannot fix (validation, conflict, auth)."""

    clerk_message = "Máy chủ thủ tục từ chối hồ sơ."

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"HTTP {status}: {reason}")
        self.status = status
        self.reason = reason
