"""Settings precedence: explicit > environment > config file > defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from station.config import ConfigError, config_file_path, load_settings


def test_defaults_without_file(tmp_path: Path) -> None:
    s = load_settings({"STATION_CONFIG": str(tmp_path / "none.toml")})
    assert s.backend_url is None and s.retention_days == 30
    assert s.resolved_outbox_path.name == "outbox.sqlite3"


def test_file_then_env_then_overrides(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('backend_url = "http://file"\nbackend_token = "t-file"\nretention_days = 7\n', encoding="utf-8")
    env = {"STATION_CONFIG": str(cfg)}
    s = load_settings(env)
    assert (s.backend_url, s.backend_token, s.retention_days) == ("http://file", "t-file", 7)
    env["STATION_BACKEND_URL"] = "http://env"
    env["STATION_DATA_DIR"] = str(tmp_path / "data")
    s = load_settings(env)
    assert s.backend_url == "http://env" and s.backend_token == "t-file"
    assert s.resolved_outbox_path == tmp_path / "data" / "outbox.sqlite3"
    s = load_settings(env, backend_url="http://flag", backend_token=None)
    assert s.backend_url == "http://flag" and s.backend_token == "t-file"


def test_config_path_override() -> None:
    assert config_file_path({"STATION_CONFIG": "/x/y.toml"}) == Path("/x/y.toml")


@pytest.mark.parametrize("content", ['retention_days = "soon"', "not toml [", "unknown_key = 1"])
def test_bad_config_is_reported(tmp_path: Path, content: str) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError):
        load_settings({"STATION_CONFIG": str(cfg)})
