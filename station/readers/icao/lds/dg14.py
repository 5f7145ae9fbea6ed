"""DG14: the SecurityInfos for chip authentication (and the AA signature algorithm), tag 6E."""

from __future__ import annotations

from dataclasses import dataclass

from station.readers.errors import MalformedDataError
from station.readers.icao.security_infos import (
    ActiveAuthenticationInfo,
    ChipAuthenticationInfo,
    ChipAuthenticationPublicKeyInfo,
    PaceInfo,
    SecurityInfos,
    SecurityInfosSpec,
    security_infos_from_asn1,
)

__all__ = ["DG14", "DG14Spec", "parse_dg14"]


class DG14Spec(SecurityInfosSpec):  # type: ignore[misc]  # asn1crypto is untyped
    """[APPLICATION 14] SecurityInfos."""

    explicit = ((1, 14),)


@dataclass(frozen=True, slots=True)
class DG14:
    security_infos: SecurityInfos
    raw: bytes

    @property
    def chip_authentication_infos(self) -> list[ChipAuthenticationInfo]:
        return self.security_infos.chip_authentication_infos

    @property
    def chip_authentication_public_keys(self) -> list[ChipAuthenticationPublicKeyInfo]:
        return self.security_infos.chip_authentication_public_keys

    @property
    def active_authentication_info(self) -> ActiveAuthenticationInfo | None:
        return self.security_infos.active_authentication_info

    @property
    def pace_infos(self) -> list[PaceInfo]:
        return self.security_infos.pace_infos


def parse_dg14(data: bytes) -> DG14:
    try:
        outer = DG14Spec.load(data, strict=True)
        _ = len(outer)  # asn1crypto parses lazily: fail here on a broken SET
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError) as exc:  # asn1crypto
        raise MalformedDataError(f"not a DG14 (6E SecurityInfos): {exc}", file="DG14") from exc
    return DG14(security_infos_from_asn1(outer, file="DG14"), bytes(data))
