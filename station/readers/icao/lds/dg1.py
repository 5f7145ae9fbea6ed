"""DG1: the MRZ as stored in the chip (tag 61 { 5F1F MRZ })."""

from __future__ import annotations

from station.readers.icao.lds.common import DataGroup, dg_tag
from station.readers.icao.tlv import TLV
from station.readers.mrz import TD1, MRZError, parse_td1

__all__ = ["DG1"]

_TD1_LENGTH = 90


class DG1(DataGroup):
    """``mrz`` is the stored text; ``td1`` its parse when it is a TD1 (ID card) MRZ.

    Check digits are not enforced here: ``td1.all_checks_ok`` reports them, and passive
    authentication is what proves the data genuine.
    """

    tag = dg_tag(1)
    label = "DG1"

    mrz: str
    td1: TD1 | None

    def _parse(self, outer: TLV) -> None:
        item = outer.require(0x5F1F, "MRZ")
        try:
            self.mrz = item.value.decode("ascii")
        except UnicodeDecodeError:
            raise self._error("MRZ is not ASCII", item.value_offset) from None
        self.td1 = None
        if len(self.mrz) == _TD1_LENGTH:
            try:
                self.td1 = parse_td1(self.mrz, strict=False)
            except MRZError as exc:
                raise self._error(f"MRZ {exc}", item.value_offset) from None
