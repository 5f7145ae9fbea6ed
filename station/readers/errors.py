"""The readers room's exception hierarchy.

Callers catch at the level they care about: ``ReaderError`` for "the reading failed",
or a subclass to act on it (ask for re-insertion, ask for the right key...). Messages are
for logs and carry no personal data; ``clerk_message`` is what the UI shows, in Vietnamese.
"""

from __future__ import annotations


class ReaderError(Exception):
    """Base of everything a card, QR or scanner reading can fail with."""

    clerk_message = "Không đọc được thẻ. Vui lòng thử lại."


class NoReaderError(ReaderError):
    """No PC/SC reader (or not the one asked for) is connected."""

    clerk_message = "Không tìm thấy đầu đọc thẻ. Kiểm tra cáp và dịch vụ đọc thẻ (pcscd)."


class NoCardError(ReaderError):
    """The reader is there but holds no card."""

    clerk_message = "Chưa có thẻ trên đầu đọc. Đặt thẻ CCCD lên đầu đọc."


class CardRemovedError(ReaderError):
    """The card left the field during an exchange; nothing half-read is kept."""

    clerk_message = "Thẻ bị rút ra khi đang đọc. Đặt lại thẻ và giữ yên đến khi đọc xong."


class AccessDeniedError(ReaderError):
    """The chip refused the access key (wrong MRZ data, CAN or number)."""

    clerk_message = (
        "Thẻ từ chối khóa truy cập: số định danh, ngày sinh hoặc ngày hết hạn nhập chưa đúng. "
        "Kiểm tra lại các số trên thẻ."
    )


class AccessKeyMissingError(AccessDeniedError):
    """The card offers only BAC, and BAC needs the date of birth and expiry, which were not given."""

    clerk_message = (
        "Thẻ này chỉ mở bằng BAC: cần nhập thêm ngày sinh và ngày hết hạn của thẻ (hoặc quét mã QR trên thẻ)."
    )


class CardProtocolError(ReaderError):
    """The card answered something the protocol does not allow."""

    clerk_message = "Thẻ trả lời không đúng chuẩn. Đặt lại thẻ; nếu vẫn lỗi, thẻ có thể bị hỏng."


class StatusWordError(CardProtocolError):
    """A command ended with an unexpected ISO 7816 status word."""

    def __init__(self, sw: int, command: str = "") -> None:
        self.sw = sw
        self.command = command
        super().__init__(f"{command or 'command'} answered SW {sw:04X}")


class SecureMessagingError(CardProtocolError):
    """A protected response failed its MAC or was malformed: the session is no longer trusted."""


class MalformedDataError(CardProtocolError):
    """A file's bytes do not parse (truncated or malformed TLV, bad ASN.1...)."""

    def __init__(self, what: str, *, file: str = "", offset: int | None = None) -> None:
        self.file = file
        self.offset = offset
        where = file or "data"
        if offset is not None:
            where += f" at offset {offset}"
        super().__init__(f"{where}: {what}")


class AuthenticationProtocolError(CardProtocolError):
    """An authentication protocol (BAC, PACE, CA, AA) could not be completed for a reason other than a wrong key."""
