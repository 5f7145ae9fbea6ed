"""Station settings: environment first, then the TOML config file, then defaults.

Environment wins so a test or a one-off run can point the station elsewhere without editing the
clerk's config file. The file lives in the user config dir (``STATION_CONFIG`` overrides the path);
its keys are the field names below, flat, e.g. ``backend_url = "https://..."``.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = ["APP_NAME", "ConfigError", "StationSettings", "config_file_path", "load_settings"]

APP_NAME = "cccd-station"

#: environment variable -> settings field
_ENV_MAP: dict[str, str] = {
    "STATION_BACKEND_URL": "backend_url",
    "STATION_BACKEND_TOKEN": "backend_token",
    "STATION_BHXH_URL": "bhxh_url",
    "STATION_BHXH_USERNAME": "bhxh_username",
    "STATION_BHXH_PASSWORD": "bhxh_password",
    "STATION_BHXH_OFFICER_NAME": "bhxh_officer_name",
    "STATION_BHXH_OFFICER_ID": "bhxh_officer_id",
    "STATION_DATA_DIR": "data_dir",
    "STATION_OUTBOX_PATH": "outbox_path",
    "STATION_RETENTION_DAYS": "retention_days",
}


class ConfigError(ValueError):
    """The config file or an environment variable holds something unusable."""


class StationSettings(BaseModel):
    """Everything the submission side of a station needs to know about its surroundings."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    backend_url: str | None = None
    backend_token: str | None = None
    bhxh_url: str | None = None
    bhxh_username: str | None = None
    bhxh_password: str | None = None
    #: the officer doing the look-up: the 2024 gateway call requires name and CCCD number
    bhxh_officer_name: str | None = None
    bhxh_officer_id: str | None = None
    data_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_data_dir(APP_NAME)))
    outbox_path: Path | None = None
    #: days an accepted submission's personal data stays in the outbox before it is purged
    retention_days: float = Field(default=30.0, ge=0)
    bhxh_timeout_s: float = Field(default=10.0, gt=0)
    backend_timeout_s: float = Field(default=15.0, gt=0)

    @property
    def resolved_outbox_path(self) -> Path:
        return self.outbox_path if self.outbox_path is not None else self.data_dir / "outbox.sqlite3"


def config_file_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    override = env.get("STATION_CONFIG")
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def _read_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"Không đọc được tệp cấu hình {path}: {exc}") from exc
    return data


def load_settings(env: Mapping[str, str] | None = None, **overrides: Any) -> StationSettings:
    """Merge defaults < config file < environment < explicit overrides (e.g. CLI flags).

    Overrides whose value is ``None`` are ignored, so a CLI can pass its optional flags as they are.
    """
    env = os.environ if env is None else env
    merged: dict[str, Any] = dict(_read_file(config_file_path(env)))
    for var, field in _ENV_MAP.items():
        value = env.get(var)
        if value:
            merged[field] = value
    merged.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return StationSettings.model_validate(merged)
    except ValidationError as exc:
        names = ", ".join(str(err["loc"][0]) for err in exc.errors() if err["loc"])
        raise ConfigError(f"Cấu hình trạm không hợp lệ ở: {names}") from exc
