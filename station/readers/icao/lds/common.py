"""What every LDS elementary file shares: an outer application tag, checked before anything else."""

from __future__ import annotations

from typing import ClassVar, Self

from station.readers.errors import MalformedDataError
from station.readers.icao.tlv import TLV, read_tlv

__all__ = [
    "DG_TAGS",
    "EF_COM_TAG",
    "EF_SOD_TAG",
    "DataGroup",
    "dg_number_for_tag",
    "dg_tag",
    "read_outer",
]

EF_COM_TAG = 0x60
EF_SOD_TAG = 0x77
# ICAO 9303-10 table 34: data group number → tag of its file.
DG_TAGS: dict[int, int] = {
    1: 0x61,
    2: 0x75,
    3: 0x63,
    4: 0x76,
    5: 0x65,
    6: 0x66,
    7: 0x67,
    8: 0x68,
    9: 0x69,
    10: 0x6A,
    11: 0x6B,
    12: 0x6C,
    13: 0x6D,
    14: 0x6E,
    15: 0x6F,
    16: 0x70,
}
_NUMBER_BY_TAG = {tag: number for number, tag in DG_TAGS.items()}


def dg_tag(number: int) -> int:
    return DG_TAGS[number]


def dg_number_for_tag(tag: int) -> int | None:
    return _NUMBER_BY_TAG.get(tag)


def read_outer(raw: bytes, tag: int, label: str) -> TLV:
    """Parse the file's single outer TLV and check its tag.

    Trailing 00/FF bytes (erased flash after the object) are tolerated; other trailing bytes
    are not, since they would sit outside what the SOD hash is meant to describe.
    """
    outer = read_tlv(raw, file=label)
    if outer.tag != tag:
        raise MalformedDataError(f"starts with tag {outer.tag:X}, expected {tag:X}", file=label, offset=0)
    rest = raw[outer.end :]
    if rest.strip(b"\x00\xff"):
        raise MalformedDataError("data after the end of the file's object", file=label, offset=outer.end)
    return outer


class DataGroup:
    """Base of the parsed LDS files: keeps the raw bytes (for hashing) and checks the outer tag."""

    tag: ClassVar[int]
    label: ClassVar[str]

    def __init__(self, raw: bytes) -> None:
        self.raw = bytes(raw)
        self._parse(read_outer(self.raw, self.tag, self.label))

    @classmethod
    def from_bytes(cls, raw: bytes) -> Self:
        return cls(raw)

    def _parse(self, outer: TLV) -> None:  # overridden by each data group
        """Parse the content of the outer object."""

    def _error(self, what: str, offset: int | None) -> MalformedDataError:
        return MalformedDataError(what, file=self.label, offset=offset)
