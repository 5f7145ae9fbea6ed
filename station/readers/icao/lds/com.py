"""EF.COM: LDS version and the list of data groups present (ICAO 9303-10 §4.6.1)."""

from __future__ import annotations

from station.readers.icao.lds.common import EF_COM_TAG, DataGroup, dg_number_for_tag
from station.readers.icao.tlv import TLV

__all__ = ["EFCom"]


def _dotted(value: bytes, width: int) -> str:
    """'0107' → '1.7', '040000' → '4.0.0': two-digit groups, leading zeros dropped."""
    text = value.decode("ascii")
    return ".".join(str(int(text[i : i + width])) for i in range(0, len(text), width))


class EFCom(DataGroup):
    """``tags`` keeps every tag listed (unknown ones too); ``data_groups`` the known DG numbers."""

    tag = EF_COM_TAG
    label = "EF.COM"

    lds_version: str
    unicode_version: str
    tags: tuple[int, ...]
    data_groups: tuple[int, ...]

    def _parse(self, outer: TLV) -> None:
        version = outer.require(0x5F01, "LDS version")
        unicode = outer.require(0x5F36, "Unicode version")
        tag_list = outer.require(0x5C, "tag list")
        for item, size in ((version, 4), (unicode, 6)):
            if len(item.value) != size or not item.value.isdigit():
                raise self._error(f"version {item.value!r} is not {size} digits", item.offset)
        self.lds_version = _dotted(version.value, 2)
        self.unicode_version = _dotted(unicode.value, 2)
        self.tags = tuple(tag_list.value)
        numbers = (dg_number_for_tag(t) for t in self.tags)
        self.data_groups = tuple(n for n in numbers if n is not None)
