"""BER-TLV as used by ISO 7816-4 and the ICAO LDS: multi-byte tags, definite lengths of 1-4 bytes.

Written here rather than taken from asn1crypto's parser because the reader needs two things
it does not give: the absolute offset of every malformation (so a clerk's error report names
where a file broke), and a header-only parse of a file's first bytes to learn its total
length before reading the rest. Values are returned as bytes; ASN.1 semantics stay with
asn1crypto in the LDS modules.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from station.readers.errors import MalformedDataError

__all__ = [
    "TLV",
    "TLVHeader",
    "encode_length",
    "encode_tag",
    "encode_tlv",
    "is_constructed",
    "iter_tlvs",
    "parse_all",
    "read_header",
    "read_tlv",
]

_MAX_TAG_BYTES = 4
_MAX_LENGTH_BYTES = 4


@dataclass(frozen=True, slots=True)
class TLVHeader:
    """Tag and length of one TLV starting at ``offset`` (absolute, in the file)."""

    tag: int
    length: int
    offset: int
    header_length: int

    @property
    def total_length(self) -> int:
        """Header plus value: how many bytes the whole object occupies."""
        return self.header_length + self.length

    @property
    def end(self) -> int:
        return self.offset + self.total_length

    @property
    def constructed(self) -> bool:
        return is_constructed(self.tag)


@dataclass(frozen=True, slots=True)
class TLV:
    """One data object. ``offset`` and ``value_offset`` are absolute positions in the file."""

    tag: int
    value: bytes = field(repr=False)
    offset: int
    value_offset: int
    file: str = field(default="", repr=False)

    @property
    def length(self) -> int:
        return len(self.value)

    @property
    def end(self) -> int:
        return self.value_offset + len(self.value)

    @property
    def constructed(self) -> bool:
        return is_constructed(self.tag)

    def children(self) -> list[TLV]:
        """The data objects inside a constructed value, with absolute offsets."""
        return parse_all(self.value, file=self.file, base=self.value_offset)

    def child(self, tag: int) -> TLV | None:
        """The first child with ``tag``, or None."""
        return next((c for c in self.children() if c.tag == tag), None)

    def require(self, tag: int, what: str = "") -> TLV:
        """The first child with ``tag``; its absence is a :class:`MalformedDataError` at this object."""
        found = self.child(tag)
        if found is None:
            raise MalformedDataError(
                f"{what or 'data object'} (tag {tag:X}) missing in tag {self.tag:X}", file=self.file, offset=self.offset
            )
        return found


def is_constructed(tag: int) -> bool:
    """Bit 6 of the first tag byte."""
    first = tag
    while first > 0xFF:
        first >>= 8
    return bool(first & 0x20)


def read_header(data: bytes, offset: int = 0, *, file: str = "", base: int = 0) -> TLVHeader:
    """Parse the tag and length at ``data[offset:]`` without needing the value.

    ``base`` is added to every reported offset, for data that is a slice of a larger file.
    Raises :class:`MalformedDataError` on a truncated tag or length, an indefinite length
    (0x80, not allowed in DER/LDS) or a length of more than four bytes.
    """
    start = offset
    if offset >= len(data):
        raise MalformedDataError("truncated tag", file=file, offset=base + offset)
    first = data[offset]
    tag = first
    offset += 1
    if first & 0x1F == 0x1F:
        while True:
            if offset >= len(data):
                raise MalformedDataError("truncated tag", file=file, offset=base + offset)
            byte = data[offset]
            tag = (tag << 8) | byte
            offset += 1
            if not byte & 0x80:
                break
            if offset - start >= _MAX_TAG_BYTES:
                raise MalformedDataError("tag longer than 4 bytes", file=file, offset=base + start)
    if offset >= len(data):
        raise MalformedDataError("truncated length", file=file, offset=base + offset)
    length_byte = data[offset]
    length_offset = offset
    offset += 1
    if length_byte < 0x80:
        length = length_byte
    elif length_byte == 0x80:
        raise MalformedDataError("indefinite length is not allowed", file=file, offset=base + length_offset)
    else:
        count = length_byte & 0x7F
        if count > _MAX_LENGTH_BYTES:
            raise MalformedDataError(
                f"length of {count} bytes is not supported", file=file, offset=base + length_offset
            )
        if offset + count > len(data):
            raise MalformedDataError("truncated length", file=file, offset=base + length_offset)
        length = int.from_bytes(data[offset : offset + count], "big")
        offset += count
    return TLVHeader(tag, length, base + start, offset - start)


def read_tlv(data: bytes, offset: int = 0, *, file: str = "", base: int = 0) -> TLV:
    """Parse one complete TLV at ``data[offset:]``; a value running past the data is malformed."""
    header = read_header(data, offset, file=file, base=base)
    value_start = offset + header.header_length
    value_end = value_start + header.length
    if value_end > len(data):
        raise MalformedDataError(
            f"value of tag {header.tag:X} needs {header.length} bytes, only {len(data) - value_start} left",
            file=file,
            offset=base + offset,
        )
    return TLV(header.tag, bytes(data[value_start:value_end]), base + offset, base + value_start, file)


def iter_tlvs(data: bytes, *, file: str = "", base: int = 0) -> Iterator[TLV]:
    """Every TLV in ``data``, one after the other."""
    offset = 0
    while offset < len(data):
        item = read_tlv(data, offset, file=file, base=base)
        yield item
        offset = item.end - base


def parse_all(data: bytes, *, file: str = "", base: int = 0) -> list[TLV]:
    return list(iter_tlvs(data, file=file, base=base))


def encode_tag(tag: int) -> bytes:
    if tag < 0:
        raise ValueError("negative tag")
    return tag.to_bytes(max(1, (tag.bit_length() + 7) // 8), "big")


def encode_length(length: int) -> bytes:
    """DER definite length: short form below 128, else 0x81-0x84 and the length bytes."""
    if length < 0:
        raise ValueError("negative length")
    if length < 0x80:
        return bytes((length,))
    size = (length.bit_length() + 7) // 8
    if size > _MAX_LENGTH_BYTES:
        raise ValueError("length needs more than 4 bytes")
    return bytes((0x80 | size,)) + length.to_bytes(size, "big")


def encode_tlv(tag: int, value: bytes) -> bytes:
    return encode_tag(tag) + encode_length(len(value)) + value
