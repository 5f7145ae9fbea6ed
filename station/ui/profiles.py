"""The three desks the station serves; a profile decides what the window puts first."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["PROFILES", "Profile", "ProfileId", "profile"]


class ProfileId(StrEnum):
    COUNTER = "counter"  # bộ phận một cửa
    HOSPITAL = "hospital"  # tiếp đón bệnh viện
    FIELD = "field"  # cán bộ lưu động


@dataclass(frozen=True)
class Profile:
    id: ProfileId
    title: str
    default_form: str | None
    bhyt_first: bool = False
    """Hospital reception: the BHYT check runs as soon as someone is identified, its panel on top."""
    batch: bool = False
    """Field officer: each read goes into a queue; forms are filled and submitted later."""
    auto_open_form: bool = False
    idle_timeout_s: float = 120.0


PROFILES: dict[ProfileId, Profile] = {
    ProfileId.COUNTER: Profile(ProfileId.COUNTER, "Bộ phận một cửa", "ct01"),
    ProfileId.HOSPITAL: Profile(
        ProfileId.HOSPITAL, "Tiếp đón bệnh viện (BHYT)", "tiep-don-bhyt", bhyt_first=True, auto_open_form=True
    ),
    ProfileId.FIELD: Profile(ProfileId.FIELD, "Cán bộ lưu động", "ct01", batch=True, idle_timeout_s=300.0),
}


def profile(name: str | ProfileId) -> Profile:
    """By id ('counter', 'hospital', 'field'); raises ValueError naming the choices."""
    try:
        return PROFILES[ProfileId(name)]
    except ValueError:
        raise ValueError(f"unknown profile {name!r}; choose one of: {', '.join(p.value for p in ProfileId)}") from None
